import Domain

/// What the kitchen does with a paid order, as the customer hears of it, and `status`.
extension Machine {
    mutating func orderUpdated(_ update: OrderUpdate) {
        let code = update.code
        if update.status == .cancelled {
            settlePending(code, status: .cancelled, total: nil)
        } else if state.lastOrder?.code == code {
            state.lastOrder?.status = update.status
        }
        let text: String
        switch update.status {
        case .preparing: text = Copy.preparing(code)
        case .ready: text = Copy.ready(code, restaurant: settings.restaurantName)
        case .outForDelivery: text = Copy.onItsWay(code)
        case .completed: text = Copy.completed(code, restaurant: settings.restaurantName)
        case .cancelled:
            var parts = [Copy.cancelledByRestaurant(code, restaurant: settings.restaurantName)]
            if let reason = update.reason?.trimmed, !reason.isEmpty { parts.append(Copy.reason(reason)) }
            if !update.wasPaid {
                parts.append(Copy.nothingCharged)
            } else {
                parts.append(update.refunding.map { Copy.refundingAmount(money($0)) } ?? Copy.refundOnItsWay)
            }
            parts.append(Copy.orderAgainAnyTime)
            text = parts.joined(separator: "\n")
        case .awaitingPayment, .expired, .paid, .paymentReview, .refunded:
            text = Copy.nowStatus(code, update.status.label)
        }
        say(.text(text))
    }

    func statusText() -> String {
        if let pending = state.pendingOrder {
            return lines(
                Copy.waitingForPayment(pending.code, total: money(pending.total)),
                pending.paymentURL.map(Copy.payHere) ?? Copy.typePayForLink)
        }
        if let last = state.lastOrder {
            return lines(
                Copy.latestOrder(last.code, total: money(last.total), status: last.status), readyTime(last))
        }
        return Copy.noOrderYet
    }

    /// When a paid order in the kitchen should be ready, from `PREPARATION_MINUTES`.
    func readyTime(_ order: OrderBrief) -> String? {
        guard let paidAt = order.paidAt, [.paid, .preparing].contains(order.status), settings.preparationMinutes > 0
        else { return nil }
        let ready = paidAt + Int64(settings.preparationMinutes) * 60_000
        let minute = OpeningHours.minuteOfWeek(unixMilliseconds: ready, utcOffsetSeconds: context.utcOffsetSeconds)
        return Copy.readyAround(order.code, time: OpeningHours.clock(minute))
    }

    /// A paid order that is still on its way to the customer.
    var orderInProgress: OrderBrief? {
        guard let last = state.lastOrder,
            [.paid, .preparing, .ready, .outForDelivery, .paymentReview].contains(last.status)
        else { return nil }
        return last
    }
}
