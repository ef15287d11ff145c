import Domain

/// Advances a conversation by one event. Pure: the same state, event and context always give the same result.
public func reduce(_ state: State, _ event: Event, _ context: Context) -> Transition {
    var machine = Machine(state: state, context: context)
    machine.handle(event)
    return Transition(state: machine.state, effects: machine.effects)
}

/// The most of one item a cart line holds; more is almost always a typo, and a caterer's order is a phone call.
let maximumQuantity = 20

/// One step's working copy: the state being changed and the effects asked for so far.
struct Machine {
    var state: State
    let context: Context
    var effects: [Effect] = []

    init(state: State, context: Context) {
        self.state = state
        self.context = context
    }

    var settings: Settings { context.settings }
    var menu: Menu { context.menu }

    func money(_ amount: Kobo) -> String { amount.formatted(symbol: settings.currencySymbol) }

    mutating func say(_ reply: Reply) { effects.append(.reply(reply)) }

    mutating func handle(_ event: Event) {
        switch event {
        case .customerSent(let input, let sentAt): received(input, sentAt: sentAt)
        case .paymentLinkCreated(let reference, let url): linkCreated(reference: reference, url: url)
        case .paymentLinkFailed(let reference, _): linkFailed(reference: reference)
        case .paymentConfirmed(let order): paymentConfirmed(order)
        case .paymentNeedsReview(let code): paymentNeedsReview(code)
        case .paymentLinkExpired(let code): linkExpired(code)
        case .orderRefunded(let code, let amount): refunded(code, amount: amount)
        case .orderUpdated(let update): orderUpdated(update)
        case .staffTookOver:
            state.handoffUntil = context.now + settings.handoffTimeout
            say(.text("Someone from \(settings.restaurantName) is taking over this chat and will reply here."))
        case .staffHandedBack:
            guard state.handoffUntil != nil else { return }
            state.handoffUntil = nil
            say(.text("You're back with the \(settings.restaurantName) assistant. Type *menu* to order, or *help*."))
        case .staffSent(let text):
            // A person writing has the chat: the customer's answer is for them, not the bot.
            state.handoffUntil = context.now + settings.handoffTimeout
            say(.text(text))
        }
    }

    // MARK: - A customer's message

    mutating func received(_ input: Input, sentAt: Int64?) {
        if let sentAt, context.now - sentAt > settings.lateAfter {
            lateMessage(sentAt: sentAt)
            return
        }
        if let sentAt { state.latestSentAt = max(state.latestSentAt ?? sentAt, sentAt) }
        state.apologisedForDelay = false

        if let until = state.handoffUntil {
            // A person has the chat: the message is recorded for them, and the bot stays out of the way.
            if context.now < until { return }
            state.handoffUntil = nil
            say(
                .text(
                    "Sorry to keep you waiting. I'm the \(settings.restaurantName) assistant again; here's where we were."
                ))
        }

        if state.step != .new, let previous = context.previousMessageAt, context.now - previous > settings.idleAfter {
            // A global word still does what it says; anything else was meant for a conversation long gone.
            if case .text(let text) = input, let word = Words.global(text), word != .menu {
                resetFlow()
                global(word)
            } else {
                showCategories(note: welcomeBackNote())
            }
            return
        }
        if state.step == .new {
            if case .text(let text) = input, let word = Words.global(text), word != .menu, word != .restart {
                state.step = .choosingCategory
                global(word)
            } else {
                showWelcome(note: input.isUnsupported ? Text.unsupported : nil)
            }
            return
        }
        switch input {
        case .unsupported: prompt(note: Text.unsupported)
        case .location(let latitude, let longitude, let name, let address):
            if state.step == .awaitingAddress {
                let pin = Address(
                    text: address?.trimmed.nonEmpty, latitude: latitude, longitude: longitude,
                    placeName: name?.trimmed.nonEmpty)
                deliverTo(pin)
            } else {
                prompt(note: "Thanks for the location. I'll ask for the address at checkout.")
            }
        case .choice(let id, _): choice(id)
        case .text(let text): typed(text)
        }
    }

    /// Meta retries for days after an outage: a message that old is recorded but not obeyed (its "Confirm" or "2"
    /// answered a question long gone). One apology with the menu, and only if nothing newer came first.
    mutating func lateMessage(sentAt: Int64) {
        let newerSeen = (state.latestSentAt ?? Int64.min) > sentAt
        guard !newerSeen, !state.apologisedForDelay else { return }
        state.apologisedForDelay = true
        state.latestSentAt = sentAt
        showCategories(
            note: "Sorry for the delay: your message only just reached us, so I haven't acted on it."
                + (state.cart.isEmpty ? "" : " " + cartNote()))
    }

    mutating func resetFlow() {
        state.step = .choosingCategory
        state.categoryID = nil
        state.page = 0
        state.itemID = nil
        state.ambiguity = nil
    }

    func welcomeBackNote() -> String {
        var note = "Welcome back!"
        if !state.cart.isEmpty { note += " " + cartNote() }
        if let pending = state.pendingOrder {
            note +=
                " Order \(pending.code) (\(money(pending.total))) is still waiting for payment: type *pay* for a link."
        }
        return note
    }

    func cartNote() -> String {
        "Your cart still has \(itemCount(state.cart)) (\(money(subtotal(state.cart)))): type *cart* to see it."
    }

    // MARK: - Taps

