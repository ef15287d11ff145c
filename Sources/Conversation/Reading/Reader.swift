import Domain

/// What a line a customer typed says, read against the menu: the parts in the order typed. The reader knows words
/// and dishes, not the conversation; the reducer decides what each part means where the customer is (`yes`
/// confirms at the summary and is only an acknowledgement elsewhere).
struct Reading: Equatable, CustomStringConvertible {
    enum Amount: Equatable {
        case exactly(Int)
        /// No quantity was said: one dish alone is asked about, one of several is one.
        case unsaid
        /// `a couple`, `few`: ask.
        case vague
    }

    enum Dish: Equatable {
        case item(Int64)
        /// The words fit these equally well: a question, never a guess.
        case oneOf([Int64])
        /// The dish added just before (`add one more`, `make it 3`).
        case last
    }

    enum Part: Equatable {
        case hello, thanks, howFar, bye
        case yes, no, back, pickup, delivery, changeAddress, sameAddress, reorder, skip, more
        case global(Words.Global)
        case add(Amount, Dish)
        case remove(Int?, Dish)
        case set(Dish, Int)
        case clear
        case category(Int64)
        case number(Int)
        case ask(Question)
        /// Free text where an address or a landmark is awaited, as typed.
        case address(String)
        /// Free text where an email is awaited, in lower case (not yet checked).
        case email(String)
        /// Words that could not be read, to be quoted back once.
        case unread(String)
    }

    var parts: [Part]

    var isEmpty: Bool { parts.isEmpty }

    /// The dishes and edits, without courtesy: what changes the cart.
    var orders: [Part] {
        parts.filter {
            switch $0 {
            case .add, .remove, .set, .clear: true
            default: false
            }
        }
    }

    var unread: [String] {
        parts.compactMap { if case .unread(let text) = $0 { text } else { nil } }
    }

    var description: String {
        guard !parts.isEmpty else { return "nothing" }
        return parts.map(\.description).joined(separator: " ; ")
    }
}

extension Reading.Part: CustomStringConvertible {
    var description: String {
        switch self {
        case .hello: "hello"
        case .thanks: "thanks"
        case .howFar: "how-far"
        case .bye: "bye"
        case .yes: "yes"
        case .no: "no"
        case .back: "back"
        case .pickup: "pickup"
        case .delivery: "delivery"
        case .changeAddress: "change-address"
        case .sameAddress: "same-address"
        case .reorder: "reorder"
        case .skip: "skip"
        case .more: "more"
        case .global(let word): word.rawValue
        case .add(let amount, let dish): "add \(amount.description) \(dish.description)"
        case .remove(let quantity?, let dish): "remove \(quantity) \(dish.description)"
        case .remove(nil, let dish): "remove \(dish.description)"
        case .set(let dish, let quantity): "set \(dish.description) \(quantity)"
        case .clear: "clear"
        case .category(let id): "category #\(id)"
        case .number(let value): "number \(value)"
        case .ask(let question): "ask \(question.rawValue)"
        case .address(let text): "address \"\(text)\""
        case .email(let text): "email \"\(text)\""
        case .unread(let text): "unread \"\(text)\""
        }
    }
}

extension Reading.Amount: CustomStringConvertible {
    var description: String {
        switch self {
        case .exactly(let value): "\(value)"
        case .unsaid: "?"
        case .vague: "~"
        }
    }
}

extension Reading.Dish: CustomStringConvertible {
    var description: String {
        switch self {
        case .item(let id): "#\(id)"
        case .oneOf(let ids): ids.map { "#\($0)" }.joined(separator: "|")
        case .last: "last"
        }
    }
}

/// Reads typed text. Pure and cheap: a handful of table lookups and short edit distances per word.
struct Reader {
    enum Mode: Equatable {
        /// Dishes, edits, words, questions.
        case anything
        /// An address or a landmark is awaited: text that reads as nothing else is that.
        case address
        /// An email is awaited.
        case email
    }

    let index: NameIndex

    init(menu: Menu) {
        index = NameIndex(menu: menu)
    }

