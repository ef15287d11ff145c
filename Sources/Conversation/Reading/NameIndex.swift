import Domain

/// The menu's names as typed words are matched against them: every item by its name and the aliases the restaurant
/// set, with the words of its description as weak support, and every category by its name.
///
/// A typed word fits a name's word exactly (a plural `s` aside), as its start (`jol`, `choc`), as two of its words
/// run together (`friedrice`, `moinmoin`), or with a typo: an edit distance that grows with the word's length, never
/// on the first letter, and only for words of four letters or more. Every typed word must fit, in any order; where
/// several items fit, the best fitting win, and a tie is a question for the customer, never a guess.
struct NameIndex: Sendable {
    struct Named: Sendable {
        var id: Int64
        /// The name, then each alias, as words of `vocabulary` (by position), each name with its pairs of neighbours
        /// run together.
        var names: [[Int]]
        /// Description words, which may support a match that the name started (`egusi soup`).
        var support: Set<String>
    }

    /// Every distinct word of the menu's names, as bytes: a typed word is measured against each once per reading.
    let vocabulary: [[UInt8]]
    let items: [Named]
    let categories: [Named]
    /// Each item's options (sold-out ones too, so a customer who names one hears that it is sold out), by item id:
    /// the option's id and its name's folded words.
    let options: [Int64: [(id: Int64, words: [String])]]

    init(menu: Menu) {
        var vocabulary: [[UInt8]] = []
        var positions: [String: Int] = [:]
        func position(_ word: String) -> Int {
            if let known = positions[word] { return known }
            positions[word] = vocabulary.count
            vocabulary.append(Array(word.utf8))
            return vocabulary.count - 1
        }
        items = menu.items.map { item in
            Named(
                id: item.id,
                names: ([item.name] + item.aliases).map(NameIndex.nameWords).filter { !$0.isEmpty }.map {
                    $0.map(position)
                },
                support: Set(
                    Folded(item.description).words.filter { $0.count >= 3 && !NameIndex.stopWords.contains($0) }))
        }
        var options: [Int64: [(id: Int64, words: [String])]] = [:]
        for item in menu.items where !item.optionGroups.isEmpty {
            options[item.id] = item.optionGroups.flatMap(\.options).map { option in
                (option.id, Folded(option.name).words.filter { !NameIndex.stopWords.contains($0) })
            }
        }
        self.options = options
        categories = menu.categories.map { category in
            Named(id: category.id, names: [NameIndex.nameWords(category.name).map(position)], support: [])
        }
        self.vocabulary = vocabulary
    }

    /// The option of `itemID` that `typed` names, when exactly one fits best: every typed word fits one of the option's
    /// words (an option named `Moin Moin` is `moin moin` or `moinmoin`), and the option's words are all typed or one
    /// typed word starts them.
    /// `among`: only these options (one group's, when that group is being asked).
    func option(of itemID: Int64, fitting typed: [String], among allowed: Set<Int64>? = nil) -> Int64? {
        let words = typed.filter { !NameIndex.stopWords.contains($0) && !NameIndex.optionWords.contains($0) }
        guard !words.isEmpty, var candidates = options[itemID] else { return nil }
        if let allowed { candidates = candidates.filter { allowed.contains($0.id) } }
        var best = 0
        var found: [Int64] = []
        for candidate in candidates where !candidate.words.isEmpty {
            let joined = candidate.words.joined()
            var total = 0
            for word in words {
                let fits =
                    candidate.words.map { NameIndex.fit(Array(word.utf8), Array($0.utf8)) } + [
                        NameIndex.fit(Array(word.utf8), Array(joined.utf8))
                    ]
                guard let top = fits.max(), top > 0 else {
                    total = 0
                    break
                }
                total += top
            }
            if total > best {
                best = total
                found = [candidate.id]
            } else if total == best, total > 0 {
                found.append(candidate.id)
            }
        }
        return found.count == 1 ? found[0] : nil
    }

    /// The one option on the whole menu that `typed` names (`make it fish` after a jollof), or nil when none or
    /// several do: the conversation applies it to that dish's line in the cart.
    func anyOption(fitting typed: [String]) -> Int64? {
        var found: Int64?
        for itemID in options.keys.sorted() {
            guard let option = option(of: itemID, fitting: typed) else { continue }
            if found != nil { return nil }
            found = option
        }
        return found
    }

    /// Words that lead into an option (`jollof with beef`, `extra plantain`, `plus moin moin`) and carry no name.
    static let optionWords: Set<String> = ["with", "extra", "plus", "add", "and", "w", "wit", "some", "also"]

    /// Words that name nothing: dropped from names and from what is typed.
    static let stopWords: Set<String> = ["with", "of", "the", "a", "an", "in", "on", "w", "wit", "for", "to"]

    static func nameWords(_ name: String) -> [String] {
        let words = Folded(name).words.filter { !stopWords.contains($0) }
        var joined: [String] = []
        if words.count > 1 {
            for index in 0..<(words.count - 1) { joined.append(words[index] + words[index + 1]) }
        }
        return words + joined
    }

    /// How well the typed words fit: every word's fit added up (3 exact, 2 a start, 1 a typo or a description word).
    struct Fit: Equatable {
        var ids: [Int64]
        var score: Int
    }

    static let categoryWords: Set<String> = [
        "dish", "dishes", "food", "foods", "item", "items", "things", "section", "category", "stuff", "options",
        "menu", "list", "your", "una",
    ]

    /// 3: the same word (or its plural); 2: the start of it; 1: a typo of it; 0: not it.
    static func fit(_ typedBytes: [UInt8], _ nameBytes: [UInt8]) -> Int {
        if typedBytes == nameBytes { return 3 }
        if typedBytes.count == nameBytes.count + 1, typedBytes.last == UInt8(ascii: "s"),
            typedBytes.starts(with: nameBytes)
        {
            return 3
        }
        if nameBytes.count == typedBytes.count + 1, nameBytes.last == UInt8(ascii: "s"),
            nameBytes.starts(with: typedBytes)
        {
            return 3
        }
        if typedBytes.count >= 3, nameBytes.starts(with: typedBytes) { return 2 }
        guard typedBytes.count >= 4, typedBytes.first == nameBytes.first else { return 0 }
        let longest = max(typedBytes.count, nameBytes.count)
        let allowed = longest <= 5 ? 1 : longest <= 9 ? 2 : 3
        guard abs(typedBytes.count - nameBytes.count) <= allowed else { return 0 }
        return distance(typedBytes, nameBytes, atMost: allowed) <= allowed ? 1 : 0
    }

    /// Edits (insert, delete, replace, swap two neighbours) between two words, stopping once past `limit`.
    static func distance(_ a: [UInt8], _ b: [UInt8], atMost limit: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowBest = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, before[j - 2] + 1) }
                current[j] = value
                rowBest = min(rowBest, value)
            }
            if rowBest > limit { return limit + 1 }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
