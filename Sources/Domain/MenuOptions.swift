/// A choice an item asks for or offers: *Protein* (Chicken / Beef / Fish, pick exactly 1) or *Extras* (Plantain,
/// Moin Moin, pick up to 2). A group with `minimum > 0` must be answered before the item is in the cart.
public struct MenuOptionGroup: Hashable, Codable, Sendable {
    public var id: Int64
    public var name: String
    /// How many options must be picked (0: the group is optional).
    public var minimum: Int
    /// How many may be picked (at least 1, at least `minimum`).
    public var maximum: Int
    public var options: [MenuOption]

    public init(id: Int64, name: String, minimum: Int, maximum: Int, options: [MenuOption]) {
        self.id = id
        self.name = name
        self.minimum = minimum
        self.maximum = maximum
        self.options = options
    }

    public var isRequired: Bool { minimum > 0 }

    /// The options a customer can pick now.
    public var available: [MenuOption] { options.filter(\.available) }

    /// `pick 1`, `pick up to 2`, `pick 1 to 2`: the rule as the import spelling and `menu options` write it.
    public var rule: String {
        if minimum == maximum { return "pick \(minimum)" }
        if minimum == 0 { return maximum == 1 ? "optional" : "up to \(maximum)" }
        return "pick \(minimum) to \(maximum)"
    }
}

/// One option of a group, with what it adds to the item's price (it may take away: a small size) and its own
/// sold-out switch.
public struct MenuOption: Hashable, Codable, Sendable {
    public var id: Int64
    public var name: String
    public var price: Kobo
    public var available: Bool

    public init(id: Int64, name: String, price: Kobo, available: Bool = true) {
        self.id = id
        self.name = name
        self.price = price
        self.available = available
    }
}

/// An option as a cart line or an order keeps it: frozen when chosen, so the line still reads well and costs the
/// same after the menu changes (until the cart is refreshed against it).
public struct ChosenOption: Hashable, Codable, Sendable {
    public var id: Int64
    public var group: String
    public var name: String
    public var price: Kobo

    public init(id: Int64, group: String, name: String, price: Kobo) {
        self.id = id
        self.group = group
        self.name = name
        self.price = price
    }
}

/// The longest notes a line and an order take: a kitchen ticket has room for a short instruction, not a letter.
public enum NoteLimits {
    public static let line = 100
    public static let order = 200
}

extension MenuItem {
    /// The groups a customer must answer, in order.
    public var requiredGroups: [MenuOptionGroup] { optionGroups.filter(\.isRequired) }

    public func option(_ id: Int64) -> (group: MenuOptionGroup, option: MenuOption)? {
        for group in optionGroups {
            if let option = group.options.first(where: { $0.id == id }) { return (group, option) }
        }
        return nil
    }

    /// The first group `chosen` leaves unanswered (fewer than its minimum picked), or nil when the choice is whole.
    public func firstUnanswered(_ chosen: [ChosenOption]) -> MenuOptionGroup? {
        requiredGroups.first { group in
            chosen.filter { pick in group.options.contains { $0.id == pick.id } }.count < group.minimum
        }
    }

    /// The price of one with `chosen`, never below zero.
    public func unitPrice(with chosen: [ChosenOption]) -> Kobo {
        Kobo(max(0, chosen.reduce(price) { $0 + $1.price }.rawValue))
    }

    /// `chosen` with `option` added: in its group's place, replacing the earliest pick when the group is full (a
    /// customer who said beef and then fish means fish), nothing changed when it is there already.
    public func choosing(_ optionID: Int64, in chosen: [ChosenOption]) -> [ChosenOption] {
        guard let (group, option) = option(optionID), !chosen.contains(where: { $0.id == optionID }) else {
            return chosen
        }
        var picks = chosen
        let inGroup = picks.filter { pick in group.options.contains { $0.id == pick.id } }
        if inGroup.count >= group.maximum, let oldest = inGroup.first {
            picks.removeAll { $0.id == oldest.id }
        }
        picks.append(ChosenOption(id: option.id, group: group.name, name: option.name, price: option.price))
        // In the menu's group order, and within a group in the order picked, so the earliest pick of a full group
        // is the one a new pick replaces. (Which line a choice is does not depend on this order: see `key`.)
        return optionGroups.flatMap { group in picks.filter { pick in group.options.contains { $0.id == pick.id } } }
    }
}

extension Kobo {
    public static func - (lhs: Kobo, rhs: Kobo) -> Kobo { Kobo(lhs.rawValue - rhs.rawValue) }

    /// `+₦300`, `-₦200`: a price change as menus and carts show it.
    public func signed(symbol: String) -> String {
        rawValue < 0 ? formatted(symbol: symbol) : "+" + formatted(symbol: symbol)
    }
}