    func read(_ text: String, mode: Mode = .anything) -> Reading {
        let folded = Folded(text)
        let reading = readTokens(folded.tokens)
        switch mode {
        case .anything:
            return reading
        case .address:
            if reading.isPlainlySomethingElse(freeText: true) { return reading }
            let trimmed = text.trimmed
            return trimmed.isEmpty ? reading : Reading(parts: [.address(trimmed)])
        case .email:
            if !text.contains("@"), reading.isPlainlySomethingElse(freeText: true) { return reading }
            // `my email is bisi@gmail.com`: the word with the `@`.
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            if let address = words.first(where: { $0.contains("@") }) {
                var email = Substring(address.lowercased())
                while let last = email.last, ".,;:!?)".contains(last) { email = email.dropLast() }
                while let first = email.first, "(<".contains(first) { email = email.dropFirst() }
                return Reading(parts: [.email(String(email))])
            }
            let trimmed = text.trimmed.lowercased()
            return trimmed.isEmpty ? reading : Reading(parts: [.email(trimmed)])
        }
    }

    // MARK: - Segments

    /// The words between breaks, with whether a soft break (`and`, `&`) came before them.
    struct Segment {
        var words: [String]
        var afterSoftBreak: Bool
    }

    func readTokens(_ tokens: [Folded.Token]) -> Reading {
        var segments: [Segment] = []
        var current = Segment(words: [], afterSoftBreak: false)
        for token in tokens {
            switch token {
            case .word(let word): current.words += Reader.unglued(word)
            case .hardBreak, .softBreak:
                if !current.words.isEmpty { segments.append(current) }
                current = Segment(words: [], afterSoftBreak: token == .softBreak)
            }
        }
        if !current.words.isEmpty { segments.append(current) }

        var parts: [Reading.Part] = []
        var index = 0
        while index < segments.count {
            var words = segments[index].words
            // `pounded yam and egusi`, `jollof rice & chicken`: one dish's name split by its own `and`.
            while index + 1 < segments.count, segments[index + 1].afterSoftBreak,
                let merged = merge(words, segments[index + 1].words)
            {
                words = merged
                index += 1
            }
            parts += readSegment(words)
            index += 1
        }
        return Reading(parts: parts)
    }

    /// The two segments as one, when together they name one dish that each of them alone fits too (at most one of
    /// them saying how many).
    func merge(_ first: [String], _ second: [String]) -> [String]? {
        guard case .add(let secondAmount, let secondDish)? = single(readSegment(second)),
            case .add(let firstAmount, let firstDish)? = readSegment(first).last,
            firstAmount == .unsaid || secondAmount == .unsaid,
            case .add(_, .item(let id))? = single(readSegment(first + second))
        else { return nil }
        func includes(_ dish: Reading.Dish) -> Bool {
            switch dish {
            case .item(let other): other == id
            case .oneOf(let ids): ids.contains(id)
            case .last: false
            }
        }
        return includes(firstDish) && includes(secondDish) ? first + second : nil
    }

    func single(_ parts: [Reading.Part]) -> Reading.Part? { parts.count == 1 ? parts[0] : nil }

    // MARK: - One segment

    func readSegment(_ segment: [String]) -> [Reading.Part] {
        var words = segment
        var parts: [Reading.Part] = []
        // Greetings and thanks open many messages: `good evening, …`, `hi i want …`, `thanks o`.
        while !words.isEmpty, whole(words) == nil, let (part, length) = courtesy(atStartOf: words) {
            parts.append(part)
            words.removeFirst(length)
        }
        if words.isEmpty { return parts }
        if let part = whole(words) { return parts + [part] }
        var asked: Reading.Part?
        if let (question, range) = Reader.find(Phrases.questions, in: words) {
            asked = .ask(question)
            words.removeSubrange(range)
            words.removeAll { Reader.questionWords.contains($0) }
        }
        var fulfilment: [Reading.Part] = []
        if let (part, range) = Reader.find(Reader.embeddedFulfilment, in: words) {
            fulfilment.append(part)
            words.removeSubrange(range)
        }
        if let (part, range) = Reader.find([(Reading.Part.sameAddress, Phrases.sameAddress)], in: words) {
            fulfilment.append(part)
            words.removeSubrange(range)
        }
        // `change it to pickup`, `make am delivery`: what is left only asked for the change.
        if !fulfilment.isEmpty, words.allSatisfy({ Reader.commandNoise.contains($0) }) { words = [] }
        var rest: [Reading.Part] = []
        if !words.isEmpty {
            if let part = whole(words) {
                rest = [part]
            } else {
                rest = readOrder(words)
            }
        }
        if let asked {
            // What is left of a question is usually more of the question (`how long for delivery o`).
            let dishes = rest.filter { if case .unread = $0 { false } else { true } }
            parts.append(asked)
            parts += dishes
        } else {
            parts += rest
        }
        return parts + fulfilment
    }

