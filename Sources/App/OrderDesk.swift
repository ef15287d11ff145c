import Conversation
import Domain
import Paystack
import Storage
import WhatsApp

/// Staff moving orders on: the one place the CLI and the order board change an order's status. The move, the
/// customer's message and the order's notes commit together.
public struct OrderDesk: Sendable {
    public var conversation: ConversationRunner
    /// `TEMPLATE_ORDER_UPDATE` and `TEMPLATE_LANGUAGE`: what is sent when the customer's last message is older than
    /// WhatsApp's 24-hour window (parameters: the order number and its new status). nil when not configured.
    public var template: Template?

    public struct Template: Equatable, Sendable {
        public var name: String
        public var language: String

        public init(name: String, language: String) {
            self.name = name
            self.language = language
        }
    }

    /// The mode of the Paystack key in use: only a charge in this mode can confirm an order or be refunded.
    public var mode: PaystackMode?

    public init(conversation: ConversationRunner, template: Template?, mode: PaystackMode? = nil) {
        self.conversation = conversation
        self.template = template
        self.mode = mode
    }

    /// Meta's customer service window (apis.md A4).
    public static let window: Int64 = Store.window

    public enum Result: Equatable, Sendable {
        /// Moved; `message` says how the customer was told.
        case moved(from: OrderStatus, to: OrderStatus, message: Message)
        case refused(String)
        case notFound
    }

    public enum Message: Equatable, Sendable {
        /// A free-form message, inside the window (with the template queued as its fallback for a 131047).
        case text
        /// Outside the window: the approved template.
        case template
        /// Outside the window and no template configured: recorded, not sent.
        case notSent(String)
    }

    var symbol: String { conversation.settings.currencySymbol }

    public func apply(
        _ action: OrderLifecycle.Action, to code: OrderCode, reason: String? = nil, store: Store, now: Int64
    ) throws -> Result {
        try store.writeTransaction {
            guard let order = try store.payableOrder(code: code) else { return .notFound }
            let target: OrderStatus
            switch OrderLifecycle.decide(action, from: order.status, delivery: order.fulfilment.isDelivery) {
            case .refused(let why): return .refused(why)
            case .allowed(let status): target = status
            }
            guard try store.transitionOrder(id: order.id, to: target, from: [order.status], now: now) else {
                return .refused("the order changed meanwhile; look again")
            }
            var update = OrderUpdate(code: code, status: target, reason: reason, wasPaid: order.status.isPaid)
            if action == .cancel {
                // Whatever the status said, money Paystack took is money taken: it goes back, and the customer is
                // never told nothing was charged.
                let charges = try store.charges(orderID: order.id)
                update.wasPaid = order.status.isPaid || !charges.isEmpty
                var refunding = 0
                for charge in Refunds.usable(charges, order: order, mode: mode) {
                    try Refunds.queue(
                        charge.refundable, from: charge, order: order,
                        reason: "order cancelled"
                            + ((reason?.trimmingSpaces).flatMap { $0.isEmpty ? nil : ": \($0)" } ?? ""),
                        requestedBy: "cancel", store: store, now: now)
                    refunding += charge.refundable.rawValue
                }
                update.refunding = refunding > 0 ? Kobo(refunding) : nil
                var note = "cancelled by staff"
                if let reason, !reason.isEmpty { note += ": \(reason)" }
                if refunding > 0 {
                    note += " (refunding \(Kobo(refunding).formatted(symbol: symbol)) through Paystack)"
                } else if update.wasPaid {
                    note += " (paid: refund it on Paystack)"
                }
                try store.addOrderAttention(id: order.id, note: note, now: now)
            }
            let message = try tell(.orderUpdated(update), about: order, status: target, store: store, now: now)
            return .moved(from: order.status, to: target, message: message)
        }
    }

    // MARK: - Payments a person decided on

    /// `orders confirm`: a payment under review is accepted. The order is paid from the charge Paystack reported,
    /// goes to the kitchen, and the customer and staff are told as if it had been confirmed at once.
    public func confirm(_ code: OrderCode, store: Store, now: Int64) throws -> Result {
        try store.writeTransaction {
            guard let order = try store.payableOrder(code: code) else { return .notFound }
            switch order.status {
            case .paymentReview: break
            case .awaitingPayment, .expired: return .refused("no payment has come in for it: nothing to confirm")
            case _ where order.status.isPaid: return .refused("it is already paid and confirmed")
            default: return .refused("a \(order.status.label) order cannot be confirmed")
            }
            let usable = Refunds.usable(try store.charges(orderID: order.id), order: order, mode: mode)
            guard let charge = usable.first else {
                return .refused(
                    "no successful \(mode?.rawValue ?? "")-mode payment in \(order.currency) that is not refunded is "
                        + "recorded for it, so there is nothing to confirm (check it on the Paystack dashboard)")
            }
            guard
                try store.transitionOrder(
                    id: order.id, to: .paid, from: [.paymentReview], now: now, paidReference: charge.reference)
            else { return .refused("the order changed meanwhile; look again") }
            try store.markPaymentPaid(reference: charge.reference, transactionID: charge.transactionID, now: now)
            var note = "payment \(charge.reference) confirmed by staff"
            if charge.amount != order.total {
                note +=
                    " (it paid \(charge.amount.formatted(symbol: symbol)) of \(order.total.formatted(symbol: symbol)))"
            }
            try store.addOrderAttention(id: order.id, note: note, now: now)
            let confirmed = order.confirmed
            let message = try tell(.paymentConfirmed(confirmed), about: order, status: .paid, store: store, now: now)
            let customer = StaffNotice.Customer(try store.customerRecord(order.customer))
            try store.enqueue(
                conversation.staffEntries(
                    .newOrder(confirmed, customer: customer, flag: "Confirmed by staff after a payment check.")),
                now: now)
            return .moved(from: .paymentReview, to: .paid, message: message)
        }
    }

