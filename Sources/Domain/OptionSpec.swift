/// Option groups written the way staff write them in one spreadsheet cell, one group after another with `;`:
///
///     Protein (pick 1): Chicken, Beef, Fish +300; Extras (up to 2): Plantain +500, Moin Moin +700 (sold out)
///
/// A group is its name, an optional rule in brackets, a colon and its options with `,`. Rules: `pick N`, `pick N to
/// M`, `up to N`, `optional` (up to 1), `required` (pick 1); no rule means pick 1. An option is its name, then
/// optionally a price change (`+300`, `+₦300`, `-200`) and `(sold out)`. `menu import`, `menu options` and `menu
/// list` all use this spelling, so what staff see can be pasted back.
public enum OptionSpec {
    public struct Group: Equatable, Sendable {
        public var name: String
        public var minimum: Int
        public var maximum: Int
        public var options: [Option]

        public init(name: String, minimum: Int, maximum: Int, options: [Option]) {
            self.name = name
            self.minimum = minimum
            self.maximum = maximum
            self.options = options
        }
    }

    public struct Option: Equatable, Sendable {
        public var name: String
        public var price: Kobo
        public var available: Bool

        public init(name: String, price: Kobo = 0, available: Bool = true) {
            self.name = name
            self.price = price
            self.available = available
        }
    }

    /// Names show as list rows and buttons: WhatsApp cuts a row title at 24 characters.
    public static let nameLength = 24
    /// A group is asked as one list, and a list has ten rows.
    public static let optionsPerGroup = 10
    public static let groupsPerItem = 5

    /// The groups in `text` (empty text: no groups), or every problem found, each as a sentence for staff.
    public static func read(_ text: String, symbol: String = "₦", code: String = "NGN") -> Result<[Group], Problems> {
        var groups: [Group] = []
        var problems: [String] = []
        let pieces = text.split(separator: ";").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        for piece in pieces {
            guard let colon = piece.firstIndex(of: ":") else {
                problems.append("option group \"\(shown(piece))\" needs a colon: write it as Name: option, option")
                continue
            }
            var head = String(piece[..<colon]).trimmingSpaces
            var rule: String?
            if head.hasSuffix(")"), let open = head.lastIndex(of: "(") {
                rule = String(head[head.index(after: open)..<head.index(before: head.endIndex)]).trimmingSpaces
                head = String(head[..<open]).trimmingSpaces
            }
            var options: [Option] = []
            var seen: Set<String> = []
            for raw in piece[piece.index(after: colon)...].split(separator: ",") {
                let written = String(raw).trimmingSpaces
                guard !written.isEmpty else { continue }
                switch option(written, symbol: symbol, code: code) {
                case .success(let option):
                    if !seen.insert(option.name.lowercased()).inserted {
                        problems.append("\(head): \"\(option.name)\" is listed twice")
                    } else if option.name.count > nameLength {
                        problems.append("\(head): \"\(option.name)\" is longer than \(nameLength) characters")
                    } else {
                        options.append(option)
                    }
                case .failure(let problem): problems.append("\(head): \(problem.message)")
                }
            }
            if head.isEmpty { problems.append("an option group has no name") }
            if head.count > nameLength { problems.append("\"\(head)\" is longer than \(nameLength) characters") }
            if options.isEmpty { problems.append("\(head.isEmpty ? "a group" : head) has no options") }
            if options.count > optionsPerGroup {
                problems.append("\(head) has \(options.count) options; at most \(optionsPerGroup)")
            }
            guard let (minimum, maximum) = limits(rule, count: max(options.count, 1)) else {
                problems.append(
                    "\(head): \"\(rule ?? "")\" is not a rule (write pick 1, pick 1 to 2, up to 2, optional)")
                continue
            }
            if maximum > options.count, !options.isEmpty {
                problems.append(
                    "\(head) asks for \(maximum) but has \(options.count) option\(options.count == 1 ? "" : "s")")
            }
            if groups.contains(where: { $0.name.lowercased() == head.lowercased() }) {
                problems.append("the group \(head) is listed twice")
            }
            groups.append(Group(name: head, minimum: minimum, maximum: maximum, options: options))
        }
        if groups.count > groupsPerItem { problems.append("\(groups.count) option groups; at most \(groupsPerItem)") }
        return problems.isEmpty ? .success(groups) : .failure(Problems(all: problems))
    }

