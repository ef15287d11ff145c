import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for faking Meta's Graph API and Paystack in tests: real sockets, real
/// keep-alive, so libcurl in the sender is exercised as in production. One thread per connection.
public final class StubHTTPServer: @unchecked Sendable {
    public struct RecordedRequest: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: [UInt8]

        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body)) }
    }

    public struct StubResponse: Sendable {
        public var status: Int
        public var body: [UInt8]
        public var contentType: String
        /// Sleep before answering, to imitate a slow upstream.
        public var delaySeconds: Double

        public init(status: Int, body: String, contentType: String = "application/json", delaySeconds: Double = 0) {
            self.init(status: status, bytes: Array(body.utf8), contentType: contentType, delaySeconds: delaySeconds)
        }

        /// Any bytes: a picture, for `menu check`.
        public init(status: Int, bytes: [UInt8], contentType: String, delaySeconds: Double = 0) {
            self.status = status
            self.body = bytes
            self.contentType = contentType
            self.delaySeconds = delaySeconds
        }
    }

    public let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var recorded: [RecordedRequest] = []
    private var handler: @Sendable (RecordedRequest, Int) -> StubResponse
    private var stopped = false

    /// `handler` gets each request and its 0-based sequence number among all requests.
    public init(handler: @escaping @Sendable (RecordedRequest, Int) -> StubResponse) throws {
        self.handler = handler
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw StubError("socket failed") }
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
            close(listener)
            throw StubError("bind/listen failed: errno \(errno)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: actual.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public var requests: [RecordedRequest] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    public func setHandler(_ handler: @escaping @Sendable (RecordedRequest, Int) -> StubResponse) {
        lock.lock()
        self.handler = handler
        lock.unlock()
    }

    public func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        // NB: only wake the accept loop here; it closes the socket itself. Closing it from this thread would free
        // the descriptor while the loop may still call accept() on it, and the number is soon reused, often by the
        // next test's stub: the old loop would then answer that stub's requests with the old handler.
        if !wasStopped { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    /// Waits until `count` requests arrived or `timeout` passed; returns what arrived.
    @discardableResult
    public func waitForRequests(_ count: Int, timeout: Double = 10) -> [RecordedRequest] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let current = requests
            if current.count >= count { return current }
            usleep(20_000)
        }
        return requests
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            lock.lock()
            let done = stopped
            lock.unlock()
            if done {
                if client >= 0 { close(client) }
                close(listener)
                return
            }
            if client < 0 {
                if errno == EBADF { return }
                continue
            }
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var buffer: [UInt8] = []
        while true {
            guard let (request, rest) = readRequest(client, buffer: buffer) else { return }
            buffer = rest
            lock.lock()
            let sequence = recorded.count
            recorded.append(request)
            let handler = self.handler
            lock.unlock()
            let response = handler(request, sequence)
            if response.delaySeconds > 0 { usleep(UInt32(response.delaySeconds * 1_000_000)) }
            var head = "HTTP/1.1 \(response.status) Stub\r\nContent-Type: \(response.contentType)\r\n"
            head += "Content-Length: \(response.body.count)\r\n\r\n"
            let bytes = Array(head.utf8) + response.body
            var sent = 0
            while sent < bytes.count {
                let wrote = bytes[sent...].withUnsafeBytes {
                    send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if wrote <= 0 { return }
                sent += wrote
            }
            if request.header("connection")?.lowercased() == "close" { return }
        }
    }

    private func readRequest(_ client: Int32, buffer initial: [UInt8]) -> (RecordedRequest, [UInt8])? {
        var buffer = initial
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        var chunk = [UInt8](repeating: 0, count: 65536)
        while headerEnd == nil {
            if let range = firstRange(of: separator, in: buffer) {
                headerEnd = range
                break
            }
            let got = recv(client, &chunk, chunk.count, 0)
            if got <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<got])
        }
        guard let end = headerEnd else { return nil }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Array(buffer[(end + 4)...])
        while body.count < length {
            let got = recv(client, &chunk, chunk.count, 0)
            if got <= 0 { return nil }
            body.append(contentsOf: chunk[0..<got])
        }
        let rest = Array(body[length...])
        body = Array(body[0..<length])
        let request = RecordedRequest(
            method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
        return (request, rest)
    }

    private func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }
}

public struct StubError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Meta's Graph API `/messages` endpoint as a stub: it checks nothing itself (tests assert on what it recorded)
/// and answers in Meta's wire format. `script` decides per request; the default accepts everything.
public enum GraphStub {
    public static func accepted(wamid: String) -> StubHTTPServer.StubResponse {
        .init(
            status: 200,
            body:
                #"{"messaging_product":"whatsapp","contacts":[{"input":"+0","wa_id":"0"}],"messages":[{"id":"\#(wamid)"}]}"#
        )
    }

