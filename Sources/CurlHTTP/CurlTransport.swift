import CCurl
import HTTPClient

/// libcurl behind `HTTPTransport`. One easy handle per transport, so connections to Meta and Paystack are kept
/// alive between sends (stack-notes §5: 0.13–0.25 ms per keep-alive POST against 1.4–1.9 ms for a first one).
/// Not thread-safe: one caller at a time.
public final class CurlTransport: @unchecked Sendable {
    public struct Timeouts: Sendable {
        public var connectSeconds: Int = 5
        public var totalSeconds: Int = 15
        public init() {}
    }

    private let handle: UnsafeMutableRawPointer
    private let timeouts: Timeouts

    public init(timeouts: Timeouts = Timeouts()) throws {
        curlGlobalInit()
        guard let handle = curl_easy_init() else {
            throw TransportError(code: "curl-init", message: "curl_easy_init failed")
        }
        self.handle = handle
        self.timeouts = timeouts
    }

    deinit { curl_easy_cleanup(handle) }

    public var transport: HTTPTransport {
        HTTPTransport { [self] request in try self.perform(request) }
    }

    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        let transfer = Transfer(tag: 0)
        transfer.configure(handle, request, timeouts: timeouts)
        let code = curl_easy_perform(handle)
        return try transfer.result(handle, code: code).get()
    }
}

private let curlGlobalInitOnce: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
func curlGlobalInit() { _ = curlGlobalInitOnce }

/// One request on an easy handle: its header list and the bytes of its answer, alive until the answer is read.
final class Transfer {
    let tag: Int64
    var bytes: [UInt8] = []
    private var headers: UnsafeMutablePointer<curl_slist>?

    init(tag: Int64) { self.tag = tag }

    deinit { curl_slist_free_all(headers) }

    /// Sets `curl` up for `request`. The handle points at this object for the body, so the object must outlive
    /// the transfer.
    func configure(_ curl: UnsafeMutableRawPointer, _ request: HTTPRequest, timeouts: CurlTransport.Timeouts) {
        curl_easy_reset(curl)
        wo_curl_setopt_string(curl, CURLOPT_URL, request.url)
        wo_curl_setopt_long(curl, CURLOPT_CONNECTTIMEOUT, timeouts.connectSeconds)
        wo_curl_setopt_long(curl, CURLOPT_TIMEOUT, timeouts.totalSeconds)
        // Signals are unsafe in a process that may be multi-threaded; timeouts work without them.
        wo_curl_setopt_long(curl, CURLOPT_NOSIGNAL, 1)
        wo_curl_setopt_long(curl, CURLOPT_TCP_NODELAY, 1)
        wo_curl_setopt_long(curl, CURLOPT_FOLLOWLOCATION, 0)
        // Only HTTP(S): a configured URL can never make the sender read a file or talk another protocol.
        wo_curl_setopt_string(curl, CURLOPT_PROTOCOLS_STR, "http,https")
        switch request.method {
        case "GET":
            wo_curl_setopt_long(curl, CURLOPT_HTTPGET, 1)
        case "POST":
            wo_curl_setopt_long(curl, CURLOPT_POST, 1)
            wo_curl_setopt_long(curl, CURLOPT_POSTFIELDSIZE, request.body.count)
            if request.body.isEmpty {
                wo_curl_setopt_string(curl, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                request.body.withUnsafeBytes { buffer in
                    // COPYPOSTFIELDS copies, so the buffer need not outlive this call.
                    _ = wo_curl_setopt_pointer(
                        curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
                }
            }
        default:
            wo_curl_setopt_string(curl, CURLOPT_CUSTOMREQUEST, request.method)
        }
        curl_slist_free_all(headers)
        headers = nil
        // An empty Expect stops libcurl from waiting a second for `100 Continue` on bodies over 1 KiB.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            headers = curl_slist_append(headers, line)
        }
        wo_curl_setopt_slist(curl, CURLOPT_HTTPHEADER, headers)
        wo_curl_setopt_write_callback(curl, CURLOPT_WRITEFUNCTION) { data, size, count, userdata in
            guard let data, let userdata else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
            let length = size * count
            data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                transfer.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
            }
            return length
        }
        wo_curl_setopt_pointer(curl, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The answer once libcurl has finished with `code`.
    func result(_ curl: UnsafeMutableRawPointer, code: CURLcode) -> Result<HTTPResponse, TransportError> {
        guard code == CURLE_OK else {
            return .failure(
                TransportError(code: "curl-\(code.rawValue)", message: String(cString: curl_easy_strerror(code))))
        }
        var status = 0
        wo_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, body: bytes))
    }
}
