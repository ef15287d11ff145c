import Domain

/// The words that work in every state, and the receipt email check. Typed text is read by `Reader`.
public enum Words {
    /// The words that work in every state. Buttons send the same words as ids, so a tap and a typed word are one
    /// path.
    public enum Global: String, CaseIterable, Sendable {
        case menu, cart, checkout, cancel, help, restart, status, pay, agent
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
