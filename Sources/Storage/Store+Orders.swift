import Conversation
import Domain
import FoundationEssentials
import JSON

extension Store {
    // MARK: - Saving a step

    /// Writes a step's state, outbox rows and records. Runs inside the caller's IMMEDIATE transaction.
    /// `messageArrived` moves `lastInboundAt`; a step caused by the sender (a payment link) does not.
    func save(
        _ result: StepResult, encodedState: String? = nil, for customer: CustomerID, inboundID: Int64?, now: Int64,
        messageArrived: Bool
    ) throws {
        let encoded = try encodedState ?? Self.encode(result.state)
        if messageArrived {
            // Written once per dialect, not per message: a statement's text is its cache key.
            try database.query(
                database.dialect == .postgres ? Self.saveArrivedPostgres : Self.saveArrivedSQLite,
                [customer.rawValue, encoded, now, now])
        } else {
            try database.query(
                "UPDATE conversation SET state = ?, version = version + 1, updatedAt = ? WHERE customerID = ?",
                [encoded, now, customer.rawValue])
        }
        for record in result.records {
            try apply(record, customer: customer, now: now)
        }
        for entry in result.outbox {
            try insertOutbox(entry, customer: entry.staff ? nil : customer, inboundID: inboundID, now: now)
        }
    }

    /// SQLite's two-argument max() is PostgreSQL's greatest().
    private static let saveArrivedSQLite = saveArrived(later: "max")
    private static let saveArrivedPostgres = saveArrived(later: "greatest")
    private static func saveArrived(later: String) -> String {
        """
        INSERT INTO conversation (customerID, state, version, updatedAt, lastInboundAt) VALUES (?, ?, 1, ?, ?)
        ON CONFLICT(customerID) DO UPDATE SET
            state = excluded.state, version = conversation.version + 1, updatedAt = excluded.updatedAt,
            lastInboundAt = \(later)(conversation.lastInboundAt, excluded.lastInboundAt)
        """
    }

    /// A conversation's state as its row holds it.
    static func encode(_ state: State) throws -> String {
        String(decoding: StateCoding.encode(state), as: UTF8.self)
    }

