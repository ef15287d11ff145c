import FoundationEssentials

// Meta's payloads drift (strings vs numbers, fields added or dropped per version), so decoding here asks
// "is this field usable?" instead of failing: a wrong type reads as absent, never as an error.

/// A JSON object key spelled as Meta spells it, so decoders read like the payload.
struct JSONKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        nil
    }

    init(stringLiteral value: String) {
        stringValue = value
    }
}

/// A JSON object being read leniently.
typealias JSONObject = KeyedDecodingContainer<JSONKey>

extension KeyedDecodingContainer where Key == JSONKey {
    /// The string at `key`, or nil when absent, null or not a string.
    func string(_ key: JSONKey) -> String? {
        try? decodeIfPresent(String.self, forKey: key)
    }

    /// The integer at `key`, also when sent as a numeric string (Meta does both for timestamps).
    func int64(_ key: JSONKey) -> Int64? {
        if let number = try? decodeIfPresent(Int64.self, forKey: key) { return number }
        return string(key).flatMap { Int64($0) }
    }

    /// The integer at `key`, also when sent as a numeric string.
    func int(_ key: JSONKey) -> Int? {
        int64(key).flatMap { Int(exactly: $0) }
    }

    /// The number at `key`, also when sent as a numeric string.
    func double(_ key: JSONKey) -> Double? {
        if let number = try? decodeIfPresent(Double.self, forKey: key) { return number }
        return string(key).flatMap { Double($0) }
    }

    /// The nested object at `key`, or nil when absent, null or not an object.
    func object(_ key: JSONKey) -> JSONObject? {
        guard contains(key) else { return nil }
        return try? nestedContainer(keyedBy: JSONKey.self, forKey: key)
    }

    /// The array at `key` decoded element by element; nil when absent or null, `.notAnArray` for another type.
    func array<Element: Decodable>(_ type: Element.Type, _ key: JSONKey) -> LenientArray<Element>? {
        guard contains(key), (try? decodeNil(forKey: key)) != true else { return nil }
        return (try? decode(LenientArray<Element>.self, forKey: key)) ?? .notAnArray
    }

    /// The good elements of the array at `key`; empty when it is absent or unusable.
    func elements<Element: Decodable>(_ type: Element.Type, _ key: JSONKey) -> [Element] {
        array(type, key)?.elements ?? []
    }
}

/// An array whose good elements are kept and whose bad ones are only counted, so one odd item cannot fail
/// its neighbours.
struct LenientArray<Element: Decodable>: Decodable {
    var elements: [Element]
    var failures: Int

    /// Something that should have been an array was not; counts as one undecodable item.
    static var notAnArray: Self { Self(elements: [], failures: 1) }

    init(elements: [Element], failures: Int) {
        self.elements = elements
        self.failures = failures
    }

    init(from decoder: any Decoder) throws {
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
