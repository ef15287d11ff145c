import Domain

/// WhatsApp's catalog and cart: the menu offered as multi-product messages to browse and add to WhatsApp's own
/// cart, one dish as a single-product message, and a cart sent from it read as an order, priced from our menu.
extension Machine {
    /// The most dishes one multi-product message shows, and its sections (Meta's limits).
    static let productsPerMessage = 30
    static let sectionsPerMessage = 10

    /// The orderable dishes as multi-product messages: a section per category in the menu's order, a new message
    /// when one is full, and a category too large for one message split across them.
    func catalogMessages() -> [[ProductsReply.Section]] {
        var messages: [[ProductsReply.Section]] = []
        var current: [ProductsReply.Section] = []
        var count = 0
        for category in menu.orderableCategories {
            var ids = categoryItems(category.id).map(\.id)
            var part = 1
            while !ids.isEmpty {
                if count == Self.productsPerMessage || current.count == Self.sectionsPerMessage {
                    messages.append(current)
                    current = []
                    count = 0
                }
                let taken = Array(ids.prefix(Self.productsPerMessage - count))
                ids.removeFirst(taken.count)
                let continued = part > 1 || !ids.isEmpty
                current.append(
                    ProductsReply.Section(
                        title: continued ? Copy.sectionPart(category.name, part) : category.name, itemIDs: taken))
                count += taken.count
                part += 1
            }
        }
        if !current.isEmpty { messages.append(current) }
        return messages
    }

    /// The menu to browse in WhatsApp: what was waiting to be said leads the first message.
    mutating func showCatalog(note: String?) {
        resetFlow()
        let messages = catalogMessages()
        guard !messages.isEmpty else { return say(.text(lines(note, Copy.menuUpdating))) }
        for (index, sections) in messages.enumerated() {
            let body =
                index == 0
                ? lines(note, Copy.browseCatalog) : Copy.moreOfTheMenu(index + 1, of: messages.count)
            say(
                .products(
                    ProductsReply(
                        header: Copy.catalogHeader(settings.restaurantName), body: body, sections: sections)))
        }
    }

    /// A cart sent from the catalog. Every line is priced from our menu, whatever the message said; lines for
    /// dishes we do not have or have sold out are named and left out; quantities are held to what one order takes.
    /// Dishes that need a choice are asked about, then checkout follows: the cart was the customer's "that's all".
    mutating func receivedCart(_ cart: CatalogCart) {
        var notes: [String] = []
        var unknown = 0
        var added = false
        for line in cart.lines {
            guard let id = Int64(line.retailerID), let item = item(id) else {
                unknown += 1
                continue
            }
            guard item.available else {
                notes.append(Copy.soldOut(item.name))
                continue
            }
            guard line.quantity >= 1 else {
                notes.append(Copy.noQuantityInCart(item.name))
                continue
            }
            let quantity = min(line.quantity, maximumQuantity)
            if quantity < line.quantity { notes.append(Copy.capped(item.name, at: maximumQuantity)) }
            // The message's price is the customer's phone's copy of the catalog: shown only to say ours differs.
            if let sent = line.price.flatMap({ Kobo.parse($0, symbol: "", code: "") }), sent != item.price {
                notes.append(Copy.ourPrice(item.name, money(item.price)))
            }
            let waiting = LineInProgress(itemID: id, quantity: quantity)
            if nextGroup(for: waiting, item: item) != nil {
                state.building.append(waiting)
            } else {
                notes.append(addLine(item, quantity: quantity))
                added = true
            }
        }
        if unknown > 0 { notes.insert(Copy.notOnTheMenu(unknown), at: 0) }
        if let text = cart.text?.trimmed.nonEmpty {
            if let note = checkedNote(text, limit: NoteLimits.order, notes: &notes) {
                state.orderNote = note
                notes.append(Copy.orderNoted(note))
            }
        }
        let note = notes.isEmpty ? nil : notes.joined(separator: "\n")
        if state.building.contains(where: { $0.quantity > 0 }) {
            state.checkoutWhenChosen = true
            return askOption(note: note)
        }
        guard added || !state.cart.isEmpty else {
            return settings.hasCatalog ? showCatalog(note: note) : showCategories(note: note)
        }
        if let note { lead.append(note) }
        checkout()
    }
}
