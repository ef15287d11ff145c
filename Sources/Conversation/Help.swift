import Domain

/// Words that work anywhere, cancelling, small talk and questions, and the step's question asked again.
extension Machine {
    mutating func global(_ word: Words.Global) {
        switch word {
        case .menu: showCategories(note: nil)
        case .cart: showCart(note: nil)
        case .checkout: checkout()
        case .cancel: cancel()
        case .help: say(.text(Copy.help))
        case .restart:
            state.cart = []
            state.fulfilment = nil
            showWelcome(note: Copy.startingOver)
        case .status: say(.text(statusText()))
        case .pay: pay()
        case .agent:
            state.handoffUntil = context.now + settings.handoffTimeout
            state.handoffAcknowledged = false
            effects.append(.notifyStaff(.personRequested))
            effects.append(.noteInThread(Copy.askedForAPerson))
            say(.text(Copy.personAsked(settings.restaurantName)))
        }
    }

    // MARK: - Cancelling

    mutating func cancel() {
        guard state.pendingOrder != nil || !state.cart.isEmpty else {
            // A paid order cannot be taken back by the bot: a person can.
            if let order = orderInProgress, order.status.isPaid {
                return say(
                    .buttons(
                        ButtonsReply(
                            body: Copy.cannotCancelPaid(order.code, restaurant: settings.restaurantName),
                            buttons: [.init(id: "agent", title: Copy.talkToPersonButton)])))
            }
            return say(.text(Copy.nothingToCancel))
        }
        state.step = .confirmingCancel
        prompt(note: nil)
    }

    mutating func cancelNow() {
        var done: [String] = []
        if let pending = state.pendingOrder {
            effects.append(.cancelOrder(pending.code))
            state.lastOrder = OrderBrief(
                code: pending.code, total: pending.total, status: .cancelled, lines: state.lastOrder?.lines,
                fulfilment: state.lastOrder?.fulfilment)
            state.pendingOrder = nil
            done.append(Copy.orderCancelled(pending.code))
        }
        if !state.cart.isEmpty {
            state.cart = []
            done.append(Copy.cartEmpty)
        }
        state.fulfilment = nil
        resetFlow()
        say(.text(lines(done.joined(separator: " "), Copy.orderAgainAnyTime)))
    }

    mutating func keepAfterCancelQuestion() {
        if !state.cart.isEmpty {
            // Asked from the summary: back to it.
            if state.fulfilment != nil { return showSummary(note: Copy.nothingCancelled) }
            return showCart(note: Copy.nothingCancelled)
        }
        state.step = .awaitingPayment
        prompt(note: Copy.nothingCancelled)
    }

    // MARK: - Small talk

    /// A greeting, thanks, `how far`, goodbye: one short line and where things stand, never the menu again.
    mutating func smallTalk(_ part: Reading.Part) {
        let line =
            switch part {
            case .hello: Copy.hello(name: customerName)
            case .howFar: Copy.howFar
            case .thanks: Copy.thanks
            case .bye: Copy.bye
            default: Copy.ok
            }
        if part == .bye { return say(.text(line)) }
        pointer(after: line)
    }

    /// `ok`, `yes` where nothing was asked: acknowledged, with where things stand.
    mutating func acknowledge() {
        pointer(after: Copy.ok)
    }

    /// `line`, then what the customer can do next from here, in one short message.
    mutating func pointer(after line: String) {
        if let pending = state.pendingOrder, state.cart.isEmpty {
            return say(.text(lines(line, Copy.waitingForPaymentHint(pending.code))))
        }
        switch state.step {
        case .choosingFulfilment, .awaitingAddress, .awaitingLandmark, .awaitingEmail, .confirming, .choosingChange,
            .confirmingCancel, .resuming, .choosingQuantity, .editingLine, .resolvingName, .choosingUnpaid:
            // A question is open: ask it again, briefly.
            return prompt(note: line)
        default: break
        }
        if state.cart.isEmpty, let order = orderInProgress {
            return say(.text(lines(line, Copy.inTheKitchenHint(order.code))))
        }
        let hint =
            state.cart.isEmpty
            ? Copy.orderHint : Copy.cartHint(itemsInCart, money(subtotal(state.cart)))
        say(.buttons(ButtonsReply(body: lines(line, hint), buttons: pointerButtons())))
    }

    // MARK: - Questions

    mutating func answer(_ question: Question) {
        switch question {
        case .location:
            guard restaurantAddressLine != nil || restaurantPin != nil else { return say(.text(Copy.noAddress)) }
            if let address = restaurantAddressLine { say(.text(address)) }
            if let pin = restaurantPin { say(pin) }
        case .hours: say(.text(hoursText()))
        case .howLong:
            let ready = orderInProgress.flatMap(readyTime)
            say(.text(ready ?? Copy.usualTime(minutes: settings.preparationMinutes)))
        case .deliveryFee:
            let fee =
                settings.deliveryFee.rawValue > 0 ? Copy.deliveryCosts(money(settings.deliveryFee)) : Copy.deliveryFree
            let minimum = settings.minimumOrder.rawValue > 0 ? Copy.minimumIs(money(settings.minimumOrder)) : nil
            pointer(after: lines(fee, minimum))
        case .receipt:
            guard let last = state.lastOrder, last.status.isPaid || last.status == .paymentReview,
                let ordered = last.lines, let fulfilment = last.fulfilment
            else { return say(.text(Copy.noReceipt)) }
            let subtotal = subtotal(ordered)
            let order = ConfirmedOrder(
                code: last.code, lines: ordered, fulfilment: fulfilment, subtotal: subtotal,
                deliveryFee: Kobo(last.total.rawValue - subtotal.rawValue), total: last.total)
            say(.text(lines(Copy.receiptHeader(last.code), "", receipt(order))))
        case .whereIsMyFood: say(.text(statusText()))
        case .phone:
            say(.text(settings.restaurantPhone.nonEmpty.map(Copy.callUs) ?? Copy.noPhone))
        }
    }

