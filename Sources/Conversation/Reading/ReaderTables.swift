import Domain

/// The reader's tables, compiled once per process, and the helpers that read words without the menu.
extension Reader {
    /// How many typed words went unread: a typo correction is kept only when it reads more.
    static func unreadCount(_ parts: [Reading.Part]) -> Int {
        parts.reduce(0) { count, part in
            if case .unread(let text) = part { count + text.split(separator: " ").count } else { count }
        }
    }

    /// The words of phrases, for the tables that only typo correction needs (built on its first use).
    static func words(of phrases: [String]) -> [String] {
        phrases.flatMap { $0.split(separator: " ").map(String.init) }
    }

    /// Every word the phrase tables use, for putting typos right.
    static let vocabulary: Set<String> = {
        var phrases: [String] = tables.flatMap(\.1) + Phrases.filler + Phrases.questions.flatMap(\.1)
        phrases += Phrases.addVerbs + Phrases.removeVerbs + Phrases.clear + Phrases.oneMore + Phrases.vague
        phrases += embeddedFulfilment.flatMap(\.1) + setStarts
        var words = Set(Reader.words(of: phrases))
        for (_, keywords) in commandKeywords { words.formUnion(keywords) }
        words.formUnion(commandWords)
        words.formUnion(Phrases.numbers.keys)
        return words
    }()

    /// The words typos are put right to: those that carry a meaning (commands, answers, questions, verbs), four
    /// letters or more, by their first letter. Filler is not among them: `small` must not become `shall`.
    static let correctionTargets: [UInt8: [[UInt8]]] = {
        var phrases: [String] = tables.flatMap(\.1) + Phrases.questions.flatMap(\.1)
        phrases += Phrases.addVerbs + Phrases.removeVerbs + Phrases.clear + embeddedFulfilment.flatMap(\.1)
        var words = Set(Reader.words(of: phrases))
        for (_, keywords) in commandKeywords { words.formUnion(keywords) }
        let targets = words.filter { $0.utf8.count >= 4 }.sorted().map { Array($0.utf8) }
        return Dictionary(grouping: targets, by: { $0[0] })
    }()

    static func correction(of word: String) -> String? {
        let typed = Array(word.utf8)
        var best: [[UInt8]] = []
        var bestDistance = Int.max
        for target in correctionTargets[typed[0]] ?? [] {
            let distance: Int
            if typed.count == 3 {
                // Three letters: only a dropped letter of a four-letter word (`wnt`, `mor`).
                guard target.count == 4, isSubsequence(typed, of: target) else { continue }
                distance = 1
            } else {
                let longest = max(typed.count, target.count)
                let allowed = longest <= 5 ? 1 : longest <= 9 ? 2 : 3
                guard abs(typed.count - target.count) <= allowed else { continue }
                distance = NameIndex.distance(typed, target, atMost: allowed)
                guard distance <= allowed else { continue }
            }
            if distance < bestDistance {
                best = [target]
                bestDistance = distance
            } else if distance == bestDistance {
                best.append(target)
            }
        }
        // Several at the same distance are fine when they mean the same (`thnk`: `thank`, `thnks`, `tank`); a word
        // that is a phrase by itself is the better pick.
        let words = best.map { String(decoding: $0, as: UTF8.self) }
        guard let first = words.first else { return nil }
        if words.count > 1 {
            let common = words.dropFirst().reduce(meanings[first] ?? []) { $0.intersection(meanings[$1] ?? []) }
            guard !common.isEmpty else { return nil }
        }
        return words.first { phrase([$0]) != nil } ?? first
    }

    /// What each word of the tables can be part of (`thank`: thanks), to tell whether two corrections agree.
    static let meanings: [String: Set<String>] = {
        var map: [String: Set<String>] = [:]
        func note(_ phrases: [String], _ meaning: String) {
            for word in Reader.words(of: phrases) { map[word, default: []].insert(meaning) }
        }
        for (part, phrases) in tables { note(phrases, part.description) }
        for (question, phrases) in Phrases.questions { note(phrases, question.rawValue) }
        for (part, phrases) in embeddedFulfilment { note(phrases, part.description) }
        note(Phrases.addVerbs, "add")
        note(Phrases.removeVerbs, "remove")
        note(Phrases.clear, "clear")
        return map
    }()

    static func isSubsequence(_ short: [UInt8], of long: [UInt8]) -> Bool {
        var index = 0
        for byte in long where index < short.count && byte == short[index] { index += 1 }
        return index == short.count
    }