    mutating func choice(_ id: String) {
        if let word = Words.Global(rawValue: id) {
            global(word)
            return
        }
        let parts = id.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let number = parts.count > 1 ? Int64(parts[1]) : nil
        switch (parts[0], number) {
        case ("category", let categoryID?): showCategory(categoryID, page: 0)
        case ("more", let categoryID?):
            showCategory(categoryID, page: parts.count > 2 ? Int(parts[2]) ?? 0 : 0)
        case ("item", let itemID?): askQuantity(itemID)
        case ("qty", let quantity?):
            guard state.step == .choosingQuantity, let itemID = state.itemID else { return staleTap() }
            addToCart(itemID, quantity: Int(quantity))
        case ("line", let itemID?): editLine(itemID)
        case ("remove", let itemID?): removeLine(itemID, quantity: nil)
        case ("pick", let itemID?):
            guard state.step == .resolvingName, let ambiguity = state.ambiguity,
                ambiguity.candidates.contains(itemID)
            else { return staleTap() }
            resolve(ambiguity, with: itemID)
        case ("clear", _): clearCart()
        case ("delivery", _): chooseFulfilment(delivery: true)
        case ("pickup", _): chooseFulfilment(delivery: false)
        case ("skip-email", _):
            guard state.step == .awaitingEmail else { return staleTap() }
            skipEmail()
        case ("confirm", _): confirm()
        case ("edit", _):
            guard state.step == .confirming else { return staleTap() }
            showCart(note: "Change anything you like, then tap *Checkout* again.")
        case ("cancel-yes", _):
            guard state.step == .confirmingCancel else { return staleTap() }
            cancelNow()
        case ("cancel-no", _):
            guard state.step == .confirmingCancel else { return staleTap() }
            keepAfterCancelQuestion()
        default: staleTap()
        }
    }

    /// A button from an earlier message whose moment has passed (a second tap on Confirm, a quantity for an
    /// item no longer being asked about): say so and show where things stand, never act twice.
    mutating func staleTap() {
        prompt(note: "That button belongs to an earlier message.")
    }

    // MARK: - Typing

    mutating func typed(_ text: String) {
        if let word = Words.global(text) {
            global(word)
            return
        }
        let words = Words.normalized(text)
        switch state.step {
        case .new, .choosingCategory:
            let categories = menu.orderableCategories
            if let number = Words.number(text) {
                guard number >= 1, number <= categories.count else {
                    return prompt(note: "There's no category \(number). Please pick 1 to \(categories.count).")
                }
                return showCategory(categories[number - 1].id, page: 0)
            }
            if let category = categories.first(where: { Words.normalized($0.name) == words })
                ?? uniqueCategory(matching: words, in: categories)
            {
                return showCategory(category.id, page: 0)
            }
            if freeText(text) { return }
            prompt(note: "I didn't catch that. Pick a category, or type a dish's name.")
        case .choosingItem:
            let items = categoryItems(state.categoryID)
            if let number = Words.number(text) {
                guard number >= 1, number <= items.count else {
                    return prompt(note: "There's no item \(number) here. Please pick 1 to \(items.count).")
                }
                return askQuantity(items[number - 1].id)
            }
            if ["more", "next", "next page"].contains(words), let categoryID = state.categoryID {
                return showCategory(categoryID, page: state.page + 1)
            }
            if words == "back" { return showCategories(note: nil) }
            let local = Words.matchingItems(text, in: items)
            if local.count == 1 { return askQuantity(local[0].id) }
            if freeText(text) { return }
            prompt(note: "I didn't catch that. Pick an item by its number or name.")
        case .choosingQuantity:
            guard let itemID = state.itemID else { return showCategories(note: nil) }
            switch Words.quantity(text, maximum: maximumQuantity) {
            case .valid(let quantity): addToCart(itemID, quantity: quantity)
            case .zero: prompt(note: "Zero won't fill you up! Type a number from 1 to \(maximumQuantity).")
            case .negative: prompt(note: "Please type a number from 1 to \(maximumQuantity).")
            case .tooMany:
                prompt(
                    note: "That's more than I can take in one go: up to \(maximumQuantity). For a bigger order, "
                        + "please call the restaurant.")
            case .notANumber:
                if freeText(text) { return }
                prompt(note: "Please type the quantity as a number, like *2*.")
            }
        case .cartUpdated:
            if ["more", "add more"].contains(words) { return showCategories(note: nil) }
            if freeText(text) { return }
            if nameLookup(text) { return }
            prompt(note: "Tap a button, or type *cart*, *menu* or *checkout*.")
        case .viewingCart:
            if let number = Words.number(text) {
                guard number >= 1, number <= state.cart.count else {
                    return prompt(note: "There's no line \(number) in your cart.")
                }
                return editLine(state.cart[number - 1].itemID)
            }
            if ["clear", "empty", "clear cart", "empty cart"].contains(words) { return clearCart() }
            if ["more", "add more"].contains(words) { return showCategories(note: nil) }
            if freeText(text) { return }
            if nameLookup(text) { return }
            prompt(note: "Pick a line to change it, or type e.g. *remove zobo*, *clear* or *checkout*.")
        case .editingLine:
            guard let itemID = state.itemID else { return showCart(note: nil) }
            if ["remove", "delete"].contains(words) { return removeLine(itemID, quantity: nil) }
            if Words.number(text) == 0 { return removeLine(itemID, quantity: nil) }
            switch Words.quantity(text, maximum: maximumQuantity) {
            case .valid(let quantity): setQuantity(itemID, to: quantity)
            case .tooMany: prompt(note: "The most I can take is \(maximumQuantity).")
            case .zero, .negative, .notANumber:
                if freeText(text) { return }
                prompt(note: "Please type a number from 0 to \(maximumQuantity) (0 removes it).")
            }
        case .resolvingName:
            guard let ambiguity = state.ambiguity else { return showCategories(note: nil) }
            if let number = Words.number(text) {
                guard number >= 1, number <= ambiguity.candidates.count else {
                    return prompt(note: "Please pick 1 to \(ambiguity.candidates.count).")
                }
                return resolve(ambiguity, with: ambiguity.candidates[number - 1])
            }
            let candidates = ambiguity.candidates.compactMap(item)
            let matches = Words.matchingItems(text, in: candidates)
            if matches.count == 1 { return resolve(ambiguity, with: matches[0].id) }
            if freeText(text) { return }
            prompt(note: "Which one did you mean? Pick by number or tap one.")
        case .choosingFulfilment:
            if ["1", "delivery", "deliver", "deliver it", "home delivery"].contains(words) {
                return chooseFulfilment(delivery: true)
            }
            if ["2", "pickup", "pick up", "pick-up", "collect", "collection", "takeaway"].contains(words) {
                return chooseFulfilment(delivery: false)
            }
            prompt(note: "Please choose *Delivery* or *Pickup*.")
        case .awaitingAddress:
            let trimmed = text.trimmed
            guard words.split(separator: " ").count >= 3, trimmed.count >= 10 else {
                return prompt(
                    note: "That looks too short for an address. Please include the street and area, e.g. "
                        + "*12 Allen Avenue, Ikeja*, or share a location pin.")
            }
            deliverTo(Address(text: String(trimmed.prefix(300))))
        case .awaitingEmail:
            if ["skip", "no", "none", "no email"].contains(words) { return skipEmail() }
            guard let email = Words.email(text) else {
                return prompt(note: "That doesn't look like an email address (e.g. *ada@example.com*).")
            }
            state.email = email
            showSummary()
        case .confirming:
            if ["yes", "y", "ok", "okay", "1", "confirm", "place order"].contains(words) { return confirm() }
            if ["edit", "change", "2"].contains(words) {
                return showCart(note: "Change anything you like, then tap *Checkout* again.")
            }
            if words == "3" { return cancel() }
            prompt(note: "Please tap *Confirm* to get your payment link, *Edit* to change the order, or *Cancel*.")
        case .confirmingCancel:
            if ["yes", "y", "yes cancel", "1"].contains(words) { return cancelNow() }
            if ["no", "n", "keep", "keep it", "no keep it", "2"].contains(words) { return keepAfterCancelQuestion() }
            prompt(note: "Please answer *yes* or *no*.")
        case .awaitingPayment:
            if freeText(text) { return }
            if nameLookup(text) { return }
            prompt(note: nil)
        }
    }

