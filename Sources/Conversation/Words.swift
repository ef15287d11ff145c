import Domain

/// How typed text is read. Customers type on phones: case, punctuation and spacing carry no meaning here.
enum Words {
    /// Lower case, letters and digits kept, everything else a space, runs of spaces collapsed. "Cart!!" → "cart".
    static func normalized(_ text: String) -> String {
        // Almost everything typed (and every menu name matched against it) is ASCII: bytes are read as they are,
        // without the Unicode property lookups that dominated a webhook's time in the reducer.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return normalizedASCII(text) }
        return normalizedUnicode(text)
    }

    static func normalizedUnicode(_ text: String) -> String {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "-" {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.joined(separator: " ")
    }

    /// `normalized` for ASCII text: the same result, byte by byte.
    static func normalizedASCII(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            let kept: UInt8?
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                kept = byte
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): kept = byte + 32
            default: kept = nil
            }
            guard let kept else {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(UInt8(ascii: " ")) }
            pendingSpace = false
            out.append(kept)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The words that work in every state. Buttons send the same words as ids, so a tap and a typed word are one
    /// path.
    enum Global: String, CaseIterable {
        case menu, cart, checkout, cancel, help, restart, status, pay, agent
    }

    static func global(_ text: String) -> Global? {
        let word = normalized(text)
        switch word {
        case "hi", "hello", "hey", "start", "home", "categories", "order": return .menu
        case "basket", "view cart", "my cart": return .cart
        case "check out": return .checkout
        case "start over", "reset": return .restart
        case "order status", "where is my order": return .status
        case "pay now", "payment link": return .pay
        case "human", "person", "talk to a person", "speak to someone", "customer service", "talk to someone":
            return .agent
        default: return Global(rawValue: word)
        }
    }

    /// A whole number typed on its own: "2", " 12 ", "2." → 2. Signs and words are not numbers here, so the caller
    /// can tell "-1" and "two" apart from a number and answer each with the right hint.
    static func number(_ text: String) -> Int? {
        var digits = Substring(text.trimmed)
        while let last = digits.last, last == "." || last == "!" { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// What a typed quantity is, for a clear answer to each kind of mistake.
    enum Quantity: Equatable {
        case valid(Int)
        case zero
        case negative
        case tooMany
        case notANumber
    }

    static func quantity(_ text: String, maximum: Int) -> Quantity {
        let trimmed = text.trimmed.lowercased()
        let core =
            trimmed.hasPrefix("x")
            ? String(trimmed.dropFirst()) : trimmed.hasSuffix("x") ? String(trimmed.dropLast()) : trimmed
        if let value = number(core) {
            if value == 0 { return .zero }
            return value > maximum ? .tooMany : .valid(value)
        }
        if core.hasPrefix("-"), number(String(core.dropFirst())) != nil { return .negative }
        // Long digit strings are numbers too, just far too big.
        if !core.isEmpty, core.allSatisfy({ $0.isASCII && $0.isNumber }) { return .tooMany }
        return .notANumber
    }

    /// A command typed as free text: `2 jollof`, `add 1 zobo`, `remove fries`, `jollof x2`.
    struct CartCommand: Equatable {
        enum Verb: Equatable {
            case add
            case remove
        }

        var verb: Verb
        var quantity: Int?
        var name: String
    }

    static func cartCommand(_ text: String) -> CartCommand? {
        var words = normalized(text).split(separator: " ").map(String.init)
        guard !words.isEmpty else { return nil }
        var verb = CartCommand.Verb.add
        var explicitVerb = false
        if ["add", "plus"].contains(words[0]) {
            words.removeFirst()
            explicitVerb = true
        } else if ["remove", "delete", "drop", "minus"].contains(words[0]) {
            verb = .remove
            words.removeFirst()
            explicitVerb = true
        }
        var quantity: Int?
        if let first = words.first, let value = leadingQuantity(first) {
            quantity = value
            words.removeFirst()
        } else if let last = words.last, words.count > 1, let value = trailingQuantity(last) {
            quantity = value
            words.removeLast()
        }
        guard !words.isEmpty else { return nil }
        // Without a verb or a number, plain words are a name to look up, not a command.
        guard explicitVerb || quantity != nil else { return nil }
        return CartCommand(verb: verb, quantity: quantity, name: words.joined(separator: " "))
    }

    private static func leadingQuantity(_ word: String) -> Int? {
        if let value = number(word) { return value }
        if word.hasSuffix("x"), let value = number(String(word.dropLast())) { return value }
        return nil
    }

    private static func trailingQuantity(_ word: String) -> Int? {
        if word.hasPrefix("x"), let value = number(String(word.dropFirst())) { return value }
        return nil
    }

    /// Items whose name matches typed words: every typed word starts a word of the name ("jol ric" finds
    /// "Jollof Rice & Chicken"), or the whole text appears in the name. An exact name wins over partial ones.
    static func matchingItems(_ query: String, in items: [MenuItem]) -> [MenuItem] {
        matching(query, in: items, name: \.name)
    }

    /// `matchingItems` for anything with a name (menu items, cart lines).
    static func matching<T>(_ query: String, in items: [T], name nameOf: (T) -> String) -> [T] {
        let wanted = normalized(query)
        guard !wanted.isEmpty else { return [] }
        if let exact = items.first(where: { normalized(nameOf($0)) == wanted }) { return [exact] }
        let queryWords = wanted.split(separator: " ")
        let strict = items.filter { item in
            let name = normalized(nameOf(item))
            if name.contains(wanted) { return true }
            let nameWords = name.split(separator: " ")
            return queryWords.allSatisfy { word in nameWords.contains { $0.hasPrefix(word) } }
        }
        if !strict.isEmpty { return strict }
        // Only when nothing matched as typed: a plural or a trailing typo ("zobos", "jolloff") still finds the dish.
        return items.filter { item in
            let nameWords = normalized(nameOf(item)).split(separator: " ")
            return queryWords.allSatisfy { word in
                word.count >= 4 && nameWords.contains { $0.hasPrefix(word.dropLast()) }
            }
        }
    }

    /// A plausible receipt email: one `@`, a dot in the domain, no spaces, within the length email allows.
    static func email(_ text: String) -> String? {
        let candidate = text.trimmed.lowercased()
        guard candidate.count <= 254, !candidate.contains(where: \.isWhitespace) else { return nil }
        let parts = candidate.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), (labels.last?.count ?? 0) >= 2 else {
            return nil
        }
        let allowed = candidate.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "@._+-'".contains($0)) }
        return allowed ? candidate : nil
    }
}

extension String {
    var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