    /// An answer that can open a longer line (`no make am pickup`, `yes 2 jollof`); `change …` is an edit, not a no.
    static let answers = PhraseSet([
        (Reading.Part.yes, Phrases.yes), (.no, ["no", "nope", "nah", "no o", "not yet"]),
    ])

    /// One part said twice in a row (`yes, go ahead`, `deliver it to my house`) is said once.
    /// The dish that options said next would belong to: the last one read, when it is one item that has options.
    static func optionOwner(_ parts: [Reading.Part]) -> Int64? {
        for part in parts.reversed() {
            switch part {
            case .add(_, .item(let id)): return id
            case .add, .remove, .set, .clear: return nil
            default: continue
            }
        }
        return nil
    }

    static func deduplicated(_ parts: [Reading.Part]) -> [Reading.Part] {
        var result: [Reading.Part] = []
        for part in parts {
            if let last = result.last, last == part {
                if case .add = part { result.append(part) }
                continue
            }
            result.append(part)
        }
        return result
    }

    /// `same thing i ordered last time`, `same order as last week`, `repeat what i had before`: the last order.
    static func reorder(_ words: [String]) -> Reading.Part? {
        guard words.contains(where: { ["same", "repeat", "usual"].contains($0) }),
            words.contains(where: {
                ["last", "before", "usual", "again", "previous", "yesterday", "week"].contains($0)
            })
        else { return nil }
        let aboutAddress = words.contains { ["address", "place", "location", "house", "office"].contains($0) }
        let known: Set<String> = [
            "same", "repeat", "usual", "last", "before", "again", "previous", "yesterday", "week", "time", "order",
            "thing", "things", "as", "i", "ordered", "had", "what", "my", "the", "like", "want", "give", "me", "one",
            "food", "meal", "we", "abeg", "please", "pls", "do", "it", "am", "na", "make", "una", "bring", "send",
        ]
        guard !aboutAddress, words.allSatisfy({ known.contains($0) || fillerWords.contains($0) }) else { return nil }
        return .reorder
    }

    /// A question, by its phrase (and where it stands) or by the words it must hold.
    static func question(in words: [String]) -> (Question, Range<Int>?)? {
        if let (question, range) = questionSet.anywhere(in: words) { return (question, range) }
        let set = Set(words)
        let deliveryWords: Set<String> = ["delivery", "deliver", "deliveries"]
        if !set.isDisjoint(with: deliveryWords),
            !set.isDisjoint(with: ["much", "fee", "fees", "cost", "charge", "charges", "price", "collect"])
        {
            return (.deliveryFee, nil)
        }
        if set.contains("how"), set.contains("long") { return (.howLong, nil) }
        if set.contains("when"), !set.isDisjoint(with: ["ready", "arrive", "reach", "come", "coming"]) {
            return (.howLong, nil)
        }
        return nil
    }

    static let questionSet = PhraseSet(Phrases.questions)
    static let fillerSet = PhraseSet(Phrases.filler, meaning: true)
    static let fillerWords = Set(Phrases.filler.filter { !$0.contains(" ") })

    /// Words that only ask for a change (`change it to …`, `i want make am …`), dropped once what changes is known.
    static let commandNoise: Set<String> = [
        "use", "shall", "myself", "ourselves", "rather", "prefer", "ill", "id", "would", "like", "no", "yes", "ok",
        "change", "switch", "to", "it", "am", "make", "i", "want", "let", "do", "we", "us", "instead",
        "please", "pls", "abeg", "the", "order", "my", "go", "will", "na", "e", "be", "can", "you", "so", "una",
    ]

    /// `yes correct`, `ok ok`, `thanks thank you`: one kind of phrase said more than once is said once.
    static let tilingSets: [(Reading.Part, PhraseSet<Bool>)] = tables.filter {
        [.yes, .no, .hello, .thanks, .bye, .howFar].contains($0.0)
    }.map { ($0.0, PhraseSet($0.1, meaning: true)) }