    /// A category named by part of its name ("drinks", "main"), when exactly one fits.
    func uniqueCategory(matching words: String, in categories: [MenuCategory]) -> MenuCategory? {
        guard !words.isEmpty else { return nil }
        let fits = categories.filter { category in
            let name = Words.normalized(category.name)
            return name.contains(words) || words.contains(name)
        }
        return fits.count == 1 ? fits[0] : nil
    }

    /// `2 jollof`, `add 1 zobo`, `remove fries`. Returns false when the text is not such a command.
    mutating func freeText(_ text: String) -> Bool {
        guard let command = Words.cartCommand(text) else { return false }
        switch command.verb {
        case .add:
            let matches = Words.matchingItems(command.name, in: orderableItems)
            switch matches.count {
            case 0:
                prompt(note: "I couldn't find \"\(command.name)\" on the menu.")
            case 1:
                if let quantity = command.quantity {
                    addToCart(matches[0].id, quantity: quantity)
                } else {
                    askQuantity(matches[0].id)
                }
            default:
                ask(
                    Ambiguity(action: .add, quantity: command.quantity, candidates: matches.map(\.id)),
                    name: command.name)
            }
        case .remove:
            let matches = Words.matching(command.name, in: state.cart, name: \.name)
            switch matches.count {
            case 0:
                showCart(note: "There's no \"\(command.name)\" in your cart.")
            case 1:
                removeLine(matches[0].itemID, quantity: command.quantity)
            default:
                ask(
                    Ambiguity(action: .remove, quantity: command.quantity, candidates: matches.map(\.itemID)),
                    name: command.name)
            }
        }
        return true
    }

    /// A dish typed by name alone ("jollof"): ask how many, or which one.
    mutating func nameLookup(_ text: String) -> Bool {
        // A bare number is an answer to a numbered question, never part of a dish's name.
        guard Words.number(text) == nil else { return false }
        let matches = Words.matchingItems(text, in: orderableItems)
        switch matches.count {
        case 0: return false
        case 1: askQuantity(matches[0].id)
        default:
            ask(Ambiguity(action: .choose, quantity: nil, candidates: matches.map(\.id)), name: text.trimmed)
        }
        return true
    }

    mutating func ask(_ ambiguity: Ambiguity, name: String) {
        state.ambiguity = Ambiguity(
            action: ambiguity.action, quantity: ambiguity.quantity, candidates: Array(ambiguity.candidates.prefix(10)))
        state.step = .resolvingName
        prompt(note: "\"\(name)\" matches more than one item.")
    }

    mutating func resolve(_ ambiguity: Ambiguity, with itemID: Int64) {
        state.ambiguity = nil
        switch ambiguity.action {
        case .add:
            if let quantity = ambiguity.quantity { addToCart(itemID, quantity: quantity) } else { askQuantity(itemID) }
        case .remove: removeLine(itemID, quantity: ambiguity.quantity)
        case .choose: askQuantity(itemID)
        }
    }

    // MARK: - Global words

    mutating func global(_ word: Words.Global) {
        switch word {
        case .menu: showCategories(note: nil)
        case .cart: showCart(note: nil)
        case .checkout: checkout()
        case .cancel: cancel()
        case .help: say(.text(Text.help))
        case .restart:
            state.cart = []
            state.fulfilment = nil
            showWelcome(note: "Starting over: your cart is empty.")
        case .status: say(.text(statusText()))
        case .pay: pay()
        case .agent:
            state.handoffUntil = context.now + settings.handoffTimeout
            effects.append(.notifyStaff(.personRequested))
            say(
                .text(
                    "I've asked someone from \(settings.restaurantName) to reply to you here. Anything you send "
                        + "now goes to them."))
        }
    }

