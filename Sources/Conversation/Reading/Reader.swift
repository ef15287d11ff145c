import Domain

/// Reads typed text. Pure and cheap: a handful of table lookups and short edit distances per word.
public struct Reader: Sendable, Equatable {
    public enum Mode: Equatable, Sendable {
        /// Dishes, edits, words, questions.
        case anything
        /// An address or a landmark is awaited: text that reads as nothing else is that.
        case address
        /// An email is awaited.
        case email
    }

    let index: NameIndex
    /// The menu it reads against: a reader is built once per menu and kept while the menu stays the same.
    public let menu: Menu

    public init(menu: Menu) {
        self.menu = menu
        index = NameIndex(menu: menu)
    }

    public static func == (lhs: Reader, rhs: Reader) -> Bool { lhs.menu == rhs.menu }

    public func read(_ text: String, mode: Mode = .anything) -> Reading {
        // An email typed anywhere is a receipt address, not words to read as dishes.
        if mode != .address, let email = Reader.emailAddress(in: text) { return Reading(parts: [.email(email)]) }
        // `2 jollof. note: no pepper`: what comes after the label is for the kitchen, as typed, never read as dishes.
        if mode == .anything, let (before, note) = Reader.labelledNote(in: text) {
            let rest = before.trimmed.isEmpty ? Reading(parts: []) : read(before, mode: mode)
            return Reading(parts: rest.parts + [.note(note)])
        }
        let folded = Folded(text)
        let reading = Scan(index: index).readTokens(folded.tokens)
        switch mode {
        case .anything:
            return reading
        case .address:
            // A number alone is no address: the step decides what it answers.
            if reading.isPlainlySomethingElse || reading.isBareNumber { return reading }
            let trimmed = text.trimmed
            return trimmed.isEmpty ? reading : Reading(parts: [.address(trimmed)])
        case .email:
            if !text.contains("@"), reading.isPlainlySomethingElse { return reading }
            let trimmed = text.trimmed.lowercased()
            return trimmed.isEmpty ? reading : Reading(parts: [.email(trimmed)])
        }
    }

    /// The first word shaped like an email address (`x@y.z`), lower case, without the punctuation around it.
    static func emailAddress(in text: String) -> String? {
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) where word.contains("@") {
            var email = Substring(word.lowercased())
            while let last = email.last, ".,;:!?)>".contains(last) { email = email.dropLast() }
            while let first = email.first, "(<".contains(first) { email = email.dropFirst() }
            let halves = email.split(separator: "@", omittingEmptySubsequences: false)
            if halves.count == 2, !halves[0].isEmpty, halves[1].contains("."), !halves[1].hasPrefix("."),
                !halves[1].hasSuffix(".")
            {
                return String(email)
            }
        }
        return nil
    }
}

/// One reading's working state: the reading steps, and what it has worked out about each typed word (how it fits
/// every name on the menu), so a word tried in many phrases is measured once. Made per reading, never shared.
final class Scan {
    let index: NameIndex
    /// Per typed word, its fit (0 to 3) with each word of the menu's vocabulary.
    var fits: [String: [UInt8]] = [:]
    /// Segments and phrases already read in this reading.
    var segments: [[String]: [Reading.Part]] = [:]
    var wholes: [[String]: Reading.Part?] = [:]

    init(index: NameIndex) {
        self.index = index
    }

    /// A typed word's fit with each word of the menu, worked out the first time the word is tried.
    func fitRow(_ word: String) -> [UInt8] {
        if let known = fits[word] { return known }
        let typed = Array(word.utf8)
        let row = index.vocabulary.map { UInt8(NameIndex.fit(typed, $0)) }
        fits[word] = row
        return row
    }

    /// The items that fit `words` best, or nil when none fits every word.
    func items(fitting words: [String]) -> NameIndex.Fit? { best(words, in: index.items, support: true) }

    /// The categories that fit `words` best, or nil. Words that any category could carry (`side dishes`, `drinks
    /// section`) are left out when others remain.
    func categories(fitting words: [String]) -> NameIndex.Fit? {
        let specific = words.filter { !NameIndex.categoryWords.contains($0) }
        return best(specific.isEmpty ? words : specific, in: index.categories, support: false)
    }

