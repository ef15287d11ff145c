import Domain

/// The cart: dishes added, changed and removed, in taps or in words, and how it is shown.
extension Machine {
    func subtotal(_ lines: [OrderLine]) -> Kobo { lines.reduce(Kobo(0)) { $0 + $1.total } }

    /// `3 items`: how much the cart holds, in words.
    var itemsInCart: String { Copy.itemCount(state.cart.reduce(0) { $0 + $1.quantity }) }

    /// `2 × Jollof Rice: ₦5,000`: one line of a cart, a summary or a receipt.
    func lineText(_ line: OrderLine) -> String { Copy.orderLine(line.quantity, line.name, money(line.total)) }

    /// What a message asked of the cart, done in the order typed, then one reply: a question when one is needed
    /// (which dish, how many), else the cart as it now is (the summary when checking out).
    mutating func applyOrders(_ orders: [Reading.Part], then rest: [Reading.Part], unread: [String] = []) {
        enum Pending {
            case which(Ambiguity)
            case howMany(Int64, note: String?)
            case soldOut(Int64)
        }
        let several = orders.count > 1
        var notes: [String] = []
        var pending: Pending?
        var added = false
        var edited = false
        for part in orders {
            switch part {
            case .add(let amount, let dish):
                guard
                    let id = dishToAdd(
                        dish, amount: amount, notes: &notes,
                        which: { ambiguity in
                            if pending == nil { pending = .which(ambiguity) }
                        })
                else { continue }
                guard let item = item(id), item.available else {
                    if let item = item(id) { notes.append(Copy.soldOut(item.name)) }
                    if pending == nil { pending = .soldOut(id) }
                    continue
                }
                switch amount {
                case .exactly(let quantity):
                    guard quantity > 0 else {
                        notes.append(Copy.zero(maximum: maximumQuantity))
                        continue
                    }
                    notes.append(addLine(item, quantity: quantity))
                    added = true
                case .unsaid where several:
                    notes.append(addLine(item, quantity: 1))
                    added = true
                case .unsaid:
                    if pending == nil { pending = .howMany(id, note: nil) }
                case .vague:
                    if pending == nil { pending = .howMany(id, note: Copy.howManyExactly(item.name)) }
                }
            case .remove(let quantity, let dish):
                if case .oneOf(let ids) = dish {
                    let present = ids.filter { id in state.cart.contains { $0.itemID == id } }
                    if present.count > 1 {
                        if pending == nil {
                            pending = .which(Ambiguity(action: .remove, quantity: quantity, candidates: present))
                        }
                        continue
                    }
                }
                guard let id = dishInCart(dish) else {
                    if let missing = notInCart(dish) { notes.append(missing) }
                    continue
                }
                notes.append(takeOut(id, quantity: quantity))
                edited = true
            case .set(let dish, let quantity):
                if let id = dishInCart(dish) {
                    guard quantity > 0 else {
                        notes.append(takeOut(id, quantity: nil))
                        edited = true
                        continue
                    }
                    let capped = min(quantity, maximumQuantity)
                    if let index = state.cart.firstIndex(where: { $0.itemID == id }) {
                        state.cart[index].quantity = capped
                        notes.append(Copy.updated(capped, state.cart[index].name))
                        if capped < quantity { notes.append(Copy.capped(state.cart[index].name, at: maximumQuantity)) }
                    }
                    state.lastItemID = id
                    edited = true
                } else if quantity > 0, case .item(let id) = dish, let item = item(id), item.available {
                    notes.append(addLine(item, quantity: quantity))
                    added = true
                } else if case .item(let id) = dish, let item = item(id) {
                    notes.append(item.available ? Copy.notInCart(item.name) : Copy.soldOut(item.name))
                }
            case .clear:
                state.cart = []
                state.fulfilment = nil
                notes.append(Copy.cartNowEmpty)
                edited = true
            default: continue
            }
        }
        // What could not be read comes after what was done: the order first, then the word quoted back.
        if !unread.isEmpty { notes.append(Copy.didNotGet(unread)) }
        let note = notes.isEmpty ? nil : notes.joined(separator: "\n")
        switch pending {
        case .which(let ambiguity):
            if let note { lead.append(note) }
            return ask(ambiguity)
        case .howMany(let id, let question):
            if let note { lead.append(note) }
            return askQuantity(id, note: question)
        case .soldOut(let id) where !added && !edited:
            // The sold-out reply says it itself, with the rest of the category.
            let others = notes.filter { $0 != Copy.soldOut(item(id)?.name ?? "") }
            return soldOut(id, note: others.isEmpty ? nil : others.joined(separator: "\n"))
        default: break
        }
        if !state.cart.isEmpty {
            if rest.contains(.pickup) {
                if let note { lead.append(note) }
                return chooseFulfilment(delivery: false)
            }
            if rest.contains(.delivery) || rest.contains(.sameAddress) {
                if let note { lead.append(note) }
                return rest.contains(.sameAddress) ? useSavedAddress() : chooseFulfilment(delivery: true)
            }
            if rest.contains(.global(.checkout)) {
                if let note { lead.append(note) }
                return checkout()
            }
        }
        switch state.step {
        case .choosingFulfilment, .awaitingAddress, .awaitingLandmark, .awaitingEmail:
            if !state.cart.isEmpty { return prompt(note: note) }
        default:
            // Once checking out (how the order is got is known), a change goes straight back to the summary, even
            // after a detour through which dish or how many.
            if state.fulfilment != nil, !state.cart.isEmpty { return showSummary(note: note) }
        }
        if state.cart.isEmpty { return showCategories(note: lines(note, added || edited ? nil : Copy.cartEmpty)) }
        if added && !edited { return cartUpdated(note: note) }
        showCart(note: note)
    }

