import Domain

/// From the cart to a placed order: delivery or pickup, the address (typed, pinned, or the one from last time), the
/// optional landmark and receipt email, the summary, and changes of mind at any of them.
extension Machine {
    mutating func checkout() {
        if choicesStillOpen() { return }
        if state.cart.isEmpty {
            if let pending = state.pendingOrder {
                state.step = .awaitingPayment
                return say(.text(Copy.waitingForPaymentAtCheckout(pending.code, total: money(pending.total))))
            }
            return showCategories(note: Copy.addSomethingFirst)
        }
        if let closed = closedNotice() { return showCart(note: closed) }
        // One unpaid order at a time, and the customer says which: the old link still takes money.
        if let pending = state.pendingOrder, state.replacing != pending.code {
            state.step = .choosingUnpaid
            return prompt(note: nil)
        }
        if let changes = refreshCart() {
            return showCart(note: lines(Copy.menuChangedBeforeCheckout, changes))
        }
        let subtotal = subtotal(state.cart)
        if subtotal < settings.minimumOrder {
            let missing = Kobo(settings.minimumOrder.rawValue - subtotal.rawValue)
            state.step = .cartUpdated
            return say(
                .buttons(
                    ButtonsReply(
                        body: Copy.minimumOrder(
                            money(settings.minimumOrder), cart: money(subtotal), missing: money(missing)),
                        buttons: [
                            .init(id: "menu", title: Copy.addMoreButton), .init(id: "cart", title: Copy.viewCartButton),
                        ])))
        }
        // How the order is got was said already (a change of items at the summary, an order again): straight on.
        if state.fulfilment != nil { return afterFulfilment() }
        state.step = .choosingFulfilment
        prompt(note: nil)
    }

    mutating func chooseFulfilment(delivery: Bool) {
        if choicesStillOpen() {
            // Pickup needs nothing more, so it is kept for the summary after the choice; delivery asks its address.
            if !delivery { state.fulfilment = .pickup }
            return
        }
        guard !state.cart.isEmpty else { return checkout() }
        if !delivery {
            state.fulfilment = .pickup
            return afterFulfilment()
        }
        if case .delivery = state.fulfilment, state.step == .confirming || state.step == .choosingChange {
            // Already delivering: `delivery` at the summary asks where to.
            return askAddress()
        }
        if let pin = state.pendingPin {
            state.pendingPin = nil
            return deliverTo(pin)
        }
        askAddress()
    }

    /// The address question, with the last delivery's address offered as a button.
    mutating func askAddress() {
        guard !state.cart.isEmpty else { return checkout() }
        state.step = .awaitingAddress
        prompt(note: nil)
    }

    mutating func useSavedAddress() {
        guard !state.cart.isEmpty else { return checkout() }
        guard let saved = state.savedAddress else {
            state.step = .awaitingAddress
            return prompt(note: Copy.noSavedAddress)
        }
        state.fulfilment = .delivery(saved)
        afterFulfilment()
    }

    /// A location pin: the delivery address when one is awaited or being changed, else kept for checkout.
    mutating func pinned(_ pin: Address) {
        switch state.step {
        case .awaitingAddress, .awaitingLandmark, .confirming, .choosingChange, .choosingFulfilment,
            .awaitingEmail
        where !state.cart.isEmpty:
            deliverTo(pin)
        default:
            state.pendingPin = pin
            prompt(note: Copy.pinKept)
        }
    }

    mutating func typedAddress(_ text: String) {
        let words = Folded(text).words
        guard words.count >= 2, text.count >= 8 else {
            // Asked delivery or pickup, a word that is neither is not a short address.
            if state.step == .choosingFulfilment { return prompt(note: Copy.didNotGet([text.trimmed])) }
            return prompt(note: Copy.addressTooShort)
        }
        deliverTo(Address(text: String(text.prefix(300))))
    }

    /// A bare pin is asked for a landmark once (skippable); an address with words goes straight on.
    mutating func deliverTo(_ address: Address) {
        state.fulfilment = .delivery(address)
        // The latest address given is the one `same address` means, this order or the next.
        state.savedAddress = address
        if address.text == nil, address.latitude != nil {
            state.step = .awaitingLandmark
            return prompt(note: nil)
        }
        afterFulfilment()
    }

    mutating func landmark(_ text: String) {
        guard case .delivery(var address) = state.fulfilment else { return afterFulfilment() }
        address.text = String(text.prefix(300))
        state.fulfilment = .delivery(address)
        state.savedAddress = address
        afterFulfilment()
    }

