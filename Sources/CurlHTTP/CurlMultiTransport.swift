import CCurl
import HTTPClient

/// Many requests in flight in one thread, through libcurl's multi interface. Over HTTPS, requests to one host share
/// one HTTP/2 connection where the server offers it (ALPN: graph.facebook.com and api.paystack.co do), each a
/// stream; otherwise each in-flight request has its own kept-alive HTTP/1.1 connection. Connections outlive the
/// requests, in the multi handle's cache, so a steady sender opens them once. Not thread-safe: one loop drives it.
public final class CurlMultiTransport: ConcurrentTransport, @unchecked Sendable {
    public enum Version: String, Sendable {
        /// HTTP/2 over TLS where the server agrees, HTTP/1.1 otherwise (libcurl's default).
        case negotiated
        /// HTTP/1.1 always, even where HTTP/2 is offered: for a proxy in the way that mishandles HTTP/2.
        case http1 = "http1.1"
    }

    private let multi: UnsafeMutableRawPointer
    private let timeouts: CurlTransport.Timeouts
    private let version: Version
    private let caFile: String?
    private var transfers: [UnsafeMutableRawPointer: Transfer] = [:]
    /// Easy handles between requests; reusing one keeps its DNS cache and TLS session ids.
    private var idle: [UnsafeMutableRawPointer] = []
    /// Requests that failed before they started (libcurl refused the handle), answered at the next `wait`.
    private var refused: [HTTPCompletion] = []

    /// `connections`: how many connections the cache keeps open between requests; at least the number of
    /// requests in flight, or HTTP/1.1 connections would be closed and reopened under load. `caFile`: certificates
    /// to trust instead of the system's (a stand-in with its own certificate).
    public init(
        connections: Int, timeouts: CurlTransport.Timeouts = CurlTransport.Timeouts(), version: Version = .negotiated,
        caFile: String? = nil
    ) throws {
        curlGlobalInit()
        guard let multi = curl_multi_init() else {
            throw TransportError(code: "curl-init", message: "curl_multi_init failed")
        }
        self.multi = multi
        self.timeouts = timeouts
        self.version = version
        self.caFile = caFile
        wo_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(connections, 4))
        wo_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    deinit {
        for handle in transfers.keys {
            curl_multi_remove_handle(multi, handle)
            curl_easy_cleanup(handle)
        }
        for handle in idle { curl_easy_cleanup(handle) }
        curl_multi_cleanup(multi)
    }

    public var inFlight: Int { transfers.count + refused.count }

    public func start(_ request: HTTPRequest, tag: Int64) {
        guard let handle = idle.popLast() ?? curl_easy_init() else {
            refused.append(
                HTTPCompletion(tag: tag, result: .failure(TransportError(code: "curl-init", message: "no handle"))))
            return
        }
        let transfer = Transfer(tag: tag)
        transfer.configure(handle, request, timeouts: timeouts)
        // Over TLS, wait for the first connection to a host to say (by ALPN, in its handshake) whether it
        // multiplexes, rather than opening one connection per request at start-up: against HTTP/2 the whole burst
        // then shares one connection. Not over plain HTTP/1.1, where the answer only comes with the first response:
        // every request of a burst would wait one round trip and then leave in a clump.
        if version == .negotiated && request.url.hasPrefix("https://") {
            wo_curl_setopt_long(handle, CURLOPT_PIPEWAIT, 1)
        }
        if version == .http1 { wo_curl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)) }
        if let caFile { wo_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        let code = curl_multi_add_handle(multi, handle)
        guard code == CURLM_OK else {
            idle.append(handle)
            let message = String(cString: curl_multi_strerror(code))
            refused.append(
                HTTPCompletion(
                    tag: tag, result: .failure(TransportError(code: "curlm-\(code.rawValue)", message: message))))
            return
        }
        transfers[handle] = transfer
    }

    public func wait(milliseconds: Int, descriptors: [Int32]) -> [HTTPCompletion] {
        var completions = refused
        refused = []
        var running: Int32 = 0
        curl_multi_perform(multi, &running)
        completions += finished()
        guard completions.isEmpty, milliseconds > 0 else { return completions }
        var extra = descriptors.map { curl_waitfd(fd: $0, events: Int16(CURL_WAIT_POLLIN), revents: 0) }
        var ready: Int32 = 0
        // curl_multi_poll (unlike curl_multi_wait) also waits when nothing is in flight: on the descriptors alone.
        curl_multi_poll(multi, &extra, UInt32(extra.count), Int32(min(milliseconds, Int(Int32.max))), &ready)
        curl_multi_perform(multi, &running)
        return finished()
    }

    private func finished() -> [HTTPCompletion] {
        var completions: [HTTPCompletion] = []
        var code = CURLE_OK
        while let handle = wo_curl_multi_next_done(multi, &code) {
            curl_multi_remove_handle(multi, handle)
            guard let transfer = transfers.removeValue(forKey: handle) else { continue }
            completions.append(HTTPCompletion(tag: transfer.tag, result: transfer.result(handle, code: code)))
            idle.append(handle)
        }
        return completions
    }
}