    func statusText() -> String {
        if let pending = state.pendingOrder {
            var text = "Order *\(pending.code)* (\(money(pending.total))) is waiting for payment."
            if let url = pending.paymentURL {
                text += "\nPay here: \(url)"
            } else {
                text += "\nType *pay* for a payment link."
            }
            return text
        }
        if let last = state.lastOrder {
            let status =
                switch last.status {
                case .awaitingPayment, .expired: "waiting for payment"
                case .paid: "paid, and with the kitchen"
                case .paymentReview: "paid, and being checked by the restaurant"
                case .preparing: "being prepared"
                case .ready: "ready"
                case .outForDelivery: "out for delivery"
                case .completed: "completed"
                case .cancelled: "cancelled"
                case .refunded: "refunded"
                }
            return "Your latest order *\(last.code)* (\(money(last.total))) is \(status)."
        }
        return "You haven't placed an order yet. Type *menu* to start one."
    }

    // MARK: - Browsing

    var orderableItems: [MenuItem] { menu.items.filter(\.available) }

    func item(_ id: Int64) -> MenuItem? { menu.items.first { $0.id == id } }

    func categoryItems(_ categoryID: Int64?) -> [MenuItem] {
        guard let categoryID else { return [] }
        return menu.items.filter { $0.categoryID == categoryID && $0.available }
    }

    mutating func showWelcome(note: String?) {
        let greeting =
            if let name = context.customerName?.trimmed, !name.isEmpty {
                "Hi \(name)! Welcome to \(settings.restaurantName)."
            } else {
                "Hi! Welcome to \(settings.restaurantName)."
            }
        showCategories(note: [note, greeting, closedNotice()].compactMap { $0 }.joined(separator: "\n"))
    }

    /// Why checkout is closed now, or nil when it is open.
    func closedNotice() -> String? {
        if !settings.closedNote.isEmpty {
            return lines("We're not taking orders right now: \(settings.closedNote)", "You can still look at the menu.")
        }
        let minute = OpeningHours.minuteOfWeek(
            unixMilliseconds: context.now, utcOffsetSeconds: context.utcOffsetSeconds)
        guard !settings.openingHours.isOpen(atMinuteOfWeek: minute) else { return nil }
        guard let next = settings.openingHours.nextOpening(afterMinuteOfWeek: minute) else {
            return "We're not taking orders right now. You can still look at the menu."
        }
        return "We're closed right now and open again \(OpeningHours.describe(opening: next, from: minute)). "
            + "You can browse and fill your cart; it will be here when we open."
    }

    mutating func showCategories(note: String?) {
        resetFlow()
        let categories = menu.orderableCategories
        guard !categories.isEmpty else {
            say(
                .text(
                    [note, "Our menu is being updated right now. Please message us again a little later."]
                        .compactMap { $0 }.joined(separator: "\n")))
            return
        }
        // NB: the numbered list repeats the rows so a customer on an old client, or one who prefers typing,
        // can answer with a number.
        let numbered = categories.enumerated().map { "\($0.offset + 1). \($0.element.name)" }
        let body = lines(
            note, "What would you like today?", "", numbered.joined(separator: "\n"), "",
            "Tap *See menu*, or reply with a number.")
        let rows = categories.map { category in
            let count = categoryItems(category.id).count
            return ListReply.Row(
                id: "category:\(category.id)", title: category.name,
                description: count == 1 ? "1 item" : "\(count) items")
        }
        say(.list(ListReply(body: body, button: "See menu", sections: [.init(title: "Categories", rows: rows)])))
    }

    mutating func showCategory(_ categoryID: Int64, page requested: Int, note: String? = nil) {
        let items = categoryItems(categoryID)
        guard let category = menu.categories.first(where: { $0.id == categoryID }), !items.isEmpty else {
            return showCategories(note: "Sorry, that category has nothing available right now.")
        }
        // Ten rows at most: a page shows nine items and a "More" row, or the last ten items.
        var start = 0
        var page = 0
        while page < requested, items.count - start > 10 {
            start += 9
            page += 1
        }
        let remaining = items.count - start
        let shown = Array(items[start..<(start + (remaining > 10 ? 9 : remaining))])
        let hasMore = remaining > 10
        state.step = .choosingItem
        state.categoryID = categoryID
        state.page = page
        state.itemID = nil
        let numbered = shown.enumerated().map { offset, item in
            "\(start + offset + 1). \(item.name): \(money(item.price))"
        }
        let body = lines(
            note, "*\(category.name)*", numbered.joined(separator: "\n"),
            hasMore ? "(more: type *more*)" : nil, "", "Tap *Choose*, or reply with a number or a name.")
        var rows = shown.map { item in
            ListReply.Row(
                id: "item:\(item.id)", title: item.name,
                description: item.description.isEmpty
                    ? money(item.price) : "\(money(item.price)) · \(item.description)")
        }
        if hasMore {
            let nextStart = start + 9
            let nextRemaining = items.count - nextStart
            let nextEnd = nextStart + (nextRemaining > 10 ? 9 : nextRemaining)
            rows.append(
                ListReply.Row(
                    id: "more:\(categoryID):\(page + 1)", title: "More…",
                    description: "Items \(nextStart + 1)–\(nextEnd) of \(items.count)"))
        }
        say(.list(ListReply(body: body, button: "Choose", sections: [.init(title: category.name, rows: rows)])))
    }

    mutating func askQuantity(_ itemID: Int64, note: String? = nil) {
        guard let item = item(itemID), item.available else {
            let name = item(itemID)?.name ?? "That item"
            if let categoryID = item(itemID)?.categoryID, !categoryItems(categoryID).isEmpty {
                return showCategory(categoryID, page: 0, note: "Sorry, \(name) is sold out right now.")
            }
            return showCategories(note: "Sorry, \(name) is not available right now.")
        }
        state.step = .choosingQuantity
        state.itemID = itemID
        state.categoryID = item.categoryID
        let inCart = state.cart.first { $0.itemID == itemID }?.quantity ?? 0
        let body = lines(
            note, "*\(item.name)*: \(money(item.price))", item.description.nonEmpty,
            inCart > 0 ? "You have \(inCart) in your cart." : nil, "",
            "How many would you like? Tap a number or type any number from 1 to \(maximumQuantity).")
        say(
            .buttons(
                ButtonsReply(
                    body: body,
                    buttons: (1...3).map { ButtonsReply.Button(id: "qty:\($0)", title: "\($0)") })))
    }

