import Domain

/// The payment link, and what Paystack says about it.
extension Machine {
    mutating func pay() {
        guard var pending = state.pendingOrder else {
            if let last = state.lastOrder, last.status.isPaid { return say(.text(Copy.alreadyPaid(last.code))) }
            if let last = state.lastOrder, last.status == .paymentReview {
                return say(.text(Copy.beingChecked(last.code)))
            }
            return say(.text(Copy.nothingToPay))
        }
        pending.attempt += 1
        pending.paymentURL = nil
        state.pendingOrder = pending
        state.step = .awaitingPayment
        say(.text(Copy.newLink(pending.code, total: money(pending.total))))
        effects.append(
            .initializePayment(
                PaymentRequest(
                    order: pending.code, reference: pending.reference, amount: pending.total,
                    currency: settings.currencyCode, email: pending.email,
                    lines: state.lastOrder?.code == pending.code ? state.lastOrder?.lines ?? [] : [])))
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
                    body: Copy.payLink(pending.code, total: money(pending.total), url: url),
                    buttonTitle: Copy.payNowButton, url: url)))
    }

    mutating func linkFailed(reference: String) {
        guard let pending = state.pendingOrder, pending.reference == reference else { return }
        say(.text(Copy.linkFailed(pending.code)))
    }

    // MARK: - Paystack's verdicts

    mutating func paymentConfirmed(_ order: ConfirmedOrder) {
        settlePending(order.code, status: .paid, total: order.total)
        if state.lastOrder?.code == order.code {
            state.lastOrder?.lines = order.lines
            state.lastOrder?.fulfilment = order.fulfilment
            state.lastOrder?.paidAt = context.now
        } else {
            state.lastOrder = OrderBrief(
                code: order.code, total: order.total, status: .paid, lines: order.lines, fulfilment: order.fulfilment,
                paidAt: context.now)
        }
        say(
            .text(
                lines(
                    Copy.paymentReceived(order.code), "", receipt(order), "",
                    order.fulfilment.isDelivery ? nil : restaurantAddressLine, Copy.statusAnyTime)))
        // Pickup customers get the way to the restaurant as a pin they can open in their maps.
        if !order.fulfilment.isDelivery, let pin = restaurantPin { say(pin) }
    }

    /// What was bought, what it cost, and where it goes.
    func receipt(_ order: ConfirmedOrder) -> String {
        let itemLines = order.lines.map(lineText)
        var totals: [String] = []
        if order.fulfilment.isDelivery {
            totals = [Copy.subtotalLine(money(order.subtotal)), Copy.deliveryFeeLine(money(order.deliveryFee))]
        }
        totals.append(Copy.totalPaid(money(order.total)))
        let next =
            switch order.fulfilment {
            case .pickup: Copy.pickupReady(settings.restaurantName)
            case .delivery(let address): Copy.deliveryOnItsWay(address.display)
            }
        return lines(itemLines.joined(separator: "\n"), totals.joined(separator: "\n"), "", next)
    }

    var restaurantAddressLine: String? { settings.restaurantAddress.nonEmpty.map(Copy.weAreAt) }

    var restaurantPin: Reply? {
        settings.restaurantLocation.map {
            .location(
                LocationReply(
                    latitude: $0.latitude, longitude: $0.longitude, name: settings.restaurantName,
                    address: settings.restaurantAddress))
        }
    }

    mutating func paymentNeedsReview(_ code: OrderCode) {
        settlePending(code, status: .paymentReview, total: nil)
        say(.text(Copy.needsReview(code)))
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
            if state.lastOrder?.code == code {
                state.lastOrder?.total = amount
                state.lastOrder?.status = status
            } else {
                state.lastOrder = OrderBrief(code: code, total: amount, status: status)
            }
        }
    }

    mutating func linkExpired(_ code: OrderCode) {
        guard var pending = state.pendingOrder, pending.code == code else { return }
        pending.paymentURL = nil
        state.pendingOrder = pending
        if state.lastOrder?.code == code { state.lastOrder?.status = .expired }
        say(.text(Copy.linkExpired(code, total: money(pending.total))))
    }

    mutating func refunded(_ code: OrderCode, amount: Kobo) {
        if state.lastOrder?.code == code { state.lastOrder?.status = .refunded }
        say(.text(Copy.refunded(code, amount: money(amount))))
    }
}
