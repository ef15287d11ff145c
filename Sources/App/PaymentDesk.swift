import Conversation
import Domain
import Paystack
import Storage
import WhatsApp

/// Applies Paystack's word about a payment to an order. The webhook and `payments reconcile` both come here, so
/// they make the same checks and the same one-time transition, and each event commits in one transaction with the
/// order's move, the customer's reply and the staff messages.
public struct PaymentDesk: Sendable {
    /// Also says who the staff are (`staffNumbers`).
    public var conversation: ConversationRunner
    /// The mode of the secret key in use; every payment's `domain` must match it.
    public var mode: PaystackMode?

    public init(conversation: ConversationRunner, mode: PaystackMode?) {
        self.conversation = conversation
        self.mode = mode
    }

    /// What became of one event; stored on its row as `outcome`.
    public enum Outcome: String, Equatable, Sendable {
        /// The same event was recorded before: nothing changed.
        case duplicate
        case unknownReference = "unknown_reference"
        /// The order moved to paid: the customer and staff were told.
        case confirmed
        /// This payment had already confirmed the order (a replay under another event name, or reconcile).
        case alreadyConfirmed = "already_confirmed"
        /// Money arrived but did not match; the order waits for a person.
        case review
        /// A second payment for an order already paid: staff must refund one.
        case secondPayment = "second_payment"
        /// Recorded and reflected on the order (refunds, disputes).
        case recorded
        /// Nothing for us to do (another mode, an event we do not use).
        case ignored
    }

    public struct Applied: Equatable, Sendable {
        public var outcome: Outcome
        public var outboxRows: Int
    }

    // MARK: - Charges

    /// Why a successful charge cannot confirm `order` by itself, or nil when it can: Paystack's own advice is to
    /// check status and amount, and a test-mode payment must never pay a live order (or the other way round).
    public static func mismatch(_ charge: Charge, order: Store.PayableOrder, mode: PaystackMode?, symbol: String)
        -> String?
    {
        if charge.status != "success" { return "Paystack says the payment is \(charge.status)" }
        guard let mode else {
            return "the secret key is neither sk_test_ nor sk_live_, so the payment's mode cannot be checked"
        }
        if charge.domain != mode.rawValue {
            return "a \(charge.domain ?? "unknown")-mode payment, but the key in use is \(mode.rawValue)"
        }
        if charge.currency != order.currency {
            return "paid in \(charge.currency), but the order is in \(order.currency)"
        }
        if charge.amount != order.total.rawValue {
            return "paid \(Kobo(charge.amount).formatted(symbol: symbol)), but the order total is "
                + "\(order.total.formatted(symbol: symbol))"
        }
        return nil
    }

    /// A successful charge (a `charge.success` event, or a verify that found one), applied once.
    public func apply(
        charge: Charge, event: Store.PaymentEventRecord, store: Store, now: Int64
    ) throws -> Applied {
        try store.writeTransaction {
            guard let eventID = try store.insertPaymentEvent(event, now: now) else {
                return Applied(outcome: .duplicate, outboxRows: 0)
            }
            guard let order = try store.payableOrder(paymentReference: charge.reference) else {
                try store.setPaymentEventOutcome(id: eventID, outcome: Outcome.unknownReference.rawValue)
                return Applied(outcome: .unknownReference, outboxRows: 0)
            }
            // Linked first: the charge is one of the order's own while it is settled (a second payment refunds it).
            try store.setPaymentEventOutcome(id: eventID, outcome: "received", order: order.id)
            var work = Work(desk: self, store: store, order: order, now: now)
            let outcome = try work.settle(charge)
            try store.setPaymentEventOutcome(
                id: eventID, outcome: outcome.rawValue, detail: work.detail, order: order.id)
            return Applied(outcome: outcome, outboxRows: work.outboxRows)
        }
    }

    // MARK: - Refunds, disputes and the rest

    /// Any other event: recorded under its dedupe key, and reflected on the order it names.
    public func apply(event decoded: PaystackEvent, record: Store.PaymentEventRecord, store: Store, now: Int64)
        throws -> Applied
    {
        if case .charge(let charge) = decoded.payload {
            return try apply(charge: charge, event: record, store: store, now: now)
        }
        return try store.writeTransaction {
            guard let eventID = try store.insertPaymentEvent(record, now: now) else {
                return Applied(outcome: .duplicate, outboxRows: 0)
            }
            let actedOn: Bool
            if case .other = decoded.payload { actedOn = false } else { actedOn = true }
            guard actedOn, let reference = record.reference, !reference.isEmpty else {
                try store.setPaymentEventOutcome(id: eventID, outcome: Outcome.ignored.rawValue)
                return Applied(outcome: .ignored, outboxRows: 0)
            }
            guard let order = try store.payableOrder(paymentReference: reference) else {
                try store.setPaymentEventOutcome(id: eventID, outcome: Outcome.unknownReference.rawValue)
                return Applied(outcome: .unknownReference, outboxRows: 0)
            }
            // As for a charge, the mode must be stated and be the key's: a refund or dispute without a `domain` is
            // no less able to say "refunded" than one from the other mode.
            // A key that is neither test nor live (a typo, a public key) can vouch for no mode: nothing is acted on.
            guard let mode, record.domain == mode.rawValue else {
                try store.setPaymentEventOutcome(
                    id: eventID, outcome: Outcome.ignored.rawValue, detail: "\(record.domain ?? "no")-mode event",
                    order: order.id)
                return Applied(outcome: .ignored, outboxRows: 0)
            }
            var work = Work(desk: self, store: store, order: order, now: now)
            switch decoded.payload {
            case .refund(let refund): try work.refund(refund, event: decoded.name)
            case .dispute(let dispute): try work.dispute(dispute, event: decoded.name)
            case .charge, .other: break
            }
            try store.setPaymentEventOutcome(
                id: eventID, outcome: Outcome.recorded.rawValue, detail: work.detail, order: order.id)
            return Applied(outcome: .recorded, outboxRows: work.outboxRows)
        }
    }

}

