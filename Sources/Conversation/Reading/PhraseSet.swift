/// Phrases looked up by their words, each with what it means: a phrase is found whole, at the start or the end of a
/// run of words, or anywhere in it, longest first.
///
/// Kept as one dictionary from the phrase's text (`"go ahead"`) to its meaning, built from the phrase lists as they
/// are written, so a process that serves one request (CGI) pays a few hundred hash inserts, not the splitting of
/// every phrase into arrays of words.
struct PhraseSet<Value: Sendable>: Sendable {
    /// What the phrases mean, each once, by position: the dictionary holds small numbers, not the meanings.
    private let values: [Value]
    private let meanings: [String: UInt16]
    /// The first words of the phrases: most positions in a line start none, and are skipped at once.
    private let firstWords: Set<Substring>
    /// The phrases' lengths in words, longest first.
    private let lengths: [Int]

    /// The first list to name a phrase keeps it.
    init(_ groups: [(Value, [String])]) {
        let count = groups.reduce(0) { $0 + $1.1.count }
        var meanings: [String: UInt16] = [:]
        meanings.reserveCapacity(count)
        var firstWords: Set<Substring> = []
        firstWords.reserveCapacity(count)
        var longest = 1
        // Backwards, so that where two lists name a phrase the first one's meaning is written last and kept.
        for (position, (_, phrases)) in groups.enumerated().reversed() {
            let code = UInt16(position)
            for phrase in phrases {
                meanings[phrase] = code
                var words = 1
                var first: String.Index?
                for index in phrase.utf8.indices where phrase.utf8[index] == UInt8(ascii: " ") {
                    if first == nil { first = index }
                    words += 1
                }
                firstWords.insert(phrase[..<(first ?? phrase.endIndex)])
                longest = max(longest, words)
            }
        }
        self.values = groups.map(\.0)
        self.meanings = meanings
        self.firstWords = firstWords
        self.lengths = Array((1...longest).reversed())
    }

    init(_ phrases: [String], meaning value: Value) {
        self.init([(value, phrases)])
    }

    /// The words, all of them, as one phrase.
    func whole<Words: Collection<String>>(_ words: Words) -> Value? {
        guard let first = words.first, firstWords.contains(Substring(first)) else { return nil }
        return meanings[words.joined(separator: " ")].map { values[Int($0)] }
    }

    /// The longest phrase that starts `words` (at most `limit` words of it), and its length.
    func prefix(of words: ArraySlice<String>, limit: Int = .max) -> (Value, Int)? {
        guard let first = words.first, firstWords.contains(Substring(first)) else { return nil }
        for length in lengths where length <= min(words.count, limit) {
            let start = words.startIndex
            if let code = meanings[words[start..<(start + length)].joined(separator: " ")] {
                return (values[Int(code)], length)
            }
        }
        return nil
    }

    /// The longest phrase that ends `words` (at most `limit` words of it), and its length.
    func suffix(of words: [String], limit: Int = .max) -> (Value, Int)? {
        for length in lengths where length <= min(words.count, limit) {
            let start = words.count - length
            guard firstWords.contains(Substring(words[start])) else { continue }
            if let code = meanings[words[start...].joined(separator: " ")] { return (values[Int(code)], length) }
        }
        return nil
    }

    /// The longest phrase found anywhere in `words` (the first of equal lengths), and where.
    func anywhere(in words: [String]) -> (Value, Range<Int>)? {
        var best: (Value, Range<Int>)?
        for start in words.indices where firstWords.contains(Substring(words[start])) {
            if let (value, length) = prefix(of: words[start...]), length > (best?.1.count ?? 0) {
                best = (value, start..<(start + length))
            }
        }
        return best
    }

    /// Whether the phrase is one of these.
    func contains<Words: Collection<String>>(_ words: Words) -> Bool { whole(words) != nil }
}