    public enum RefundResult: Equatable, Sendable {
        /// Recorded and queued for Paystack; the sender sends it and Paystack's events settle it.
        case requested(Kobo, reference: String)
        case refused(String)
        case notFound
    }

    /// `orders refund`: money back from the order's payment, all that is left (`amount` nil) or part. Never more
    /// than what the payment still holds: the check runs under the write lock with the refund's insert.
    public func refund(_ code: OrderCode, amount: Kobo?, reason: String, store: Store, now: Int64) throws
        -> RefundResult
    {
        let reason = reason.trimmingSpaces
        guard !reason.isEmpty else { return .refused("a reason is required") }
        if let amount, amount.rawValue <= 0 { return .refused("the amount must be more than nothing") }
        return try store.writeTransaction {
            guard let order = try store.payableOrder(code: code) else { return .notFound }
            let charges = try store.charges(orderID: order.id)
            guard !charges.isEmpty else {
                return .refused("no payment from Paystack is recorded for it, so there is nothing to refund")
            }
            let usable = Refunds.usable(charges, order: order, mode: mode)
            let paid = charges.reduce(0) { $0 + $1.amount.rawValue }
            let left = usable.reduce(0) { $0 + $1.refundable.rawValue }
            guard left > 0 else {
                return .refused(
                    "nothing is left to refund: of \(Kobo(paid).formatted(symbol: symbol)) paid, everything is "
                        + "refunded or being refunded")
            }
            guard let charge = Refunds.source(for: amount, in: usable, order: order) else {
                let most = usable.map(\.refundable.rawValue).max() ?? 0
                return .refused(
                    "\(amount?.formatted(symbol: symbol) ?? "") is more than the \(Kobo(most).formatted(symbol: symbol)) "
                        + "left to refund of its payment (\(Kobo(paid).formatted(symbol: symbol)) paid)")
            }
            let refunding = amount ?? charge.refundable
            try Refunds.queue(
                refunding, from: charge, order: order, reason: reason, requestedBy: "staff", store: store, now: now)
            try store.addOrderAttention(
                id: order.id, note: "refund of \(refunding.formatted(symbol: symbol)) requested by staff: \(reason)",
                now: now)
            return .requested(refunding, reference: charge.reference)
        }
    }

    // MARK: - Telling the customer

    /// One conversation step for the order's customer: free-form inside WhatsApp's 24-hour window (with the
    /// template queued as its fallback), the approved template outside it, or recorded unsent when there is none.
    func tell(_ event: Event, about order: Store.PayableOrder, status: OrderStatus, store: Store, now: Int64) throws
        -> Message
    {
        var message = Message.text
        let step = try conversation.stepping(event, in: store, now: now) { snapshot, customer, result in
            let outside = snapshot.lastInboundAt.map { now - $0 > Self.window } ?? true
            let recipient = ConversationRunner.recipient(customer)
            let templateBody = template.map {
                messageRequestBody(
                    to: recipient,
                    message: .template(
                        name: $0.name, language: $0.language, bodyParameters: [order.code.rawValue, status.label]))
            }
            if outside {
                message = templateBody == nil ? .notSent(Self.noTemplate) : .template
            }
            result.outbox = result.outbox.map { entry in
                guard entry.kind == OutboxKind.whatsAppMessage else { return entry }
                if !outside {
                    return Store.OutboxEntry(kind: entry.kind, payload: entry.payload, fallback: templateBody)
                }
                if let templateBody { return Store.OutboxEntry(kind: entry.kind, payload: templateBody) }
                return Store.OutboxEntry(kind: entry.kind, payload: entry.payload, unsendable: Self.noTemplate)
            }
        }
        try store.stepConversation(of: order.customer, now: now, step: step)
        return message
    }

    static let noTemplate =
        "not sent: the customer's last message is older than 24 hours and TEMPLATE_ORDER_UPDATE is not set"
}