    public struct Problems: Error, Equatable, Sendable {
        public var all: [String]
    }

    struct OptionProblem: Error {
        var message: String
    }

    static func option(_ written: String, symbol: String, code: String) -> Result<Option, OptionProblem> {
        var text = written
        var available = true
        for marker in ["(sold out)", "(soldout)", "(unavailable)"] where text.lowercased().hasSuffix(marker) {
            text = String(text.dropLast(marker.count)).trimmingSpaces
            available = false
        }
        var price = Kobo(0)
        // The price change is the last word, and only with its sign: `7up` or `Coke 50cl` stay names.
        if let space = text.lastIndex(of: " ") {
            let last = String(text[text.index(after: space)...])
            if let sign = last.first, sign == "+" || sign == "-" {
                guard let amount = Kobo.parse(String(last.dropFirst()), symbol: symbol, code: code) else {
                    return .failure(OptionProblem(message: "\"\(last)\" is not a price change (write +300 or -200)"))
                }
                price = sign == "-" ? Kobo(-amount.rawValue) : amount
                text = String(text[..<space]).trimmingSpaces
            }
        }
        guard !text.isEmpty else { return .failure(OptionProblem(message: "an option has no name")) }
        return .success(Option(name: text, price: price, available: available))
    }

    /// (minimum, maximum) for a rule, or nil when it is not one.
    static func limits(_ rule: String?, count: Int) -> (Int, Int)? {
        guard let rule = rule?.lowercased(), !rule.isEmpty else { return (1, 1) }
        let words = rule.split(whereSeparator: { $0 == " " || $0 == "-" }).map(String.init)
            .filter { $0 != "of" && $0 != "them" }
        func number(_ word: String) -> Int? { Int(word).flatMap { $0 >= 1 && $0 <= optionsPerGroup ? $0 : nil } }
        switch words.first {
        case "optional": return words.count == 1 ? (0, 1) : nil
        case "required": return words.count == 1 ? (1, 1) : nil
        case "any": return words.count == 1 ? (0, count) : nil
        case "pick", "choose":
            if words.count == 2, let value = number(words[1]) { return (value, value) }
            if words.count == 4, words[2] == "to", let low = number(words[1]), let high = number(words[3]),
                low <= high
            {
                return (low, high)
            }
            if words.count == 4, words[1] == "up", words[2] == "to", let high = number(words[3]) { return (0, high) }
            if words.count == 3, let low = number(words[1]), let high = number(words[2]), low <= high {
                return (low, high)  // `pick 1-2`
            }
            return nil
        case "up":
            if words.count == 3, words[1] == "to", let high = number(words[2]) { return (0, high) }
            return nil
        default: return nil
        }
    }

    static func shown(_ text: String) -> String { text.count > 30 ? String(text.prefix(29)) + "…" : text }

    /// The groups as one cell again: what `read` reads back to the same groups.
    public static func write(_ groups: [Group], symbol: String = "₦") -> String {
        groups.map { group in
            let rule: String? =
                if group.minimum == 1 && group.maximum == 1 { nil } else if group.minimum == group.maximum {
                    "pick \(group.minimum)"
                } else if group.minimum == 0 { group.maximum == 1 ? "optional" : "up to \(group.maximum)" } else {
                    "pick \(group.minimum) to \(group.maximum)"
                }
            let options = group.options.map { option in
                var text = option.name
                if option.price != 0 { text += " " + option.price.signed(symbol: symbol) }
                if !option.available { text += " (sold out)" }
                return text
            }
            return group.name + (rule.map { " (\($0))" } ?? "") + ": " + options.joined(separator: ", ")
        }.joined(separator: "; ")
    }
}

extension MenuOptionGroup {
    /// The group as `OptionSpec` writes it.
    public var spec: OptionSpec.Group {
        OptionSpec.Group(
            name: name, minimum: minimum, maximum: maximum,
            options: options.map { OptionSpec.Option(name: $0.name, price: $0.price, available: $0.available) })
    }
}
