import Conversation
import Domain
import JSON

/// Paystack's side of orders. The operations here run inside `writeTransaction`: a payment event, the order's
/// transition, the payment row, the customer's reply and the staff messages commit together or not at all.
extension Store {
    /// One IMMEDIATE transaction around `body`; commits on return, rolls back on throw.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try database.immediateTransaction(body)
    }

    // MARK: - Events

    public struct PaymentEventRecord: Equatable, Sendable {
        public enum Source: String, Sendable {
            case webhook
            case reconcile
        }

        public var source: Source
        /// Paystack's event name (`charge.success`), or `verify` for a reconcile that found a payment.
        public var event: String
        /// What a replay of this event repeats (the reference for a charge): UNIQUE with `event`.
        public var key: String
        public var reference: String?
        public var transactionID: Int64?
        public var domain: String?
        public var status: String?
        public var amount: Int?
        public var currency: String?

        public init(
            source: Source, event: String, key: String, reference: String? = nil, transactionID: Int64? = nil,
            domain: String? = nil, status: String? = nil, amount: Int? = nil, currency: String? = nil
        ) {
            self.source = source
            self.event = event
            self.key = key
            self.reference = reference
            self.transactionID = transactionID
            self.domain = domain
            self.status = status
            self.amount = amount
            self.currency = currency
        }
    }

    /// Records an event; nil when the same (event, key) was recorded before. The UNIQUE key decides, so a replay
    /// racing the original in another process waits for its lock and then finds the row.
    public func insertPaymentEvent(_ record: PaymentEventRecord, now: Int64) throws -> Int64? {
        try database.query(
            """
            INSERT INTO paymentEvent (source, event, eventKey, reference, transactionID, domain, status, amountKobo,
                currency, receivedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event, eventKey) DO NOTHING RETURNING id
            """,
            [
                record.source.rawValue, record.event, record.key, record.reference, record.transactionID,
                record.domain, record.status, record.amount.map(Int64.init), record.currency, now,
            ]
        ).first?[0].int64
    }

    /// What was done with an event, for staff and for the next person debugging a payment.
    public func setPaymentEventOutcome(id: Int64, outcome: String, detail: String? = nil, order: Int64? = nil)
        throws
    {
        try database.query(
            "UPDATE paymentEvent SET outcome = ?, detail = ?, orderID = ? WHERE id = ?",
            [outcome, detail.map { String($0.prefix(500)) }, order, id])
    }

    public struct PaymentEventRow: Equatable, Sendable {
        public var source: String
        public var event: String
        public var key: String
        public var reference: String?
        public var outcome: String
        public var detail: String?
        public var orderCode: OrderCode?
    }

    public func paymentEvents() throws -> [PaymentEventRow] {
        try database.query(
            """
            SELECT e.source, e.event, e.eventKey, e.reference, e.outcome, e.detail, o.code
            FROM paymentEvent e LEFT JOIN customerOrder o ON o.id = e.orderID ORDER BY e.id
            """
        ).map { row in
            PaymentEventRow(
                source: row[0].string ?? "", event: row[1].string ?? "", key: row[2].string ?? "",
                reference: row[3].string, outcome: row[4].string ?? "", detail: row[5].string,
                orderCode: row[6].string.map(OrderCode.init(rawValue:)))
        }
    }

    // MARK: - Orders

    /// An order with everything a payment decision and a confirmation need.
    public struct PayableOrder: Equatable, Sendable {
        public var id: Int64
        public var code: OrderCode
        public var customer: CustomerID
        public var status: OrderStatus
        public var fulfilment: Fulfilment
        public var lines: [OrderLine]
        public var subtotal: Kobo
        public var deliveryFee: Kobo
        public var total: Kobo
        public var currency: String
        public var paidReference: String?
        public var attention: String?
        public var createdAt: Int64
        /// What the customer asked of the whole order.
        public var note: String? = nil
    }

    /// The order any attempt's reference belongs to.
    public func payableOrder(paymentReference reference: String) throws -> PayableOrder? {
        try payableOrders(ids: "SELECT orderID FROM payment WHERE reference = ?", [reference]).first
    }

    public func payableOrder(code: OrderCode) throws -> PayableOrder? {
        try payableOrders(ids: "SELECT id FROM customerOrder WHERE code = ?", [code.rawValue]).first
    }

    /// Orders for staff, oldest first: in one status (or all), created at or after `since` and before `until`
    /// (Unix ms), of some customers.
    public func payableOrders(
        status: OrderStatus? = nil, since: Int64? = nil, until: Int64? = nil, customers: [CustomerID]? = nil
    ) throws -> [PayableOrder] {
        // Only the conditions asked for, so SQLite can use an index for them: `(? IS NULL OR createdAt >= ?)` would
        // read every order of the year to list today's.
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        if let status {
            conditions.append("status = ?")
            arguments.append(status.rawValue)
        }
        if let since {
            conditions.append("createdAt >= ?")
            arguments.append(since)
        }
        if let until {
            conditions.append("createdAt < ?")
            arguments.append(until)
        }
        var condition = conditions.isEmpty ? "true" : conditions.joined(separator: " AND ")
        if let customers {
            guard !customers.isEmpty else { return [] }
            condition += " AND customerID IN (" + customers.map { _ in "?" }.joined(separator: ", ") + ")"
            arguments += customers.map { $0.rawValue as any SQLBindable }
        }
        return try payableOrders(ids: "SELECT id FROM customerOrder WHERE \(condition)", arguments)
    }

    /// Customers whose number has these digits in it, or whose name has this text in it (any case).
    public func customers(matching text: String) throws -> [CustomerRecord] {
        let digits = String(text.unicodeScalars.filter { ("0"..."9").contains($0) })
        return try database.query(
            """
            SELECT id, waID, userID, name FROM customer
            WHERE (? != '' AND instr(waID, ?) > 0) OR instr(lower(coalesce(name, '')), lower(?)) > 0 ORDER BY id
            """,
            [digits, digits, text.trimmingSpaces]
        ).compactMap(Self.customer)
    }

    /// Order codes that begin with `prefix`, newest first: for staff who type part of one.
    public func orderCodes(startingWith prefix: String, limit: Int = 10) throws -> [OrderCode] {
        try database.query(
            "SELECT code FROM customerOrder WHERE substr(code, 1, ?) = ? ORDER BY id DESC LIMIT ?",
            [prefix.count, prefix, limit]
        ).compactMap { $0[0].string.map(OrderCode.init(rawValue:)) }
    }

    /// The newest order codes, for the nearest to a mistyped one.
    public func recentOrderCodes(limit: Int = 500) throws -> [OrderCode] {
        try database.query("SELECT code FROM customerOrder ORDER BY id DESC LIMIT ?", [limit])
            .compactMap { $0[0].string.map(OrderCode.init(rawValue:)) }
    }

    /// When the order was paid (Unix ms), for reports and exports.
    public func paidAt(orderID: Int64) throws -> Int64? {
        try database.query("SELECT paidAt FROM customerOrder WHERE id = ?", [orderID]).first?[0].int64
    }

    /// The kitchen's view: orders placed since `since` (Unix ms), and older ones still in `open` statuses.
    public func payableOrders(since: Int64, orStillIn open: [OrderStatus]) throws -> [PayableOrder] {
        let placeholders = Array(repeating: "?", count: open.count).joined(separator: ", ")
        // Two index searches, not one condition with OR: SQLite reads a year of orders for that.
        return try payableOrders(
            ids: "SELECT id FROM customerOrder WHERE createdAt >= ? UNION ALL "
                + "SELECT id FROM customerOrder WHERE status IN (\(placeholders))",
            [since] + open.map { $0.rawValue as any SQLBindable })
    }

    /// The orders whose ids the query `ids` gives. Asked as a subquery so the search uses an index on its
    /// conditions: with `ORDER BY id` on the whole, SQLite would rather walk every order in id order (a year of them)
    /// and test each.
    private func payableOrders(ids: String, _ arguments: [any SQLBindable]) throws -> [PayableOrder] {
        try database.query(
            """
            SELECT id, code, customerID, status, fulfilment, addressText, latitude, longitude, placeName,
                subtotalKobo, deliveryFeeKobo, totalKobo, currency, paidReference, attention, createdAt, note
            FROM customerOrder WHERE id IN (\(ids)) ORDER BY id
            """, arguments
        ).map { row in
            let id = row[0].int64 ?? 0
            let fulfilment: Fulfilment =
                row[4].string == "delivery"
                ? .delivery(
                    Address(
                        text: row[5].string, latitude: row[6].double, longitude: row[7].double,
                        placeName: row[8].string))
                : .pickup
            return PayableOrder(
                id: id, code: OrderCode(rawValue: row[1].string ?? ""),
                customer: CustomerID(rawValue: row[2].int64 ?? 0),
                status: OrderStatus(rawValue: row[3].string ?? "") ?? .paymentReview, fulfilment: fulfilment,
                lines: try orderLines(id), subtotal: Kobo(Int(row[9].int64 ?? 0)),
                deliveryFee: Kobo(Int(row[10].int64 ?? 0)), total: Kobo(Int(row[11].int64 ?? 0)),
                currency: row[12].string ?? "", paidReference: row[13].string, attention: row[14].string,
                createdAt: row[15].int64 ?? 0, note: row[16].string)
        }
    }

    func orderLines(_ orderID: Int64) throws -> [OrderLine] {
        try database.query(
            """
            SELECT itemID, name, unitPriceKobo, quantity, options, note FROM orderLine WHERE orderID = ?
            ORDER BY position
            """,
            [orderID]
        ).map {
            OrderLine(
                itemID: $0[0].int64 ?? 0, name: $0[1].string ?? "", unitPrice: Kobo(Int($0[2].int64 ?? 0)),
                quantity: Int($0[3].int64 ?? 0),
                options: $0[4].string.flatMap { try? JSONValue.parse(Array($0.utf8)) }.flatMap(StateCoding.options)
                    ?? [],
                note: $0[5].string)
        }
    }

    /// Moves an order to `status` only from one of `from`, in one conditional UPDATE; true when this call moved
    /// it. However many deliveries of one payment arrive, one of them makes the move and the rest see false.
    public func transitionOrder(
        id: Int64, to status: OrderStatus, from: [OrderStatus], now: Int64, paidReference: String? = nil
    ) throws -> Bool {
        let allowed = from.map(\.rawValue)
        let placeholders = Array(repeating: "?", count: allowed.count).joined(separator: ", ")
        let paidAt: Int64? = paidReference == nil ? nil : now
        var arguments: [any SQLBindable] = [status.rawValue, now, paidAt, paidReference, id]
        arguments += allowed.map { $0 as any SQLBindable }
        try database.query(
            """
            UPDATE customerOrder SET status = ?, updatedAt = ?, paidAt = coalesce(?, paidAt),
                paidReference = coalesce(?, paidReference)
            WHERE id = ? AND status IN (\(placeholders))
            """,
            arguments)
        return database.changes == 1
    }

    /// Adds a line to what staff must look at on this order; earlier notes are kept.
    public func addOrderAttention(id: Int64, note: String, now: Int64) throws {
        try database.query(
            """
            UPDATE customerOrder SET attention = CASE WHEN attention IS NULL THEN ? ELSE attention || '; ' || ? END,
                updatedAt = ?
            WHERE id = ?
            """,
            [note, note, now, id])
    }

    // MARK: - Payment attempts

    public func markPaymentPaid(reference: String, transactionID: Int64?, now: Int64) throws {
        try database.query(
            "UPDATE payment SET status = 'paid', transactionID = coalesce(?, transactionID), updatedAt = ? "
                + "WHERE reference = ?",
            [transactionID, now, reference])
    }

    /// Payment attempts with a live link whose order still waits for its money: what reconcile asks Paystack about.
    public struct OpenPayment: Equatable, Sendable {
        public var reference: String
        public var orderID: Int64
        public var orderCode: OrderCode
        public var customer: CustomerID
        /// `initializing`, `link_sent` or `failed` (Paystack refused to create it).
        public var status: String
        /// When the link was sent (or the attempt made, if no link came), Unix ms.
        public var since: Int64
    }

    public func openPayments() throws -> [OpenPayment] {
        try database.query(
            """
            SELECT p.reference, o.id, o.code, o.customerID, p.status, coalesce(p.linkedAt, p.createdAt)
            FROM payment p JOIN customerOrder o ON o.id = p.orderID
            WHERE o.status = 'awaiting_payment' AND p.status IN ('initializing', 'link_sent', 'failed')
            ORDER BY o.id, p.createdAt
            """
        ).map { row in
            OpenPayment(
                reference: row[0].string ?? "", orderID: row[1].int64 ?? 0,
                orderCode: OrderCode(rawValue: row[2].string ?? ""), customer: CustomerID(rawValue: row[3].int64 ?? 0),
                status: row[4].string ?? "", since: row[5].int64 ?? 0)
        }
    }

    public func markPaymentVerified(reference: String, note: String?, now: Int64) throws {
        try database.query(
            "UPDATE payment SET verifiedAt = ?, lastError = coalesce(?, lastError) WHERE reference = ?",
            [now, note.map { String($0.prefix(500)) }, reference])
    }

    /// An expired order's attempts: none of their links should be offered again (`pay` makes a new one).
    public func abandonPayments(orderID: Int64, now: Int64) throws {
        try database.query(
            """
            UPDATE payment SET status = 'abandoned', updatedAt = ?
            WHERE orderID = ? AND status IN ('initializing', 'link_sent', 'failed')
            """,
            [now, orderID])
    }

    // MARK: - Messages out of a payment

    /// Runs a conversation step inside the caller's transaction; returns the outbox rows it added (0 when the
    /// customer has no conversation).
    @discardableResult
    public func stepConversation(of customer: CustomerID, now: Int64, step: Step) throws -> Int {
        guard let stored = try storedConversation(customer, forUpdate: true), let record = try customerRecord(customer)
        else {
            return 0
        }
        let result = try step(Snapshot(state: stored.state, lastInboundAt: stored.lastInboundAt), record)
        try save(result, for: customer, inboundID: nil, now: now, messageArrived: false)
        return result.outbox.count
    }

    /// Outbox rows for no customer (staff notifications): they keep no per-customer order.
    public func enqueue(_ entries: [OutboxEntry], now: Int64) throws {
        for entry in entries {
            try insertOutbox(entry, customer: nil, inboundID: nil, now: now)
        }
    }
}