    static func tiled(_ words: [String]) -> Reading.Part? {
        guard words.count > 1 else { return nil }
        for (part, phrases) in tilingSets {
            var index = 0
            var pieces = 0
            while index < words.count {
                if let (_, length) = phrases.prefix(of: words[index...]) {
                    index += length
                    pieces += 1
                } else if fillerWords.contains(words[index]) {
                    index += 1
                } else {
                    break
                }
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
        "talk", "chat", "with", "a", "can", "could", "let", "please", "pls", "abeg", "una", "us", "we", "make",
        "need", "real", "what", "is", "in", "order", "of", "full", "whole", "again", "now", "go", "get", "on", "at",
        "an", "this", "that", "am", "any", "some", "one", "there", "here", "do", "you", "have", "for", "from",
        "may", "might", "like", "would", "kindly", "love", "id", "ill", "just", "quickly", "current", "latest",
    ]

    static let tables: [(Reading.Part, [String])] =
        [
            (.yes, Phrases.yes), (.no, Phrases.no), (.back, Phrases.back), (.clear, Phrases.clear),
            (.changeAddress, Phrases.changeAddress), (.sameAddress, Phrases.sameAddress), (.reorder, Phrases.reorder),
            (.pickup, Phrases.pickup), (.delivery, Phrases.delivery), (.skip, Phrases.skip), (.more, Phrases.more),
            (.hello, Phrases.hello), (.howFar, Phrases.howFar), (.thanks, Phrases.thanks), (.bye, Phrases.bye),
        ] + Phrases.global.map { (Reading.Part.global($0.0), $0.1) }

    static let phraseSet = PhraseSet(tables)

    static func phrase(_ words: [String]) -> Reading.Part? { phraseSet.whole(words) }

    /// Greetings and thanks that open a line, and thanks or goodbyes that close one.
    static let openings = PhraseSet([
        (Reading.Part.hello, Phrases.hello), (.howFar, Phrases.howFar), (.thanks, Phrases.thanks), (.bye, Phrases.bye),
    ])
    static let closings = PhraseSet([(Reading.Part.thanks, Phrases.thanks), (.bye, Phrases.bye)])

    /// Fulfilment said inside a longer line (`2 jollof for pickup`); alone, the full tables apply.
    static let embeddedFulfilment: [(Reading.Part, [String])] = [
        (
            .pickup,
            [
                "for pickup", "pickup", "pick up", "for pick up", "takeaway", "take away", "i go come carry am",
                "i will pick up", "ill pick up", "i go come pick am", "i will come and pick", "self pickup",
            ]
        ),
        (
            .delivery,
            [
                "for delivery", "delivery", "deliver", "deliver it", "deliver am", "home delivery", "door delivery",
                "deliver to my house", "bring am come", "to my house", "deliver to me",
            ]
        ),
    ]

    static let embeddedSet = PhraseSet(embeddedFulfilment)
    static let addressSet = PhraseSet([
        (Reading.Part.changeAddress, Phrases.changeAddress), (.sameAddress, Phrases.sameAddress),
    ])
    static let sameAddressSet = PhraseSet([(Reading.Part.sameAddress, Phrases.sameAddress)])

    /// Words that only shape a question: dropped once the question is known.
    static let questionWords: Set<String> = [
        "what", "whats", "when", "where", "how", "is", "are", "do", "does", "you", "u", "una", "dey", "e", "go",
        "will", "it", "be", "can", "i", "much", "s", "your", "guys", "pls", "please", "abeg", "o", "the",
        "again", "still", "today", "now", "tell", "me", "know", "want", "to", "sir", "ma", "we", "us", "am",
    ]

    /// The words without filler phrases, wherever they stand.
    static func withoutFiller(_ words: [String]) -> [String] {
        var kept: [String] = []
        var index = 0
        while index < words.count {
            if let (_, length) = fillerSet.prefix(of: words[index...]) {
                index += length
            } else {
                kept.append(words[index])
                index += 1
            }
        }
        return kept
    }

    // MARK: - Orders and edits

    static let setStarts = [
        "make it", "make am", "make", "let it be", "change it to", "change to", "update it to", "make the",
    ]
    static let setStartSet = PhraseSet(setStarts, meaning: true)
    static let addVerbSet = PhraseSet(Phrases.addVerbs, meaning: true)
    static let removeVerbSet = PhraseSet(Phrases.removeVerbs, meaning: true)
    static let oneMoreSet = PhraseSet(Phrases.oneMore, meaning: true)
    static let vagueSet = PhraseSet(Phrases.vague, meaning: true)

    /// The words after the longest phrase of `phrases` that starts them (something must be left), or nil.
    static func strip(_ phrases: PhraseSet<Bool>, from words: [String]) -> [String]? {
        guard let (_, length) = phrases.prefix(of: words[...], limit: words.count - 1) else { return nil }
        return Array(words.dropFirst(length))
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
        // Most words are neither a number word nor start with a digit or an `x`: out at once.
        guard let first = word.utf8.first else { return nil }
        let digitOrX = (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) || first == UInt8(ascii: "x")
        if !digitOrX { return Phrases.numbers[word] }
        if let value = Phrases.numbers[word] { return value }
        var digits = Substring(word)
        if digits.hasPrefix("x") { digits = digits.dropFirst() }
        for suffix in units where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits = digits.dropLast(suffix.count)
            break
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // Far more than any order: the conversation says so, with a number that stays a number.
        return digits.count <= 6 ? Int(digits) : 999_999
    }

    /// Stands for a vague amount (`a couple of`, `few`) once it is found, so it groups like a number.
    static let vagueMark = "~"

    static func markingVague(_ words: [String]) -> [String] {
        var marked: [String] = []
        var index = 0
        while index < words.count {
            if let (_, length) = vagueSet.prefix(of: words[index...]) {
                marked.append(vagueMark)
                index += length
            } else {
                marked.append(words[index])
                index += 1
            }
        }
        return marked
    }

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

// MARK: - Notes

extension Reader {
    /// What a kitchen is asked about: a note says how, never what (`no pepper`, `less oil`, `extra spicy`).
    static let noteNouns: Set<String> = [
        "pepper", "peppe", "pepe", "spicy", "spice", "spices", "hot", "onion", "onions", "salt", "oil", "maggi",
        "seasoning", "ice", "sugar", "sauce", "stew", "cheese", "mayo", "mayonnaise", "ketchup", "cutlery", "spoon",
        "fork", "straw", "nylon", "cold", "chilled", "warm", "crispy", "gravy", "garlic", "ginger", "tomato",
        "tomatoes", "butter", "bones", "bone", "skin",
    ]

    static let noteQualifiers: Set<String> = [
        "no", "without", "less", "more", "extra", "little", "plenty", "small", "lots", "not", "too", "much", "very",
        "make", "it", "am", "dey", "bit", "well", "done", "mild", "medium", "put", "add", "dont", "don't", "abeg",
        "pls", "please", "plz", "so", "much", "of", "the", "a", "and", "with", "separate", "separately", "on", "side",
    ]

    /// The words as a kitchen note, when they are one: only note words, at least one of them a thing the kitchen
    /// can leave out or add (`no pepper`, `less oil and no onions`). `well done` counts on its own.
    static func note(_ words: [String]) -> String? {
        guard !words.isEmpty, words.count <= 12 else { return nil }
        if words == ["well", "done"] { return "well done" }
        guard words.contains(where: noteNouns.contains),
            words.allSatisfy({ noteNouns.contains($0) || noteQualifiers.contains($0) })
        else { return nil }
        var kept = words
        while let first = kept.first, ["abeg", "pls", "please", "plz", "and", "with"].contains(first) {
            kept.removeFirst()
        }
        while let last = kept.last, ["abeg", "pls", "please", "plz", "and"].contains(last) { kept.removeLast() }
        return kept.isEmpty ? nil : kept.joined(separator: " ")
    }

    /// `note: call me at the gate`, `Note - no pepper`: the words after the label as typed (the label need not start
    /// the message: `2 jollof. note: no pepper`), and the text before it.
    static func labelledNote(in text: String) -> (before: String, note: String)? {
        // Compared a Character at a time, so the positions found are the text's own (lower-casing may change a
        // string's length).
        let characters = Array(text)
        let lowered = characters.map { $0.lowercased() }
        for label in ["note:", "notes:", "note -", "note-", "nb:", "n.b:", "n.b.:", "note "] {
            let wanted = label.map { String($0) }
            // `note ` only at the start: `take note` mid-sentence is not a label.
            let starts = label == "note " ? [0] : Array(0..<max(0, characters.count - wanted.count + 1))
            for start in starts where start + wanted.count <= characters.count {
                guard Array(lowered[start..<(start + wanted.count)]) == wanted else { continue }
                // A label starts a word: `keynote:` is not one.
                if start > 0, characters[start - 1].isLetter { continue }
                let note = String(characters[(start + wanted.count)...]).trimmed
                guard !note.isEmpty else { return nil }
                return (String(characters[..<start]), note)
            }
        }
        return nil
    }
}
