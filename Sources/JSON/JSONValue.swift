/// A JSON document read in one pass over its bytes, for the webhook's hot path: about five times cheaper than
/// `JSONDecoder`'s Codable machinery, which was a tenth of a FastCGI worker's time (bench/README.md).
///
/// It reads documents the way Foundation's `JSONDecoder` does, quirks included, because a body either decoder
/// accepts must mean the same thing (WebhookTests and fuzz/ compare them on every input): structure is checked at
/// once (brackets, commas, literals, nesting up to 512 levels, nothing after the value), while a leaf is only
/// checked when it is read: a number that breaks JSON's grammar (`01`, `1.`) or a string with a bad escape or a raw
/// control character is an unusable field, not a broken document. Duplicate keys: the first one counts. An
/// object or an array may end with a comma, and a leading byte-order mark is skipped. One deliberate
/// difference: a key with a raw control character or a bad escape makes the whole document unreadable (JSONDecoder
/// refuses the document for some such keys and only the object for others).
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// The number's text as sent; see `int64` and `double`.
    case number(raw: ArraySlice<UInt8>)
    /// The bytes between the quotes, escapes not yet decoded.
    case string(raw: ArraySlice<UInt8>)
    case array([JSONValue])
    /// Members in order.
    case object(members: [(key: String, value: JSONValue)])

    /// Parses `bytes`; throws when they are not one JSON value (structurally).
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        return try parser.document()
    }

    // MARK: - Lenient reading: a wrong type or an unusable leaf reads as nil.

    /// The value at `key` of an object; nil when this is not an object or has no such key.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The string, with escapes decoded; nil for another type or a string JSON does not allow.
    public var string: String? {
        guard case .string(let raw) = self else { return nil }
        return JSONParser.decodeString(raw)
    }

    /// The integer, as `JSONDecoder` reads an `Int64`: exact, also from `1.0` or `1e3`; nil when it has a fraction,
    /// does not fit, or is not a JSON number.
    public var int64: Int64? {
        guard case .number(let raw) = self, JSONParser.isNumber(raw) else { return nil }
        if !raw.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            return Int64(String(decoding: raw, as: UTF8.self))
        }
        // A fraction is read from its digits, as JSONDecoder does: past 2^53 a Double would round
        // 17956080666666666.6 to a whole number and take it.
        if !raw.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
            let dot = raw.firstIndex(of: UInt8(ascii: ".")),
            !raw[raw.index(after: dot)...].allSatisfy({ $0 == UInt8(ascii: "0") })
        {
            return nil
        }
        guard let value = Double(String(decoding: raw, as: UTF8.self)), value.isFinite, value.rounded() == value,
            value >= -9_223_372_036_854_775_808.0, value < 9_223_372_036_854_775_808.0
        else { return nil }
        return Int64(value)
    }

    /// The number as a `Double`; nil when it is not a JSON number or is out of `Double`'s range either way
    /// (`1e400`, and `1e-400`, which `JSONDecoder` also refuses rather than read as 0).
    public var double: Double? {
        guard case .number(let raw) = self, JSONParser.isNumber(raw),
            let value = Double(String(decoding: raw, as: UTF8.self)), value.isFinite
        else { return nil }
        if value == 0, JSONParser.mantissaHasNonZeroDigit(raw) { return nil }
        return value
    }

    /// The elements when this is an array.
    public var array: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    public var isObject: Bool {
        if case .object = self { return true }
        return false
    }
}

// MARK: - By key, as `JSONObject` (LenientJSON.swift) reads: the same names, the same leniency.

extension JSONValue {
    /// The string at `key`, or nil when absent, null or not a string.
    public func string(_ key: String) -> String? { self[key]?.string }

    /// The integer at `key`, also when sent as a string of digits with an optional `-`.
    public func int64(_ key: String) -> Int64? {
        guard let value = self[key] else { return nil }
        return value.int64 ?? value.string.flatMap(NumberText.int64)
    }

    /// The integer at `key`, also when sent as a numeric string.
    public func int(_ key: String) -> Int? {
        int64(key).flatMap { Int(exactly: $0) }
    }

    /// The number at `key`, also when sent as a numeric string; finite only.
    public func double(_ key: String) -> Double? {
        guard let value = self[key] else { return nil }
        return value.double ?? value.string.flatMap(NumberText.double)
    }

    /// The object at `key`, or nil when absent, null or not an object.
    public func object(_ key: String) -> JSONValue? {
        guard let value = self[key], value.isObject else { return nil }
        return value
    }

    /// The array at `key`, each element read by `read` (nil counts as a failure); nil when absent or null,
    /// `.notAnArray` for another type.
    public func array<Element>(_ key: String, _ read: (JSONValue) -> Element?) -> LenientArray<Element>? {
        guard let value = self[key], !value.isNull else { return nil }
        guard let items = value.array else { return .notAnArray }
        var elements: [Element] = []
        var failures = 0
        for item in items {
            if let element = read(item) { elements.append(element) } else { failures += 1 }
        }
        return LenientArray(elements: elements, failures: failures)
    }

