import Domain

/// Money that came in (successful charges, as Paystack reported them) and money going back (refunds). Everything
/// here runs inside the caller's `writeTransaction`: a refund's amount is checked against what is left of the charge
/// under the write lock, so two staff pressing Refund at once cannot both take the same money.
extension Store {
    /// A successful charge recorded for an order (a `charge.success` event, or a verify that found one).
    public struct Charge: Equatable, Sendable {
        public var reference: String
        public var transactionID: Int64?
        public var amount: Kobo
        public var currency: String
        /// `test` or `live`, as Paystack said.
        public var domain: String?
        /// What refunds already hold of it (requested, pending, processed, or sent without an answer).
        public var refunded: Kobo

        public var refundable: Kobo { Kobo(max(0, amount.rawValue - refunded.rawValue)) }
    }

    /// Every charge that took money for the order, oldest first, once per reference however often Paystack told us.
    public func charges(orderID: Int64) throws -> [Charge] {
        try database.query(
            """
            SELECT e.reference, max(e.transactionID), max(e.amountKobo), max(e.currency), max(e.domain),
                (SELECT coalesce(sum(r.amountKobo), 0) FROM refund r
                 WHERE r.reference = e.reference AND r.status IN ('requested', 'pending', 'processed', 'unknown'))
            FROM paymentEvent e
            WHERE e.orderID = ? AND e.status = 'success' AND e.reference IS NOT NULL AND e.amountKobo IS NOT NULL
            GROUP BY e.reference ORDER BY min(e.id)
            """,
            [orderID]
        ).map { row in
            Charge(
                reference: row[0].string ?? "", transactionID: row[1].int64, amount: Kobo(Int(row[2].int64 ?? 0)),
                currency: row[3].string ?? "", domain: row[4].string, refunded: Kobo(Int(row[5].int64 ?? 0)))
        }
    }

    public enum RefundStatus: String, Equatable, Sendable {
        /// Recorded; the request to Paystack is in the outbox.
        case requested
        /// Paystack accepted it and is moving the money.
        case pending
        case processed
        /// Paystack refused it, or reported it failed: the money is still with the restaurant.
        case failed
        /// The request may have reached Paystack but no answer came: a person checks the dashboard.
        case unknown
    }

    public struct RefundRow: Equatable, Sendable {
        public var id: Int64
        public var orderID: Int64
        public var orderCode: OrderCode
        public var customer: CustomerID
        /// The charge's reference.
        public var reference: String
        public var amount: Kobo
        public var currency: String
        public var reason: String
        /// `staff`, `cancel`, `second-payment`, or `paystack` (made on the dashboard, learnt from its event).
        public var requestedBy: String
        public var status: RefundStatus
        public var lastError: String?
    }

    /// Records a refund and queues its request to Paystack (outbox `kind`, `payload`) in one go; returns its id.
    @discardableResult
    public func requestRefund(
        orderID: Int64, reference: String, amount: Kobo, currency: String, reason: String, requestedBy: String,
        kind: String, payload: [UInt8], now: Int64
    ) throws -> Int64 {
        let outbox = try database.query(
            "INSERT INTO outbox (kind, payload, nextAttemptAt, createdAt) VALUES (?, ?, ?, ?) RETURNING id",
            [kind, SQLValue.blob(payload), now, now])
        let rows = try database.query(
            """
            INSERT INTO refund (orderID, reference, amountKobo, currency, reason, requestedBy, status, outboxID,
                createdAt, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?) RETURNING id
            """,
            [
                orderID, reference, amount.rawValue, currency, String(reason.prefix(500)), requestedBy,
                outbox.first?[0].int64, now, now,
            ])
        guard let id = rows.first?[0].int64 else {
            throw StorageError(code: 1, message: "refund insert returned no row")
        }
        return id
    }

    /// What Paystack has given back of the order's money so far: its processed refunds.
    public func refundedAmount(orderID: Int64) throws -> Kobo {
        Kobo(
            Int(
                try database.query(
                    "SELECT coalesce(sum(amountKobo), 0) FROM refund WHERE orderID = ? AND status = 'processed'",
                    [orderID]
                ).first?[0].int64 ?? 0))
    }

