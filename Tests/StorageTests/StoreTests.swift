import Conversation
import Domain
import Foundation
import PostgresStorage
import TestSupport
import Testing

@testable import Storage

@Suite struct MigrationTests {
    @Test func migrationNamesArePinned() {
        // Append only: a shipped migration is never renamed, reordered or removed.
        #expect(
            Migrations.all.map(\.name) == [
                "v1-platform", "v2-ordering", "v3-payments", "v4-staff", "v5-uncertain-sends",
                "v6-unfinished-outbox", "v7-menu-aliases", "v8-refunds", "v9-staff-chats", "v10-settings",
                "v11-lease-owners", "v12-staff-lanes", "v13-kept-body-digests", "v14-retention", "v15-orders-by-time",
                "v16-options-notes-pictures", "v17-catalog-sync",
            ])
    }

    @Test func migrateIsIdempotentAndReportsTheSchema() throws {
        let store = Store(database: try Database(location: .memory))
        #expect(
            try store.schemaStatus()
                == .behind(missing: [
                    "v1-platform", "v2-ordering", "v3-payments", "v4-staff", "v5-uncertain-sends",
                    "v6-unfinished-outbox", "v7-menu-aliases", "v8-refunds", "v9-staff-chats", "v10-settings",
                    "v11-lease-owners", "v12-staff-lanes", "v13-kept-body-digests", "v14-retention",
                    "v15-orders-by-time", "v16-options-notes-pictures", "v17-catalog-sync",
                ]))
        #expect(
            try store.migrate(now: 1) == [
                "v1-platform", "v2-ordering", "v3-payments", "v4-staff", "v5-uncertain-sends",
                "v6-unfinished-outbox", "v7-menu-aliases", "v8-refunds", "v9-staff-chats", "v10-settings",
                "v11-lease-owners", "v12-staff-lanes", "v13-kept-body-digests", "v14-retention", "v15-orders-by-time",
                "v16-options-notes-pictures", "v17-catalog-sync",
            ])
        #expect(try store.migrate(now: 2) == [])
        #expect(try store.schemaStatus() == .current)
        #expect(
            try store.appliedMigrations() == [
                "v1-platform", "v2-ordering", "v3-payments", "v4-staff", "v5-uncertain-sends",
                "v6-unfinished-outbox", "v7-menu-aliases", "v8-refunds", "v9-staff-chats", "v10-settings",
                "v11-lease-owners", "v12-staff-lanes", "v13-kept-body-digests", "v14-retention", "v15-orders-by-time",
                "v16-options-notes-pictures", "v17-catalog-sync",
            ])
    }

    /// Two boxes deployed together run `migrate` at the same moment: on PostgreSQL they take turns on the
    /// advisory lock, so the migrations are applied once, by one of them, and both succeed.
    @Test func twoMigrationsAtOnceApplyEachMigrationOnce() throws {
        let url = try Backend.freshSchemaURL()
        let applied = Locked<[[String]]>([])
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            do {
                let store = Store(database: try PostgresDatabase(url: url))
                defer { store.close() }
                let names = try store.migrate()
                applied.mutate { $0.append(names) }
            } catch {
                failures.mutate { $0.append("\(error)") }
            }
        }
        #expect(failures.value.isEmpty)
        #expect(applied.value.flatMap { $0 }.sorted() == Migrations.all.map(\.name).sorted())
        let store = Store(database: try PostgresDatabase(url: url))
        defer { store.close() }
        #expect(try store.appliedMigrations() == Migrations.all.map(\.name))
        #expect(try store.schemaStatus() == .current)
    }

    @Test func handlersNeverCreateADatabase() throws {
        let path = NSTemporaryDirectory() + "whatsorder-missing-\(UUID().uuidString).sqlite3"
        #expect(throws: StorageError.self) { try Store.open(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

@Suite struct MenuTests {
    @Test(arguments: Backend.allCases) func seedingTwiceChangesNothing(_ backend: Backend) throws {
        let store = try backend.store()
        #expect(try store.seedSampleMenu() == .init(categoriesAdded: 4, itemsAdded: 11))
        try store.database.query("UPDATE menuItem SET priceKobo = 260000 WHERE name = 'Jollof Rice & Chicken'")
        #expect(try store.seedSampleMenu() == .init(categoriesAdded: 0, itemsAdded: 0))
        let menu = try store.loadMenu()
        #expect(menu.categories.map(\.name) == ["Main Dishes", "Sides", "Drinks", "Desserts"])
        #expect(menu.items.count == 11)
        // A re-seed must not undo a restaurant's own price change.
        #expect(menu.items.first { $0.name == "Jollof Rice & Chicken" }?.price == Kobo(260000))
        #expect(menu.items.first { $0.name == "Zobo Drink" }?.price == Kobo(60000))
    }

    @Test(arguments: Backend.allCases) func negativePricesAreRefusedByTheSchema(_ backend: Backend) throws {
        let store = try backend.store()
        _ = try store.seedSampleMenu()
        #expect(throws: StorageError.self) {
            try store.database.query("UPDATE menuItem SET priceKobo = -1 WHERE name = 'Zobo Drink'")
        }
    }
}

