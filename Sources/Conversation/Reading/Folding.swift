/// Typed text as the reader sees it: words in lower case without accents or tone marks, and the breaks between
/// the things a customer lists. Phones type `Ẹ kú àárọ̀`, `JOLLOF`, `coca-cola`, `2×` and `👍` alike; the reader
/// should not care which.
struct Folded: Equatable {
    enum Token: Equatable {
        case word(String)
        /// A line break, comma, semicolon or full stop: what comes after is another thing.
        case hardBreak
        /// `and`, `&`, `+`, `n`: another thing, or the rest of one name (`pounded yam and egusi`).
        case softBreak
    }

    var tokens: [Token]

    /// More than this many words is not an order anyone types; the rest is not read (and the reading stays cheap).
    static let maximumWords = 80

    init(_ text: String) {
        var tokens: [Token] = []
        var word: [UInt8] = []
        var words = 0
        func flush() {
            guard !word.isEmpty else { return }
            // `hellooo`, `pleaseee`, `zoboooo`: a letter typed three times or more in a row is one (two stay:
            // `jollof`, `coffee`).
            var kept: [UInt8] = []
            kept.reserveCapacity(word.count)
            var index = 0
            while index < word.count {
                var end = index + 1
                while end < word.count && word[end] == word[index] { end += 1 }
                let run = end - index
                let isLetter = word[index] > UInt8(ascii: "9")
                kept.append(contentsOf: repeatElement(word[index], count: run >= 3 && isLetter ? 1 : run))
                index = end
            }
            let text = String(decoding: kept, as: UTF8.self)
            word.removeAll(keepingCapacity: true)
            words += 1
            tokens.append(Folded.isSoftWord(text) ? .softBreak : .word(text))
        }
        func breakWith(_ token: Token) {
            flush()
            tokens.append(token)
        }
        scalars: for scalar in text.unicodeScalars {
            if words >= Folded.maximumWords { break }
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value)
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): word.append(byte)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(byte + 32)
                // An apostrophe joins (`i'd`, `don't`); a hyphen separates (`coca-cola`, `pick-up`).
                case UInt8(ascii: "'"), UInt8(ascii: "`"): continue scalars
                case UInt8(ascii: "\n"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "."),
                    UInt8(ascii: "!"), UInt8(ascii: "?"):
                    breakWith(.hardBreak)
                case UInt8(ascii: "&"), UInt8(ascii: "+"): breakWith(.softBreak)
                default: flush()
                }
                continue
            }
            if let meaning = Folded.emoji[value] {
                flush()
                tokens.append(.word(meaning))
                words += 1
                continue
            }
            switch value {
            case 0x2019, 0x2018, 0x02BC: continue scalars  // ’ ‘ ʼ: apostrophes
            case 0xD7:  // ×
                word.append(UInt8(ascii: "x"))
                continue scalars
            case 0x2028, 0x2029: breakWith(.hardBreak)
            default: break
            }
            let properties = scalar.properties
            if properties.generalCategory == .nonspacingMark || properties.generalCategory == .enclosingMark {
                continue  // tone marks and accents typed as combining characters
            }
            if properties.isAlphabetic || properties.numericType != nil {
                if let base = Folded.latinBase(scalar) {
                    word.append(base)
                } else {
                    word.append(contentsOf: Array(String(scalar).lowercased().utf8))
                }
            } else {
                flush()
            }
        }
        flush()
        // Runs of breaks are one break (a hard one wins), and none leads or trails.
        var collapsed: [Token] = []
        for token in tokens {
            if case .word = token {
                collapsed.append(token)
                continue
            }
            guard let last = collapsed.last else { continue }
            if case .word = last {
                collapsed.append(token)
            } else if token == .hardBreak {
                collapsed[collapsed.count - 1] = .hardBreak
            }
        }
        if let last = collapsed.last, last == .hardBreak || last == .softBreak { collapsed.removeLast() }
        self.tokens = collapsed
    }

    /// Words that join the things a customer lists. `n` is how `and` is often texted (`jollof n coke`). A switch,
    /// not a set: nothing to build in a process that reads one message.
    static func isSoftWord(_ word: String) -> Bool {
        switch word {
        case "and", "n", "plus", "nd", "but", "then": true
        default: false
        }
    }

    /// Emoji that say something at an order counter; the rest carry no meaning here.
    static let emoji: [UInt32: String] = [
        0x1F44D: "ok", 0x1F44C: "ok", 0x2705: "ok", 0x2714: "ok", 0x2611: "ok", 0x1F197: "ok",
        0x1F64F: "thanks", 0x1F44B: "hello", 0x1F44E: "no", 0x274C: "no", 0x2716: "x",
    ]

    /// `é`, `ẹ`, `ọ̀`, `ṣ`, `ñ`: the Latin letter underneath, from the character's Unicode name ("LATIN SMALL LETTER E
    /// WITH DOT BELOW"), so every accented letter folds without a table to keep.
    static func latinBase(_ scalar: Unicode.Scalar) -> UInt8? {
        guard let name = scalar.properties.name else { return nil }
        for prefix in ["LATIN SMALL LETTER ", "LATIN CAPITAL LETTER "] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count).utf8
            guard let letter = rest.first, letter >= UInt8(ascii: "A"), letter <= UInt8(ascii: "Z") else { return nil }
            // Only a letter WITH a mark; "LATIN SMALL LETTER SCHWA" and the like have no base letter.
            let after = rest.dropFirst()
            guard after.isEmpty || after.starts(with: " WITH ".utf8) else { return nil }
            return letter + 32
        }
        return nil
    }

    /// The words alone, breaks dropped.
    var words: [String] {
        tokens.compactMap { if case .word(let word) = $0 { word } else { nil } }
    }
}