    public func refund(outboxID: Int64) throws -> RefundRow? {
        try refunds(where: "r.outboxID = ?", [outboxID]).first
    }

    public func refunds(orderID: Int64) throws -> [RefundRow] {
        try refunds(where: "r.orderID = ?", [orderID])
    }

    /// Every refund, oldest first: for operators and tests.
    public func refunds() throws -> [RefundRow] {
        try refunds(where: "true", [])
    }

    private func refunds(where condition: String, _ arguments: [any SQLBindable]) throws -> [RefundRow] {
        try database.query(
            """
            SELECT r.id, r.orderID, o.code, o.customerID, r.reference, r.amountKobo, r.currency, r.reason,
                r.requestedBy, r.status, r.lastError
            FROM refund r JOIN customerOrder o ON o.id = r.orderID WHERE \(condition) ORDER BY r.id
            """, arguments
        ).map { row in
            RefundRow(
                id: row[0].int64 ?? 0, orderID: row[1].int64 ?? 0, orderCode: OrderCode(rawValue: row[2].string ?? ""),
                customer: CustomerID(rawValue: row[3].int64 ?? 0), reference: row[4].string ?? "",
                amount: Kobo(Int(row[5].int64 ?? 0)), currency: row[6].string ?? "", reason: row[7].string ?? "",
                requestedBy: row[8].string ?? "", status: RefundStatus(rawValue: row[9].string ?? "") ?? .unknown,
                lastError: row[10].string)
        }
    }

    /// Moves a refund on from one of `from`; true when this call moved it.
    @discardableResult
    public func markRefund(
        id: Int64, _ status: RefundStatus, from: [RefundStatus], paystackID: Int64? = nil, error: String? = nil,
        now: Int64
    ) throws -> Bool {
        let placeholders = Array(repeating: "?", count: from.count).joined(separator: ", ")
        try database.query(
            """
            UPDATE refund SET status = ?, paystackRefundID = coalesce(?, paystackRefundID),
                lastError = coalesce(?, lastError), updatedAt = ?
            WHERE id = ? AND status IN (\(placeholders))
            """,
            [status.rawValue, paystackID, error.map { String($0.prefix(500)) }, now, id]
                + from.map { $0.rawValue as any SQLBindable })
        return database.changes == 1
    }

    /// The refund a Paystack `refund.*` event speaks of: the oldest open one of this charge for this amount. A
    /// refund made on Paystack's dashboard has none, and is recorded as the event describes it (`paystack`), so
    /// what is left to refund stays true.
    public func refundForEvent(
        orderID: Int64, reference: String, amount: Kobo, currency: String, now: Int64
    ) throws -> RefundRow {
        let open = try refunds(
            where: "r.reference = ? AND r.amountKobo = ? AND r.status IN ('requested', 'pending', 'unknown')",
            [reference, amount.rawValue])
        if let first = open.first { return first }
        let rows = try database.query(
            """
            INSERT INTO refund (orderID, reference, amountKobo, currency, reason, requestedBy, status, createdAt,
                updatedAt)
            VALUES (?, ?, ?, ?, 'made on the Paystack dashboard', 'paystack', 'pending', ?, ?) RETURNING id
            """,
            [orderID, reference, amount.rawValue, currency, now, now])
        guard let id = rows.first?[0].int64, let made = try refunds(where: "r.id = ?", [id]).first else {
            throw StorageError(code: 1, message: "refund insert returned no row")
        }
        return made
    }

    /// The attempts of a replaced order: no link of theirs is offered again, and each names its replacement.
    func supersedePayments(of code: OrderCode, by replacement: OrderCode, now: Int64) throws {
        try database.query(
            """
            UPDATE payment SET status = CASE WHEN status = 'paid' THEN status ELSE 'abandoned' END,
                supersededBy = ?, updatedAt = ?
            WHERE orderID = (SELECT id FROM customerOrder WHERE code = ?)
            """,
            [replacement.rawValue, now, code.rawValue])
    }

    /// The order that replaced the one `reference` paid for, if the customer replaced it.
    public func replacement(ofPayment reference: String) throws -> OrderCode? {
        try database.query("SELECT supersededBy FROM payment WHERE reference = ?", [reference]).first?[0].string
            .map(OrderCode.init(rawValue:))
    }
}
