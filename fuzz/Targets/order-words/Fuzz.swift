import Domain
import FuzzSupport

@testable import Conversation

// How typed text is read (`Words`): normalising, global words, numbers and quantities, free-text cart commands
// ("2 jollof", "add 1 zobo", "jollof x2", "remove fries"), name matching against the sample menu, and receipt
// emails. The ASCII fast path of `normalized` must agree with the Unicode one byte for byte.
// Seeds: every line the customer types in Tests/ConversationTests/Transcripts.

private let items = SampleMenu.menu.items

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)

    let normalized = Words.normalized(text)
    expect(
        !normalized.hasPrefix(" ") && !normalized.hasSuffix(" ") && !normalized.contains("  "),
        "normalized \(text.debugDescription) to \(normalized.debugDescription)")
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
        let unicode = Words.normalizedUnicode(text)
        expect(
            normalized == unicode,
            "ASCII path \(normalized.debugDescription) != Unicode path \(unicode.debugDescription) for "
                + text.debugDescription)
    }

    _ = Words.global(text)
    if let number = Words.number(text) {
        expect((0...999_999_999).contains(number), "\(text.debugDescription) read as the number \(number)")
    }
    switch Words.quantity(text, maximum: maximumQuantity) {
    case .valid(let quantity):
        expect((1...maximumQuantity).contains(quantity), "\(text.debugDescription) read as quantity \(quantity)")
    case .zero, .negative, .tooMany, .notANumber:
        break
    }

    if let command = Words.cartCommand(text) {
        expect(!command.name.isEmpty, "a cart command without a name from \(text.debugDescription)")
        expect(command.quantity.map { $0 >= 0 } ?? true, "a negative quantity from \(text.debugDescription)")
        check(Words.matchingItems(command.name, in: items), for: command.name)
    }
    check(Words.matchingItems(text, in: items), for: text)

    if let email = Words.email(text) {
        expect(email.count <= 254, "an email of \(email.count) characters")
        expect(email.filter { $0 == "@" }.count == 1, "the email \(email.debugDescription) without exactly one @")
        expect(!email.contains(where: \.isWhitespace), "the email \(email.debugDescription) with a space")
    }
    return 0
}

/// Matches are menu items, each once; an exact name is the only match.
private func check(_ matches: [MenuItem], for query: String) {
    expect(Set(matches.map(\.id)).count == matches.count, "\(query.debugDescription) matched an item twice")
    expect(matches.allSatisfy { items.contains($0) }, "\(query.debugDescription) matched an item not on the menu")
    let wanted = Words.normalized(query)
    if !wanted.isEmpty, items.contains(where: { Words.normalized($0.name) == wanted }) {
        expect(matches.count == 1, "\(query.debugDescription) names an item exactly but matched \(matches.count)")
    }
}