    private func apply(_ record: Record, customer: CustomerID, now: Int64) throws {
        switch record {
        case .placeOrder(let order, let currency):
            var address: Address?
            if case .delivery(let delivery) = order.fulfilment { address = delivery }
            // The UNIQUE code makes a replayed step a failed transaction rather than a second order.
            let rows = try database.query(
                """
                INSERT INTO customerOrder (code, customerID, status, fulfilment, addressText, latitude, longitude,
                    placeName, subtotalKobo, deliveryFeeKobo, totalKobo, currency, email, emailIsPlaceholder,
                    createdAt, updatedAt, note)
                VALUES (?, ?, 'awaiting_payment', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    order.code.rawValue, customer.rawValue, address == nil ? "pickup" : "delivery", address?.text,
                    address?.latitude, address?.longitude, address?.placeName, order.subtotal.rawValue,
                    order.deliveryFee.rawValue, order.total.rawValue, currency, order.email,
                    order.emailIsPlaceholder ? 1 : 0, now, now, order.note,
                ])
            guard let orderID = rows.first?[0].int64 else {
                throw StorageError(code: 1, message: "order insert returned no row")
            }
            for (position, line) in order.lines.enumerated() {
                try database.query(
                    """
                    INSERT INTO orderLine (orderID, position, itemID, name, unitPriceKobo, quantity, options, note)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        orderID, position + 1, line.itemID, line.name, line.unitPrice.rawValue, line.quantity,
                        line.options.isEmpty
                            ? nil : String(decoding: StateCoding.options(line.options).bytes, as: UTF8.self),
                        line.note,
                    ])
            }
        case .cancelOrder(let code):
            // Only an unpaid order can be cancelled by the customer; a paid one belongs to staff (refunds).
            try database.query(
                """
                UPDATE customerOrder SET status = 'cancelled', updatedAt = ?
                WHERE code = ? AND customerID = ? AND status IN ('awaiting_payment', 'expired')
                """,
                [now, code.rawValue, customer.rawValue])
            try database.query(
                """
                UPDATE payment SET status = 'abandoned', updatedAt = ?
                WHERE orderID = (SELECT id FROM customerOrder WHERE code = ?) AND status IN ('initializing', 'link_sent')
                """,
                [now, code.rawValue])
        case .replaceOrder(let code, let replacement):
            try apply(.cancelOrder(code), customer: customer, now: now)
            try supersedePayments(of: code, by: replacement, now: now)
        case .chat(let author, let body):
            try addChatMessage(customer: customer, author: author, who: nil, body: body, now: now)
        case .paymentAttempt(let request):
            // A new reference per attempt (PRIMARY KEY): no attempt can be initialized twice under one reference.
            try database.query(
                """
                INSERT INTO payment (reference, orderID, amountKobo, currency, email, status, createdAt, updatedAt)
                SELECT ?, id, ?, ?, ?, 'initializing', ?, ? FROM customerOrder WHERE code = ?
                """,
                [
                    request.reference, request.amount.rawValue, request.currency, request.email, now, now,
                    request.order.rawValue,
                ])
            guard database.changes == 1 else {
                throw StorageError(code: 1, message: "payment attempt for unknown order \(request.order)")
            }
            // A fresh link revives an order whose last link expired unpaid.
            try database.query(
                """
                UPDATE customerOrder SET status = 'awaiting_payment', updatedAt = ?
                WHERE code = ? AND status = 'expired'
                """,
                [now, request.order.rawValue])
        }
    }

    // MARK: - Steps not caused by a message

    /// Runs a conversation step for something other than a customer's message (the sender's Paystack answer),
    /// in one IMMEDIATE transaction, with `before` (e.g. marking the payment row) in the same transaction.
    /// Returns the number of outbox rows added.
    @discardableResult
    public func advanceConversation(
        of customer: CustomerID, now: Int64, before: () throws -> Void = {}, step: Step
    ) throws -> Int {
        try database.immediateTransaction {
            try before()
            return try stepConversation(of: customer, now: now, step: step)
        }
    }

    public func customerRecord(_ customer: CustomerID) throws -> CustomerRecord? {
        try database.query("SELECT id, waID, userID, name FROM customer WHERE id = ?", [customer.rawValue])
            .first.flatMap(Self.customer)
    }

    // MARK: - Payments

    public struct PaymentAttempt: Equatable, Sendable {
        public var reference: String
        public var orderCode: OrderCode
        public var customer: CustomerID
        public var amount: Kobo
        public var currency: String
        public var email: String
        public var status: String
        public var authorizationURL: String?
    }

    public func paymentAttempt(reference: String) throws -> PaymentAttempt? {
        try paymentAttempts(where: "p.reference = ?", [reference]).first
    }

    /// Every payment attempt, oldest first: for operators and tests.
    public func payments() throws -> [PaymentAttempt] {
        try paymentAttempts(where: "true", [])
    }

    private func paymentAttempts(where condition: String, _ arguments: [any SQLBindable]) throws -> [PaymentAttempt] {
        try database.query(
            """
            SELECT p.reference, o.code, o.customerID, p.amountKobo, p.currency, p.email, p.status, p.authorizationURL
            FROM payment p JOIN customerOrder o ON o.id = p.orderID WHERE \(condition)
            ORDER BY p.createdAt, p.reference
            """, arguments
        ).map { row in
            PaymentAttempt(
                reference: row[0].string ?? "", orderCode: OrderCode(rawValue: row[1].string ?? ""),
                customer: CustomerID(rawValue: row[2].int64 ?? 0), amount: Kobo(Int(row[3].int64 ?? 0)),
                currency: row[4].string ?? "", email: row[5].string ?? "", status: row[6].string ?? "",
                authorizationURL: row[7].string)
        }
    }

    /// Records Paystack's checkout link for an attempt. Inside `advanceConversation`'s transaction.
    public func markPaymentLinked(reference: String, url: String, accessCode: String?, now: Int64) throws {
        try database.query(
            """
            UPDATE payment SET status = 'link_sent', authorizationURL = ?, accessCode = ?, linkedAt = ?, updatedAt = ?
            WHERE reference = ? AND status = 'initializing'
            """,
            [url, accessCode, now, now, reference])
    }

    public func markPaymentFailed(reference: String, error: String, now: Int64) throws {
        try database.query(
            """
            UPDATE payment SET status = 'failed', lastError = ?, updatedAt = ?
            WHERE reference = ? AND status = 'initializing'
            """,
            [String(error.prefix(500)), now, reference])
    }

    // MARK: - Orders, as staff and tests read them

    public struct OrderRow: Equatable, Sendable {
        public var code: OrderCode
        public var customer: CustomerID
        public var status: String
        public var fulfilment: String
        public var addressText: String?
        public var latitude: Double?
        public var longitude: Double?
        public var subtotal: Kobo
        public var deliveryFee: Kobo
        public var total: Kobo
        public var currency: String
        public var email: String
        public var lines: [OrderLine]
        public var paidReference: String?
        /// What staff must look at (a payment that did not match, a late or second payment, a dispute).
        public var attention: String?
        /// What the customer asked of the whole order.
        public var note: String?
    }

    public func orders() throws -> [OrderRow] {
        try database.query(
            """
            SELECT id, code, customerID, status, fulfilment, addressText, latitude, longitude, subtotalKobo,
                deliveryFeeKobo, totalKobo, currency, email, paidReference, attention, note
            FROM customerOrder ORDER BY id
            """
        ).map { row in
            OrderRow(
                code: OrderCode(rawValue: row[1].string ?? ""), customer: CustomerID(rawValue: row[2].int64 ?? 0),
                status: row[3].string ?? "", fulfilment: row[4].string ?? "", addressText: row[5].string,
                latitude: row[6].double, longitude: row[7].double, subtotal: Kobo(Int(row[8].int64 ?? 0)),
                deliveryFee: Kobo(Int(row[9].int64 ?? 0)), total: Kobo(Int(row[10].int64 ?? 0)),
                currency: row[11].string ?? "", email: row[12].string ?? "", lines: try orderLines(row[0].int64 ?? 0),
                paidReference: row[13].string, attention: row[14].string, note: row[15].string)
        }
    }

}
