import Storage
import TestSupport
import Testing

/// `prune`: what is older than the window goes, the restaurant's books stay (issue 18, retention).
@Suite struct RetentionTests {
    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_764_000_000_000
    static let old = now - 100 * day
    static let recent = now - 2 * day

    /// A customer with an order paid and refunded 100 days ago, the messages and sends of that time, and the same
    /// kinds of rows from two days ago.
    static func history(_ backend: Backend) throws -> Store {
        let store = try backend.store()
        let (old, recent) = (Self.old, Self.recent)
        try store.database.execute(
            backend.literals(
                """
                INSERT INTO customer (id, waID, name, createdAt) VALUES (1, '2348012345678', 'Ada', \(old));
                INSERT INTO conversation (customerID, state, version, updatedAt, lastInboundAt)
                    VALUES (1, '{"step":"idle"}', 3, \(old), \(old));
                INSERT INTO inboundMessage (id, providerID, customerID, type, receivedAt, summary) VALUES
                    (1, 'wamid.OLD1', 1, 'text', \(old), '2 jollof to 12 Admiralty Way'),
                    (2, 'wamid.OLD2', 1, 'text', \(old), 'still waiting for its reply'),
                    (3, 'wamid.NEW1', 1, 'text', \(recent), 'hi again');
                INSERT INTO outbox (id, kind, customerID, inboundMessageID, payload, status, nextAttemptAt, createdAt)
                    VALUES
                    (1, 'whatsapp.message', 1, 1, x'7b7d', 'sent', \(old), \(old)),
                    (2, 'whatsapp.message', 1, 2, x'7b7d', 'pending', \(old), \(old)),
                    (3, 'paystack.refund', 1, NULL, x'7b7d', 'sent', \(old), \(old)),
                    (4, 'whatsapp.message', 1, 3, x'7b7d', 'sent', \(recent), \(recent)),
                    (5, 'whatsapp.message', 1, NULL, x'7b7d', 'failed', \(old), \(old));
                INSERT INTO outboundMessage (outboxID, wamid, customerID, status, statusRank, createdAt) VALUES
                    (1, 'wamid.OUT1', 1, 'read', 4, \(old)), (4, 'wamid.OUT4', 1, 'sent', 2, \(recent));
                INSERT INTO relay (outboxID, customerID) VALUES (1, 1);
                INSERT INTO messageStatus (wamid, status, statusRank, receivedAt) VALUES
                    ('wamid.OUT1', 'read', 4, \(old)), ('wamid.OUT4', 'sent', 2, \(recent));
                INSERT INTO keptBody (source, reason, receivedAt, body) VALUES
                    ('whatsapp', 'undecodable', \(old), x'7b'), ('paystack', 'undecodable', \(recent), x'7b');
                INSERT INTO chatMessage (customerID, author, who, body, createdAt) VALUES
                    (1, 'customer', NULL, 'where is my food', \(old)), (1, 'staff', 'bola', 'on its way', \(recent));
                INSERT INTO staffInbound (providerID, number, receivedAt) VALUES
                    ('wamid.STAFF1', '2348090000001', \(old)), ('wamid.STAFF2', '2348090000001', \(recent));
                INSERT INTO customerOrder (id, code, customerID, status, fulfilment, subtotalKobo, deliveryFeeKobo,
                    totalKobo, currency, email, emailIsPlaceholder, createdAt, updatedAt)
                    VALUES (1, 'WO-OLD1', 1, 'refunded', 'pickup', 500000, 0, 500000, 'NGN', 'a@example.com', 0,
                    \(old), \(old));
                INSERT INTO orderLine (orderID, position, itemID, name, unitPriceKobo, quantity)
                    VALUES (1, 1, 1, 'Jollof Rice & Chicken', 250000, 2);
                INSERT INTO payment (reference, orderID, amountKobo, currency, email, status, createdAt, updatedAt)
                    VALUES ('WO-OLD1-1', 1, 500000, 'NGN', 'a@example.com', 'paid', \(old), \(old));
                INSERT INTO paymentEvent (source, event, eventKey, reference, orderID, outcome, receivedAt)
                    VALUES ('webhook', 'charge.success', 'WO-OLD1-1', 'WO-OLD1-1', 1, 'confirmed', \(old));
                INSERT INTO refund (orderID, reference, amountKobo, currency, reason, requestedBy, status, outboxID,
                    createdAt, updatedAt)
                    VALUES (1, 'WO-OLD1-1', 500000, 'NGN', 'cold food', 'staff', 'processed', 3, \(old), \(old));
                """))
        return store
    }

    func ids(_ store: Store, _ sql: String) throws -> [Int64] {
        try store.database.query(sql).compactMap { $0[0].int64 }
    }

    @Test(arguments: Backend.allCases) func pruneRemovesWhatIsOldAndKeepsTheBooks(_ backend: Backend) throws {
        let store = try Self.history(backend)
        let report = try store.prune(olderThan: Self.now - 30 * Self.day, batch: 1)
        // Old: the finished sends (not the one a refund names, not the one still pending), what pointed at them,
        // their statuses, the message whose reply was sent, the kept body, the thread line, the staff message.
        #expect(try ids(store, "SELECT id FROM outbox ORDER BY id") == [2, 3, 4])
        #expect(try ids(store, "SELECT outboxID FROM outboundMessage") == [4])
        #expect(try ids(store, "SELECT count(*) FROM relay") == [0])
        #expect(try store.database.query("SELECT wamid FROM messageStatus").map { $0[0].string } == ["wamid.OUT4"])
        #expect(try ids(store, "SELECT id FROM inboundMessage ORDER BY id") == [2, 3])
        #expect(try store.database.query("SELECT source FROM keptBody").map { $0[0].string } == ["paystack"])
        #expect(try store.database.query("SELECT body FROM chatMessage").map { $0[0].string } == ["on its way"])
        #expect(
            try store.database.query("SELECT providerID FROM staffInbound").map { $0[0].string } == ["wamid.STAFF2"])
        var expected = Store.PruneReport()
        expected.keptBodies = 1
        expected.outboxRows = 2
        expected.outboundMessages = 1
        expected.relays = 1
        expected.messageStatuses = 1
        expected.inboundMessages = 1
        expected.chatMessages = 1
        expected.staffMessages = 1
        #expect(report == expected)
        // The books and the customer are whole.
        for table in ["customer", "conversation", "customerOrder", "orderLine", "payment", "paymentEvent", "refund"] {
            #expect(try ids(store, "SELECT count(*) FROM \(table)") == [1], "\(table)")
        }
        if backend == .sqlite { #expect(try store.database.query("PRAGMA foreign_key_check").isEmpty) }
        // Nothing left to do the second time.
        #expect(try store.prune(olderThan: Self.now - 30 * Self.day).total == 0)
    }

    @Test(arguments: Backend.allCases) func aWindowLongerThanTheHistoryRemovesNothing(_ backend: Backend) throws {
        let store = try Self.history(backend)
        #expect(try store.prune(olderThan: Self.now - 365 * Self.day).total == 0)
        #expect(try ids(store, "SELECT count(*) FROM outbox") == [5])
    }

    @Test func theIndexThatKeepsDeletingInboundMessagesCheapIsUsed() throws {
        let store = try Self.history(.sqlite)
        let plan = try store.database.query(
            "EXPLAIN QUERY PLAN SELECT 1 FROM outbox WHERE inboundMessageID = 1"
        ).compactMap { $0[3].string }
        #expect(plan.contains { $0.contains("outboxInbound") }, "\(plan)")
    }
}
