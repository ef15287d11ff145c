/// An HTTP response as CGI writes it: `Status:` line, headers, blank line, body.
public struct Response: Equatable, Sendable {
    public var status: Int
    public var headers: [Header]
    public var body: [UInt8]

    public struct Header: Equatable, Sendable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(status: Int, headers: [Header] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A short plain-text answer. Failure bodies are one line: details go to the log, never to the client.
    public static func text(_ status: Int, _ text: String, headers: [Header] = []) -> Response {
        Response(
            status: status, headers: [Header("Content-Type", "text/plain; charset=utf-8")] + headers,
            body: Array((text + "\n").utf8))
    }

    public static func methodNotAllowed(allow: [String]) -> Response {
        .text(405, "method not allowed", headers: [Header("Allow", allow.joined(separator: ", "))])
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The bytes a CGI program writes to stdout (and a FastCGI responder to its out stream).
    public func serialized() -> [UInt8] {
        var head = "Status: \(status) \(Response.reason(status))\r\n"
        var hasLength = false
        for header in headers {
            // NB: a CR or LF in a value would let it inject headers; values are ours, but never trust a copy.
            // Filter scalars, not Characters: "\r\n" is one Character and would slip past a Character filter.
            let value = String(
                String.UnicodeScalarView(header.value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
            if header.name.lowercased() == "content-length" { hasLength = true }
            head += "\(header.name): \(value)\r\n"
        }
        if !hasLength { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 204: return "No Content"
        case 303: return "See Other"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status \(status)"
        }
    }
}

/// A handler's answer plus work to do once the answer has left (waking the outbox sender). Meta waits for the
/// answer, not for the follow-up.
public struct Outcome: Sendable {
    public var response: Response
    public var afterResponse: (@Sendable () -> Void)?

    public init(_ response: Response, afterResponse: (@Sendable () -> Void)? = nil) {
        self.response = response
        self.afterResponse = afterResponse
    }
}