    // MARK: - The cart

    func subtotal(_ lines: [OrderLine]) -> Kobo { lines.reduce(Kobo(0)) { $0 + $1.total } }

    func itemCount(_ lines: [OrderLine]) -> String {
        let count = lines.reduce(0) { $0 + $1.quantity }
        return count == 1 ? "1 item" : "\(count) items"
    }

    mutating func addToCart(_ itemID: Int64, quantity: Int) {
        guard let item = item(itemID), item.available else { return askQuantity(itemID) }
        guard quantity >= 1, quantity <= maximumQuantity else {
            return askQuantity(itemID, note: "Please choose 1 to \(maximumQuantity).")
        }
        var note: String?
        if let index = state.cart.firstIndex(where: { $0.itemID == itemID }) {
            let wanted = state.cart[index].quantity + quantity
            state.cart[index].quantity = min(wanted, maximumQuantity)
            state.cart[index].unitPrice = item.price
            state.cart[index].name = item.name
            if wanted > maximumQuantity {
                note = "I've capped \(item.name) at \(maximumQuantity), the most per order."
            }
        } else {
            state.cart.append(OrderLine(itemID: itemID, name: item.name, unitPrice: item.price, quantity: quantity))
        }
        state.itemID = nil
        cartUpdated(
            note: lines(note, "Added \(quantity) × \(item.name) (\(money(item.price * quantity)))."))
    }

    mutating func cartUpdated(note: String?) {
        state.step = .cartUpdated
        let body = lines(
            note, "Your cart: \(itemCount(state.cart)), \(money(subtotal(state.cart))).", "",
            "What next?")
        say(
            .buttons(
                ButtonsReply(
                    body: body,
                    buttons: [
                        .init(id: "cart", title: "View cart"), .init(id: "menu", title: "Add more"),
                        .init(id: "checkout", title: "Checkout"),
                    ])))
    }

    mutating func showCart(note: String?) {
        state.ambiguity = nil
        state.itemID = nil
        guard !state.cart.isEmpty else {
            return showCategories(note: lines(note, "Your cart is empty."))
        }
        state.step = .viewingCart
        let numbered = state.cart.enumerated().map { offset, line in
            "\(offset + 1). \(line.quantity) × \(line.name): \(money(line.total))"
        }
        let body = lines(
            note, "*Your cart*", numbered.joined(separator: "\n"), "", "Subtotal: *\(money(subtotal(state.cart)))*",
            "", "Tap *Options* to change a line or check out, or type e.g. *remove \(shortName(state.cart[0].name))*.")
        // Seven lines and three actions fill the ten rows a list allows; longer carts are in the text, by number.
        var rows = state.cart.prefix(7).map { line in
            ListReply.Row(
                id: "line:\(line.itemID)", title: line.name,
                description: "\(line.quantity) × \(money(line.unitPrice)) = \(money(line.total)) · tap to change")
        }
        rows.append(.init(id: "checkout", title: "Checkout", description: "Subtotal \(money(subtotal(state.cart)))"))
        rows.append(.init(id: "menu", title: "Add more", description: "Back to the menu"))
        rows.append(.init(id: "clear", title: "Clear cart", description: "Remove everything"))
        say(.list(ListReply(body: body, button: "Options", sections: [.init(title: "Your cart", rows: rows)])))
    }

    func shortName(_ name: String) -> String {
        Words.normalized(name).split(separator: " ").first.map(String.init) ?? name
    }

    mutating func editLine(_ itemID: Int64) {
        guard let line = state.cart.first(where: { $0.itemID == itemID }) else {
            return showCart(note: "That item is no longer in your cart.")
        }
        state.step = .editingLine
        state.itemID = itemID
        let body = lines(
            "*\(line.name)*: \(line.quantity) in your cart (\(money(line.unitPrice)) each).", "",
            "Type a new quantity (1 to \(maximumQuantity)), or 0 to remove it.")
        say(
            .buttons(
                ButtonsReply(
                    body: body,
                    buttons: [.init(id: "remove:\(itemID)", title: "Remove"), .init(id: "cart", title: "Back to cart")])
            ))
    }

    mutating func setQuantity(_ itemID: Int64, to quantity: Int) {
        guard let index = state.cart.firstIndex(where: { $0.itemID == itemID }) else {
            return showCart(note: "That item is no longer in your cart.")
        }
        state.cart[index].quantity = quantity
        showCart(note: "Updated: \(quantity) × \(state.cart[index].name).")
    }

    /// Removes the line, or `quantity` of it when given and smaller than the line.
    mutating func removeLine(_ itemID: Int64, quantity: Int?) {
        guard let index = state.cart.firstIndex(where: { $0.itemID == itemID }) else {
            return showCart(note: "That item is no longer in your cart.")
        }
        let line = state.cart[index]
        if let quantity, quantity >= 1, quantity < line.quantity {
            state.cart[index].quantity -= quantity
            return showCart(note: "Removed \(quantity) × \(line.name).")
        }
        state.cart.remove(at: index)
        showCart(note: "Removed \(line.name).")
    }

    mutating func clearCart() {
        state.cart = []
        state.fulfilment = nil
        showCategories(note: "Your cart is now empty.")
    }