    /// The item a dish to add names: the last one added for `one more`, the only available one of several.
    func dishToAdd(
        _ dish: Reading.Dish, amount: Reading.Amount, notes: inout [String], which: (Ambiguity) -> Void
    ) -> Int64? {
        switch dish {
        case .item(let id): return id
        case .last:
            guard let id = state.lastItemID ?? state.cart.last?.itemID else {
                notes.append(Copy.oneMoreOfWhat)
                return nil
            }
            return id
        case .oneOf(let ids):
            let available = ids.filter { item($0)?.available == true }
            if available.count == 1 { return available[0] }
            if available.isEmpty { return ids.first }
            var quantity: Int?
            if case .exactly(let value) = amount { quantity = value }
            which(Ambiguity(action: .add, quantity: quantity, candidates: available))
            return nil
        }
    }

    /// The cart line a dish names, or nil when it names none.
    func dishInCart(_ dish: Reading.Dish) -> Int64? {
        let inCart = Set(state.cart.map(\.itemID))
        switch dish {
        case .item(let id): return inCart.contains(id) ? id : nil
        case .last:
            if let id = state.lastItemID, inCart.contains(id) { return id }
            return state.cart.last?.itemID
        // Several in the cart fit: the first, which the cart reply then shows.
        case .oneOf(let ids): return ids.first(where: inCart.contains)
        }
    }

    /// Why `dishInCart` found nothing, when the dish was named (`one more` after an empty cart needs no note).
    func notInCart(_ dish: Reading.Dish) -> String? {
        switch dish {
        case .item(let id): Copy.notInCart(item(id)?.name ?? Copy.thatItem)
        case .oneOf(let ids): ids.first.map { Copy.notInCart(item($0)?.name ?? "") }
        case .last: nil
        }
    }

