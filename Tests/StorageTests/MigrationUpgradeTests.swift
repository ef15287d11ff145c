import Domain
import Testing

@testable import Storage

/// v3 rebuilds the order table (SQLite cannot widen a CHECK in place). A database with orders from before must come
/// through with every order, line and payment still joined up, and with foreign keys enforced again afterwards.
@Suite struct MigrationUpgradeTests {
    @Test func theOrderTableRebuildKeepsEveryOrderLineAndPayment() throws {
        let store = Store(database: try Database(location: .memory))
        try store.database.execute(
            "CREATE TABLE migration (name TEXT PRIMARY KEY, appliedAt INTEGER NOT NULL)")
        for (index, migration) in Migrations.all.prefix(2).enumerated() {
            try store.database.execute(migration.sql)
            try store.database.query("INSERT INTO migration (name, appliedAt) VALUES (?, 0)", [migration.name])
            try store.database.execute("PRAGMA user_version = \(index + 1)")
        }
        try store.database.execute(
            """
            INSERT INTO customer (id, waID, name, createdAt) VALUES (7, '2348012345678', 'Ada', 0);
            INSERT INTO customerOrder (id, code, customerID, status, fulfilment, addressText, subtotalKobo,
                deliveryFeeKobo, totalKobo, currency, email, emailIsPlaceholder, createdAt, updatedAt)
            VALUES (3, 'WO-OLD23456', 7, 'awaiting_payment', 'delivery', '12 Admiralty Way', 500000, 50000, 550000,
                'NGN', 'ada@example.com', 0, 10, 10),
                (4, 'WO-OLD23457', 7, 'cancelled', 'pickup', NULL, 250000, 0, 250000, 'NGN', 'ada@example.com', 0, 20,
                20);
            INSERT INTO orderLine (orderID, position, itemID, name, unitPriceKobo, quantity)
            VALUES (3, 1, 1, 'Jollof Rice & Chicken', 250000, 2), (4, 1, 1, 'Jollof Rice & Chicken', 250000, 1);
            INSERT INTO payment (reference, orderID, amountKobo, currency, email, status, createdAt, updatedAt)
            VALUES ('WO-OLD23456-1', 3, 550000, 'NGN', 'ada@example.com', 'link_sent', 10, 10);
            """)
        #expect(
            try store.schemaStatus()
                == .behind(missing: [
                    "v3-payments", "v4-staff", "v5-uncertain-sends", "v6-unfinished-outbox", "v7-menu-aliases",
                    "v8-refunds", "v9-staff-chats", "v10-settings", "v11-lease-owners", "v12-staff-lanes",
                    "v13-kept-body-digests", "v14-retention", "v15-orders-by-time", "v16-options-notes-pictures",
                    "v17-catalog-sync",
                ]))

        #expect(
            try store.migrate(now: 1) == [
                "v3-payments", "v4-staff", "v5-uncertain-sends", "v6-unfinished-outbox", "v7-menu-aliases",
                "v8-refunds", "v9-staff-chats", "v10-settings", "v11-lease-owners", "v12-staff-lanes",
                "v13-kept-body-digests", "v14-retention", "v15-orders-by-time", "v16-options-notes-pictures",
                "v17-catalog-sync",
            ])

        let orders = try store.orders()
        #expect(orders.map(\.code.rawValue) == ["WO-OLD23456", "WO-OLD23457"])
        #expect(orders.map(\.status) == ["awaiting_payment", "cancelled"])
        #expect(orders.first?.lines.map(\.quantity) == [2])
        #expect(orders.first?.addressText == "12 Admiralty Way")
        #expect(try store.payableOrder(paymentReference: "WO-OLD23456-1")?.total == Kobo(550_000))
        #expect(try store.payments().map(\.orderCode.rawValue) == ["WO-OLD23456"])
        #expect(try store.database.query("PRAGMA foreign_key_check").isEmpty)
        #expect(try store.database.query("PRAGMA foreign_keys").first?[0].int64 == 1)
        // The new statuses are allowed, and the CHECK still refuses nonsense.
        #expect(try store.transitionOrder(id: 3, to: .expired, from: [.awaitingPayment], now: 2))
        #expect(throws: StorageError.self) {
            try store.database.query("UPDATE customerOrder SET status = 'lost' WHERE id = 3")
        }
        // A line pointing at no order is still refused: foreign keys are on again after the migration.
        #expect(throws: StorageError.self) {
            try store.database.query(
                "INSERT INTO orderLine (orderID, position, itemID, name, unitPriceKobo, quantity) "
                    + "VALUES (99, 1, 1, 'x', 1, 1)")
        }
    }
}
