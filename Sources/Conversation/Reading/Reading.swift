import Domain

/// What a line a customer typed says, read against the menu: the parts in the order typed. The reader knows words
/// and dishes, not the conversation; the reducer decides what each part means where the customer is (`yes`
/// confirms at the summary and is only an acknowledgement elsewhere).
public struct Reading: Equatable, Sendable, CustomStringConvertible {
    public enum Amount: Equatable, Sendable {
        case exactly(Int)
        /// No quantity was said: one dish alone is asked about, one of several is one.
        case unsaid
        /// `a couple`, `few`: ask.
        case vague
    }

    public enum Dish: Equatable, Sendable {
        case item(Int64)
        /// The words fit these equally well: a question, never a guess.
        case oneOf([Int64])
        /// The dish added just before (`add one more`, `make it 3`).
        case last
    }

    public enum Part: Equatable, Sendable {
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
        /// An option of the dish before it (`jollof with beef`), by the option's id.
        case option(Int64)
        /// What the customer asks of the dish before it, or of the order (`no pepper`, `note: call me at the gate`).
        case note(String)
    }

    public var parts: [Part]

    /// The dishes and edits, without courtesy: what changes the cart.
    var orders: [Part] {
        parts.filter {
            switch $0 {
            case .add, .remove, .set, .clear, .option, .note: true
            default: false
            }
        }
    }

    var unread: [String] {
        parts.compactMap { if case .unread(let text) = $0 { text } else { nil } }
    }

    public var description: String {
        guard !parts.isEmpty else { return "nothing" }
        return parts.map(\.description).joined(separator: " ; ")
    }
}

extension Reading.Part: CustomStringConvertible {
    public var description: String {
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
        case .option(let id): "option #\(id)"
        case .note(let text): "note \"\(text)\""
        }
    }
}

extension Reading.Amount: CustomStringConvertible {
    public var description: String {
        switch self {
        case .exactly(let value): "\(value)"
        case .unsaid: "?"
        case .vague: "~"
        }
    }
}

extension Reading.Dish: CustomStringConvertible {
    public var description: String {
        switch self {
        case .item(let id): "#\(id)"
        case .oneOf(let ids): ids.map { "#\($0)" }.joined(separator: "|")
        case .last: "last"
        }
    }
}

extension Reading {
    /// In free text (an address, a landmark, an email): whether the reading is clearly something else, a word, a
    /// question or an order that reads whole, rather than the text awaited.
    var isPlainlySomethingElse: Bool {
        guard !parts.isEmpty else { return false }
        for part in parts {
            switch part {
            case .unread, .number, .address, .email, .category: return false
            default: continue
            }
        }
        return true
    }

    /// A number alone (`2`, `1.`): what it answers is the step's to decide.
    var isBareNumber: Bool {
        if parts.count == 1, case .number = parts[0] { return true }
        return false
    }
}