    mutating func afterFulfilment() {
        if settings.asksReceiptEmail && state.email == nil && !state.emailSkipped {
            state.step = .awaitingEmail
            return prompt(note: nil)
        }
        showSummary()
    }

    /// An email where one is awaited. Anything else typed there is not asked for three times: a landmark joins the
    /// delivery address, and the question is skipped.
    mutating func typedEmail(_ text: String) {
        if let email = Words.email(text) {
            state.email = email
            return showSummary()
        }
        if text.contains("@") { return prompt(note: Copy.notAnEmail) }
        if case .delivery(var address) = state.fulfilment, text.count <= 200 {
            address.text = [address.text, text.trimmed].compactMap { $0?.nonEmpty }.joined(separator: ", ")
            state.fulfilment = .delivery(address)
            state.emailSkipped = true
            return showSummary(note: Copy.addedToAddress(text.trimmed))
        }
        skipEmail()
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
        let itemLines = state.cart.map(lineText)
        var totals = [Copy.subtotalLine(money(subtotal))]
        if fulfilment.isDelivery { totals.append(Copy.deliveryFeeLine(money(deliveryFee))) }
        totals.append(Copy.totalLine(money(subtotal + deliveryFee)))
        let whereTo =
            switch fulfilment {
            case .pickup: Copy.pickupAt(settings.restaurantName)
            case .delivery(let address):
                // Words with a pin behind them: the pin says the rider has the map too.
                Copy.deliveryTo(
                    address.display
                        + (address.latitude != nil && (address.text ?? address.placeName) != nil ? " 📍" : ""))
            }
        let body = lines(
            note, Copy.summaryHeader, itemLines.joined(separator: "\n"), "", totals.joined(separator: "\n"), "",
            whereTo, state.orderNote.map(Copy.orderNoteLine), state.email.map(Copy.receiptTo), "", Copy.confirmHint)
        say(
            .buttons(
                ButtonsReply(
                    body: body,
                    buttons: [
                        .init(id: "confirm", title: Copy.confirmButton), .init(id: "edit", title: Copy.editButton),
                        .init(id: "cancel", title: Copy.cancelButton),
                    ])))
    }

    /// `no` or *Edit* at the summary: what can change, one tap each (typing it works too).
    mutating func offerChanges() {
        guard let fulfilment = state.fulfilment, !state.cart.isEmpty else { return showCart(note: Copy.changeAnything) }
        state.step = .choosingChange
        var buttons = [ButtonsReply.Button(id: "cart", title: Copy.itemsButton)]
        if fulfilment.isDelivery {
            buttons.append(.init(id: "pickup", title: Copy.pickupInsteadButton))
            buttons.append(.init(id: "change-address", title: Copy.addressButton))
        } else {
            buttons.append(.init(id: "delivery", title: Copy.deliveryInsteadButton))
            buttons.append(.init(id: "summary", title: Copy.backButton))
        }
        say(.buttons(ButtonsReply(body: Copy.whatToChange, buttons: buttons)))
    }

    var placeholderEmail: String { "customer-\(context.customerKey)@\(settings.placeholderEmailDomain)" }

    mutating func confirm() {
        guard state.step == .confirming else {
            if let pending = state.pendingOrder, state.cart.isEmpty {
                return say(.text(Copy.alreadyPlaced(pending.code)))
            }
            return staleTap()
        }
        if let closed = closedNotice() { return showCart(note: closed) }
        if let changes = refreshCart() {
            return showCart(note: lines(Copy.menuChangedBeforeConfirm, changes))
        }
        guard let fulfilment = state.fulfilment, !state.cart.isEmpty else { return checkout() }
        let subtotal = subtotal(state.cart)
        guard subtotal >= settings.minimumOrder else { return checkout() }
        let replaced = state.pendingOrder
        if let replaced, state.replacing != replaced.code {
            // A summary reached without checkout's question (a cart resumed after a pause) asks it here.
            state.step = .choosingUnpaid
            return prompt(note: nil)
        }
        let code = OrderCode(rawValue: "WO-" + context.newID.uppercased())
        let total = subtotal + deliveryFee
        let email = state.email ?? placeholderEmail
        if let replaced {
            effects.append(.replaceOrder(replaced.code, by: code))
        }
        effects.append(
            .placeOrder(
                PlacedOrder(
                    code: code, lines: state.cart, fulfilment: fulfilment, subtotal: subtotal,
                    deliveryFee: deliveryFee, total: total, email: email, emailIsPlaceholder: state.email == nil,
                    note: state.orderNote)))
        let pending = PendingOrder(code: code, total: total, email: email, attempt: 1)
        // The thank-you goes first: a customer's outbox rows leave in order, and the link follows Paystack's answer.
        say(.text(lines(replaced.map { Copy.replacedOrder($0.code) }, Copy.placed(code, total: money(total)))))
        effects.append(
            .initializePayment(
                PaymentRequest(
                    order: code, reference: pending.reference, amount: total, currency: settings.currencyCode,
                    email: email, lines: state.cart)))
        state.pendingOrder = pending
        state.lastOrder = OrderBrief(
            code: code, total: total, status: .awaitingPayment, lines: state.cart, fulfilment: fulfilment)
        state.cart = []
        state.fulfilment = nil
        state.replacing = nil
        state.orderNote = nil
        resetFlow()
        state.step = .awaitingPayment
    }