    /// Brings the cart in line with today's menu: sold-out lines leave, changed prices are updated. Returns what
    /// changed, in words, or nil when nothing did.
    mutating func refreshCart() -> String? {
        var notes: [String] = []
        var kept: [OrderLine] = []
        for line in state.cart {
            guard let current = item(line.itemID), current.available else {
                notes.append("\(line.name) is sold out, so I've taken it out of your cart.")
                continue
            }
            var updated = line
            if current.price != line.unitPrice {
                notes.append(
                    "\(current.name) now costs \(money(current.price)) (was \(money(line.unitPrice))).")
                updated.unitPrice = current.price
            }
            updated.name = current.name
            kept.append(updated)
        }
        state.cart = kept
        return notes.isEmpty ? nil : notes.joined(separator: "\n")
    }

    // MARK: - Checkout

    mutating func checkout() {
        if state.cart.isEmpty {
            if let pending = state.pendingOrder {
                state.step = .awaitingPayment
                return say(
                    .text(
                        "Order *\(pending.code)* (\(money(pending.total))) is waiting for payment. Type *pay* for a "
                            + "payment link, or *menu* to start a new order."))
            }
            return showCategories(note: "Your cart is empty: add something first.")
        }
        if let closed = closedNotice() { return showCart(note: closed) }
        if let changes = refreshCart() {
            return showCart(note: lines("Before you check out, the menu has changed:", changes))
        }
        let subtotal = subtotal(state.cart)
        if subtotal < settings.minimumOrder {
            let missing = Kobo(settings.minimumOrder.rawValue - subtotal.rawValue)
            state.step = .cartUpdated
            return say(
                .buttons(
                    ButtonsReply(
                        body: "The minimum order is \(money(settings.minimumOrder)). Your cart is \(money(subtotal)): "
                            + "add \(money(missing)) more to check out.",
                        buttons: [.init(id: "menu", title: "Add more"), .init(id: "cart", title: "View cart")])))
        }
        state.step = .choosingFulfilment
        prompt(note: nil)
    }

    mutating func chooseFulfilment(delivery: Bool) {
        guard !state.cart.isEmpty else { return checkout() }
        if delivery {
            state.step = .awaitingAddress
            prompt(note: nil)
        } else {
            state.fulfilment = .pickup
            afterFulfilment()
        }
    }

    mutating func deliverTo(_ address: Address) {
        state.fulfilment = .delivery(address)
        afterFulfilment()
    }

    mutating func afterFulfilment() {
        if state.email == nil && !state.emailSkipped {
            state.step = .awaitingEmail
            prompt(note: nil)
        } else {
            showSummary()
        }
    }

    mutating func skipEmail() {
        state.emailSkipped = true
        showSummary()
    }

    var deliveryFee: Kobo { state.fulfilment?.isDelivery == true ? settings.deliveryFee : 0 }

    mutating func showSummary(note: String? = nil) {
        guard let fulfilment = state.fulfilment, !state.cart.isEmpty else { return checkout() }
        state.step = .confirming
        let subtotal = subtotal(state.cart)
        let itemLines = state.cart.map { "\($0.quantity) × \($0.name): \(money($0.total))" }
        var totals = ["Subtotal: \(money(subtotal))"]
        if fulfilment.isDelivery { totals.append("Delivery fee: \(money(deliveryFee))") }
        totals.append("*Total: \(money(subtotal + deliveryFee))*")
        let whereTo =
            switch fulfilment {
            case .pickup: "Pickup at \(settings.restaurantName)."
            case .delivery(let address): "Delivery to: \(address.display)"
            }
        let receipt = state.email.map { "Receipt to: \($0)" }
        let body = lines(
            note, "*Your order*", itemLines.joined(separator: "\n"), "", totals.joined(separator: "\n"), "", whereTo,
            receipt, "", "Confirm to get your payment link.")
        say(
            .buttons(
                ButtonsReply(
                    body: body,
                    buttons: [
                        .init(id: "confirm", title: "Confirm"), .init(id: "edit", title: "Edit"),
                        .init(id: "cancel", title: "Cancel"),
                    ])))
    }

    var placeholderEmail: String { "customer-\(context.customerKey)@\(settings.placeholderEmailDomain)" }

    mutating func confirm() {
        guard state.step == .confirming else {
            if let pending = state.pendingOrder, state.cart.isEmpty {
                return say(
                    .text(
                        "Order *\(pending.code)* is already placed. Tap the payment link above, or type *pay* for a "
                            + "new one."))
            }
            return staleTap()
        }
        if let closed = closedNotice() { return showCart(note: closed) }
        if let changes = refreshCart() {
            return showCart(note: lines("Before you confirm, the menu has changed:", changes))
        }
        guard let fulfilment = state.fulfilment, !state.cart.isEmpty else { return checkout() }
        let subtotal = subtotal(state.cart)
        guard subtotal >= settings.minimumOrder else { return checkout() }
        let code = OrderCode(rawValue: "WO-" + context.newID.uppercased())
        let total = subtotal + deliveryFee
        let email = state.email ?? placeholderEmail
        if let replaced = state.pendingOrder {
            effects.append(.cancelOrder(replaced.code))
        }
        effects.append(
            .placeOrder(
                PlacedOrder(
                    code: code, lines: state.cart, fulfilment: fulfilment, subtotal: subtotal,
                    deliveryFee: deliveryFee, total: total, email: email, emailIsPlaceholder: state.email == nil)))
        let pending = PendingOrder(code: code, total: total, email: email, attempt: 1)
        // The thank-you goes first: a customer's outbox rows leave in order, and the link follows Paystack's answer.
        say(
            .text(
                "Thank you! Order *\(code)* is placed: \(money(total)).\n"
                    + "I'm getting your secure Paystack payment link now…"))
        effects.append(
            .initializePayment(
                PaymentRequest(
                    order: code, reference: pending.reference, amount: total, currency: settings.currencyCode,
                    email: email)))
        state.pendingOrder = pending
        state.lastOrder = OrderBrief(code: code, total: total, status: .awaitingPayment)
        state.cart = []
        state.fulfilment = nil
        resetFlow()
        state.step = .awaitingPayment
    }

