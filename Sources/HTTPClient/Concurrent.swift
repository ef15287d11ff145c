/// Many requests in flight at once: start them, then collect the answers as they come. The sender's live one is
/// libcurl's multi interface (`CurlHTTP`); tests and one-off callers wrap a plain `HTTPTransport`.
public protocol ConcurrentTransport: AnyObject {
    /// Requests started and not yet handed back by `wait`.
    var inFlight: Int { get }
    /// Starts `request`; its answer comes back from `wait` under `tag`.
    func start(_ request: HTTPRequest, tag: Int64)
    /// The answers that have arrived. Waits at most `milliseconds` for the first, and returns early (perhaps with
    /// none) when one of `descriptors` becomes readable: the sender's wake-up socket and its stop pipe.
    func wait(milliseconds: Int, descriptors: [Int32]) -> [HTTPCompletion]
}

/// One request's answer, or why there is none.
public struct HTTPCompletion: Sendable {
    public var tag: Int64
    public var result: Result<HTTPResponse, TransportError>

    public init(tag: Int64, result: Result<HTTPResponse, TransportError>) {
        self.tag = tag
        self.result = result
    }
}

/// One request at a time through an `HTTPTransport`: each is answered as it starts, so `wait` never waits.
public final class SerialTransport: ConcurrentTransport {
    public let transport: HTTPTransport
    private var answered: [HTTPCompletion] = []

    public init(_ transport: HTTPTransport) { self.transport = transport }

    public var inFlight: Int { answered.count }

    public func start(_ request: HTTPRequest, tag: Int64) {
        let result: Result<HTTPResponse, TransportError>
        do {
            result = .success(try transport.send(request))
        } catch let error as TransportError {
            result = .failure(error)
        } catch {
            result = .failure(TransportError(code: "error", message: "\(error)"))
        }
        answered.append(HTTPCompletion(tag: tag, result: result))
    }

    public func wait(milliseconds: Int, descriptors: [Int32]) -> [HTTPCompletion] {
        defer { answered = [] }
        return answered
    }
}
