/// A JSON value for the request bodies we send, serialised by hand.
///
/// Foundation's `JSONEncoder` cost about a tenth of a webhook request's CPU for one reply body (a `Codable` walk
/// through generic containers); the bodies we send are small trees of strings, numbers and bools, so a direct
/// writer is enough. Object keys are written sorted and `/` is not escaped, so equal input gives equal bytes
/// (the same output as `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes`).
public indirect enum JSONBody: Sendable {
    case string(String)
    case integer(Int)
    /// A finite number (coordinates), in Swift's shortest form that reads back the same.
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONBody])
    /// Members whose value is `nil` are left out, as `encodeIfPresent` does.
    case object([(String, JSONBody?)])

    /// The UTF-8 bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .string(let text): JSONBody.writeString(text, into: &out)
        case .integer(let number): out.append(contentsOf: String(number).utf8)
        case .number(let number): out.append(contentsOf: (number.isFinite ? number.description : "null").utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            var first = true
            // Keys compare as strings, which is what `.sortedKeys` does for ASCII keys like ours.
            for (key, value) in members.sorted(by: { $0.0 < $1.0 }) {
                guard let value else { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSONBody.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8259 escaping: quote, backslash and control characters; everything else, non-ASCII included, verbatim.
    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