    mutating func pay() {
        guard var pending = state.pendingOrder else {
            if let last = state.lastOrder, last.status.isPaid {
                return say(.text("Order *\(last.code)* is already paid. Thank you!"))
            }
            if let last = state.lastOrder, last.status == .paymentReview {
                return say(
                    .text(
                        "The restaurant is checking the payment for order *\(last.code)*; there's no need to pay "
                            + "again. Someone will get back to you here shortly."))
            }
            return say(.text("There's no order waiting for payment. Type *menu* to start one."))
        }
        pending.attempt += 1
        pending.paymentURL = nil
        state.pendingOrder = pending
        state.step = .awaitingPayment
        say(.text("Getting a new payment link for order *\(pending.code)* (\(money(pending.total)))…"))
        effects.append(
            .initializePayment(
                PaymentRequest(
                    order: pending.code, reference: pending.reference, amount: pending.total,
                    currency: settings.currencyCode, email: pending.email)))
    }

    mutating func linkCreated(reference: String, url: String) {
        // A link for an attempt that is no longer current (the customer typed `pay` again, or cancelled) is
        // never shown: only the newest link can be paid through us.
        guard var pending = state.pendingOrder, pending.reference == reference else { return }
        pending.paymentURL = url
        state.pendingOrder = pending
        say(
            .link(
                LinkReply(
                    body: "Order *\(pending.code)*: *\(money(pending.total))*.\n"
                        + "Tap *Pay now* to pay securely with Paystack, or open this link:\n\(url)\n\n"
                        + "I'll confirm here as soon as your payment comes through.",
                    buttonTitle: "Pay now", url: url)))
    }

    mutating func linkFailed(reference: String) {
        guard let pending = state.pendingOrder, pending.reference == reference else { return }
        say(
            .text(
                "Sorry, I couldn't get a payment link from Paystack just now. Nothing has been charged.\n"
                    + "Type *pay* to try again, or *cancel* to cancel order *\(pending.code)*."))
    }

    // MARK: - Paystack's verdicts

    mutating func paymentConfirmed(_ order: ConfirmedOrder) {
        settlePending(order.code, status: .paid, total: order.total)
        let itemLines = order.lines.map { "\($0.quantity) × \($0.name): \(money($0.total))" }
        var totals: [String] = []
        if order.fulfilment.isDelivery {
            totals = ["Subtotal: \(money(order.subtotal))", "Delivery fee: \(money(order.deliveryFee))"]
        }
        totals.append("*Total paid: \(money(order.total))*")
        let next =
            switch order.fulfilment {
            case .pickup: "Pickup at \(settings.restaurantName). I'll message you here when it's ready."
            case .delivery(let address):
                "Delivery to: \(address.display)\nI'll message you here when it's on its way."
            }
        say(
            .text(
                lines(
                    "✅ Payment received, thank you! Order *\(order.code)* is confirmed and with the kitchen.", "",
                    itemLines.joined(separator: "\n"), totals.joined(separator: "\n"), "", next,
                    "Type *status* any time to check on it.")))
    }

    mutating func paymentNeedsReview(_ code: OrderCode) {
        settlePending(code, status: .paymentReview, total: nil)
        say(
            .text(
                "We've received a payment for order *\(code)*, and the restaurant is checking it before confirming. "
                    + "Someone will get back to you here shortly. There's no need to pay again."))
    }

    /// The order is out of the customer's hands (paid or with staff): no more payment links for it.
    mutating func settlePending(_ code: OrderCode, status: OrderStatus, total: Kobo?) {
        let known = state.pendingOrder?.code == code ? state.pendingOrder?.total : nil
        if state.pendingOrder?.code == code {
            state.pendingOrder = nil
            if state.step == .awaitingPayment || state.step == .confirmingCancel && state.cart.isEmpty {
                resetFlow()
            }
        }
        if let amount = total ?? known ?? (state.lastOrder?.code == code ? state.lastOrder?.total : nil) {
            state.lastOrder = OrderBrief(code: code, total: amount, status: status)
        }
    }

    mutating func linkExpired(_ code: OrderCode) {
        guard var pending = state.pendingOrder, pending.code == code else { return }
        pending.paymentURL = nil
        state.pendingOrder = pending
        if state.lastOrder?.code == code { state.lastOrder?.status = .expired }
        say(
            .text(
                "The payment link for order *\(code)* (\(money(pending.total))) has expired, and nothing was charged. "
                    + "Type *pay* for a fresh link, or *cancel* to cancel the order."))
    }

    mutating func refunded(_ code: OrderCode, amount: Kobo) {
        if state.lastOrder?.code == code { state.lastOrder?.status = .refunded }
        say(
            .text(
                "Paystack has refunded \(money(amount)) for order *\(code)*. "
                    + "Depending on your bank, it can take a few working days to reach your account."))
    }

    // MARK: - The kitchen

    mutating func orderUpdated(_ update: OrderUpdate) {
        let code = update.code
        if update.status == .cancelled {
            settlePending(code, status: .cancelled, total: nil)
        } else if state.lastOrder?.code == code {
            state.lastOrder?.status = update.status
        }
        let text: String
        switch update.status {
        case .preparing: text = "👩‍🍳 The kitchen has started on order *\(code)*."
        case .ready:
            text = "✅ Order *\(code)* is ready! Come and collect it at \(settings.restaurantName)."
        case .outForDelivery: text = "🛵 Order *\(code)* is on its way to you."
        case .completed:
            text =
                "Order *\(code)* is complete. Thank you for ordering from \(settings.restaurantName)! "
                + "Type *menu* whenever you'd like to order again."
        case .cancelled:
            var parts = ["Sorry: \(settings.restaurantName) has cancelled order *\(code)*."]
            if let reason = update.reason?.trimmed, !reason.isEmpty { parts.append("Reason: \(reason).") }
            parts.append(
                update.wasPaid
                    ? "Your payment will be refunded to the card or account you paid with."
                    : "Nothing was charged.")
            parts.append("Type *menu* whenever you'd like to order again.")
            text = parts.joined(separator: "\n")
        case .awaitingPayment, .expired, .paid, .paymentReview, .refunded:
            text = "Order *\(code)* is now \(update.status.label)."
        }
        say(.text(text))
    }

