/// An outbound HTTP request as a value, so request builders stay pure and tests can compare them.
public struct HTTPRequest: Equatable, Sendable {
    public var method: String
    public var url: String
    /// Header order is kept as built; names are compared case-insensitively by servers.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.headers.map { [$0.name, $0.value] } == rhs.headers.map { [$0.name, $0.value] }
    }

    /// The value of the first header with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What came back. A transport returns every HTTP status as a response; only failures to get one throw.
public struct HTTPResponse: Equatable, Sendable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// A failure to get any HTTP response at all: DNS, connect, TLS, timeout, reset.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    /// A stable short code, e.g. `curl-28` for a libcurl timeout.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "transport error \(code): \(message)" }
}

/// The one way outbound HTTP leaves the process. The sender owns a live one (libcurl); tests pass closures.
public struct HTTPTransport: Sendable {
    public var send: @Sendable (HTTPRequest) throws -> HTTPResponse

    public init(send: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) {
        self.send = send
    }

    /// Fails every call with its own name, so an unexpected request is a loud test failure.
    public static let unimplemented = HTTPTransport { request in
        throw TransportError(code: "unimplemented", message: "HTTPTransport.send(\(request.method) \(request.url))")
    }
}