    // MARK: - An order still unpaid

    /// *Pay that order*: its link (or a fresh one); the cart waits for after.
    mutating func payUnpaid() {
        guard let pending = state.pendingOrder else { return checkout() }
        lead.append(Copy.cartKept)
        guard let url = pending.paymentURL else { return pay() }
        state.step = .awaitingPayment
        say(
            .link(
                LinkReply(
                    body: Copy.payLink(pending.code, total: money(pending.total), url: url),
                    buttonTitle: Copy.payNowButton, url: url)))
    }

    /// *Replace it*: checkout goes on with the cart; the unpaid order is cancelled when the new one is confirmed.
    mutating func replaceUnpaid() {
        guard let pending = state.pendingOrder else { return checkout() }
        state.replacing = pending.code
        checkout()
    }

    /// Typed at the question: `replace am`, `the new one`, `cancel the old one` replace; `pay`, `the first one`
    /// pay. Anything else is read as usual.
    mutating func answeredUnpaidQuestion(_ text: String) -> Bool {
        let words = Set(Folded(text).words)
        let replacing: Set<String> = ["replace", "new", "newone", "instead", "swap", "change"]
        let dropping: Set<String> = ["cancel", "forget", "drop", "leave", "remove", "delete"]
        let old: Set<String> = ["old", "first", "previous", "former", "existing", "that", "last", "1st"]
        if !words.isDisjoint(with: replacing) || (!words.isDisjoint(with: dropping) && !words.isDisjoint(with: old)) {
            replaceUnpaid()
            return true
        }
        if !words.isDisjoint(with: old) || words.contains("pay") {
            payUnpaid()
            return true
        }
        return false
    }

    // MARK: - Order again

    /// The last order again at today's prices, delivered where it went last time (or picked up), straight to the
    /// summary: hello, *Order again*, *Confirm*.
    mutating func reorder() {
        guard let last = state.lastOrder, let previous = last.lines, !previous.isEmpty else {
            return showCategories(note: Copy.nothingToReorder)
        }
        let (kept, changes) = refreshed(previous)
        guard !kept.isEmpty else {
            return showCategories(note: lines(changes, Copy.lastOrderUnavailable))
        }
        let replaced = !state.cart.isEmpty && state.cart != kept
        state.cart = kept
        state.lastItemID = kept.last?.itemID
        switch last.fulfilment {
        case .pickup?: state.fulfilment = .pickup
        case .delivery(let address)?: state.fulfilment = .delivery(state.savedAddress ?? address)
        case nil: state.fulfilment = nil
        }
        lead.append(lines(Copy.lastOrderAgain, replaced ? Copy.replacedCart : nil, changes))
        checkout()
    }

    // MARK: - Back after a pause

    /// A cart kept from before the pause, at today's menu, with the choice to carry on or start fresh.
    mutating func offerToResume() {
        let changes = refreshCart()
        guard !state.cart.isEmpty else { return showWelcome(note: changes) }
        state.step = .resuming
        let cartLines = state.cart.map(lineText)
        say(
            .buttons(
                ButtonsReply(
                    body: lines(
                        Copy.welcomeBack(name: customerName), "",
                        Copy.youLeft(cartLines, subtotal: money(subtotal(state.cart))), changes, "",
                        Copy.continueOrFresh),
                    buttons: [
                        .init(id: "resume", title: Copy.continueButton),
                        .init(id: "fresh", title: Copy.startFreshButton),
                    ])))
    }

    mutating func resume() {
        if state.fulfilment != nil { return showSummary() }
        showCart(note: nil)
    }

    mutating func startFresh() {
        state.cart = []
        state.fulfilment = nil
        showCategories(note: Copy.startingFresh)
    }
}
