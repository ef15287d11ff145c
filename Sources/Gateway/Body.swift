/// What to do about a request body before reading it. Pure, so every mode applies the same rules.
public enum BodyPlan: Equatable, Sendable {
    /// Read exactly this many bytes (0 for none).
    case read(Int)
    /// Answer this without reading the body.
    case reject(Response)

    /// The largest body any endpoint accepts: Meta's documented webhook maximum.
    public static let maximumBytes = 3 * 1024 * 1024

    public static func plan(params: [String: String], maximumBytes: Int = BodyPlan.maximumBytes) -> BodyPlan {
        guard let raw = params["CONTENT_LENGTH"]?.trimmingSpaces, !raw.isEmpty else {
            // A POST without a length has no body: nginx sets CONTENT_LENGTH after de-chunking, so the client sent
            // neither header. Say so, rather than check a signature over nothing and log "signature rejected".
            if params["REQUEST_METHOD"]?.uppercased() == "POST" { return .reject(.text(411, "length required")) }
            return .read(0)
        }
        guard raw.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), raw.utf8.count <= 18,
            let length = Int(raw)
        else {
            return .reject(.text(400, "invalid Content-Length"))
        }
        if length > maximumBytes { return .reject(.text(413, "body too large")) }
        return .read(length)
    }

    /// A body that ended before `CONTENT_LENGTH` bytes: never hand a truncated body to a handler.
    public static let truncated = Response.text(400, "truncated body")
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
