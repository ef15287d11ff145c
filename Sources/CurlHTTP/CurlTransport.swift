import CCurl
import HTTPClient

/// libcurl behind `HTTPTransport`. One easy handle per transport, so connections to Meta and Paystack are kept
/// alive between sends (stack-notes §5: 0.13–0.25 ms per keep-alive POST against 1.4–1.9 ms for a first one).
/// Not thread-safe: the sender is one loop.
public final class CurlTransport: @unchecked Sendable {
    public struct Timeouts: Sendable {
        public var connectSeconds: Int = 5
        public var totalSeconds: Int = 15
        public init() {}
    }

    private let handle: UnsafeMutableRawPointer
    private let timeouts: Timeouts

    public init(timeouts: Timeouts = Timeouts()) throws {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else {
            throw TransportError(code: "curl-init", message: "curl_easy_init failed")
        }
        self.handle = handle
        self.timeouts = timeouts
    }

    deinit { curl_easy_cleanup(handle) }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public var transport: HTTPTransport {
        HTTPTransport { [self] request in try self.perform(request) }
    }

    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        let curl = handle
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
        var headers: UnsafeMutablePointer<curl_slist>?
        // An empty Expect stops libcurl from waiting a second for `100 Continue` on bodies over 1 KiB.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            headers = curl_slist_append(headers, line)
        }
        defer { curl_slist_free_all(headers) }
        wo_curl_setopt_slist(curl, CURLOPT_HTTPHEADER, headers)

        let sink = ResponseSink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        wo_curl_setopt_write_callback(curl, CURLOPT_WRITEFUNCTION) { data, size, count, userdata in
            guard let data, let userdata else { return 0 }
            let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
            let length = size * count
            data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
            }
            return length
        }
        wo_curl_setopt_pointer(curl, CURLOPT_WRITEDATA, unmanaged.toOpaque())

        let code = curl_easy_perform(curl)
        guard code == CURLE_OK else {
            throw TransportError(code: "curl-\(code.rawValue)", message: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        wo_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, body: sink.bytes)
    }
}

private final class ResponseSink {
    var bytes: [UInt8] = []
}