    /// The segment as one word or phrase from the tables, with filler around it (`yes o`, `abeg cancel`, `wetin una
    /// get today`), said twice (`yes correct`, `👍👍`), or a command named by its keyword (`abeg send your menu`).
    func whole(_ words: [String]) -> Reading.Part? {
        if let part = Reader.phrase(words) { return part }
        var core = words
        while let rest = Reader.strip(Reader.fillerByLength, from: core) {
            core = rest
            if let part = Reader.phrase(core) { return part }
        }
        while let last = core.last, core.count > 1, Reader.fillerWords.contains(last) {
            core.removeLast()
            if let part = Reader.phrase(core) { return part }
        }
        let bare = Reader.withoutFiller(words)
        if !bare.isEmpty, let part = Reader.phrase(bare) { return part }
        if let part = Reader.tiled(core) { return part }
        return Reader.keywordCommand(bare)
    }

    static let fillerByLength = Phrases.filler.sorted { $0.count > $1.count }
    static let fillerWords = Set(Phrases.filler.filter { $0.count == 1 }.map { $0[0] })

    /// Words that only ask for a change (`change it to …`, `i want make am …`), dropped once what changes is known.
    static let commandNoise: Set<String> = [
        "change", "switch", "to", "it", "am", "make", "i", "want", "rather", "let", "do", "we", "us", "instead",
        "please", "pls", "abeg", "the", "order", "my", "go", "will", "na", "e", "be", "can", "you", "so", "una",
    ]

    /// `yes correct`, `ok ok`, `thanks thank you`: one kind of phrase said more than once is said once.
    static func tiled(_ words: [String]) -> Reading.Part? {
        guard words.count > 1 else { return nil }
        for (part, phrases) in tables where [.yes, .no, .hello, .thanks, .bye, .howFar].contains(part) {
            var index = 0
            var pieces = 0
            tiling: while index < words.count {
                for phrase in phrases.sorted(by: { $0.count > $1.count }) where words[index...].starts(with: phrase) {
                    index += phrase.count
                    pieces += 1
                    continue tiling
                }
                if fillerWords.contains(words[index]) {
                    index += 1
                    continue
                }
                break
            }
            if index == words.count && pieces > 0 { return part }
        }
        return nil
    }

    /// A command said around its keyword: `check status`, `send your menu`, `i want to speak to someone`.
    static func keywordCommand(_ words: [String]) -> Reading.Part? {
        guard !words.isEmpty else { return nil }
        for (part, keywords) in commandKeywords {
            guard let keyword = words.firstIndex(where: keywords.contains) else { continue }
            var rest = words
            rest.remove(at: keyword)
            if rest.allSatisfy({ commandWords.contains($0) || keywords.contains($0) }) { return part }
        }
        return nil
    }

    static let commandKeywords: [(Reading.Part, Set<String>)] = [
        (.global(.menu), ["menu", "pricelist"]),
        (.global(.status), ["status", "track", "tracking"]),
        (.global(.cart), ["cart", "basket"]),
        (.global(.checkout), ["checkout"]),
        (.global(.agent), ["agent", "human", "someone", "somebody", "person", "representative", "staff"]),
        (.global(.help), ["help"]),
        (.global(.restart), ["restart"]),
    ]

