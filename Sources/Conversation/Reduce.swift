import Domain

/// Advances a conversation by one event. Pure: the same state, event and context always give the same result.
public func reduce(_ state: State, _ event: Event, _ context: Context) -> Transition {
    switch (state.step, event) {
    case (.new, .customerSent), (.choosingCategory, .customerSent):
        // The platform's one real step: whatever arrives, greet and offer the categories. The ordering flow
        // (items, cart, checkout) grows from here.
        return Transition(state: State(step: .choosingCategory), effects: [.reply(Replies.welcome(context))])
    }
}

/// The bot's words. Kept together so tone and limits can be reviewed in one place.
public enum Replies {
    public static func welcome(_ context: Context) -> Reply {
        let greeting =
            if let name = context.customerName?.trimmed, !name.isEmpty {
                "Hi \(name)! Welcome to \(context.restaurantName)."
            } else {
                "Hi! Welcome to \(context.restaurantName)."
            }
        let categories = context.menu.orderableCategories
        guard !categories.isEmpty else {
            return .text("\(greeting)\nOur menu is being updated right now. Please message us again a little later.")
        }
        // NB: the numbered list repeats the rows so a customer on an old client, or one who prefers typing,
        // can answer with a number.
        let numbered = categories.enumerated().map { "\($0.offset + 1). \($0.element.name)" }
        let body =
            ([greeting, "What would you like today?", ""] + numbered + ["", "Tap *See menu*, or reply with a number."])
            .joined(separator: "\n")
        let rows = categories.map { category in
            let count = context.menu.items.filter { $0.categoryID == category.id && $0.available }.count
            return ListReply.Row(
                id: "category:\(category.id)", title: category.name,
                description: count == 1 ? "1 item" : "\(count) items")
        }
        return .list(ListReply(body: body, button: "See menu", sections: [.init(title: "Categories", rows: rows)]))
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
