import Domain
import Paystack
import Storage

extension OutboxKind {
    /// A `POST /refund` to Paystack; its refund row names it (`refund.outboxID`).
    public static let paystackRefund = "paystack.refund"
}

/// Money going back, queued the same way from every place that decides it: staff (`orders refund`, the board),
/// a cancelled paid order, and a second payment for an order already paid.
enum Refunds {
    /// The charges the key in use can refund: this order's currency, this key's mode, something left.
    static func usable(_ charges: [Store.Charge], order: Store.PayableOrder, mode: PaystackMode?) -> [Store.Charge] {
        charges.filter { charge in
            charge.currency == order.currency && charge.refundable.rawValue > 0
                && (charge.domain == nil || charge.domain == mode?.rawValue)
        }
    }

    /// The charge a refund of `amount` comes from: the one that paid the order when it can cover it, else the
    /// oldest that can; nil when no single charge holds that much.
    static func source(for amount: Kobo?, in charges: [Store.Charge], order: Store.PayableOrder) -> Store.Charge? {
        let covering = charges.filter { $0.refundable.rawValue >= (amount?.rawValue ?? 1) }
        return covering.first { $0.reference == order.paidReference } ?? covering.first
    }

    /// Records the refund and queues its request, inside the caller's transaction.
    static func queue(
        _ amount: Kobo, from charge: Store.Charge, order: Store.PayableOrder, reason: String, requestedBy: String,
        store: Store, now: Int64
    ) throws {
        let request = RefundRequest(
            transaction: charge.reference, amount: amount, currency: order.currency,
            merchantNote: "\(order.code): \(reason)", customerNote: nil)
        try store.requestRefund(
            orderID: order.id, reference: charge.reference, amount: amount, currency: order.currency, reason: reason,
            requestedBy: requestedBy, kind: OutboxKind.paystackRefund, payload: request.body, now: now)
    }
}