    /// Adds `quantity` of a dish and says so (capped at the most one order takes).
    mutating func addLine(_ item: MenuItem, quantity: Int) -> String {
        var capped = false
        if let index = state.cart.firstIndex(where: { $0.itemID == item.id }) {
            let wanted = state.cart[index].quantity + quantity
            state.cart[index].quantity = min(wanted, maximumQuantity)
            state.cart[index].unitPrice = item.price
            state.cart[index].name = item.name
            capped = wanted > maximumQuantity
        } else {
            state.cart.append(
                OrderLine(
                    itemID: item.id, name: item.name, unitPrice: item.price, quantity: min(quantity, maximumQuantity)))
            capped = quantity > maximumQuantity
        }
        state.lastItemID = item.id
        let shown = capped ? min(quantity, maximumQuantity) : quantity
        return lines(
            capped ? Copy.capped(item.name, at: maximumQuantity) : nil,
            Copy.added(shown, item.name, costing: money(item.price * shown)))
    }

    /// Takes a dish out of the cart (all of it, or `quantity` of it) and says so.
    mutating func takeOut(_ itemID: Int64, quantity: Int?) -> String {
        guard let index = state.cart.firstIndex(where: { $0.itemID == itemID }) else { return Copy.noLongerInCart }
        let line = state.cart[index]
        if let quantity, quantity >= 1, quantity < line.quantity {
            state.cart[index].quantity -= quantity
            return Copy.removed(quantity, line.name)
        }
        state.cart.remove(at: index)
        if state.cart.isEmpty { state.fulfilment = nil }
        return Copy.removed(line.name)
    }

    /// A tap on a quantity, as if typed.
    mutating func addAndShow(_ lines: [(Int64, Int)]) {
        applyOrders(lines.map { .add(.exactly($0.1), .item($0.0)) }, then: [])
    }

    /// What was added and what next, as one list: check out, see the cart, more from the same category (where the
    /// next dish usually is), or another category, one tap each.
    mutating func cartUpdated(note: String?) {
        state.step = .cartUpdated
        state.itemID = nil
        let body = lines(
            note, Copy.cartLine(itemsInCart, money(subtotal(state.cart))), "", Copy.whatNext)
        var rows: [ListReply.Row] = [
            .init(
                id: "checkout", title: Copy.checkoutButton, description: Copy.checkoutRow(money(subtotal(state.cart)))),
            .init(id: "cart", title: Copy.viewCartButton, description: Copy.changeOrRemove),
        ]
        let categories = menu.orderableCategories
        let current = state.lastItemID.flatMap(item)?.categoryID
        let ordered = categories.filter { $0.id == current } + categories.filter { $0.id != current }
        let room = 10 - rows.count
        for category in ordered.prefix(ordered.count > room ? room - 1 : room) {
            rows.append(
                .init(
                    id: "category:\(category.id)",
                    title: category.id == current ? Copy.moreOf(category.name) : category.name,
                    description: Copy.itemCount(categoryItems(category.id).count)))
        }
        if ordered.count > room {
            rows.append(.init(id: "menu", title: Copy.otherCategories, description: Copy.allCategories))
        }
        say(
            .list(
                ListReply(
                    body: body, button: Copy.whatNextButton, sections: [.init(title: Copy.nextSection, rows: rows)])))
    }

    mutating func showCart(note: String?) {
        state.ambiguity = nil
        state.itemID = nil
        guard !state.cart.isEmpty else {
            return showCategories(note: lines(note, Copy.cartEmpty))
        }
        state.step = .viewingCart
        state.offersNumbers = true
        let numbered = state.cart.enumerated().map { offset, line in
            "\(offset + 1). \(lineText(line))"
        }
        let body = lines(
            note, Copy.cartHeader, numbered.joined(separator: "\n"), "", Copy.subtotal(money(subtotal(state.cart))),
            "", Copy.cartHint(example: shortName(state.cart[0].name)))
        // Seven lines and three actions fill the ten rows a list allows; longer carts are in the text, by number.
        var rows = state.cart.prefix(7).map { line in
            ListReply.Row(
                id: "line:\(line.itemID)", title: line.name,
                description: "\(line.quantity) × \(money(line.unitPrice)) = \(money(line.total)) · \(Copy.tapToChange)")
        }
        rows.append(
            .init(
                id: "checkout", title: Copy.checkoutButton, description: Copy.checkoutRow(money(subtotal(state.cart)))))
        rows.append(.init(id: "menu", title: Copy.addMoreButton, description: Copy.backToMenuRow))
        rows.append(.init(id: "clear", title: Copy.clearCartRow, description: Copy.removeEverythingRow))
        say(
            .list(
                ListReply(
                    body: body, button: Copy.optionsButton, sections: [.init(title: Copy.cartSection, rows: rows)])))
    }