@Suite struct InboundTests {
    func record(_ id: String, waID: String? = "2348000000001", userID: String? = nil, name: String? = "Ada")
        -> Store.InboundRecord
    {
        .init(
            providerID: id, identity: CustomerIdentity(waID: waID, userID: userID), customerName: name, type: "text",
            sentAt: 1_000, summary: nil)
    }

    func reply(_ snapshot: Store.Snapshot, _ customer: Store.CustomerRecord) -> Store.StepResult {
        Store.StepResult(
            state: State(step: .choosingCategory), outbox: [.init(kind: "whatsapp.message", payload: Array("{}".utf8))])
    }

    @Test(arguments: Backend.allCases) func aRedeliveryIsRecognisedByTheUniqueKeyAndChangesNothing(_ backend: Backend)
        throws
    {
        let store = try backend.store()
        let first = try store.recordInbound(record("wamid.A"), now: 10, step: reply)
        guard case .handled(let customer, 1) = first else {
            Issue.record("expected handled, got \(first)")
            return
        }
        let second = try store.recordInbound(record("wamid.A"), now: 20) { _, _ in
            Issue.record("the step must not run for a duplicate")
            return Store.StepResult(state: State(), outbox: [])
        }
        #expect(second == .duplicate)
        #expect(try store.outboxRows().count == 1)
        #expect(try store.conversationState(for: customer)?.version == 1)
        #expect(try store.conversationState(for: customer)?.state == State(step: .choosingCategory))
    }

    @Test(arguments: Backend.allCases) func aCustomerKeepsOneIdWhenMetaAddsTheBusinessScopedId(_ backend: Backend)
        throws
    {
        let store = try backend.store()
        let a = try store.recordInbound(record("wamid.1", waID: "2348000000001", userID: nil), now: 1, step: reply)
        let b = try store.recordInbound(
            record("wamid.2", waID: "2348000000001", userID: "NG.123", name: nil), now: 2, step: reply)
        let c = try store.recordInbound(record("wamid.3", waID: nil, userID: "NG.123"), now: 3, step: reply)
        guard case .handled(let first, _) = a, case .handled(let second, _) = b, case .handled(let third, _) = c else {
            Issue.record("expected three handled messages")
            return
        }
        #expect(first == second)
        #expect(second == third)
        let rows = try store.database.query("SELECT waID, userID, name FROM customer")
        #expect(rows.count == 1)
        #expect(rows.first?[1].string == "NG.123")
        // A missing profile name does not erase the one we had.
        #expect(rows.first?[2].string == "Ada")
    }

    @Test(arguments: Backend.allCases) func aFailingStepRollsEverythingBack(_ backend: Backend) throws {
        struct Boom: Error {}
        let store = try backend.store()
        #expect(throws: Boom.self) {
            try store.recordInbound(record("wamid.X"), now: 1) { _, _ in throw Boom() }
        }
        #expect(try store.database.query("SELECT count(*) FROM inboundMessage").first?[0].int64 == 0)
        #expect(try store.database.query("SELECT count(*) FROM customer").first?[0].int64 == 0)
        // …so the redelivery is handled as new, not skipped as a duplicate.
        #expect(try store.recordInbound(record("wamid.X"), now: 2, step: reply) != .duplicate)
    }

    /// Two processes on one file: two connections writing the same customer at once. BEGIN IMMEDIATE makes them
    /// take turns, so no message is lost and the state version counts every one.
    @Test func twoConnectionsOnOneFileLoseNothing() throws {
        let path = NSTemporaryDirectory() + "whatsorder-\(UUID().uuidString).sqlite3"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let setup = try Store.open(path: path, create: true)
        try setup.migrate()
        setup.close()
        let perWriter = 40
        let errors = Locked<[String]>([])
        let group = DispatchGroup()
        for writer in 0..<2 {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let store = try Store.open(path: path)
                    defer { store.close() }
                    for index in 0..<perWriter {
                        _ = try store.recordInbound(self.record("wamid.\(writer).\(index)"), now: Int64(index)) {
                            snapshot, customer in
                            // Hold the transaction a moment so the two writers really overlap.
                            usleep(200)
                            return self.reply(snapshot, customer)
                        }
                    }
                } catch {
                    errors.mutate { $0.append("\(error)") }
                }
            }.start()
        }
        group.wait()
        #expect(errors.value.isEmpty)
        let store = try Store.open(path: path)
        defer { store.close() }
        #expect(try store.database.query("SELECT count(*) FROM inboundMessage").first?[0].int64 == Int64(2 * perWriter))
        #expect(try store.database.query("SELECT version FROM conversation").first?[0].int64 == Int64(2 * perWriter))
        #expect(try store.outboxRows().count == 2 * perWriter)
    }
}