    /// The good elements of the array at `key`; empty when it is absent or unusable.
    public func elements<Element>(_ key: String, _ read: (JSONValue) -> Element?) -> [Element] {
        array(key, read)?.elements ?? []
    }
}

/// Where and why a document is not JSON. The text names a position and a byte class, never payload text.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
    public var offset: Int
    public var reason: String

    public var description: String { "\(reason) at byte \(offset)" }
}

struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0
    static let maximumDepth = 512

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw fail("no JSON value") }
        let value = try self.value()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
        return value
    }

    func fail(_ reason: String) -> JSONSyntaxError { JSONSyntaxError(offset: index, reason: reason) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(raw: try stringBytes())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            while index < bytes.count, Self.numberBytes.contains(bytes[index]) { index += 1 }
            return .number(raw: bytes[start..<index])
        default:
            throw fail("unexpected byte")
        }
    }

    static let numberBytes: Set<UInt8> = Set("0123456789+-.eE".utf8)

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("unexpected end") }
        var offset = 0
        while offset < count {
            guard bytes[index + offset] == word.utf8Start[offset] else { throw fail("not a literal") }
            offset += 1
        }
        index += count
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw fail("nested too deeply") }
        index += 1
    }

    mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        while true {
            guard index < bytes.count else { throw fail("unexpected end in an object") }
            if bytes[index] == UInt8(ascii: "}") { break }
            guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            // NB: stricter than JSONDecoder, which refuses such a key only in some places: a key is never free text.
            guard let key = Self.decodeString(try stringBytes()) else { throw fail("a key JSON does not allow") }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipWhitespace()
            members.append((key, try value()))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
            break
        }
        index += 1
        depth -= 1
        return .object(members: members)
    }

    mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { break }
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
            break
        }
        index += 1
        depth -= 1
        return .array(elements)
    }

    /// The bytes between a string's quotes; escapes are only skipped here (a `\"` does not end the string).
    mutating func stringBytes() throws(JSONSyntaxError) -> ArraySlice<UInt8> {
        index += 1
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                let raw = bytes[start..<index]
                index += 1
                return raw
            case UInt8(ascii: "\\"):
                // NB: as JSONDecoder scans: a `\u` must have four more bytes and no quote among them; what they
                // are is only checked when the string is read.
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") {
                    guard index + 6 <= bytes.count else { throw fail("unterminated string") }
                    guard !bytes[(index + 2)..<(index + 6)].contains(UInt8(ascii: "\"")) else {
                        throw fail("a quote inside a \\u escape")
                    }
                    index += 6
                } else {
                    index += 2
                }
            default: index += 1
            }
        }
        throw fail("unterminated string")
    }

    /// A string's text from its raw bytes; nil for a raw control character, a bad escape or a lone surrogate.
    static func decodeString(_ raw: ArraySlice<UInt8>) -> String? {
        guard raw.contains(where: { $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else {
            return String(decoding: raw, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            if byte < 0x20 { return nil }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 1 < raw.endIndex else { return nil }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hexUnit(raw, at: index) else { return nil }
                index += 4
                var scalar: Unicode.Scalar?
                if (0xD800...0xDBFF).contains(unit) {
                    guard index + 1 < raw.endIndex, raw[index] == UInt8(ascii: "\\"),
                        raw[index + 1] == UInt8(ascii: "u"),
                        let low = hexUnit(raw, at: index + 2), (0xDC00...0xDFFF).contains(low)
                    else { return nil }
                    index += 6
                    scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
                } else {
                    scalar = Unicode.Scalar(unit)
                }
                guard let scalar else { return nil }
                out.append(contentsOf: String(scalar).utf8)
            default:
                return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexUnit(_ raw: ArraySlice<UInt8>, at start: Int) -> UInt16? {
        guard start + 4 <= raw.endIndex else { return nil }
        var unit: UInt16 = 0
        for byte in raw[start..<(start + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isNumber(_ raw: ArraySlice<UInt8>) -> Bool {
        var index = raw.startIndex
        func digits() -> Int {
            let start = index
            while index < raw.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(raw[index]) { index += 1 }
            return index - start
        }
        if index < raw.endIndex, raw[index] == UInt8(ascii: "-") { index += 1 }
        guard index < raw.endIndex else { return false }
        if raw[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return false
        }
        if index < raw.endIndex, raw[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < raw.endIndex, raw[index] == UInt8(ascii: "e") || raw[index] == UInt8(ascii: "E") {
            index += 1
            if index < raw.endIndex, raw[index] == UInt8(ascii: "+") || raw[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == raw.endIndex
    }

    /// Whether the digits before any exponent hold anything but zeros (so a 0 result is an underflow).
    static func mantissaHasNonZeroDigit(_ raw: ArraySlice<UInt8>) -> Bool {
        for byte in raw {
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return false }
            if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(byte) { return true }
        }
        return false
    }
}