    /// The words that may stand around a command's keyword.
    static let commandWords: Set<String> = [
        "send", "show", "see", "view", "check", "open", "give", "me", "your", "the", "my", "i", "want", "to", "speak",
        "talk", "chat", "with", "a", "can", "could", "let", "see", "please", "pls", "abeg", "una", "us", "we", "make",
        "need", "real", "what", "is", "in", "order", "of", "full", "whole", "again", "now", "go", "get", "on", "at",
        "an", "this", "that", "am", "any", "some", "one", "there", "here", "am", "do", "you", "have", "for", "from",
    ]

    static let tables: [(Reading.Part, [[String]])] =
        [
            (.yes, Phrases.yes), (.no, Phrases.no), (.back, Phrases.back), (.clear, Phrases.clear),
            (.changeAddress, Phrases.changeAddress), (.sameAddress, Phrases.sameAddress), (.reorder, Phrases.reorder),
            (.pickup, Phrases.pickup), (.delivery, Phrases.delivery), (.skip, Phrases.skip), (.more, Phrases.more),
            (.hello, Phrases.hello), (.howFar, Phrases.howFar), (.thanks, Phrases.thanks), (.bye, Phrases.bye),
        ] + Phrases.global.map { (Reading.Part.global($0.0), $0.1) }

    static let phraseTable: [[String]: Reading.Part] = {
        var table: [[String]: Reading.Part] = [:]
        for (part, phrases) in tables {
            for phrase in phrases where table[phrase] == nil { table[phrase] = part }
        }
        return table
    }()

    static func phrase(_ words: [String]) -> Reading.Part? { phraseTable[words] }

    static let courtesyTables: [(Reading.Part, [[String]])] = [
        (.hello, Phrases.hello), (.howFar, Phrases.howFar), (.thanks, Phrases.thanks), (.bye, Phrases.bye),
    ]

    func courtesy(atStartOf words: [String]) -> (Reading.Part, Int)? {
        var best: (Reading.Part, Int)?
        for (part, phrases) in Reader.courtesyTables {
            for phrase in phrases where phrase.count > (best?.1 ?? 0) && words.starts(with: phrase) {
                best = (part, phrase.count)
            }
        }
        return best
    }

    /// Fulfilment said inside a longer line (`2 jollof for pickup`); alone, the full tables apply.
    static let embeddedFulfilment: [(Reading.Part, [[String]])] = [
        (
            .pickup,
            Phrases.split([
                "for pickup", "pickup", "pick up", "for pick up", "takeaway", "take away", "i go come carry am",
                "i will pick up", "i ll pick up", "i go come pick am", "i will come and pick", "self pickup",
            ])
        ),
        (
            .delivery,
            Phrases.split([
                "for delivery", "delivery", "deliver", "deliver it", "deliver am", "home delivery", "door delivery",
                "deliver to my house", "bring am come", "to my house", "deliver to me",
            ])
        ),
    ]

    /// Words that only shape a question: dropped once the question is known.
    static let questionWords: Set<String> = [
        "what", "whats", "when", "where", "how", "is", "are", "do", "does", "you", "u", "una", "dey", "e", "go",
        "will", "it", "be", "can", "i", "does", "much", "s", "your", "guys", "pls", "please", "abeg", "o", "the",
        "again", "still", "today", "now", "tell", "me", "know", "want", "to", "pls", "sir", "ma", "we", "us", "am",
    ]

    /// The longest phrase of `tables` found as consecutive words, and where.
    static func find<Value>(_ tables: [(Value, [[String]])], in words: [String]) -> (Value, Range<Int>)? {
        var best: (Value, Range<Int>)?
        for (value, phrases) in tables {
            for phrase in phrases where phrase.count <= words.count && phrase.count > (best?.1.count ?? 0) {
                for start in 0...(words.count - phrase.count) where words[start] == phrase[0] {
                    if Array(words[start..<(start + phrase.count)]) == phrase {
                        best = (value, start..<(start + phrase.count))
                        break
                    }
                }
            }
        }
        return best
    }