    // MARK: - Cancelling

    mutating func cancel() {
        guard state.pendingOrder != nil || !state.cart.isEmpty else {
            return say(.text("There's nothing to cancel. Type *menu* whenever you'd like to order."))
        }
        state.step = .confirmingCancel
        prompt(note: nil)
    }

    mutating func cancelNow() {
        var done: [String] = []
        if let pending = state.pendingOrder {
            effects.append(.cancelOrder(pending.code))
            state.lastOrder = OrderBrief(code: pending.code, total: pending.total, status: .cancelled)
            state.pendingOrder = nil
            done.append("Order *\(pending.code)* is cancelled; nothing was charged.")
        }
        if !state.cart.isEmpty {
            state.cart = []
            done.append("Your cart is empty.")
        }
        state.fulfilment = nil
        resetFlow()
        say(.text(lines(done.joined(separator: " "), "Type *menu* whenever you'd like to order again.")))
    }

    mutating func keepAfterCancelQuestion() {
        if !state.cart.isEmpty {
            return showCart(note: "Nothing cancelled.")
        }
        state.step = .awaitingPayment
        prompt(note: "Nothing cancelled.")
    }

    // MARK: - Asking again

    /// The current step's question, again, after `note`: the answer to any input the step did not expect.
    mutating func prompt(note: String?) {
        switch state.step {
        case .new: showWelcome(note: note)
        case .choosingCategory: showCategories(note: note)
        case .choosingItem:
            guard let categoryID = state.categoryID else { return showCategories(note: note) }
            showCategory(categoryID, page: state.page, note: note)
        case .choosingQuantity:
            guard let itemID = state.itemID else { return showCategories(note: note) }
            askQuantity(itemID, note: note)
        case .cartUpdated:
            guard !state.cart.isEmpty else { return showCategories(note: note) }
            cartUpdated(note: note)
        case .viewingCart: showCart(note: note)
        case .editingLine:
            guard let itemID = state.itemID else { return showCart(note: note) }
            if let note { say(.text(note)) }
            editLine(itemID)
        case .resolvingName:
            guard let ambiguity = state.ambiguity else { return showCategories(note: note) }
            let candidates = ambiguity.candidates.compactMap(item)
            let numbered = candidates.enumerated().map {
                "\($0.offset + 1). \($0.element.name): \(money($0.element.price))"
            }
            let body = lines(
                note, "Which one?", numbered.joined(separator: "\n"), "", "Tap *Pick*, or reply with a number.")
            say(
                .list(
                    ListReply(
                        body: body, button: "Pick",
                        sections: [
                            .init(
                                title: "Did you mean",
                                rows: candidates.map {
                                    .init(id: "pick:\($0.id)", title: $0.name, description: money($0.price))
                                })
                        ])))
        case .choosingFulfilment:
            let fee = settings.deliveryFee.rawValue > 0 ? " (\(money(settings.deliveryFee)) fee)" : " (free)"
            say(
                .buttons(
                    ButtonsReply(
                        body: lines(note, "How would you like to get your order?", "1. Delivery\(fee)", "2. Pickup"),
                        buttons: [.init(id: "delivery", title: "Delivery"), .init(id: "pickup", title: "Pickup")])))
        case .awaitingAddress:
            say(
                .text(
                    lines(
                        note,
                        "Please send your delivery address: type it (street, area, a landmark), or share a location "
                            + "pin (📎 → Location).")))
        case .awaitingEmail:
            say(
                .buttons(
                    ButtonsReply(
                        body: lines(
                            note, "What email should Paystack send your receipt to? Type it, or tap *Skip*.",
                            "I'll remember it for next time."),
                        buttons: [.init(id: "skip-email", title: "Skip")])))
        case .confirming: showSummary(note: note)
        case .confirmingCancel:
            var question: [String] = []
            if let pending = state.pendingOrder {
                question.append("Cancel order *\(pending.code)* (\(money(pending.total)))? It isn't paid yet.")
            }
            if !state.cart.isEmpty {
                question.append(
                    "Clear your cart (\(itemCount(state.cart)), \(money(subtotal(state.cart))))?")
            }
            say(
                .buttons(
                    ButtonsReply(
                        body: lines(note, question.joined(separator: "\n")),
                        buttons: [
                            .init(id: "cancel-yes", title: "Yes, cancel"), .init(id: "cancel-no", title: "No, keep it"),
                        ])))
        case .awaitingPayment:
            guard let pending = state.pendingOrder else { return showCategories(note: note) }
            let link = pending.paymentURL.map { "Pay here: \($0)" } ?? "Type *pay* for a payment link."
            say(
                .text(
                    lines(
                        note, "Order *\(pending.code)* (\(money(pending.total))) is waiting for payment.", link,
                        "Type *cancel* to cancel it, or *menu* to order something else.")))
        }
    }
}

/// Joins the lines that are present with newlines; nil lines are left out, "" gives a blank line.
func lines(_ parts: String?...) -> String {
    parts.compactMap { $0 }.joined(separator: "\n")
}

enum Text {
    static let unsupported = "Sorry, I can only read text, taps and locations."
    static let help = """
        Here's what you can type at any time:
        *menu*: see the menu
        *cart*: see your cart
        *checkout*: place your order
        *pay*: a new payment link for an unpaid order
        *status*: your latest order
        *cancel*: cancel your cart or unpaid order
        *restart*: start over
        *agent*: talk to a person
        You can also type things like *2 jollof* or *remove fries*.
        """
}

extension Input {
    var isUnsupported: Bool {
        if case .unsupported = self { return true }
        return false
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