extension Store.PayableOrder {
    /// The order as the confirmation and the kitchen's message describe it.
    var confirmed: ConfirmedOrder {
        ConfirmedOrder(
            code: code, lines: lines, fulfilment: fulfilment, subtotal: subtotal, deliveryFee: deliveryFee,
            total: total,
            note: note)
    }
}

extension Store.PaymentEventRecord {
    /// A successful charge's row, from a webhook or from a verify.
    init(_ charge: Charge, source: Source, event: String, key: String) {
        self.init(
            source: source, event: event, key: key, reference: charge.reference, transactionID: charge.id,
            domain: charge.domain, status: charge.status, amount: charge.amount, currency: charge.currency)
    }
}

/// One event's changes to one order, inside the event's transaction.
private struct Work {
    let desk: PaymentDesk
    let store: Store
    let order: Store.PayableOrder
    let now: Int64
    var detail: String?
    var outboxRows = 0

    init(desk: PaymentDesk, store: Store, order: Store.PayableOrder, now: Int64) {
        self.desk = desk
        self.store = store
        self.order = order
        self.now = now
    }

    var settings: Settings { desk.conversation.settings }

    mutating func settle(_ charge: Charge) throws -> PaymentDesk.Outcome {
        let problem = PaymentDesk.mismatch(charge, order: order, mode: desk.mode, symbol: settings.currencySymbol)
        if order.status.isPaid { return try extraPayment(charge, problem: problem) }
        if let problem {
            detail = problem
            return try review(reason: "\(problem) (reference \(charge.reference))", charge: charge)
        }
        let reason: String
        switch order.status {
        case .awaitingPayment:
            // The guard that makes confirmation happen once: a conditional UPDATE inside the write lock.
            guard
                try store.transitionOrder(
                    id: order.id, to: .paid, from: [.awaitingPayment], now: now, paidReference: charge.reference)
            else { return .alreadyConfirmed }
            try store.markPaymentPaid(reference: charge.reference, transactionID: charge.id, now: now)
            let confirmed = order.confirmed
            try tellCustomer(.paymentConfirmed(confirmed))
            try tellStaff(.newOrder(confirmed, customer: try staffCustomer(), flag: nil))
            return .confirmed
        case .expired:
            // Hours may have passed: the kitchen may be closed, the customer may have eaten. A person decides.
            reason = "paid after its payment link expired (reference \(charge.reference))"
        case .cancelled:
            if let replacement = try store.replacement(ofPayment: charge.reference) {
                reason =
                    "paid through its old link after the customer replaced it with order \(replacement) "
                    + "(reference \(charge.reference))"
            } else {
                reason = "paid after the order was cancelled (reference \(charge.reference))"
            }
        case .paymentReview:
            reason = "paid again while an earlier payment is being checked (reference \(charge.reference))"
        default:
            reason = "paid while the order was \(order.status.label) (reference \(charge.reference))"
        }
        detail = reason
        return try review(reason: reason, charge: charge)
    }

    /// Money for an order that is already paid: the order stays confirmed. A second payment that matches is
    /// refunded at once (the customer paid twice by mistake); anything odder is put to staff. Either way the
    /// customer is told.
    mutating func extraPayment(_ charge: Charge, problem: String?) throws -> PaymentDesk.Outcome {
        if order.paidReference == charge.reference { return .alreadyConfirmed }
        try store.markPaymentPaid(reference: charge.reference, transactionID: charge.id, now: now)
        let amount = Kobo(charge.amount)
        let paidBy = order.paidReference ?? "?"
        let refundable = try store.charges(orderID: order.id).first {
            $0.reference == charge.reference && $0.refundable.rawValue > 0
        }
        let note: String
        if problem == nil, let refundable {
            try Refunds.queue(
                refundable.refundable, from: refundable, order: order, reason: "paid twice: the second payment",
                requestedBy: "second-payment", store: store, now: now)
            note =
                "paid a second time (reference \(charge.reference); it was paid by \(paidBy)): the second "
                + "payment (\(money(amount))) is being refunded automatically. The order stays confirmed."
        } else {
            note =
                "another payment came in (reference \(charge.reference), \(problem ?? money(amount))) for an order "
                + "already paid by \(paidBy). The order stays confirmed; refund the extra payment: whatsorder orders "
                + "refund \(order.code) --amount \(amount.rawValue / 100) --reason \"paid twice\""
        }
        detail = note
        try store.addOrderAttention(id: order.id, note: note, now: now)
        try tellCustomer(.extraPayment(order.code, amount: amount, refunding: problem == nil && refundable != nil))
        try tellStaff(.orderNote(order.code, note: note))
        return .secondPayment
    }