    static let fillerByFirstWord: [String: [[String]]] = Dictionary(
        grouping: Phrases.filler.sorted { $0.count > $1.count }, by: { $0[0] })

    /// The words without filler phrases, wherever they stand.
    static func withoutFiller(_ words: [String]) -> [String] {
        var kept: [String] = []
        var index = 0
        outer: while index < words.count {
            for phrase in fillerByFirstWord[words[index]] ?? [] where words[index...].starts(with: phrase) {
                index += phrase.count
                continue outer
            }
            kept.append(words[index])
            index += 1
        }
        return kept
    }

    // MARK: - Orders and edits

    func readOrder(_ segment: [String]) -> [Reading.Part] {
        if segment.contains("instead") {
            let items = addParts(Reader.withoutFiller(segment))
            if items.count == 1, case .add(.exactly(let quantity), let dish) = items[0] {
                return [.set(dish, quantity)]
            }
        }
        var words = Reader.withoutFiller(segment)
        // Edits first: they start with their verb.
        if let rest = Reader.strip(Reader.setStarts, from: words) {
            return setParts(rest)
        }
        if let changed = changeTo(words) { return changed }
        if let rest = Reader.strip(Phrases.removeVerbs, from: words) {
            return removeParts(Reader.withoutFiller(rest))
        }
        if let rest = Reader.strip(Phrases.addVerbs, from: words) {
            words = rest
        }
        return addParts(Reader.withoutFiller(words))
    }

    static let setStarts = Phrases.split([
        "make it", "make am", "make", "let it be", "change it to", "change to", "update it to", "make the",
    ])

    /// The words after the longest of `phrases` that starts them, or nil when none does.
    static func strip(_ phrases: [[String]], from words: [String]) -> [String]? {
        var best: [String]?
        var length = 0
        for phrase in phrases where phrase.count > length && words.count > phrase.count && words.starts(with: phrase) {
            best = Array(words.dropFirst(phrase.count))
            length = phrase.count
        }
        return best
    }

    /// `make it 3 jollof`, `make it 3` (the last dish), `make jollof 3`.
    func setParts(_ words: [String]) -> [Reading.Part] {
        if words.count == 1, let quantity = Reader.quantity(words[0]) { return [.set(.last, quantity)] }
        let items = addParts(words)
        return items.map { part in
            if case .add(.exactly(let quantity), let dish) = part { return .set(dish, quantity) }
            return part
        }
    }

    /// `change jollof to 1`, `reduce the coke to 2`, `jollof should be 2`.
    func changeTo(_ words: [String]) -> [Reading.Part]? {
        guard words.count >= 3, let last = words.last, let quantity = Reader.quantity(last) else { return nil }
        let beforeNumber = words.dropLast()
        guard let link = beforeNumber.last, ["to", "be"].contains(link) else { return nil }
        var name = Array(beforeNumber.dropLast())
        if name.last == "should" { name.removeLast() }
        if let first = name.first, ["change", "update", "reduce", "increase", "edit", "set", "adjust"].contains(first) {
            name.removeFirst()
        }
        let dishes = addParts(Reader.withoutFiller(name))
        guard dishes.count == 1, case .add(.unsaid, let dish) = dishes[0] else { return nil }
        return [.set(dish, quantity)]
    }

    func removeParts(_ words: [String]) -> [Reading.Part] {
        let items = addParts(words.filter { !["it", "am", "all", "them", "everything"].contains($0) })
        if items.isEmpty { return [.remove(nil, .last)] }
        return items.map { part in
            switch part {
            case .add(.exactly(let quantity), let dish): .remove(quantity, dish)
            case .add(_, let dish): .remove(nil, dish)
            default: part
            }
        }
    }

