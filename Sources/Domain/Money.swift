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

extension Kobo {
    /// A price as staff type it, in major units: `2500`, `2,500`, `₦2,500.00`, `NGN 2500.5`. Grouping commas must
    /// fall every three digits and at most two decimals are allowed, so `2,50` or `1.234` are refused rather than
    /// guessed at. Nil for anything else, negatives included.
    public static func parse(_ text: String, symbol: String = "₦", code: String = "NGN") -> Kobo? {
        var rest = Substring(text.trimmingSpaces)
        for prefix in [symbol, code] where !prefix.isEmpty && rest.hasPrefix(prefix) {
            rest = Substring(rest.dropFirst(prefix.count).trimmingSpaces)
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return nil }
        let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
        guard groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        if groups.count > 1 {
            guard groups[0].count <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
        }
        guard let major = Int(groups.joined()), major <= 100_000_000 else { return nil }
        var minor = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy(\.isASCIIDigit), let value = Int(fraction)
            else { return nil }
            minor = fraction.count == 1 ? value * 10 : value
        }
        return Kobo(major * 100 + minor)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs: what people and proxies pad values with (newlines are kept).
    /// NB: index arithmetic on a Substring, not `reversed()`: a reversed-of-reversed sequence made every CGI
    /// process instantiate generic metadata while reading the configuration file (`perf` put a tenth of a CGI
    /// process's CPU samples there).
    public var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
