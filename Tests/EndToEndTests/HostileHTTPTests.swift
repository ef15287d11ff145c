import CurlHTTP
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing
import WhatsApp

#if canImport(Glibc)
    import Glibc
#endif

/// Requests a careless or hostile client sends, through the real nginx in both modes (issue "Hardening", item 2).
/// Each gets a deliberate status; after each, the processes serving requests are the ones that served the first (a
/// crashed FastCGI worker is replaced by multiwatch under a new pid), nginx logged no crash, and an ordinary customer
/// still gets a 200 and exactly one reply.
@Suite(.serialized) struct HostileHTTPTests {
    static func makeStack(_ mode: Stack.Mode) throws -> Stack { try Stack.standard(mode) }

    // MARK: - Oversized bodies

    @Test(arguments: Stack.Mode.allCases)
    func oversizedBodiesAreRefusedBeforeAnythingIsStored(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let watch = try Watch(stack)

        // Over Meta's 3 MiB, under nginx's 4 MiB: nginx passes it on and the handler refuses it with its own answer.
        let large = [UInt8](repeating: UInt8(ascii: " "), count: 3 * 1024 * 1024 + 1)
        let ours = try RawConnection(port: stack.port)
        ours.send(postHead(signed: large, length: large.count) + large)
        let refused = try #require(ours.readResponse())
        #expect(refused.status == 413)
        #expect(refused.text == "body too large\n")
        try watch.expectStillServing(after: "a body over 3 MiB")

        // The same size chunked: nginx counts the chunks against its own limit, then hands over a length.
        let chunkedLarge = try RawConnection(port: stack.port)
        chunkedLarge.send(postHead(signed: large, length: nil, extra: ["Transfer-Encoding: chunked"]))
        chunkedLarge.send(chunked(large, pieces: 3))
        let refusedChunked = try #require(chunkedLarge.readResponse())
        #expect(refusedChunked.status == 413)
        #expect(refusedChunked.text == "body too large\n")
        try watch.expectStillServing(after: "a chunked body over 3 MiB")

        // Over nginx's client_max_body_size: nginx answers from the header alone, before any of the body is sent.
        let huge = try RawConnection(port: stack.port)
        huge.send(postHead(signed: [], length: 5 * 1024 * 1024))
        let tooLarge = try #require(huge.readResponse(timeout: 5))
        #expect(tooLarge.status == 413)
        #expect(tooLarge.text.contains("<center>nginx</center>"))
        try watch.expectStillServing(after: "a Content-Length over 4 MiB")

        // …and for a chunked body as soon as a chunk's size line crosses it.
        let hugeChunk = try RawConnection(port: stack.port)
        hugeChunk.send(postHead(signed: [], length: nil, extra: ["Transfer-Encoding: chunked"]))
        hugeChunk.send(Array("\(String(4 * 1024 * 1024 + 1, radix: 16))\r\n".utf8) + large.prefix(65536))
        let tooLargeChunk = try #require(hugeChunk.readResponse(timeout: 5))
        #expect(tooLargeChunk.status == 413)
        #expect(tooLargeChunk.text.contains("<center>nginx</center>"))
        try watch.expectStillServing(after: "a chunk over 4 MiB")

        #expect(try watch.hostileRows() == 0)
        try watch.finish()
    }

    // MARK: - Wrong and missing Content-Length

