import Conversation
import Domain
import PostgresStorage
import Storage
import TestSupport
import Testing

/// `whatsorder db copy --to`: a SQLite database moves to PostgreSQL whole, and the two schemas stay one.
@Suite struct CopyTests {
    /// Every row of every table, as each side reads it back, in a stable order.
    func contents(_ store: Store, _ table: String) throws -> [String] {
        try store.database.query("SELECT * FROM \(table)").map { "\($0.values)" }.sorted()
    }

    @Test func everyRowAndEveryKoboArrives() throws {
        let source = try RetentionTests.history(.sqlite)
        let target = try Backend.postgres.unmigratedStore()
        let report = try source.copy(to: target, batch: 2)
        #expect(report.tables.map(\.name) == Store.copiedTables.map(\.name))
        #expect(report.tables.first { $0.name == "customerOrder" }?.sums["totalKobo"] ?? 0 > 0)
        for table in Store.copiedTables.map(\.name) {
            #expect(try contents(target, table) == contents(source, table), "\(table)")
        }
        // The copy is a working store: ids go on after the copied ones.
        let result = try target.recordInbound(
            .init(
                providerID: "wamid.after-copy", identity: CustomerIdentity(waID: "2348055550000", userID: nil),
                customerName: "Tolu", type: "text", sentAt: nil, summary: "hi"), now: RetentionTests.now
        ) { _, _ in Store.StepResult(state: State(), outbox: [.init(kind: "whatsapp.message", payload: [1])]) }
        #expect(result == .handled(customer: CustomerID(rawValue: 2), outboxRows: 1))
        #expect(try target.database.query("SELECT max(id) FROM outbox").first?[0].int64 == 6)
    }

    @Test func aTargetWithDataIsRefusedAndKeepsItsRows() throws {
        let source = try RetentionTests.history(.sqlite)
        let target = try Backend.postgres.store()
        _ = try target.seedSampleMenu()
        #expect(throws: Store.CopyError.targetNotEmpty(table: "menuCategory", rows: 4)) {
            try source.copy(to: target)
        }
        #expect(try target.database.query("SELECT count(*) FROM customer").first?[0].int64 == 0)
        #expect(try target.database.query("SELECT count(*) FROM menuItem").first?[0].int64 == 11)
    }

    @Test func everyTableIsCopied() throws {
        let store = try Backend.sqlite.store()
        let tables = try store.database.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).compactMap { $0[0].string }
        #expect(
            Set(tables).subtracting(["migration", "menuRevision"]) == Set(Store.copiedTables.map(\.name)))
    }

    /// The PostgreSQL schema is written apart from SQLite's migrations: the same tables with the same columns.
    @Test func bothSchemasHaveTheSameTablesAndColumns() throws {
        let sqlite = try Backend.sqlite.store()
        let postgres = try Backend.postgres.store()
        func sqliteColumns(_ table: String) throws -> [String] {
            try sqlite.database.query("SELECT name FROM pragma_table_info(?) ORDER BY name", [table])
                .compactMap { $0[0].string?.lowercased() }.sorted()
        }
        func postgresColumns(_ table: String) throws -> [String] {
            try postgres.database.query(
                """
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = lower(?)
                """, [table]
            ).compactMap { $0[0].string }.sorted()
        }
        for table in Store.copiedTables.map(\.name) + ["menuRevision"] {
            #expect(try postgresColumns(table) == sqliteColumns(table), "\(table)")
        }
    }
}
