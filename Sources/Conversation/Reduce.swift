import Domain

/// Advances a conversation by one event. Pure: the same state, event and context always give the same result.
///
/// The stages live in their own files (`Browse`, `Cart`, `Checkout`, `Payment`, `Kitchen`, `Help`, `Typing`); what
/// the customer reads lives in `Copy`.
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
    /// Said before the next reply's own words (a greeting, what could not be read): one message, not two.
    var lead: [String] = []

    /// Built on first use: most events (payments, the kitchen) read no text.
    private var readerBox: Reader?

    init(state: State, context: Context) {
        self.state = state
        self.context = context
        readerBox = context.reader
    }

    var settings: Settings { context.settings }
    var menu: Menu { context.menu }

    func money(_ amount: Kobo) -> String { amount.formatted(symbol: settings.currencySymbol) }

    var customerName: String? { context.customerName?.trimmed.nonEmpty }

    /// Sends a reply, with whatever was waiting to lead it.
    mutating func say(_ reply: Reply) {
        guard !lead.isEmpty else { return effects.append(.reply(reply)) }
        let before = lines(lead.joined(separator: "\n"))
        lead = []
        switch reply {
        case .text(let body): effects.append(.reply(.text(lines(before, body))))
        case .list(var list):
            list.body = lines(before, list.body)
            effects.append(.reply(.list(list)))
        case .buttons(var buttons):
            buttons.body = lines(before, buttons.body)
            effects.append(.reply(.buttons(buttons)))
        case .link(var link):
            link.body = lines(before, link.body)
            effects.append(.reply(.link(link)))
        case .location:
            effects.append(.reply(.text(before)))
            effects.append(.reply(reply))
        case .products(var products):
            products.body = lines(before, products.body)
            effects.append(.reply(.products(products)))
        case .product(var product):
            product.body = lines(before, product.body)
            effects.append(.reply(.product(product)))
        }
    }

    mutating func handle(_ event: Event) {
        switch event {
        case .customerSent(let input, let sentAt): received(input, sentAt: sentAt)
        case .paymentLinkCreated(let reference, let url): linkCreated(reference: reference, url: url)
        case .paymentLinkFailed(let reference, _): linkFailed(reference: reference)
        case .paymentConfirmed(let order): paymentConfirmed(order)
        case .paymentNeedsReview(let code): paymentNeedsReview(code)
        case .paymentLinkExpired(let code): linkExpired(code)
        case .orderRefunded(let code, let amount): refunded(code, amount: amount)
        case .refundStarted(let code, let amount): say(.text(Copy.refundStarted(code, amount: money(amount))))
        case .refundFailed(let code, let amount):
            say(.text(Copy.refundFailed(code, amount: money(amount), restaurant: settings.restaurantName)))
        case .extraPayment(let code, let amount, let refunding):
            say(.text(Copy.extraPayment(code, amount: money(amount), refunding: refunding)))
        case .orderUpdated(let update): orderUpdated(update)
        case .staffTookOver:
            state.handoffUntil = context.now + settings.handoffTimeout
            state.handoffAcknowledged = false
            say(.text(Copy.takingOver(settings.restaurantName)))
        case .staffHandedBack:
            guard state.handoffUntil != nil else { return }
            state.handoffUntil = nil
            say(.text(Copy.backWithAssistant(settings.restaurantName)))
        case .staffSent(let text):
            // A person writing has the chat: the customer's answer is for them, not the bot.
            state.handoffUntil = context.now + settings.handoffTimeout
            say(.text(text))
        }
    }

    // MARK: - A customer's message

    mutating func received(_ input: Input, sentAt: Int64?) {
        if let sentAt, Self.age(of: sentAt, now: context.now) > settings.lateAfter {
            lateMessage(sentAt: sentAt)
            return
        }
        if let sentAt { state.latestSentAt = max(state.latestSentAt ?? sentAt, sentAt) }
        state.apologisedForDelay = false

        if let until = state.handoffUntil {
            if context.now < until {
                // A person has the chat: the message goes to them, and the bot stays out of the way unless asked
                // back (`bot`, `menu`).
                guard let leaving = leavesHandoff(input) else { return relay(input) }
                state.handoffUntil = nil
                effects.append(.noteInThread(Copy.wentBackToTheBot))
                lead.append(Copy.backWithTheBot(settings.restaurantName))
                // `bot` asks for nothing more than the bot: where things stand. `menu` is the menu.
                if leaving == .justTheBot { return prompt(note: nil) }
            } else {
                state.handoffUntil = nil
                lead.append(Copy.sorryToKeepYouWaiting(settings.restaurantName))
            }
        }
        // Numbers answer only the reply that offered them; each reply that does says so again.
        let offeredNumbers = state.offersNumbers
        state.offersNumbers = false

        if state.step != .new, let previous = context.previousMessageAt, context.now - previous > settings.idleAfter {
            returning(input, offeredNumbers: offeredNumbers)
            return
        }
        if state.step == .new {
            firstMessage(input)
            return
        }
        respond(to: input, offeredNumbers: offeredNumbers)
    }

    mutating func respond(to input: Input, offeredNumbers: Bool) {
        switch input {
        case .unsupported: prompt(note: Copy.unsupported)
        case .location(let latitude, let longitude, let name, let address):
            pinned(
                Address(
                    text: address?.trimmed.nonEmpty, latitude: latitude, longitude: longitude,
                    placeName: name?.trimmed.nonEmpty))
        case .choice(let id, _): choice(id)
        case .text(let text): typed(text, offeredNumbers: offeredNumbers)
        case .cart(let cart): receivedCart(cart)
        }
    }

    enum Leaving { case justTheBot, withAWord }

    /// `bot`, `menu` or `restart` while with a person: the customer wants the bot back. nil: a message for staff.
    mutating func leavesHandoff(_ input: Input) -> Leaving? {
        guard case .text(let text) = input else { return nil }
        let parts = reader.read(text).parts
        if parts.contains(.global(.menu)) || parts.contains(.global(.restart)) { return .withAWord }
        let words = Folded(text).words
        return words.contains("bot") && words.count <= 4 ? .justTheBot : nil
    }

    /// Passes the message to staff; the customer hears once per handoff that it went.
    mutating func relay(_ input: Input) {
        let text: String
        switch input {
        case .text(let body): text = body
        case .choice(_, let title): text = "[tapped] \(title)"
        case .location(let latitude, let longitude, let name, let address):
            text =
                "📍 " + [name, address].compactMap { $0?.trimmed.nonEmpty }.map { $0 + " " }.joined(separator: ", ")
                + "https://maps.google.com/?q=\(latitude),\(longitude)"
        case .unsupported(let kind, let caption):
            text = "[\(kind)]" + (caption?.trimmed.nonEmpty.map { " \($0)" } ?? "")
        case .cart(let cart):
            // Staff read what was in it: the dishes by name where the menu knows them.
            text =
                "[cart] "
                + cart.lines.map { line in
                    "\(line.quantity) × " + (Int64(line.retailerID).flatMap(item)?.name ?? "item \(line.retailerID)")
                }.joined(separator: ", ") + (cart.text?.trimmed.nonEmpty.map { " · \($0)" } ?? "")
        }
        // Blank text (Meta sends none, but a body of spaces can come) has nothing for staff to read.
        guard !text.trimmed.isEmpty else { return }
        effects.append(
            .relayToStaff(RelayedMessage(text: text, order: state.pendingOrder?.code ?? state.lastOrder?.code)))
        guard !state.handoffAcknowledged else { return }
        state.handoffAcknowledged = true
        say(.text(Copy.passedOn(settings.restaurantName)))
    }

    /// The first message ever: a greeting, and whatever it asked for. `2 jollof and 1 zobo for pickup` is an order,
    /// not a hello to be answered with the menu.
    mutating func firstMessage(_ input: Input) {
        state.step = .choosingCategory
        switch input {
        case .text(let text):
            let reading = reader.read(text)
            if reading.asksForSomething {
                lead.append(Copy.greeting(name: customerName, restaurant: settings.restaurantName))
                if let closed = closedNotice() { lead.append(closed) }
                act(on: reading, offeredNumbers: false)
            } else {
                showWelcome(note: reading.unread.isEmpty ? nil : Copy.didNotGet(reading.unread))
            }
        case .location(let latitude, let longitude, let name, let address):
            state.pendingPin = Address(
                text: address?.trimmed.nonEmpty, latitude: latitude, longitude: longitude,
                placeName: name?.trimmed.nonEmpty)
            showWelcome(note: Copy.pinKept)
        case .unsupported: showWelcome(note: Copy.unsupported)
        case .choice: showWelcome(note: nil)
        case .cart(let cart):
            // A cart as the first message: someone who found the catalog on the business profile.
            lead.append(Copy.greeting(name: customerName, restaurant: settings.restaurantName))
            receivedCart(cart)
        }
    }

    /// How long ago `sentAt` was, saturated rather than trapping: the decoders drop timestamps outside 1970 to 2286,
    /// but the reducer does not rely on its callers for its arithmetic.
    static func age(of sentAt: Int64, now: Int64) -> Int64 {
        let (age, overflow) = now.subtractingReportingOverflow(sentAt)
        guard overflow else { return age }
        return sentAt < 0 ? .max : .min
    }

    /// Meta retries for days after an outage: a message that old is recorded but not obeyed (its "Confirm" or "2"
    /// answered a question long gone). One apology with the menu, and only if nothing newer came first.
    mutating func lateMessage(sentAt: Int64) {
        let newerSeen = (state.latestSentAt ?? Int64.min) > sentAt
        guard !newerSeen, !state.apologisedForDelay else { return }
        state.apologisedForDelay = true
        state.latestSentAt = sentAt
        showCategories(note: lines(Copy.sorryForDelay, state.cart.isEmpty ? nil : cartNote()))
    }

    /// Back after `CONVERSATION_IDLE_TIMEOUT`. An answer to the question that was waiting still counts, and so does
    /// anything asked for outright; otherwise a kept cart is offered to continue, or the welcome starts again.
    mutating func returning(_ input: Input, offeredNumbers: Bool) {
        if answersPendingQuestion(input) {
            respond(to: input, offeredNumbers: offeredNumbers)
            return
        }
        if case .text(let text) = input {
            let reading = reader.read(text)
            if reading.asksForSomething {
                resetFlow()
                lead.append(Copy.welcomeBack(name: customerName))
                act(on: reading, offeredNumbers: false)
                return
            }
        }
        resetFlow()
        if !state.cart.isEmpty {
            offerToResume()
        } else {
            showWelcome(note: state.pendingOrder.map { Copy.stillWaitingForPayment($0.code, total: money($0.total)) })
        }
    }

    /// Whether the message is what the step was waiting for: an address, a quantity, a choice of delivery.
    mutating func answersPendingQuestion(_ input: Input) -> Bool {
        switch (state.step, input) {
        case (.awaitingAddress, .location), (.awaitingLandmark, .location): return true
        case (_, .choice(let id, _)):
            return ["confirm", "delivery", "pickup", "skip-landmark", "same-address"].contains(id)
                || id.hasPrefix("qty:") || id.hasPrefix("pick:") || id.hasPrefix("opt:") || id.hasPrefix("noextra:")
        case (_, .text(let text)):
            let reading = reader.read(text, mode: readingMode)
            switch state.step {
            case .awaitingAddress:
                return reading.parts.contains { if case .address = $0 { true } else { $0 == .sameAddress } }
            case .awaitingLandmark:
                return reading.parts.contains { if case .address = $0 { true } else { $0 == .skip } }
            case .awaitingEmail: return reading.parts.contains { if case .email = $0 { true } else { false } }
            case .choosingQuantity, .editingLine, .resolvingName:
                return reading.parts.count == 1
                    && reading.parts.contains { if case .number = $0 { true } else { false } }
            case .choosingFulfilment: return reading.parts.contains { $0 == .pickup || $0 == .delivery }
            case .confirming: return reading.parts == [.yes]
            case .choosingOption: return reading.parts.contains { if case .option = $0 { true } else { false } }
            default: return false
            }
        default: return false
        }
    }

    mutating func resetFlow() {
        state.step = .choosingCategory
        state.categoryID = nil
        state.page = 0
        state.itemID = nil
        state.ambiguity = nil
        state.building = []
        state.lineKey = nil
        state.checkoutWhenChosen = false
    }

    func cartNote() -> String {
        Copy.cartStillHas(itemsInCart, money(subtotal(state.cart)))
    }

    var reader: Reader {
        mutating get {
            if let readerBox { return readerBox }
            let built = Reader(menu: menu)
            readerBox = built
            return built
        }
    }

    /// How the current step reads free text.
    var readingMode: Reader.Mode {
        switch state.step {
        case .awaitingAddress, .awaitingLandmark, .choosingFulfilment: .address
        case .awaitingEmail: .email
        default: .anything
        }
    }

    // MARK: - Taps

    mutating func choice(_ id: String) {
        if let word = Words.Global(rawValue: id) {
            global(word)
            return
        }
        let parts = id.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let number = parts.count > 1 ? Int64(parts[1]) : nil
        if let question = Machine.question(answeredBy: parts[0]), state.step != question { return staleTap() }
        switch (parts[0], number) {
        case ("category", let categoryID?): showCategory(categoryID, page: 0)
        case ("more", let categoryID?):
            showCategory(categoryID, page: parts.count > 2 ? Int(parts[2]) ?? 0 : 0)
        case ("categories", let page?): showCategories(note: nil, page: Int(page))
        case ("item", let itemID?): askQuantity(itemID)
        case ("qty", let quantity?):
            guard state.step == .choosingQuantity, let itemID = state.itemID else { return staleTap() }
            addAndShow([(itemID, Int(quantity))], tapped: true)
        case ("line", _) where parts.count > 1: editLine(parts[1])
        case ("remove", _) where parts.count > 1: removeLine(parts[1], quantity: nil)
        case ("opt", let optionID?): answerOption(optionID)
        case ("noextra", let groupID?): skipGroup(groupID)
        case ("pick", let itemID?):
            guard state.step == .resolvingName, let ambiguity = state.ambiguity,
                ambiguity.candidates.contains(itemID)
            else { return staleTap() }
            resolve(ambiguity, with: itemID)
        case ("clear", _): clearCart()
        case ("delivery", _): chooseFulfilment(delivery: true)
        case ("pickup", _): chooseFulfilment(delivery: false)
        case ("same-address", _): useSavedAddress()
        case ("change-address", _): askAddress()
        case ("skip-landmark", _): afterFulfilment()
        case ("skip-email", _): skipEmail()
        case ("confirm", _): confirm()
        case ("edit", _): offerChanges()
        case ("summary", _): showSummary()
        case ("reorder", _): reorder()
        case ("resume", _): resume()
        case ("fresh", _): startFresh()
        case ("cancel-yes", _): cancelNow()
        case ("cancel-no", _): keepAfterCancelQuestion()
        case ("pay-unpaid", _): payUnpaid()
        case ("replace-unpaid", _): replaceUnpaid()
        default: staleTap()
        }
    }

    /// The question a button answers, for buttons that answer only one: their tap counts while it is open.
    static func question(answeredBy button: String) -> State.Step? {
        switch button {
        case "skip-landmark": .awaitingLandmark
        case "skip-email": .awaitingEmail
        case "edit": .confirming
        case "resume", "fresh": .resuming
        case "cancel-yes", "cancel-no": .confirmingCancel
        case "pay-unpaid", "replace-unpaid": .choosingUnpaid
        case "opt", "noextra": .choosingOption
        default: nil
        }
    }

    /// A button from an earlier message whose moment has passed (a second tap on Confirm, a quantity for an
    /// item no longer being asked about): say so and show where things stand, never act twice.
    mutating func staleTap() {
        prompt(note: Copy.staleButton)
    }
}

/// Joins the lines that are present with newlines; nil lines are left out, "" gives a blank line.
func lines(_ parts: String?...) -> String {
    parts.compactMap { $0 }.joined(separator: "\n")
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension Reading {
    /// More than a greeting or words that could not be read: something to act on.
    var asksForSomething: Bool {
        parts.contains { part in
            switch part {
            case .hello, .thanks, .howFar, .bye, .unread: false
            default: true
            }
        }
    }
}