    private func best(_ words: [String], in entries: [NameIndex.Named], support: Bool) -> NameIndex.Fit? {
        let typed = words.filter { !NameIndex.stopWords.contains($0) }
        guard !typed.isEmpty else { return nil }
        let rows = typed.map(fitRow)
        var bestScore = 0
        var ids: [Int64] = []
        for entry in entries {
            var entryBest = 0
            for name in entry.names {
                var total = 0
                var fromName = false
                for (offset, row) in rows.enumerated() {
                    var fit = 0
                    for position in name where Int(row[position]) > fit { fit = Int(row[position]) }
                    if fit > 0 {
                        fromName = true
                    } else if support {
                        let word = typed[offset]
                        if entry.support.contains(word)
                            || (word.hasSuffix("s") && entry.support.contains(String(word.dropLast())))
                        {
                            fit = 1
                        }
                    }
                    guard fit > 0 else {
                        total = 0
                        break
                    }
                    total += fit
                }
                if fromName { entryBest = max(entryBest, total) }
            }
            if entryBest > bestScore {
                bestScore = entryBest
                ids = [entry.id]
            } else if entryBest == bestScore && entryBest > 0 {
                ids.append(entry.id)
            }
        }
        return bestScore > 0 ? NameIndex.Fit(ids: ids, score: bestScore) : nil
    }

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
            case .word(let word):
                for piece in Reader.unglued(word) {
                    current.words +=
                        Phrases.spellings[piece].map { $0.split(separator: " ").map(String.init) } ?? [piece]
                }
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
            // `jollof with beef and extra plantain`: more options of the dish before, said after an `and`.
            if let owner = Reader.optionOwner(parts), let first = words.first,
                ["extra", "with", "plus", "add", "w", "wit"].contains(first),
                let option = self.index.option(of: owner, fitting: words)
            {
                parts.append(.option(option))
                index += 1
                continue
            }
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
        return Reading(parts: Reader.deduplicated(parts))
    }

    /// The two segments as one, when together they name one dish that each of them alone fits too (at most one of
    /// them saying how many).
    func merge(_ first: [String], _ second: [String]) -> [String]? {
        // What is not a dish (`… egusi for delivery`) goes along and does not stop the merge.
        func dishes(_ parts: [Reading.Part]) -> [Reading.Part] {
            parts.filter { if case .add = $0 { true } else { false } }
        }
        let secondParts = readSegment(second)
        let mergedParts = readSegment(first + second)
        guard case .add(let secondAmount, let secondDish)? = single(dishes(secondParts)),
            case .add(let firstAmount, let firstDish)? = readSegment(first).last,
            firstAmount == .unsaid || secondAmount == .unsaid,
            case .add(_, .item(let id))? = single(dishes(mergedParts)),
            secondParts.count - 1 == mergedParts.count - 1,
            !mergedParts.contains(where: { if case .unread = $0 { true } else { false } })
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

    /// A segment as typed, or with its typos put right when that reads more of it.
    func readSegment(_ segment: [String]) -> [Reading.Part] {
        // The same words come back when segments are tried together (`pounded yam` and `egusi`).
        if let known = segments[segment] { return known }
        let parts = readSegmentOnce(segment)
        segments[segment] = parts
        return parts
    }

    func readSegmentOnce(_ segment: [String]) -> [Reading.Part] {
        let typed = readWords(segment)
        // Typos are looked for only where something went unread: most lines read whole as typed.
        guard Reader.unreadCount(typed) > 0 else { return typed }
        let fixed = corrected(segment)
        guard fixed != segment else { return typed }
        let better = readWords(fixed)
        return Reader.unreadCount(better) < Reader.unreadCount(typed) ? better : typed
    }

    func readWords(_ segment: [String]) -> [Reading.Part] {
        var words = segment
        var parts: [Reading.Part] = []
        // Greetings and thanks open many messages: `good evening, …`, `hi i want …`, `thanks o`.
        while !words.isEmpty, whole(words) == nil, let (part, length) = courtesy(atStartOf: words) {
            parts.append(part)
            words.removeFirst(length)
        }
        // … and close them: `2 jollof thanks`, `checkout pls thank you`.
        var closing: [Reading.Part] = []
        while words.count > 1, whole(words) == nil, let (part, length) = courtesy(atEndOf: words) {
            closing.insert(part, at: 0)
            words.removeLast(length)
        }
        if words.isEmpty { return parts + closing }
        return readCore(words, after: parts) + closing
    }

    func readCore(_ segment: [String], after parts: [Reading.Part]) -> [Reading.Part] {
        var words = segment
        if let part = whole(words) { return parts + [part] }
        // `no pepper`, `less oil abeg`: for the kitchen (before `no` is read as an answer or a removal).
        if let note = kitchenNote(words) { return parts + [.note(note)] }
        // `no make am pickup`, `yes 2 jollof`: an answer, then more (but `no coke` takes the coke out).
        if let (answer, length) = Reader.answers.prefix(of: words[...]),
            length < words.count
        {
            let rest = readWords(Array(words.dropFirst(length)))
            let onlyDishes = rest.allSatisfy { if case .add = $0 { true } else { false } }
            if !(answer == .no && onlyDishes), !rest.contains(where: { if case .unread = $0 { true } else { false } }) {
                return parts + [answer] + rest
            }
        }
        if let reorder = Reader.reorder(words) { return parts + [reorder] }
        // Where the order goes, said around it: `use the same address`, `abeg use different location`.
        if let (part, range) = Reader.addressSet.anywhere(in: words) {
            var rest = words
            rest.removeSubrange(range)
            let delivery = Reader.embeddedSet.anywhere(in: rest)
            if let delivery { rest.removeSubrange(delivery.1) }
            if rest.allSatisfy({ Reader.commandNoise.contains($0) || Reader.fillerWords.contains($0) }) {
                return parts + (delivery.map { [$0.0] } ?? []) + [part]
            }
        }
        if let question = Reader.question(in: words) {
            // What is left of a question is usually more of the question (`how long will the delivery take`); only
            // dishes named in it count (`una get zobo?` is read as an order before this).
            var rest = words
            if let range = question.1 { rest.removeSubrange(range) }
            rest.removeAll { Reader.questionWords.contains($0) }
            let dishes = rest.isEmpty ? [] : readOrder(rest).filter { if case .add = $0 { true } else { false } }
            return parts + [.ask(question.0)] + dishes
        }
        var before: [Reading.Part] = []
        var after: [Reading.Part] = []
        if let (part, range) = Reader.embeddedSet.anywhere(in: words) {
            if range.lowerBound == 0 { before.append(part) } else { after.append(part) }
            words.removeSubrange(range)
        }
        if let (part, range) = Reader.sameAddressSet.anywhere(in: words) {
            after.append(part)
            words.removeSubrange(range)
        }
        // `change it to pickup`, `make am delivery`: what is left only asked for the change.
        if !(before + after).isEmpty, words.allSatisfy({ Reader.commandNoise.contains($0) }) { words = [] }
        var rest: [Reading.Part] = []
        if !words.isEmpty {
            rest = whole(words).map { [$0] } ?? readOrder(words)
        }
        return Reader.deduplicated(parts + before + rest + after)
    }

    /// The words with typos of the reader's own vocabulary put right (`chekout`, `mneu`, `pikup`, `remve`, `wnt`).
    /// A word that fits a dish or a category is left as it is: dishes come first.
    func corrected(_ words: [String]) -> [String] {
        words.map { word in
            guard word.utf8.count >= 3, !Reader.vocabulary.contains(word), Reader.quantity(word) == nil,
                items(fitting: [word]) == nil, categories(fitting: [word]) == nil
            else { return word }
            // `yess`, `okk`, `hii`: a last letter typed twice.
            let bytes = Array(word.utf8)
            if bytes[bytes.count - 1] == bytes[bytes.count - 2] {
                let single = String(decoding: bytes.dropLast(), as: UTF8.self)
                if Reader.vocabulary.contains(single) { return single }
            }
            // A correction is a command word, never a way to another dish (`com` is not `come`, then `coke`).
            guard let fix = Reader.correction(of: word), items(fitting: [fix]) == nil else { return word }
            return fix
        }
    }

    /// The segment as one word or phrase from the tables, with filler around it (`yes o`, `abeg cancel`, `wetin una
    /// get today`), said twice (`yes correct`, `👍👍`), or a command named by its keyword (`abeg send your menu`).
    func whole(_ words: [String]) -> Reading.Part? {
        if let known = wholes[words] { return known }
        let part = wholeOnce(words)
        wholes[words] = .some(part)
        return part
    }

    func wholeOnce(_ words: [String]) -> Reading.Part? {
        if let part = Reader.phrase(words) { return part }
        // Filler after the phrase (`wetin una get today`), before it (`abeg cancel`), or both.
        var ends = [words]
        var trimmed = words
        while let last = trimmed.last, trimmed.count > 1, Reader.fillerWords.contains(last) {
            trimmed.removeLast()
            if let part = Reader.phrase(trimmed) { return part }
            ends.append(trimmed)
        }
        var core = words
        for end in ends {
            var front = end
            while let rest = Reader.strip(Reader.fillerSet, from: front) {
                front = rest
                if let part = Reader.phrase(front) { return part }
            }
            if end == words { core = front }
        }
        while let last = core.last, core.count > 1, Reader.fillerWords.contains(last) {
            core.removeLast()
        }
        let bare = Reader.withoutFiller(words)
        if !bare.isEmpty, let part = Reader.phrase(bare) { return part }
        if let part = Reader.tiled(core) { return part }
        return Reader.keywordCommand(bare)
    }

    /// The words as a kitchen note, unless they name a dish outright: a dish whose every name word is there (`no
    /// peppered chicken` with Peppered Chicken on the menu) is the dish; `no pepper` and `no ice` stay notes.
    func kitchenNote(_ words: [String]) -> String? {
        guard let note = Reader.note(words) else { return nil }
        let typed = Set(words)
        for entry in index.items {
            for name in entry.names where !name.isEmpty {
                let nameWords = name.map { String(decoding: index.vocabulary[$0], as: UTF8.self) }
                if nameWords.allSatisfy(typed.contains) { return nil }
            }
        }
        return note
    }

    func courtesy(atEndOf words: [String]) -> (Reading.Part, Int)? {
        Reader.closings.suffix(of: words, limit: words.count - 1)
    }

    func courtesy(atStartOf words: [String]) -> (Reading.Part, Int)? {
        Reader.openings.prefix(of: words[...])
    }
}
