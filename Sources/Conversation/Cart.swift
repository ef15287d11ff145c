import Domain

/// The cart: dishes added, changed and removed, in taps or in words, and how it is shown.
extension Machine {
    func subtotal(_ lines: [OrderLine]) -> Kobo { lines.reduce(Kobo(0)) { $0 + $1.total } }

    /// `3 items`: how much the cart holds, in words.
    var itemsInCart: String { Copy.itemCount(state.cart.reduce(0) { $0 + $1.quantity }) }

    /// `2 × Jollof Rice (Beef): ₦5,000`, with its note under it: one line of a cart, a summary or a receipt.
    func lineText(_ line: OrderLine) -> String {
        lines(Copy.orderLine(line.quantity, line.title, money(line.total)), line.note.map(Copy.lineNote))
    }

    /// What a message asked of the cart, done in the order typed, then one reply: a question when one is needed
    /// (which dish, how many), else the cart as it now is (the summary when checking out).
    mutating func applyOrders(
        _ orders: [Reading.Part], then rest: [Reading.Part], unread: [String] = [], offerExtras: Bool = false
    ) {
        enum Pending {
            case which(Ambiguity)
            case howMany(Int64, note: String?)
            case soldOut(Int64)
        }
        let several = orders.filter { if case .add = $0 { true } else { false } }.count > 1
        var notes: [String] = []
        var pending: Pending?
        var added = false
        var edited = false
        // Options and notes belong to the dish before them; those with none before are for the cart as it is.
        var extras: [Int: (options: [Int64], note: String?)] = [:]
        var looseOptions: [Int64] = []
        var looseNotes: [String] = []
        var owner: Int?
        for (index, part) in orders.enumerated() {
            switch part {
            case .add: owner = index
            case .option(let id):
                if let owner { extras[owner, default: ([], nil)].options.append(id) } else { looseOptions.append(id) }
            case .note(let text):
                if let owner {
                    extras[owner, default: ([], nil)].note = [extras[owner]?.note, text].compactMap { $0 }
                        .joined(separator: ", ")
                } else {
                    looseNotes.append(text)
                }
            default: owner = nil
            }
        }
        for (index, part) in orders.enumerated() {
            let (optionIDs, lineNote) = extras[index] ?? ([], nil)
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
                var quantity = 0
                switch amount {
                case .exactly(let value):
                    guard value > 0 else {
                        notes.append(Copy.zero(maximum: maximumQuantity))
                        continue
                    }
                    quantity = value
                case .unsaid where several: quantity = 1
                case .unsaid:
                    if pending == nil { pending = .howMany(id, note: nil) }
                case .vague:
                    if pending == nil { pending = .howMany(id, note: Copy.howManyExactly(item.name)) }
                }
                var line = LineInProgress(itemID: id, quantity: quantity, offerExtras: offerExtras)
                line.note = checkedNote(lineNote, limit: NoteLimits.line, notes: &notes)
                for optionID in optionIDs { line.options = choose(optionID, of: item, in: line.options, notes: &notes) }
                if quantity == 0 {
                    // Asked how many first: the options said wait with it.
                    if case .howMany(let asked, _)? = pending, asked == id, !line.options.isEmpty || line.note != nil {
                        state.building.removeAll { $0.quantity == 0 }
                        state.building.insert(line, at: 0)
                    }
                    continue
                }
                if nextGroup(for: line, item: item) != nil {
                    // Behind a dish already being asked about: said, so the question on screen is not a surprise.
                    if state.step == .choosingOption, state.building.contains(where: { $0.quantity > 0 }) {
                        notes.append(Copy.askNext(item.name))
                    }
                    state.building.append(line)
                    continue
                }
                notes.append(addLine(item, quantity: quantity, options: line.options, note: line.note))
                added = true
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
                guard let key = dishInCart(dish) else {
                    if let missing = notInCart(dish) { notes.append(missing) }
                    continue
                }
                notes.append(takeOut(key, quantity: quantity))
                edited = true
            case .set(let dish, let quantity):
                if let key = dishInCart(dish) {
                    guard quantity > 0 else {
                        notes.append(takeOut(key, quantity: nil))
                        edited = true
                        continue
                    }
                    let capped = min(quantity, maximumQuantity)
                    if let index = state.cart.firstIndex(where: { $0.key == key }) {
                        state.cart[index].quantity = capped
                        notes.append(Copy.updated(capped, state.cart[index].title))
                        if capped < quantity { notes.append(Copy.capped(state.cart[index].title, at: maximumQuantity)) }
                        state.lastItemID = state.cart[index].itemID
                    }
                    edited = true
                } else if quantity > 0, case .item(let id) = dish, let item = item(id), item.available,
                    nextGroup(for: LineInProgress(itemID: id, quantity: quantity), item: item) == nil
                {
                    notes.append(addLine(item, quantity: quantity))
                    added = true
                } else if quantity > 0, case .item(let id) = dish, let item = item(id), item.available {
                    state.building.append(LineInProgress(itemID: id, quantity: min(quantity, maximumQuantity)))
                } else if case .item(let id) = dish, let item = item(id) {
                    notes.append(item.available ? Copy.notInCart(item.name) : Copy.soldOut(item.name))
                }
            case .clear:
                state.cart = []
                state.fulfilment = nil
                state.orderNote = nil
                notes.append(Copy.cartNowEmpty)
                edited = true
            default: continue
            }
        }
        if !looseOptions.isEmpty || !looseNotes.isEmpty {
            switch applyLoose(options: looseOptions, notes: looseNotes, said: &notes) {
            case .answered: return
            case .changed: edited = true
            case .none: break
            }
        }
        // What could not be read comes after what was done: the order first, then the word quoted back.
        if !unread.isEmpty { notes.append(Copy.didNotGet(unread)) }
        let note = notes.isEmpty ? nil : notes.joined(separator: "\n")
        // Dishes whose options are missing are asked about before anything else moves on.
        if state.building.contains(where: { $0.quantity > 0 }) {
            state.building.removeAll { $0.quantity == 0 }
            if case .which(let ambiguity) = pending {
                // The question of which dish waits for the options: it is asked again after them.
                notes.append(Copy.stillToChoose(ambiguity.candidates.compactMap(item).map(\.name)))
            }
            return askOption(note: notes.isEmpty ? nil : notes.joined(separator: "\n"))
        }
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