    func money(_ amount: Kobo) -> String { amount.formatted(symbol: settings.currencySymbol) }

    /// Money the order cannot take by itself: the order waits for a person, who is told why; the customer is told
    /// someone will check, never the reason (it may be a mistake on our side).
    mutating func review(reason: String, charge: Charge) throws -> PaymentDesk.Outcome {
        try store.addOrderAttention(id: order.id, note: reason, now: now)
        let moved = try store.transitionOrder(
            id: order.id, to: .paymentReview, from: [.awaitingPayment, .expired, .cancelled], now: now)
        if moved { try tellCustomer(.paymentNeedsReview(order.code)) }
        try tellStaff(.needsReview(order.code, customer: try staffCustomer(), reason: reason))
        return .review
    }

    /// Paystack's word on a refund: it settles our refund row (or records one made on the dashboard), and the
    /// order is refunded once everything its charges took has gone back.
    mutating func refund(_ refund: Refund, event: String) throws {
        let amount = Kobo(refund.amount)
        let money = money(amount)
        guard refund.currency == order.currency else {
            let note = "a \(refund.currency) refund event for an order in \(order.currency): not applied"
            detail = note
            try store.addOrderAttention(id: order.id, note: note, now: now)
            return
        }
        let row = try store.refundForEvent(
            orderID: order.id, reference: refund.transactionReference, amount: amount, currency: refund.currency,
            now: now)
        switch refund.status {
        case "processed":
            guard
                try store.markRefund(id: row.id, .processed, from: [.requested, .pending, .unknown, .failed], now: now)
            else {
                detail = "refund of \(money) already recorded as processed"
                return
            }
            let taken = try store.charges(orderID: order.id).reduce(0) { $0 + $1.amount.rawValue }
            let returned = try store.refundedAmount(orderID: order.id).rawValue
            // Without a recorded charge (an order paid before charges were kept), the order's total stands in.
            let whole = returned >= (taken > 0 ? taken : order.total.rawValue)
            if whole {
                _ = try store.transitionOrder(
                    id: order.id, to: .refunded,
                    from: OrderStatus.allCases.filter { $0 != .refunded && $0 != .awaitingPayment }, now: now)
            }
            let note = whole ? "refunded in full (\(money))" : "partly refunded (\(money))"
            detail = note
            try store.addOrderAttention(id: order.id, note: note, now: now)
            try tellCustomer(.orderRefunded(order.code, amount: amount))
            try tellStaff(.orderNote(order.code, note: note))
        case "failed":
            guard try store.markRefund(id: row.id, .failed, from: [.requested, .pending, .unknown], now: now) else {
                detail = "refund of \(money) already settled"
                return
            }
            let note = "the refund of \(money) FAILED at Paystack: the customer has not got it back"
            detail = note
            try store.addOrderAttention(id: order.id, note: note, now: now)
            try tellCustomer(.refundFailed(order.code, amount: amount))
            try tellStaff(.orderNote(order.code, note: note))
        default:
            try store.markRefund(id: row.id, .pending, from: [.requested, .unknown], now: now)
            detail = "refund \(refund.status) (\(money))"
        }
    }

    mutating func dispute(_ dispute: Dispute, event: String) throws {
        let note =
            "\(event == "charge.dispute.resolve" ? "dispute resolved" : "customer disputed the payment")"
            + [dispute.category, dispute.status].compactMap { $0 }.map { " (\($0))" }.joined()
        detail = note
        try store.addOrderAttention(id: order.id, note: note, now: now)
        try tellStaff(.orderNote(order.code, note: note + ": answer it on the Paystack dashboard"))
    }

    // MARK: - Messages

    mutating func tellCustomer(_ event: Event) throws {
        outboxRows += try store.stepConversation(
            of: order.customer, now: now, step: try desk.conversation.stepping(event, in: store, now: now))
    }

    func staffCustomer() throws -> StaffNotice.Customer {
        StaffNotice.Customer(try store.customerRecord(order.customer))
    }

    mutating func tellStaff(_ notice: StaffNotice) throws {
        let entries = desk.conversation.staffEntries(notice)
        try store.enqueue(entries, now: now)
        outboxRows += entries.count
    }
}
