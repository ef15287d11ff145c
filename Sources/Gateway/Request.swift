/// One HTTP request as CGI describes it: the variables (from `environ` or FastCGI params) plus the body bytes.
/// Built the same way in every mode, so a handler cannot tell a piped run from nginx.
public struct Request: Sendable {
    public var params: [String: String]
    public var body: [UInt8]

    public init(params: [String: String], body: [UInt8] = []) {
        self.params = params
        self.body = body
    }

    public var method: String { params["REQUEST_METHOD"]?.uppercased() ?? "GET" }

    /// The path without query string. nginx sets `DOCUMENT_URI` (already decoded and normalised); a piped run may
    /// set only `REQUEST_URI` or `SCRIPT_NAME`.
    public var path: String {
        if let uri = params["DOCUMENT_URI"], !uri.isEmpty { return uri }
        if let uri = params["REQUEST_URI"], !uri.isEmpty {
            return String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        }
        return params["SCRIPT_NAME"] ?? "/"
    }

    /// Query parameters, percent-decoded; the first occurrence of a key wins. Keys keep their dots (`hub.mode`).
    public var query: [String: String] { Query.parse(params["QUERY_STRING"] ?? "") }

    /// A request header by its HTTP name (`X-Hub-Signature-256`), read from its CGI form `HTTP_X_HUB_SIGNATURE_256`.
    public func header(_ name: String) -> String? {
        let key = String(name.uppercased().map { $0 == "-" ? "_" : $0 })
        switch key {
        case "CONTENT_TYPE", "CONTENT_LENGTH": return params[key]
        default: return params["HTTP_" + key]
        }
    }
}

extension Request {
    /// `KEY=value` C strings, as in `environ` or a FastCGI request's `envp`, until the terminating null.
    ///
    /// Only the variables a `Request` reads are kept (`HTTP_*`, `CONTENT_*`, `REQUEST_*`, `DOCUMENT_URI`,
    /// `SCRIPT_NAME`, `QUERY_STRING`, `REMOTE_USER` from nginx's basic auth) plus `WHATSORDER_*` (the config file may be named by a `fastcgi_param`):
    /// nginx sends about twenty more, and turning each into two Strings and a dictionary entry cost about 5% of a
    /// webhook request's CPU. The name is matched on the C bytes before any String is made.
    /// `everything` keeps every variable: a process environment, where any configuration key may be set.
    public static func variables(
        _ entries: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, everything: Bool = false
    ) -> [String: String] {
        var result: [String: String] = [:]
        guard var pointer = entries else { return result }
        while let entry = pointer.pointee {
            pointer += 1
            var length = 0
            while entry[length] != 0 { length += 1 }
            let bytes = UnsafeRawBufferPointer(start: entry, count: length)
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")), everything || isKept(name: bytes[..<equals])
            else {
                continue
            }
            result[String(decoding: bytes[..<equals], as: UTF8.self)] =
                String(decoding: bytes[(equals + 1)...], as: UTF8.self)
        }
        return result
    }

    private static let keptPrefixes: [[UInt8]] = [
        "HTTP_", "CONTENT_", "REQUEST_", "DOCUMENT_URI", "SCRIPT_NAME", "QUERY_STRING", "WHATSORDER_", "REMOTE_USER",
    ].map { Array($0.utf8) }

    private static func isKept(name: Slice<UnsafeRawBufferPointer>) -> Bool {
        keptPrefixes.contains { prefix in name.count >= prefix.count && name.prefix(prefix.count).elementsEqual(prefix)
        }
    }
}

/// `application/x-www-form-urlencoded` parsing, as used by query strings.
public enum Query {
    public static func parse(_ raw: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(parts[0]))
            let value = parts.count > 1 ? percentDecode(String(parts[1])) : ""
            if result[key] == nil { result[key] = value }
        }
        return result
    }

    /// Decodes `%XX` and `+`; an invalid escape is kept literally rather than rejected, since a query is untrusted.
    public static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hexValue(iterator[iterator.startIndex]),
                let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
