import FoundationEssentials

// Providers' payloads drift (strings vs numbers, fields added or dropped per version, Paystack's samples disagreeing
// with each other), so decoding asks "is this field usable?" instead of failing: a wrong type reads as absent,
// never as an error. Whatever money or identity hangs on is checked by the caller, which decides what is fatal.

/// A JSON object key spelled as the provider spells it, so decoders read like the payload.
public struct JSONKey: CodingKey, ExpressibleByStringLiteral, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }

    public init(stringValue: String) {
        self.stringValue = stringValue
    }

    public init?(intValue: Int) {
        nil
    }

    public init(stringLiteral value: String) {
        stringValue = value
    }
}

/// A JSON object being read leniently.
public typealias JSONObject = KeyedDecodingContainer<JSONKey>

extension KeyedDecodingContainer where Key == JSONKey {
    /// The string at `key`, or nil when absent, null or not a string.
    public func string(_ key: JSONKey) -> String? {
        try? decodeIfPresent(String.self, forKey: key)
    }

    /// The string at `key` when it has something in it.
    public func nonEmptyString(_ key: JSONKey) -> String? {
        string(key).flatMap { $0.isEmpty ? nil : $0 }
    }

    public func bool(_ key: JSONKey) -> Bool? {
        try? decodeIfPresent(Bool.self, forKey: key)
    }

    /// The integer at `key`, also when sent as a string of digits with an optional `-` (Meta does both for
    /// timestamps, Paystack for amounts). "+5", " 5" and "5.0" are not integers.
    public func int64(_ key: JSONKey) -> Int64? {
        if let number = try? decodeIfPresent(Int64.self, forKey: key) { return number }
        return string(key).flatMap(NumberText.int64)
    }

    /// Minor units: a non-negative integer, as a number or a string of digits; "50.00", "-1" or "" are not amounts.
    public func amount(_ key: JSONKey) -> Int? {
        int64(key).flatMap { $0 >= 0 ? Int(exactly: $0) : nil }
    }

    /// The integer at `key`, also when sent as a numeric string.
    public func int(_ key: JSONKey) -> Int? {
        int64(key).flatMap { Int(exactly: $0) }
    }

    /// The number at `key`, also when sent as a numeric string.
    public func double(_ key: JSONKey) -> Double? {
        if let number = try? decodeIfPresent(Double.self, forKey: key) { return number }
        return string(key).flatMap(NumberText.double)
    }

    /// The nested object at `key`, or nil when absent, null or not an object.
    public func object(_ key: JSONKey) -> JSONObject? {
        guard contains(key) else { return nil }
        return try? nestedContainer(keyedBy: JSONKey.self, forKey: key)
    }

    /// The array at `key` decoded element by element; nil when absent or null, `.notAnArray` for another type.
    public func array<Element: Decodable>(_ type: Element.Type, _ key: JSONKey) -> LenientArray<Element>? {
        guard contains(key), (try? decodeNil(forKey: key)) != true else { return nil }
        return (try? decode(LenientArray<Element>.self, forKey: key)) ?? .notAnArray
    }

    /// The good elements of the array at `key`; empty when it is absent or unusable.
    public func elements<Element: Decodable>(_ type: Element.Type, _ key: JSONKey) -> [Element] {
        array(type, key)?.elements ?? []
    }
}

/// A number a provider sent as a string, read the same way by both JSON readers (`JSONObject`, `JSONValue`).
enum NumberText {
    /// Digits with an optional `-`: "+5", " 5" and "5.0" are not integers.
    static func int64(_ text: String) -> Int64? {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int64(text)
    }

    /// Finite only. A number sent as a string may say "1e999" or "nan": JSON has neither, so a pin built from one
    /// could never be stored (found by fuzz/, kept in fuzz/regressions/whatsapp-webhook).
    static func double(_ text: String) -> Double? {
        Double(text).flatMap { $0.isFinite ? $0 : nil }
    }
}

/// An array whose good elements are kept and whose bad ones are only counted, so one odd item cannot fail
/// its neighbours.
public struct LenientArray<Element> {
    public var elements: [Element]
    public var failures: Int

    /// Something that should have been an array was not; counts as one undecodable item.
    public static var notAnArray: Self { Self(elements: [], failures: 1) }

    public init(elements: [Element], failures: Int) {
        self.elements = elements
        self.failures = failures
    }
}

extension LenientArray: Decodable where Element: Decodable {
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var elements: [Element] = []
        var failures = 0
        while !container.isAtEnd {
            // NB: decoding `Element` directly would not advance the container when it throws.
            if let element = try container.decode(Failable<Element>.self).value {
                elements.append(element)
            } else {
                failures += 1
            }
        }
        self.elements = elements
        self.failures = failures
    }
}

/// Decodes `Wrapped` and never throws: the failure becomes nil.
private struct Failable<Wrapped: Decodable>: Decodable {
    var value: Wrapped?

    init(from decoder: any Decoder) throws {
        value = try? Wrapped(from: decoder)
    }
}