    /// The cart line a dish names (its latest line when the dish is there with different options), by key, or nil
    /// when it names none.
    func dishInCart(_ dish: Reading.Dish) -> String? {
        func latest(_ id: Int64) -> String? { state.cart.last { $0.itemID == id }?.key }
        switch dish {
        case .item(let id): return latest(id)
        case .last:
            if let id = state.lastItemID, let key = latest(id) { return key }
            return state.cart.last?.key
        // Several in the cart fit: the first, which the cart reply then shows.
        case .oneOf(let ids): return ids.lazy.compactMap(latest).first
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

    /// Adds `quantity` of a dish with its options and note and says so (capped at the most one order takes). The
    /// same dish with the same options and note adds to its line; anything else is a line of its own.
    mutating func addLine(
        _ item: MenuItem, quantity: Int, options: [ChosenOption] = [], note: String? = nil
    ) -> String {
        var capped = false
        let fresh = OrderLine(
            itemID: item.id, name: item.name, unitPrice: item.unitPrice(with: options),
            quantity: min(quantity, maximumQuantity), options: options, note: note)
        if let index = state.cart.firstIndex(where: { $0.key == fresh.key }) {
            let wanted = state.cart[index].quantity + quantity
            state.cart[index].quantity = min(wanted, maximumQuantity)
            state.cart[index].unitPrice = fresh.unitPrice
            state.cart[index].name = item.name
            capped = wanted > maximumQuantity
        } else {
            state.cart.append(fresh)
            capped = quantity > maximumQuantity
        }
        state.lastItemID = item.id
        let shown = capped ? min(quantity, maximumQuantity) : quantity
        return lines(
            capped ? Copy.capped(fresh.title, at: maximumQuantity) : nil,
            Copy.added(
                shown, fresh.title, costing: money(fresh.unitPrice * shown), withOptions: !options.isEmpty),
            note.map(Copy.lineNote))
    }

    /// Takes a cart line out (all of it, or `quantity` of it) and says so.
    mutating func takeOut(_ key: String, quantity: Int?) -> String {
        guard let index = state.cart.firstIndex(where: { $0.key == key }) else { return Copy.noLongerInCart }
        let line = state.cart[index]
        if let quantity, quantity >= 1, quantity < line.quantity {
            state.cart[index].quantity -= quantity
            return Copy.removed(quantity, line.title)
        }
        state.cart.remove(at: index)
        if state.cart.isEmpty { state.fulfilment = nil }
        return Copy.removed(line.title)
    }

    /// A tap on a quantity, as if typed, with whatever options were typed with the dish while its quantity was asked.
    mutating func addAndShow(_ lines: [(Int64, Int)], tapped: Bool = false) {
        var parts: [Reading.Part] = []
        for (itemID, quantity) in lines {
            parts.append(.add(.exactly(quantity), .item(itemID)))
            if let waiting = state.building.first(where: { $0.itemID == itemID && $0.quantity == 0 }) {
                parts += waiting.options.map { .option($0.id) }
                if let note = waiting.note { parts.append(.note(note)) }
            }
        }
        state.building.removeAll { $0.quantity == 0 }
        applyOrders(parts, then: [], offerExtras: tapped)
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
                id: "line:\(line.key)", title: line.name,
                description: (line.options.isEmpty ? "" : line.options.map(\.name).joined(separator: ", ") + " · ")
                    + "\(line.quantity) × \(money(line.unitPrice)) = \(money(line.total)) · \(Copy.tapToChange)")
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

    mutating func editLine(_ key: String) {
        guard let line = state.cart.first(where: { $0.key == key }) else {
            return showCart(note: Copy.noLongerInCart)
        }
        state.step = .editingLine
        state.itemID = line.itemID
        state.lineKey = key
        say(
            .buttons(
                ButtonsReply(
                    body: lines(
                        Copy.editLine(
                            line.title, quantity: line.quantity, each: money(line.unitPrice), maximum: maximumQuantity),
                        line.note.map(Copy.lineNote)),
                    buttons: [
                        .init(id: "remove:\(key)", title: Copy.removeButton),
                        .init(id: "cart", title: Copy.backToCartButton),
                    ])))
    }

    /// The line being edited: by its key, or (state written before keys) the item's first line.
    var editedLineKey: String? {
        if let key = state.lineKey { return key }
        return state.itemID.flatMap { id in state.cart.first { $0.itemID == id }?.key }
    }

    mutating func setQuantity(_ key: String, to quantity: Int) {
        guard let index = state.cart.firstIndex(where: { $0.key == key }) else {
            return showCart(note: Copy.noLongerInCart)
        }
        state.cart[index].quantity = quantity
        state.lastItemID = state.cart[index].itemID
        showCart(note: Copy.updated(quantity, state.cart[index].title))
    }

    /// Removes the line, or `quantity` of it when given and smaller than the line.
    mutating func removeLine(_ key: String, quantity: Int?) {
        guard state.cart.contains(where: { $0.key == key }) else {
            return showCart(note: Copy.noLongerInCart)
        }
        let note = takeOut(key, quantity: quantity)
        if state.step == .confirming, state.fulfilment != nil, !state.cart.isEmpty { return showSummary(note: note) }
        showCart(note: note)
    }

    mutating func clearCart() {
        state.cart = []
        state.fulfilment = nil
        state.orderNote = nil
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
                notes.append(Copy.soldOutRemoved(line.title))
                continue
            }
            // Each option as the menu has it now; one gone or sold out takes the line out (its choice is no longer
            // what can be made), and a required group added since is asked at the next order of it.
            var options: [ChosenOption] = []
            var gone: String?
            for chosen in line.options {
                guard let (group, option) = current.option(chosen.id), option.available else {
                    gone = chosen.name
                    break
                }
                options.append(ChosenOption(id: option.id, group: group.name, name: option.name, price: option.price))
            }
            if let gone {
                notes.append(Copy.optionGoneRemoved(line.title, option: gone))
                continue
            }
            if current.firstUnanswered(options) != nil {
                notes.append(Copy.choiceNeededRemoved(line.title))
                continue
            }
            var updated = line
            updated.options = options
            let price = current.unitPrice(with: options)
            if price != line.unitPrice {
                updated.name = current.name
                notes.append(Copy.priceChanged(updated.title, now: money(price), was: money(line.unitPrice)))
                updated.unitPrice = price
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
        case .remove:
            guard let key = dishInCart(.item(itemID)) else { return showCart(note: Copy.noLongerInCart) }
            removeLine(key, quantity: ambiguity.quantity)
        case .choose: askQuantity(itemID)
        }
    }
}
