/// An amount in the currency's minor unit (kobo for NGN). Money never travels as a `Double`.
public struct Kobo: RawRepresentable, Hashable, Comparable, Codable, Sendable, ExpressibleByIntegerLiteral {
    public var rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public init(integerLiteral value: Int) { self.rawValue = value }

    public static func < (lhs: Kobo, rhs: Kobo) -> Bool { lhs.rawValue < rhs.rawValue }
    public static func + (lhs: Kobo, rhs: Kobo) -> Kobo { Kobo(lhs.rawValue + rhs.rawValue) }
    public static func * (lhs: Kobo, rhs: Int) -> Kobo { Kobo(lhs.rawValue * rhs) }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// `₦2,500` or `₦2,500.50`: grouped major units, minor units only when there are any.
    public func formatted(symbol: String) -> String {
        let sign = rawValue < 0 ? "-" : ""
        let magnitude = rawValue.magnitude
        let major = String(magnitude / 100)
        var grouped = ""
        for (index, character) in major.enumerated() {
            if index > 0 && (major.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        let minor = magnitude % 100
        let fraction = minor == 0 ? "" : "." + (minor < 10 ? "0" : "") + String(minor)
        return sign + symbol + grouped + fraction
    }
}