    func hoursText() -> String {
        if let closed = closedNotice() { return closed }
        guard let closing = settings.openingHours.nextClosing(afterMinuteOfWeek: minuteOfWeek) else {
            return Copy.alwaysOpen
        }
        return Copy.openUntil(OpeningHours.describe(opening: closing, from: minuteOfWeek))
    }

    // MARK: - Asking again

    /// The current step's question, again, after `note`.
    mutating func prompt(note: String?) {
        switch state.step {
        case .new: showWelcome(note: note)
        case .choosingCategory: showCategories(note: note, page: state.page)
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
            guard let key = editedLineKey else { return showCart(note: note) }
            if let note { lead.append(note) }
            editLine(key)
        case .choosingOption: askOption(note: note)
        case .resolvingName:
            guard let ambiguity = state.ambiguity else { return showCategories(note: note) }
            state.offersNumbers = true
            let candidates = ambiguity.candidates.compactMap(item)
            let numbered = candidates.enumerated().map {
                "\($0.offset + 1). \($0.element.name): \(money($0.element.price))"
            }
            // Two or three: one tap each. More: a list.
            if candidates.count <= 3 {
                return say(
                    .buttons(
                        ButtonsReply(
                            body: lines(note, Copy.whichOne, numbered.joined(separator: "\n")),
                            buttons: candidates.map { .init(id: "pick:\($0.id)", title: $0.name) })))
            }
            let body = lines(note, Copy.whichOne, numbered.joined(separator: "\n"), "", Copy.whichHint)
            say(
                .list(
                    ListReply(
                        body: body, button: Copy.pickButton,
                        sections: [
                            .init(
                                title: Copy.whichSection,
                                rows: candidates.map {
                                    .init(id: "pick:\($0.id)", title: $0.name, description: money($0.price))
                                })
                        ])))
        case .choosingFulfilment:
            // An address typed or pinned here is the answer too: delivery, and where, in one message.
            let fee = settings.deliveryFee.rawValue > 0 ? money(settings.deliveryFee) : nil
            if let saved = state.savedAddress {
                return say(
                    .buttons(
                        ButtonsReply(
                            body: lines(note, Copy.fulfilmentQuestion(fee: fee, saved: saved.display)),
                            buttons: [
                                .init(id: "same-address", title: Copy.sameAddressButton),
                                .init(id: "delivery", title: Copy.newAddressButton),
                                .init(id: "pickup", title: Copy.pickupButton),
                            ])))
            }
            say(
                .buttons(
                    ButtonsReply(
                        body: lines(note, Copy.fulfilmentQuestion(fee: fee)),
                        buttons: [
                            .init(id: "delivery", title: Copy.deliveryButton),
                            .init(id: "pickup", title: Copy.pickupButton),
                        ])))
        case .awaitingAddress:
            if let saved = state.savedAddress {
                return say(
                    .buttons(
                        ButtonsReply(
                            body: lines(note, Copy.addressQuestion(saved: saved.display)),
                            buttons: [
                                .init(id: "same-address", title: Copy.sameAddressButton),
                                .init(id: "pickup", title: Copy.pickupInsteadButton),
                            ])))
            }
            say(.text(lines(note, Copy.addressQuestion)))
        case .awaitingLandmark:
            say(
                .buttons(
                    ButtonsReply(
                        body: lines(note, Copy.landmarkQuestion),
                        buttons: [.init(id: "skip-landmark", title: Copy.skipButton)])))
        case .awaitingEmail:
            say(
                .buttons(
                    ButtonsReply(
                        body: lines(note, Copy.emailQuestion, Copy.emailRemembered),
                        buttons: [.init(id: "skip-email", title: Copy.skipButton)])))
        case .confirming: showSummary(note: note)
        case .choosingChange:
            if let note { lead.append(note) }
            offerChanges()
        case .resuming:
            if let note { lead.append(note) }
            offerToResume()
        case .confirmingCancel:
            var question: [String] = []
            if let pending = state.pendingOrder {
                question.append(Copy.cancelOrderQuestion(pending.code, total: money(pending.total)))
            }
            if !state.cart.isEmpty {
                question.append(Copy.clearCartQuestion(itemsInCart, money(subtotal(state.cart))))
            }
            say(
                .buttons(
                    ButtonsReply(
                        body: lines(note, question.joined(separator: "\n")),
                        buttons: [
                            .init(id: "cancel-yes", title: Copy.yesCancelButton),
                            .init(id: "cancel-no", title: Copy.noKeepButton),
                        ])))
        case .choosingUnpaid:
            guard let pending = state.pendingOrder, !state.cart.isEmpty else {
                if let note { lead.append(note) }
                return checkout()
            }
            state.offersNumbers = true
            say(
                .buttons(
                    ButtonsReply(
                        body: lines(
                            note,
                            Copy.unpaidQuestion(
                                pending.code, total: money(pending.total), items: itemsInCart,
                                cart: money(subtotal(state.cart)))),
                        buttons: [
                            .init(id: "pay-unpaid", title: Copy.payThatOrderButton),
                            .init(id: "replace-unpaid", title: Copy.replaceItButton),
                        ])))
        case .awaitingPayment:
            guard let pending = state.pendingOrder else { return showCategories(note: note) }
            say(
                .text(
                    lines(
                        note, Copy.waitingForPayment(pending.code, total: money(pending.total)),
                        pending.paymentURL.map(Copy.payHere) ?? Copy.typePayForLink, Copy.cancelOrOrderMore)))
        }
    }
}