    func shortName(_ name: String) -> String {
        Folded(name).words.first ?? name
    }

    mutating func editLine(_ itemID: Int64) {
        guard let line = state.cart.first(where: { $0.itemID == itemID }) else {
            return showCart(note: Copy.noLongerInCart)
        }
        state.step = .editingLine
        state.itemID = itemID
        say(
            .buttons(
                ButtonsReply(
                    body: Copy.editLine(
                        line.name, quantity: line.quantity, each: money(line.unitPrice), maximum: maximumQuantity),
                    buttons: [
                        .init(id: "remove:\(itemID)", title: Copy.removeButton),
                        .init(id: "cart", title: Copy.backToCartButton),
                    ])))
    }

    mutating func setQuantity(_ itemID: Int64, to quantity: Int) {
        guard let index = state.cart.firstIndex(where: { $0.itemID == itemID }) else {
            return showCart(note: Copy.noLongerInCart)
        }
        state.cart[index].quantity = quantity
        state.lastItemID = itemID
        showCart(note: Copy.updated(quantity, state.cart[index].name))
    }

    /// Removes the line, or `quantity` of it when given and smaller than the line.
    mutating func removeLine(_ itemID: Int64, quantity: Int?) {
        guard state.cart.contains(where: { $0.itemID == itemID }) else {
            return showCart(note: Copy.noLongerInCart)
        }
        let note = takeOut(itemID, quantity: quantity)
        if state.step == .confirming, state.fulfilment != nil, !state.cart.isEmpty { return showSummary(note: note) }
        showCart(note: note)
    }

    mutating func clearCart() {
        state.cart = []
        state.fulfilment = nil
        showCategories(note: Copy.cartNowEmpty)
    }

    /// Brings the cart in line with today's menu: sold-out lines leave, changed prices are updated. Returns what
    /// changed, in words, or nil when nothing did.
    mutating func refreshCart() -> String? {
        let (kept, notes) = refreshed(state.cart)
        state.cart = kept
        return notes
    }

    /// `lines` at today's menu: what is left, and what changed in words (nil when nothing did).
    func refreshed(_ lines: [OrderLine]) -> ([OrderLine], String?) {
        var notes: [String] = []
        var kept: [OrderLine] = []
        for line in lines {
            guard let current = item(line.itemID), current.available else {
                notes.append(Copy.soldOutRemoved(line.name))
                continue
            }
            var updated = line
            if current.price != line.unitPrice {
                notes.append(Copy.priceChanged(current.name, now: money(current.price), was: money(line.unitPrice)))
                updated.unitPrice = current.price
            }
            updated.name = current.name
            kept.append(updated)
        }
        return (kept, notes.isEmpty ? nil : notes.joined(separator: "\n"))
    }

    // MARK: - Which one?

    mutating func ask(_ ambiguity: Ambiguity) {
        state.ambiguity = Ambiguity(
            action: ambiguity.action, quantity: ambiguity.quantity, candidates: Array(ambiguity.candidates.prefix(10)))
        state.step = .resolvingName
        prompt(note: nil)
    }

    mutating func resolve(_ ambiguity: Ambiguity, with itemID: Int64) {
        state.ambiguity = nil
        switch ambiguity.action {
        case .add:
            if let quantity = ambiguity.quantity { addAndShow([(itemID, quantity)]) } else { askQuantity(itemID) }
        case .remove: removeLine(itemID, quantity: ambiguity.quantity)
        case .choose: askQuantity(itemID)
        }
    }
}