@Suite struct OutboxTests {
    func storeWithRows(_ customers: [String], _ backend: Backend) throws -> Store {
        let store = try backend.store()
        for (index, waID) in customers.enumerated() {
            _ = try store.recordInbound(
                .init(
                    providerID: "wamid.\(index)", identity: CustomerIdentity(waID: waID, userID: nil),
                    customerName: nil, type: "text", sentAt: nil, summary: nil), now: 100
            ) { _, _ in
                Store.StepResult(
                    state: State(), outbox: [.init(kind: "whatsapp.message", payload: Array("{\"n\":\(index)}".utf8))])
            }
        }
        return store
    }

    @Test(arguments: Backend.allCases) func aCustomersRepliesLeaveInOrder(_ backend: Backend) throws {
        let store = try storeWithRows(["1", "1", "2"], backend)
        let first = try store.claimDueOutbox(now: 100, leaseMilliseconds: 1000, limit: 10)
        // Customer 1's second row waits for its first; customer 2 is independent.
        #expect(first.map(\.id) == [1, 3])
        #expect(try store.claimDueOutbox(now: 100, leaseMilliseconds: 1000, limit: 10).isEmpty)
        try store.markOutboxSent(id: 1, wamid: "wamid.out1", now: 101)
        #expect(try store.claimDueOutbox(now: 101, leaseMilliseconds: 1000, limit: 10).map(\.id) == [2])
    }

    @Test(arguments: Backend.allCases) func aLeaseExpiresSoACrashedSenderLosesNothing(_ backend: Backend) throws {
        let store = try storeWithRows(["1"], backend)
        #expect(try store.claimDueOutbox(now: 100, leaseMilliseconds: 1000, limit: 10).map(\.attempts) == [1])
        #expect(try store.claimDueOutbox(now: 1099, leaseMilliseconds: 1000, limit: 10).isEmpty)
        #expect(try store.claimDueOutbox(now: 1101, leaseMilliseconds: 1000, limit: 10).map(\.attempts) == [2])
    }

    @Test(arguments: Backend.allCases) func aRescheduledRowWaitsForItsTime(_ backend: Backend) throws {
        let store = try storeWithRows(["1"], backend)
        _ = try store.claimDueOutbox(now: 100, leaseMilliseconds: 1000, limit: 10)
        try store.rescheduleOutbox(id: 1, nextAttemptAt: 500, error: "HTTP 500", code: nil)
        #expect(try store.nextOutboxDue() == 500)
        #expect(try store.claimDueOutbox(now: 499, leaseMilliseconds: 1000, limit: 10).isEmpty)
        #expect(try store.claimDueOutbox(now: 500, leaseMilliseconds: 1000, limit: 10).count == 1)
    }

    @Test(arguments: Backend.allCases) func statusesApplyInRankOrderEvenWhenTheyArriveFirst(_ backend: Backend) throws {
        let store = try storeWithRows(["1"], backend)
        _ = try store.claimDueOutbox(now: 100, leaseMilliseconds: 1000, limit: 10)
        // Meta's `read` beats its own HTTP answer: it is parked, then applied when the wamid is known.
        try store.recordStatus(
            wamid: "wamid.out", status: "read", occurredAt: 150, errorCode: nil, errorTitle: nil, errorDetails: nil,
            now: 150)
        try store.markOutboxSent(id: 1, wamid: "wamid.out", now: 200)
        #expect(try store.outboundStatus(wamid: "wamid.out")?.status == "read")
        try store.recordStatus(
            wamid: "wamid.out", status: "delivered", occurredAt: 140, errorCode: nil, errorTitle: nil,
            errorDetails: nil, now: 210)
        #expect(try store.outboundStatus(wamid: "wamid.out")?.status == "read")
        // A repeated status is logged once.
        try store.recordStatus(
            wamid: "wamid.out", status: "read", occurredAt: 150, errorCode: nil, errorTitle: nil, errorDetails: nil,
            now: 220)
        #expect(try store.database.query("SELECT count(*) FROM messageStatus").first?[0].int64 == 2)
        try store.recordStatus(
            wamid: "wamid.out", status: "failed", occurredAt: 300, errorCode: 131026, errorTitle: "Undeliverable",
            errorDetails: nil, now: 300)
        #expect(
            try store.outboundStatus(wamid: "wamid.out")
                == .init(wamid: "wamid.out", status: "failed", errorCode: 131026))
    }

    @Test(arguments: Backend.allCases) func aStatusForAnUnknownMessageIsKeptNotFatal(_ backend: Backend) throws {
        let store = try backend.store()
        try store.recordStatus(
            wamid: "wamid.never-sent", status: "delivered", occurredAt: nil, errorCode: nil, errorTitle: nil,
            errorDetails: nil, now: 1)
        #expect(try store.database.query("SELECT count(*) FROM messageStatus").first?[0].int64 == 1)
    }
}