    /// Dishes with their quantities: `2 jollof`, `jollof x2`, `two plates of fried rice`, `one more coke`, and
    /// several in a row without separators (`2 jollof 1 coke`, `jollof coke`).
    func addParts(_ segment: [String]) -> [Reading.Part] {
        var words = Reader.markingVague(segment)
        guard !words.isEmpty else { return [] }
        if words.count == 1, let value = Reader.quantity(words[0]) { return [.number(value)] }
        // `one more`, `another one`, `another 1`, `2 more`, `2 more jollof`: more of a dish, the last one when none
        // is named.
        var more: Int?
        if Phrases.oneMore.contains(words) {
            more = 1
            words = []
        } else if let rest = Reader.strip(Phrases.oneMore, from: words) {
            more = 1
            words = rest.first.flatMap(Reader.quantity) == 1 ? Array(rest.dropFirst()) : rest
        } else if words.count >= 2, let value = Reader.quantity(words[0]), words[1] == "more" {
            more = value
            words = Array(words.dropFirst(2))
        }
        if let more {
            let named = names(Reader.withoutFiller(words))
            if named.isEmpty { return [.add(.exactly(more), .last)] }
            return assign(.exactly(more), leading: true, to: named)
        }
        // Each amount starts a dish when the line starts with one (`2 jollof 1 coke`), else ends one (`jollof 2
        // coke 1`).
        let leading = Reader.amountAtStart(words) != nil
        var groups: [[String]] = []
        var group: [String] = []
        for word in words {
            if Reader.amount(word) != nil {
                if leading {
                    if !group.isEmpty { groups.append(group) }
                    group = [word]
                } else {
                    group.append(word)
                    groups.append(group)
                    group = []
                }
            } else {
                group.append(word)
            }
        }
        if !group.isEmpty { groups.append(group) }
        return groups.flatMap(readGroup)
    }

    /// One dish's words with at most one amount, at either end.
    func readGroup(_ group: [String]) -> [Reading.Part] {
        var words = group
        var amount = Reading.Amount.unsaid
        var leading = true
        if let (found, length) = Reader.amountAtStart(words) {
            amount = found
            words.removeFirst(length)
        } else if let last = words.last, let found = Reader.amount(last) {
            amount = found
            words.removeLast()
            if words.last == "x" { words.removeLast() }  // `jollof x 2`
            leading = false
        }
        words = Reader.withoutFiller(words)
        guard !words.isEmpty else {
            if case .exactly(let value) = amount { return [.number(value)] }
            return []
        }
        if amount == .unsaid, let category = index.categories(fitting: words), category.ids.count == 1,
            index.items(fitting: words).map({ $0.score <= category.score }) ?? true
        {
            return [.category(category.ids[0])]
        }
        return assign(amount, leading: leading, to: names(words))
    }

    /// The quantity goes to the first dish when it was said first, else to the last.
    func assign(_ amount: Reading.Amount, leading: Bool, to named: [Reading.Part]) -> [Reading.Part] {
        var parts = named
        let dishIndexes = parts.indices.filter { if case .add = parts[$0] { true } else { false } }
        guard let target = leading ? dishIndexes.first : dishIndexes.last,
            case .add(_, let dish) = parts[target]
        else { return parts }
        parts[target] = .add(amount, dish)
        return parts
    }

    /// Splits words into the fewest dish names that fit, leaving what fits nothing as unread words.
    func names(_ words: [String]) -> [Reading.Part] {
        let count = words.count
        guard count > 0 else { return [] }
        // best[i]: the cheapest reading of the first i words (a dish costs 1, an unread word 10).
        var cost = [Int](repeating: Int.max, count: count + 1)
        var choice = [(start: Int, dish: Reading.Dish?)](repeating: (0, nil), count: count + 1)
        // A dish found only through typos: not to be trusted beside words that are no dish at all (`small chops` is
        // not `chips`).
        var weak = [Bool](repeating: false, count: count + 1)
        cost[0] = 0
        for end in 1...count {
            if cost[end - 1] != Int.max, cost[end - 1] + 10 < cost[end] {
                cost[end] = cost[end - 1] + 10
                choice[end] = (end - 1, nil)
            }
            for start in max(0, end - 6)..<end where cost[start] != Int.max && cost[start] + 1 < cost[end] {
                let phrase = Array(words[start..<end])
                guard let fit = index.items(fitting: phrase) else { continue }
                cost[end] = cost[start] + 1
                choice[end] = (start, fit.ids.count == 1 ? .item(fit.ids[0]) : .oneOf(fit.ids))
                weak[end] = fit.score <= end - start
            }
        }
        var pieces: [(words: [String], dish: Reading.Dish?, weak: Bool)] = []
        var end = count
        while end > 0 {
            let (start, dish) = choice[end]
            pieces.append((Array(words[start..<end]), dish, weak[end]))
            end = start
        }
        pieces.reverse()
        for (offset, piece) in pieces.enumerated() where piece.weak {
            let besideUnread =
                (offset > 0 && pieces[offset - 1].dish == nil)
                || (offset + 1 < pieces.count && pieces[offset + 1].dish == nil)
            if besideUnread { pieces[offset].dish = nil }
        }
        var parts: [Reading.Part] = []
        var unread: [String] = []
        for piece in pieces {
            if let dish = piece.dish {
                if !unread.isEmpty {
                    parts.append(.unread(unread.joined(separator: " ")))
                    unread = []
                }
                parts.append(.add(.unsaid, dish))
            } else {
                unread += piece.words
            }
        }
        if !unread.isEmpty { parts.append(.unread(unread.joined(separator: " "))) }
        return parts
    }