    public static func error(status: Int, code: Int, title: String, fbtraceID: String = "AbCdEfGh123")
        -> StubHTTPServer.StubResponse
    {
        .init(
            status: status,
            body: #"""
                {"error":{"message":"(#\#(code)) \#(title)","type":"OAuthException","code":\#(code),"error_data":{"messaging_product":"whatsapp","details":"\#(title)"},"fbtrace_id":"\#(fbtraceID)"}}
                """#)
    }

    /// A server that accepts every send with wamids `wamid.STUB<n>`, and (under any path ending in
    /// `/transaction/initialize`) answers like Paystack with checkout `https://checkout.paystack.com/stub<n>`.
    /// `verify` answers `GET …/transaction/verify/{reference}` (the reference is passed decoded); by default Paystack's
    /// "not found".
    public static func start(
        verify: @escaping @Sendable (String) -> StubHTTPServer.StubResponse = { _ in PaystackStub.notFound() }
    ) throws -> StubHTTPServer {
        try StubHTTPServer { request, sequence in
            if request.path.hasSuffix("/transaction/initialize") { return PaystackStub.initialized(sequence) }
            if request.path.hasSuffix("/refund") { return PaystackStub.refundQueued(request, id: sequence) }
            if let range = request.path.range(of: "/transaction/verify/") {
                let reference = String(request.path[range.upperBound...])
                return verify(reference.removingPercentEncoding ?? reference)
            }
            return accepted(wamid: "wamid.STUB\(sequence)")
        }
    }
}

/// Paystack's answers, in its wire format (apis.md B1).
public enum PaystackStub {
    public static func initialized(_ sequence: Int) -> StubHTTPServer.StubResponse {
        .init(
            status: 200,
            body: #"""
                {"status":true,"message":"Authorization URL created","data":{"authorization_url":"https://checkout.paystack.com/stub\#(sequence)","access_code":"stub\#(sequence)","reference":"ref"}}
                """#)
    }

    public static func refused(status: Int = 400, message: String = "Duplicate Transaction Reference")
        -> StubHTTPServer.StubResponse
    {
        .init(
            status: status,
            body: #"{"status":false,"message":"\#(message)","type":"validation_error","code":"duplicate_reference"}"#)
    }

    /// `GET /transaction/verify/{reference}` for a payment in `status` (Paystack answers 200 whatever the status).
    public static func verified(reference: String, amount: Int, status: String = "success")
        -> StubHTTPServer.StubResponse
    {
        .init(
            status: 200,
            body: String(
                decoding: PaystackEvents.verifyResponse(reference: reference, amount: amount, status: status),
                as: UTF8.self))
    }

    /// `POST /refund` accepted, as Paystack's refund docs show it: the refund `pending`, with the transaction it
    /// comes from. The amount is the request's (without one, Paystack refunds the whole transaction: 500000 here).
    public static func refundQueued(_ request: StubHTTPServer.RecordedRequest, id: Int) -> StubHTTPServer.StubResponse {
        let json = request.json as? [String: Any]
        let reference = json?["transaction"] as? String ?? "unknown"
        let amount = json?["amount"] as? Int ?? 500_000
        return .init(
            status: 200,
            body: #"""
                {"status":true,"message":"Refund has been queued for processing","data":{"transaction":{"id":1004723697,"domain":"test","reference":"\#(reference)","amount":500000,"paid_at":"2026-11-26T10:10:19.000Z","channel":"card","currency":"NGN","authorization":{"exp_month":null,"exp_year":null,"account_name":null},"customer":{"international_format_phone":null},"plan":{},"subaccount":{"currency":null},"split":{},"order_id":null,"paidAt":"2026-11-26T10:10:19.000Z","pos_transaction_data":null,"source":null,"fees_breakdown":null},"integration":463433,"deducted_amount":0,"channel":null,"merchant_note":"refund","customer_note":"Refund for transaction \#(reference)","status":"pending","refunded_by":"staff@example.com","expected_at":"2026-12-07T10:10:19.000Z","currency":"NGN","domain":"test","amount":\#(amount),"fully_deducted":false,"id":\#(3_018_284 + id),"createdAt":"2026-11-26T11:00:00.000Z","updatedAt":"2026-11-26T11:00:00.000Z"}}
                """#)
    }

    /// `POST /refund` refused: more than the transaction holds (Paystack's 400 with `status: false`).
    public static func refundRefused(message: String = "Refund amount cannot be greater than transaction amount")
        -> StubHTTPServer.StubResponse
    {
        .init(
            status: 400,
            body: #"""
                {"status":false,"message":"\#(message)","meta":{"nextStep":"Try again later"},"type":"validation_error","code":"invalid_params"}
                """#)
    }

    public static func notFound() -> StubHTTPServer.StubResponse {
        .init(
            status: 400,
            body: #"{"status":false,"message":"Transaction reference not found","type":"validation_error"}"#)
    }
}
