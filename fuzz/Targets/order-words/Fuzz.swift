import Domain
import FuzzSupport

@testable import Conversation

// How typed text is read (`Reader`): folding, phrases, quantities, dish names against the sample menu, in every
// mode. Whatever the bytes, a reading names only dishes, options and categories on the menu, keeps quantities in range, quotes
// back only words it was given, and reads the same text the same way twice.
// Seeds: every line the customer types in Tests/ConversationTests/Transcripts.

// The sample with options: every name of the plain sample is there too, and options and notes are read as well.
private let menu = SampleMenu.withOptions
private let reader = Reader(menu: menu)
private let itemIDs = Set(menu.items.map(\.id))
private let optionIDs = Set(menu.items.flatMap(\.optionGroups).flatMap(\.options).map(\.id))
private let categoryIDs = Set(menu.categories.map(\.id))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    let folded = Folded(text)
    for word in folded.words {
        expect(!word.isEmpty && !word.contains(" "), "folded \(text.debugDescription) into \(word.debugDescription)")
        expect(word == word.lowercased(), "folded \(text.debugDescription) into \(word.debugDescription)")
    }
    expect(folded.words.count <= Folded.maximumWords, "\(folded.words.count) words from \(text.count) characters")

    for mode in [Reader.Mode.anything, .address, .email] {
        let reading = reader.read(text, mode: mode)
        expect(reading == reader.read(text, mode: mode), "\(text.debugDescription) read two ways")
        for part in reading.parts { check(part, in: text, mode: mode) }
    }
    if let email = Words.email(text) {
        expect(email.count <= 254, "an email of \(email.count) characters")
        expect(email.filter { $0 == "@" }.count == 1, "the email \(email.debugDescription) without exactly one @")
    }
    return 0
}

private func check(_ part: Reading.Part, in text: String, mode: Reader.Mode) {
    func dish(_ dish: Reading.Dish) {
        switch dish {
        case .item(let id): expect(itemIDs.contains(id), "item #\(id) is not on the menu (\(text.debugDescription))")
        case .oneOf(let ids):
            expect(ids.count >= 2 && ids.allSatisfy(itemIDs.contains), "oneOf \(ids) from \(text.debugDescription)")
        case .last: break
        }
    }
    switch part {
    case .add(let amount, let target):
        dish(target)
        if case .exactly(let quantity) = amount {
            expect((0...999_999).contains(quantity), "quantity \(quantity) from \(text.debugDescription)")
        }
    case .remove(let quantity, let target):
        dish(target)
        expect((quantity ?? 0) >= 0, "a negative quantity from \(text.debugDescription)")
    case .set(let target, let quantity):
        dish(target)
        expect(quantity >= 0, "a negative quantity from \(text.debugDescription)")
    case .category(let id): expect(categoryIDs.contains(id), "category #\(id) from \(text.debugDescription)")
    case .number(let value): expect((0...999_999).contains(value), "number \(value) from \(text.debugDescription)")
    case .unread(let words):
        expect(!words.isEmpty, "an empty unread part from \(text.debugDescription)")
    case .address(let typed):
        expect(
            mode == .address && typed == text.trimmed, "address \(typed.debugDescription) from \(text.debugDescription)"
        )
    case .email(let typed): expect(!typed.isEmpty, "an empty email from \(text.debugDescription)")
    case .option(let id): expect(optionIDs.contains(id), "option #\(id) is not on the menu (\(text.debugDescription))")
    case .note(let note):
        // A kitchen note reads in any mode (`no onions` where an address is awaited is not an address), but a
        // labelled one (`note: …`) only where anything is read.
        expect(!note.isEmpty, "an empty note from \(text.debugDescription)")
    default: break
    }
}