    // MARK: - Numbers

    static let units: [String] = [
        "pcs", "pc", "nos", "no", "x", "plates", "plate", "packs", "pack", "bottles", "bottle",
    ]

    /// `2jollof` is `2 jollof`; `2pcs`, `50cl` and `7up` stay one word (a unit, or too short to be a name).
    static func unglued(_ word: String) -> [String] {
        let bytes = Array(word.utf8)
        guard let first = bytes.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { return [word] }
        let digits = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let letters = bytes.dropFirst(digits.count)
        guard letters.count >= 3, letters.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else {
            return [word]
        }
        let tail = String(decoding: letters, as: UTF8.self)
        if units.contains(tail) { return [word] }
        return [String(decoding: digits, as: UTF8.self), tail]
    }

    /// A quantity written as one word: `2`, `two`, `x2`, `2x`, `2pcs`, `2nos`.
    static func quantity(_ word: String) -> Int? {
        if let value = Phrases.numbers[word] { return value }
        var digits = Substring(word)
        if digits.hasPrefix("x") { digits = digits.dropFirst() }
        for suffix in units where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits = digits.dropLast(suffix.count)
            break
        }
        guard !digits.isEmpty, digits.count <= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return Int(digits)
    }

    /// Stands for a vague amount (`a couple of`, `few`) once it is found, so it groups like a number.
    static let vagueMark = "~"

    static func markingVague(_ words: [String]) -> [String] {
        var marked: [String] = []
        var index = 0
        outer: while index < words.count {
            for phrase in vagueByLength where words[index...].starts(with: phrase) {
                marked.append(vagueMark)
                index += phrase.count
                continue outer
            }
            marked.append(words[index])
            index += 1
        }
        return marked
    }

    static let vagueByLength = Phrases.vague.sorted { $0.count > $1.count }

    static func amount(_ word: String) -> Reading.Amount? {
        if word == vagueMark { return .vague }
        return quantity(word).map { .exactly($0) }
    }

    /// An amount at the start of a dish's words, and how many words it took (`x 2` and `a dozen` are two).
    static func amountAtStart(_ words: [String]) -> (Reading.Amount, Int)? {
        guard let first = words.first else { return nil }
        if first == "x", words.count > 1, let value = quantity(words[1]) { return (.exactly(value), 2) }
        if words.count > 1, let value = Phrases.numbers[words.prefix(2).joined(separator: " ")] {
            return (.exactly(value), 2)
        }
        return amount(first).map { ($0, 1) }
    }
}

extension Reading {
    /// In free text (an address, a landmark, an email): whether the reading is clearly something else, a word, a
    /// question or an order that reads whole, rather than the text awaited.
    func isPlainlySomethingElse(freeText: Bool) -> Bool {
        guard !parts.isEmpty else { return false }
        for part in parts {
            switch part {
            case .unread, .number, .address, .email: return false
            case .category: return false
            default: continue
            }
        }
        return true
    }
}
