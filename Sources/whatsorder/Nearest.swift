/// Names as staff type them: a typo or two from the real one. Used where a command takes a name (menu items,
/// order numbers, settings) to accept a near miss that fits one name only, or to say which name was meant.
enum Nearest {
    /// Edits (insert, delete, replace one character) between two strings, ignoring case.
    static func distance(_ a: String, _ b: String) -> Int {
        let left = Array(a.lowercased())
        let right = Array(b.lowercased())
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = previous
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let cost = left[i - 1] == right[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }

    /// How many edits still count as the same name: one for short words, more for long names.
    static func allowance(_ key: String) -> Int { max(1, key.count / 5) }

    enum Match<T> {
        /// One candidate fits: the unique name that begins with the key, or the only one within the allowance.
        case one(T, name: String)
        /// Several fit about as well, or the nearest is too far to assume: name them.
        case suggest([String])
        case none
    }

    static func match<T>(_ key: String, in candidates: [(name: String, value: T)]) -> Match<T> {
        let wanted = key.lowercased()
        let prefixed = candidates.filter { $0.name.lowercased().hasPrefix(wanted) }
        if prefixed.count == 1 { return .one(prefixed[0].value, name: prefixed[0].name) }
        if prefixed.count > 1 { return .suggest(prefixed.map(\.name)) }
        let scored = candidates.map { (candidate: $0, edits: distance(wanted, $0.name)) }.sorted { $0.edits < $1.edits }
        guard let best = scored.first else { return .none }
        let close = scored.filter { $0.edits == best.edits }
        if best.edits <= allowance(key), close.count == 1 {
            return .one(best.candidate.value, name: best.candidate.name)
        }
        // Too far to act on, near enough to name: within half the name's length.
        let near = scored.filter { $0.edits <= max(2, key.count / 2) }.prefix(3)
        return near.isEmpty ? .none : .suggest(near.map(\.candidate.name))
    }

    /// ` (did you mean "A" or "B"?)`, or nothing.
    static func didYouMean(_ names: [String]) -> String {
        guard !names.isEmpty else { return "" }
        return " (did you mean " + names.map { "\"\($0)\"" }.joined(separator: " or ") + "?)"
    }
}