    @Test(arguments: Stack.Mode.allCases)
    func contentLengthsThatLieGetDeliberateAnswers(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let watch = try Watch(stack)
        let body = textMessage(id: "wamid.HOSTILE-LENGTH", from: "2348061110001")

        // Shorter than the body: the handler gets the declared prefix, whose signature is not Meta's, so 401; nginx
        // then reads the rest as the next request on the connection and refuses it.
        let short = try RawConnection(port: stack.port)
        short.send(postHead(signed: body, length: body.count - 20) + body)
        #expect(try #require(short.readResponse()).status == 401)
        #expect(try #require(short.readResponse()).status == 400)
        #expect(short.waitForClose(timeout: 5))
        try watch.expectStillServing(after: "a Content-Length shorter than the body")

        // Longer than the body, then the client leaves: nginx never had the whole body, so no handler sees it; the
        // access log records a 400 with nothing sent.
        let truncated = try RawConnection(port: stack.port)
        truncated.send(postHead(signed: body, length: body.count + 100) + body)
        usleep(200_000)
        truncated.close()
        try waitUntil(timeout: 5) { stack.log("nginx-access.log").contains(#""POST /webhooks/whatsapp/" 400 0 "#) }
        try watch.expectStillServing(after: "a body cut short by the client")

        // No Content-Length on a POST means no body: the handler says so (411) instead of checking a signature
        // over nothing, and nginx refuses the bytes that follow as a request of their own.
        let missing = try RawConnection(port: stack.port)
        missing.send(postHead(signed: body, length: nil) + body)
        let lengthRequired = try #require(missing.readResponse())
        #expect(lengthRequired.status == 411)
        #expect(lengthRequired.text == "length required\n")
        #expect(try #require(missing.readResponse()).status == 400)
        let missingEmpty = try RawConnection(port: stack.port)
        missingEmpty.send(postHead(signed: [], length: nil, extra: ["Connection: close"]))
        #expect(try #require(missingEmpty.readResponse()).status == 411)
        try watch.expectStillServing(after: "a POST without Content-Length")

        // Lengths nginx cannot trust are refused before any handler: malformed, twice, or next to chunked framing
        // (the classic request-smuggling shapes); an encoding other than chunked is not implemented.
        let refusals: [([String], Int)] = [
            (["Content-Length: -1"], 400), (["Content-Length: abc"], 400), (["Content-Length: +\(body.count)"], 400),
            (["Content-Length: 99999999999999999999999"], 400),
            (["Content-Length: \(body.count)", "Content-Length: \(body.count)"], 400),
            (["Content-Length: \(body.count)", "Transfer-Encoding: chunked"], 400),
            (["Transfer-Encoding: gzip"], 501), (["Transfer-Encoding: gzip, chunked"], 501),
        ]
        for (headers, status) in refusals {
            let connection = try RawConnection(port: stack.port)
            connection.send(postHead(signed: body, length: nil, extra: headers + ["Connection: close"]) + body)
            let response = try #require(connection.readResponse(), "\(headers)")
            #expect(response.status == status, "\(headers)")
            #expect(response.text.contains("<center>nginx</center>"), "\(headers)")
        }
        try watch.expectStillServing(after: "malformed and conflicting lengths")

        #expect(try watch.hostileRows() == 0)
        try watch.finish()
    }

    // MARK: - Chunked bodies

    @Test(arguments: Stack.Mode.allCases)
    func aSignedChunkedDeliveryIsRecordedOnce(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let watch = try Watch(stack)
        let customer = "2348061110002"
        let body = textMessage(id: "wamid.HOSTILE-CHUNKED", from: customer)

        // nginx de-chunks the body and passes its length on, so the handler sees exactly what Meta signed. Sent
        // twice (as Meta's retry would), it is recorded and answered once.
        for attempt in 0..<2 {
            let connection = try RawConnection(port: stack.port)
            connection.send(postHead(signed: body, length: nil, extra: ["Transfer-Encoding: chunked"]))
            connection.send(chunked(body, pieces: 5, extended: attempt == 1))
            let response = try #require(connection.readResponse())
            #expect(response.status == 200, "attempt \(attempt)")
        }
        #expect(try stack.count("inboundMessage") == 1)
        try watch.expectReplies(to: customer, count: 1)

        // A chunk size that is not hex is nginx's 400; nothing reaches the handler.
        let broken = try RawConnection(port: stack.port)
        broken.send(postHead(signed: body, length: nil, extra: ["Transfer-Encoding: chunked"]))
        broken.send(Array("zz\r\n".utf8) + body + Array("\r\n0\r\n\r\n".utf8))
        #expect(try #require(broken.readResponse()).status == 400)
        try watch.expectStillServing(after: "chunked bodies")

        #expect(try watch.hostileRows() == 1)
        try watch.finish()
    }

    // MARK: - Text that is not UTF-8

    @Test(arguments: Stack.Mode.allCases)
    func textThatIsNotUTF8IsAnsweredAndKept(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let watch = try Watch(stack)
        let customer = "2348061110003"

        // A signed message whose text holds a byte that is not UTF-8 and half of an emoji's surrogate pair: the
        // customer is answered as for any text (the bad parts read as U+FFFD) and the bytes Meta sent are kept.
        let template = String(
            decoding: textMessage(id: "wamid.HOSTILE-UTF8", from: customer, text: "hiBYTE HALF"), as: UTF8.self)
        let mangled = Array(template.replacingOccurrences(of: "HALF", with: #"\ud83d"#).utf8).replacing(
            Array("BYTE".utf8), with: [0xFF, 0xC3])
        #expect(try stack.post(mangled).status == 200)
        let recorded = try stack.query("SELECT type, summary FROM inboundMessage")
        #expect(recorded.count == 1)
        #expect(recorded.first?[0].string == "text")
        #expect(recorded.first?[1].string == "hi\u{FFFD}\u{FFFD} \u{FFFD}")
        try watch.expectReplies(to: customer, count: 1)
        let keptMangled = try stack.query("SELECT reason, body FROM keptBody")
        #expect(keptMangled.count == 1)
        #expect(keptMangled.first?[0].string?.contains("U+FFFD") == true)
        #expect(keptMangled.first?[1].bytes == mangled)
        try watch.expectStillServing(after: "a message with bytes that are not UTF-8")

        // Bare 0xFF bytes are not JSON at all: acknowledged and kept as they came, like any undecodable body.
        let garbage = [UInt8](repeating: 0xFF, count: 64) + [0xFE, 0x00, 0xC0, 0x80]
        #expect(try stack.post(garbage).status == 200)
        let keptGarbage = try stack.query("SELECT body FROM keptBody ORDER BY id")
        #expect(keptGarbage.count == 2)
        #expect(keptGarbage.last?[0].bytes == garbage)
        try watch.expectStillServing(after: "a body of bare 0xFF bytes")

        #expect(try watch.hostileRows() == 3)
        try watch.finish()
    }

    // MARK: - Deeply nested JSON

    @Test(arguments: Stack.Mode.allCases)
    func deeplyNestedJSONIsKeptWithoutHarm(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let watch = try Watch(stack)

        // JSONDecoder refuses more than 512 levels of nesting instead of recursing down 100,000 of them: the body is
        // not usable JSON, so it is acknowledged and kept, at once, and no worker dies.
        let envelope = #"{"object":"whatsapp_business_account","entry":"#
        let bodies: [[UInt8]] = [
            [UInt8](repeating: UInt8(ascii: "["), count: 100_000),
            Array(String(repeating: #"{"a":"#, count: 100_000).utf8),
            Array((envelope + String(repeating: "[", count: 100_000)).utf8),
        ]
        for (index, body) in bodies.enumerated() {
            let started = Date()
            #expect(try stack.post(body).status == 200, "body \(index)")
            #expect(Date().timeIntervalSince(started) < 2, "body \(index)")
            try watch.expectStillServing(after: "nested JSON \(index)")
        }
        let kept = try stack.query("SELECT body FROM keptBody ORDER BY id").map { $0[0].bytes ?? [] }
        #expect(kept == bodies)

        // Deep but within the limit, next to an ordinary message: the message is recorded and answered.
        let customer = "2348061110004"
        let message = String(decoding: textMessage(id: "wamid.HOSTILE-DEEP", from: customer), as: UTF8.self)
        let deep = Array(
            message.replacingOccurrences(
                of: #""text":{"body":"hi"}"#,
                with: #""text":{"body":"hi","x":"# + String(repeating: "[", count: 400)
                    + String(repeating: "]", count: 400)
                    + "}"
            ).utf8)
        #expect(deep.count > message.utf8.count)
        #expect(try stack.post(deep).status == 200)
        #expect(
            try stack.query("SELECT providerID FROM inboundMessage ORDER BY id").last?[0].string == "wamid.HOSTILE-DEEP"
        )
        try watch.expectReplies(to: customer, count: 1)
        try watch.expectStillServing(after: "JSON 400 levels deep")

        #expect(try watch.hostileRows() == 4)
        try watch.finish()
    }

    // MARK: - 10,000 messages in one body

    @Test(arguments: Stack.Mode.allCases)
    func tenThousandMessagesInOneBodyAreEachRecordedOnce(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let watch = try Watch(stack)
        let count = 10_000
        let body = manyMessages(count)
        #expect(body.count < 3 * 1024 * 1024)
        var timeouts = CurlTransport.Timeouts()
        // nginx's fastcgi_read_timeout (60 s) would answer 504 first; the assertion below keeps a wide margin.
        timeouts.totalSeconds = 90
        let client = try CurlTransport(timeouts: timeouts)

        // Each message is its own transaction, all before the 200: Meta's retry of a body that failed part-way
        // finds the committed ones as duplicates.
        var started = Date()
        #expect(try stack.post(body, transport: client).status == 200)
        let firstDelivery = Date().timeIntervalSince(started)
        #expect(firstDelivery < 30)
        let recorded = try stack.query("SELECT count(*), count(DISTINCT providerID) FROM inboundMessage")
        #expect(recorded.first?[0].int64 == Int64(count))
        #expect(recorded.first?[1].int64 == Int64(count))
        #expect(try stack.count("customer") == Int64(count))
        #expect(try stack.count("outbox") == Int64(count))

        started = Date()
        #expect(try stack.post(body, transport: client).status == 200)
        let redelivery = Date().timeIntervalSince(started)
        #expect(try stack.count("inboundMessage") == Int64(count))
        #expect(try stack.count("outbox") == Int64(count))

        started = Date()
        let replies = stack.graph.waitForRequests(count, timeout: 60)
        let sending = Date().timeIntervalSince(started)
        #expect(replies.count == count)
        let recipients = Set(replies.compactMap { ($0.json as? [String: Any])?["to"] as? String })
        #expect(recipients.count == count)
        print(
            "10,000 messages (\(mode), \(body.count) bytes): first delivery \(seconds(firstDelivery)),"
                + " redelivery \(seconds(redelivery)), replies sent within a further \(seconds(sending))")
        try watch.expectStillServing(after: "10,000 messages in one body")
        #expect(try watch.hostileRows() == count)
        try watch.finish(expectedGraphRequests: count)
    }

    // MARK: - Header injection

    @Test(arguments: Stack.Mode.allCases)
    func injectedHeadersNeverSteerTheReplies(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let watch = try Watch(stack)
        let evil = try StubHTTPServer { _, _ in .init(status: 200, body: "{}") }
        defer { evil.stop() }

        // httpoxy: the config sets HTTP_PROXY to "" for every handler, so a client's `Proxy:` header never becomes
        // the proxy the replies go through. libcurl happens to ignore an upper-case HTTP_PROXY for http:// URLs, so
        // the evil proxy staying idle is not proof enough: under CGI the handler's environment, which the reply's
        // sender inherits, is read while that sender waits for Meta.
        let proxies = Locked<[String?]>([])
        if mode == .cgi {
            let configPath = stack.configPath
            stack.graph.setHandler { _, sequence in
                proxies.mutate { $0 += senderEnvironments(configPath: configPath).map { $0["HTTP_PROXY"] } }
                return GraphStub.accepted(wamid: "wamid.STUB\(sequence)")
            }
        }
        let customer = "2348061110005"
        let body = textMessage(id: "wamid.HOSTILE-PROXY", from: customer)
        let connection = try RawConnection(port: stack.port)
        connection.send(
            postHead(signed: body, length: body.count, extra: ["Proxy: http://127.0.0.1:\(evil.port)/"]) + body)
        #expect(try #require(connection.readResponse()).status == 200)
        try watch.expectReplies(to: customer, count: 1)
        #expect(evil.requests.isEmpty)
        if mode == .cgi {
            #expect(!proxies.value.isEmpty)
            // The empty value arrives as no variable at all; without the config's line it is the client's URL.
            #expect(proxies.value.allSatisfy { ($0 ?? "").isEmpty }, "\(proxies.value)")
        }
        try watch.expectStillServing(after: "a Proxy: header")

        // CR, NUL, a folded line or a space before the colon in a header: nginx refuses the request itself.
        let verify = "/webhooks/whatsapp/?hub.mode=subscribe&hub.challenge=7&hub.verify_token=\(Stack.verifyToken)"
        for header in [
            "X-Note: a\rProxy: http://evil", "X-Note: a\0b", "X-Note: a\r\n Proxy: http://evil", "Proxy : http://evil",
        ] {
            let connection = try RawConnection(port: stack.port)
            connection.send("GET \(verify) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(header)\r\nConnection: close\r\n\r\n")
            let response = try #require(connection.readResponse(), "\(header.debugDescription)")
            #expect(response.status == 400, "\(header.debugDescription)")
        }

        // An encoded CR LF in the query reaches the handler as data: Meta's challenge is echoed in the body, never
        // as a header.
        let encoded = try RawConnection(port: stack.port)
        encoded.send(
            "GET \(verify.replacingOccurrences(of: "challenge=7", with: "challenge=7%0D%0ASet-Cookie:%20x=1"))"
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let echoed = try #require(encoded.readResponse())
        #expect(echoed.status == 200)
        #expect(echoed.header("Set-Cookie") == nil)
        #expect(echoed.text == "7\r\nSet-Cookie: x=1")

        // A raw CR LF in the request line ends it there: nginx reads an HTTP/0.9 request, whose answer has no
        // status line and no headers, and never parses the line after it as a header. A POST cannot be HTTP/0.9.
        let raw = try RawConnection(port: stack.port)
        raw.send("GET \(verify)\r\nX-Injected: 1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(raw.waitForClose(timeout: 5))
        #expect(String(decoding: raw.unread, as: UTF8.self) == "7")
        let rawPost = try RawConnection(port: stack.port)
        rawPost.send("POST /webhooks/whatsapp/?a=1\r\nX-Injected: 1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(rawPost.waitForClose(timeout: 5))
        #expect(String(decoding: rawPost.unread, as: UTF8.self).contains("400 Bad Request"))
        try watch.expectStillServing(after: "CR and LF in headers and the request line")

        #expect(try watch.hostileRows() == 1)
        try watch.finish()
    }

    // MARK: - Path tricks

    @Test(arguments: Stack.Mode.allCases)
    func pathTricksReachOnlyTheWebhookOrNothing(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let watch = try Watch(stack)

        // nginx decodes and normalises the path before choosing a location, and every location names its program
        // (SCRIPT_FILENAME) itself: a path either is the webhook after normalising, or gets `location /`'s 404 (or
        // nginx's 400 for what cannot be normalised). Nothing else is ever run.
        let cases: [(path: String, status: Int)] = [
            ("/webhooks/whatsapp/../", 404), ("/webhooks/whatsapp/%2e%2e/", 404), ("/webhooks/whatsapp/..%2f", 404),
            ("/webhooks/whatsapp/../../cgi-bin/whatsapp-webhook", 404), ("/cgi-bin/whatsapp-webhook", 404),
            ("/cgi-bin/whatsorder", 404), ("/webhooks/whatsapp/x", 404), ("/WEBHOOKS/whatsapp/", 404),
            ("/webhooks/whatsapp/%00", 400), ("/../webhooks/whatsapp/", 400), ("/webhooks/whatsapp/%", 400),
            ("/webhooks//whatsapp/", 200), ("/webhooks/./whatsapp", 200), ("/webhooks/paystack/../whatsapp/", 200),
            ("/webhooks/whats%61pp/", 200),
        ]
        for (index, trick) in cases.enumerated() {
            let customer = "23480622\(String(format: "%05d", index))"
            let body = textMessage(id: "wamid.HOSTILE-PATH-\(index)", from: customer)
            let connection = try RawConnection(port: stack.port)
            connection.send(
                postHead(path: trick.path, signed: body, length: body.count, extra: ["Connection: close"]) + body)
            let response = try #require(connection.readResponse(), "\(trick.path)")
            #expect(response.status == trick.status, "\(trick.path)")
            switch trick.status {
            case 404: #expect(response.text == "not found\n", "\(trick.path)")
            case 400: #expect(response.text.contains("<center>nginx</center>"), "\(trick.path)")
            default: try watch.expectReplies(to: customer, count: 1)
            }
        }
        let reached = try stack.query("SELECT providerID FROM inboundMessage ORDER BY id").compactMap { $0[0].string }
        #expect(
            reached == cases.indices.filter { cases[$0].status == 200 }.map { "wamid.HOSTILE-PATH-\($0)" })
        try watch.expectStillServing(after: "path tricks")
        try watch.finish()
    }

    // MARK: - Slow clients

    @Test(arguments: Stack.Mode.allCases)
    func slowClientsDelayNobodyElse(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let watch = try Watch(stack)

        // Two that stall for good (half a header; a body shorter than its Content-Length) and two that dribble a
        // real message, a header or a body a few bytes at a time. nginx reads every body whole before a handler
        // sees it, so none of them holds one of the two workers.
        let stalledHeader = try RawConnection(port: stack.port)
        stalledHeader.send("POST /webhooks/whatsapp/ HTTP/1.1\r\nHost: 127.")
        let stalledBody = try RawConnection(port: stack.port)
        let unfinished = textMessage(id: "wamid.HOSTILE-STALLED", from: "2348061110006")
        stalledBody.send(postHead(signed: unfinished, length: unfinished.count + 100) + unfinished)
        let stalledAt = Date()

        let slowHeader = "2348061110007"
        let slowBody = "2348061110008"
        let dribbled = Locked<[String: Int]>([:])
        let dribblers = [
            Thread {
                let body = textMessage(id: "wamid.HOSTILE-SLOW-HEADER", from: slowHeader)
                let status = try? dribble(port: stack.port, postHead(signed: body, length: body.count), then: body)
                dribbled.mutate { $0[slowHeader] = status ?? -1 }
            },
            Thread {
                let body = textMessage(id: "wamid.HOSTILE-SLOW-BODY", from: slowBody)
                let status = try? dribble(port: stack.port, body, after: postHead(signed: body, length: body.count))
                dribbled.mutate { $0[slowBody] = status ?? -1 }
            },
        ]
        for thread in dribblers { thread.start() }

        // Meanwhile, for as long as they dribble, ordinary customers are answered as fast as ever.
        var answered = 0
        while dribblers.contains(where: { !$0.isFinished }) || answered < 3 {
            let started = Date()
            try watch.expectStillServing(after: "slow clients, while they dribble")
            #expect(Date().timeIntervalSince(started) < 3)
            answered += 1
        }
        #expect(answered >= 3)
        // The slow ones were slow, not wrong: their messages count like any other.
        #expect(dribbled.value == [slowHeader: 200, slowBody: 200])
        try watch.expectReplies(to: slowHeader, count: 1)
        try watch.expectReplies(to: slowBody, count: 1)

        if mode == .fastcgi {
            // client_header_timeout and client_body_timeout (10 s, nginx/local.conf.in) end the stalled ones
            // without an answer; nginx's timers do not depend on the mode, so one mode proves it.
            #expect(stalledHeader.waitForClose(timeout: 15))
            #expect(stalledBody.waitForClose(timeout: 15))
            let waited = Date().timeIntervalSince(stalledAt)
            #expect(waited > 9 && waited < 13)
            #expect(stalledHeader.unread.isEmpty && stalledBody.unread.isEmpty)
            try waitUntil(timeout: 2) {
                stack.log("nginx-access.log").components(separatedBy: "\n").filter { $0.contains(" 408 0 ") }.count
                    == 2
            }
        }
        stalledHeader.close()
        stalledBody.close()
        #expect(try watch.hostileRows() == 2)
        try watch.finish()
    }
}

// MARK: - After every case

/// What must still hold after a hostile request, and the ordinary customers ("canaries") sent to show it.
final class Watch {
    let stack: Stack
    let servers: [Int32]
    private var canaries: [String] = []

    init(_ stack: Stack) throws {
        self.stack = stack
        servers = try servingPIDs(stack)
        try #require(!servers.isEmpty)
    }

    /// The same processes serve (none crashed), nginx logged no crash, and an ordinary signed message gets a 200 and
    /// its reply.
    func expectStillServing(after what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try servingPIDs(stack) == servers, "after \(what)", sourceLocation: sourceLocation)
        let errors = stack.log("nginx-error.log")
        for crash in ["exited on signal", "upstream prematurely closed", "Connection reset by peer", "core dumped"] {
            #expect(!errors.contains(crash), "after \(what)", sourceLocation: sourceLocation)
        }
        let customer = "2348055\(String(format: "%06d", canaries.count))"
        canaries.append(customer)
        let body = textMessage(id: "wamid.CANARY-\(customer)", from: customer)
        #expect(try stack.post(body).status == 200, "after \(what)", sourceLocation: sourceLocation)
        try waitUntil(timeout: 10, { replies(to: customer) >= 1 }, sourceLocation: sourceLocation)
    }

    /// Waits for `count` replies to `customer`.
    func expectReplies(to customer: String, count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try waitUntil(timeout: 10, { replies(to: customer) >= count }, sourceLocation: sourceLocation)
        #expect(replies(to: customer) == count, sourceLocation: sourceLocation)
    }

    /// Inbound messages and kept bodies, leaving out the canaries.
    func hostileRows() throws -> Int64 {
        let messages = try stack.query("SELECT count(*) FROM inboundMessage WHERE providerID NOT LIKE 'wamid.CANARY-%'")
        return (messages.first?[0].int64 ?? -1) + (try stack.count("keptBody"))
    }

    /// Every canary got exactly one reply, and no late ones arrive: `expectedGraphRequests` are the test's own.
    func finish(expectedGraphRequests: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        usleep(400_000)
        for customer in canaries {
            #expect(replies(to: customer) == 1, "canary \(customer)", sourceLocation: sourceLocation)
        }
        if let expectedGraphRequests {
            #expect(
                stack.graph.requests.count == expectedGraphRequests + canaries.count, sourceLocation: sourceLocation)
        }
        #expect(try servingPIDs(stack) == servers, sourceLocation: sourceLocation)
    }

    private func replies(to customer: String) -> Int {
        stack.graph.requests.filter { ($0.json as? [String: Any])?["to"] as? String == "+" + customer }.count
    }
}

/// The processes that answer requests: multiwatch's FastCGI workers, or fcgiwrap and its preforked children (each
/// CGI request is then a short-lived grandchild).
func servingPIDs(_ stack: Stack) throws -> [Int32] {
    switch stack.mode {
    case .fastcgi: return try stack.workerPIDs().sorted()
    case .cgi:
        let parent = try String(contentsOfFile: "\(stack.directory)/run/fcgiwrap.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let children = (try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8)) ?? ""
        return ([Int32(parent)] + children.split(separator: " ").map { Int32($0) }).compactMap { $0 }.sorted()
    }
}

/// The environments of the running `whatsorder outbox send --once` processes started for this stack's config.
func senderEnvironments(configPath: String) -> [[String: String]] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
        guard let command = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return nil }
        let arguments = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard arguments.contains("--once"), arguments.contains(configPath),
            let environ = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        else {
            return nil
        }
        var variables: [String: String] = [:]
        for entry in environ.split(separator: 0).map({ String(decoding: $0, as: UTF8.self) }) {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            variables[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return variables
    }
}

// MARK: - Requests curl will not send

/// A POST's head as Meta sends it, signed over `signed`, with `extra` header lines; no Content-Length when `length`
/// is nil.
func postHead(path: String = "/webhooks/whatsapp/", signed: [UInt8], length: Int?, extra: [String] = []) -> [UInt8] {
    var lines = [
        "POST \(path) HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
        "X-Hub-Signature-256: \(metaSignatureHeader(body: signed, appSecret: Stack.appSecret))",
    ]
    lines += extra
    if let length { lines.append("Content-Length: \(length)") }
    return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
}

/// `body` in chunked framing, cut into `pieces` chunks (the first with a chunk extension, which is legal and ignored).
func chunked(_ body: [UInt8], pieces: Int, extended: Bool = false) -> [UInt8] {
    var framed: [UInt8] = []
    let size = (body.count + pieces - 1) / pieces
    for (index, start) in stride(from: 0, to: body.count, by: size).enumerated() {
        let chunk = body[start..<min(start + size, body.count)]
        framed += Array("\(String(chunk.count, radix: 16))\(extended && index == 0 ? ";note=1" : "")\r\n".utf8)
        framed += chunk
        framed += Array("\r\n".utf8)
    }
    return framed + Array("0\r\n\r\n".utf8)
}

/// Sends `slow` a few bytes every 100 ms over about 2.5 s (after `fast` at once), then `then` at once; returns the
/// status nginx answers.
func dribble(port: Int, _ slow: [UInt8], after fast: [UInt8] = [], then: [UInt8] = []) throws -> Int {
    let connection = try RawConnection(port: port)
    connection.send(fast)
    let step = max(1, slow.count / 25)
    for start in stride(from: 0, to: slow.count, by: step) {
        connection.send(Array(slow[start..<min(start + step, slow.count)]))
        usleep(100_000)
    }
    connection.send(then)
    return connection.readResponse()?.status ?? -1
}

/// One text message from each of `count` customers in one body, shaped as Meta would if it ever batched them.
func manyMessages(_ count: Int) -> [UInt8] {
    let now = Int(Date().timeIntervalSince1970)
    var contacts: [String] = []
    var messages: [String] = []
    for index in 0..<count {
        let from = "23491\(String(format: "%08d", index))"
        contacts.append(#"{"profile":{"name":"Customer \#(index)"},"wa_id":"\#(from)"}"#)
        messages.append(
            #"{"from":"\#(from)","id":"wamid.MANY-\#(index)","timestamp":"\#(now)","type":"text","text":{"body":"hi"}}"#
        )
    }
    return Array(
        (#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","#
            + #""value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","#
            + #""phone_number_id":"106540352242922"},"contacts":[\#(contacts.joined(separator: ","))],"#
            + #""messages":[\#(messages.joined(separator: ","))]}}]}]}"#).utf8)
}

func seconds(_ interval: TimeInterval) -> String { String(format: "%.2f s", interval) }

/// A bare HTTP/1.1 connection to nginx, for what curl will not send: lengths that lie, chunked bodies, bytes that
/// come slowly or never, CR and LF where they do not belong.
final class RawConnection {
    private var descriptor: Int32
    private var received: [UInt8] = []
    private(set) var closedByServer = false

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw StubError("socket failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { [descriptor] in
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw StubError("connect to port \(port) failed: errno \(errno)")
        }
        var yes: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    /// False when the server closed its side before everything was sent.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let wrote = bytes[sent...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if wrote < 0 && errno == EINTR { continue }
            if wrote <= 0 { return false }
            sent += wrote
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// The next response: status line, headers, and the body its Content-Length announces (nginx gives every answer
    /// here one). nil when the connection closed, or `timeout` passed, before a whole response came.
    func readResponse(timeout: Double = 10) -> RawResponse? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let response = RawResponse.take(from: &received) { return response }
            guard fill(until: deadline) else { return nil }
        }
    }

    /// Waits for the server to close the connection; false when it was still open after `timeout` seconds.
    func waitForClose(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while fill(until: deadline) {}
        return closedByServer
    }

    /// What arrived and was not taken by `readResponse`.
    var unread: [UInt8] { received }

    /// Reads what arrives before `deadline`; false on close, error or timeout.
    private func fill(until deadline: Date) -> Bool {
        guard !closedByServer, descriptor >= 0 else { return false }
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { return false }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(max(1, remaining * 1000)))
        if ready < 0 && errno == EINTR { return true }
        guard ready > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let got = recv(descriptor, &chunk, chunk.count, 0)
        guard got > 0 else {
            closedByServer = true
            return false
        }
        received += chunk[0..<got]
        return true
    }
}

struct RawResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Removes one whole response from the front of `buffer`, or leaves it alone when it does not hold one yet.
    static func take(from buffer: inout [UInt8]) -> RawResponse? {
        let separator = Array("\r\n\r\n".utf8)
        guard buffer.count >= separator.count,
            let end = (0...(buffer.count - separator.count)).first(where: {
                buffer[$0..<($0 + separator.count)].elementsEqual(separator)
            })
        else {
            return nil
        }
        let lines = String(decoding: buffer[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            return nil
        }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        let start = end + separator.count
        guard buffer.count >= start + length else { return nil }
        let response = RawResponse(status: status, headers: headers, body: Array(buffer[start..<(start + length)]))
        buffer.removeFirst(start + length)
        return response
    }
}