@Suite struct MenuCacheTests {
    @Test(arguments: Backend.allCases) func aCachedMenuFollowsEveryChange(_ backend: Backend) throws {
        let store = try backend.store()
        _ = try store.seedSampleMenu()
        #expect(try store.loadMenu().items.first { $0.name == "Zobo Drink" }?.available == true)
        // Another connection (staff's CLI) marks it sold out: the next read sees it.
        try store.database.query("UPDATE menuItem SET available = 0 WHERE name = 'Zobo Drink'")
        #expect(try store.loadMenu().items.first { $0.name == "Zobo Drink" }?.available == false)
        try store.database.query("DELETE FROM menuItem WHERE name = 'Zobo Drink'")
        #expect(try store.loadMenu().items.contains { $0.name == "Zobo Drink" } == false)
    }
}

@Suite struct OptimisticStepTests {
    /// The step computed outside the lock is discarded when the state moved on in between; the step then runs
    /// again on the newer state inside the transaction.
    @Test(arguments: Backend.allCases) func aStepOnAStaleStateIsRedoneUnderTheLock(_ backend: Backend) throws {
        let store = try backend.store()
        let identity = CustomerIdentity(waID: "2348000000009", userID: nil)
        func record(_ id: String) -> Store.InboundRecord {
            .init(providerID: id, identity: identity, customerName: nil, type: "text", sentAt: nil, summary: nil)
        }
        _ = try store.recordInbound(record("wamid.1"), now: 1) { _, _ in
            Store.StepResult(state: State(step: .new), outbox: [])
        }
        // On PostgreSQL the other process is another connection: the optimistic read is a read-only transaction.
        let other = try backend.anotherConnection(to: store)
        var seen: [State.Step] = []
        var interfered = false
        _ = try store.recordInbound(record("wamid.2"), now: 2) { snapshot, customer in
            let state = snapshot.state
            seen.append(state.step)
            if !interfered {
                interfered = true
                // Another process advances this conversation between the optimistic read and the lock.
                try other.database.query(
                    "UPDATE conversation SET state = ?, version = version + 1 WHERE customerID = ?",
                    [#"{"step":"choosingCategory"}"#, customer.id.rawValue])
            }
            return Store.StepResult(state: state, outbox: [])
        }
        #expect(seen == [.new, .choosingCategory])
        #expect(try store.conversationState(for: CustomerID(rawValue: 1))?.version == 3)
    }
}

/// A sender that starts takes back at once the rows of one that is gone, and counts them as possible duplicates.
@Suite struct LeaseReclaimTests {
    @Test(arguments: Backend.allCases) func rowsOfAGoneSenderAreDueAtOnceAndCounted(_ backend: Backend) throws {
        let store = try backend.store()
        try store.enqueue(
            [
                Store.OutboxEntry(kind: "paystack.initialize", payload: [1]),
                Store.OutboxEntry(kind: "paystack.initialize", payload: [2]),
            ], now: 1)
        #expect(try store.claimDueOutbox(now: 100, leaseMilliseconds: 60_000, limit: 1, owner: "11:500").count == 1)
        #expect(try store.claimDueOutbox(now: 100, leaseMilliseconds: 60_000, limit: 1, owner: "12:600").count == 1)
        // Both leases run a minute: nothing is due.
        #expect(try store.claimDueOutbox(now: 200, leaseMilliseconds: 60_000, limit: 10, owner: "13:700").isEmpty)
        // Sender 11 is gone, 12 still runs.
        #expect(try store.reclaimLeases { $0 == "12:600" } == 1)
        let again = try store.claimDueOutbox(now: 300, leaseMilliseconds: 60_000, limit: 10, owner: "13:700")
        #expect(again.map(\.attempts) == [2])
        // Counted on its row, as any send that may have reached Meta (outbox status sums them once sent).
        #expect(
            try store.database.query("SELECT uncertainSends FROM outbox ORDER BY id").map { $0[0].int64 } == [1, 0])
        #expect(try store.reclaimLeases { _ in true } == 0)
    }
}
