/// `whatsorder db copy --to URL`: moving a restaurant from its SQLite file to PostgreSQL while it keeps serving.
extension Store {
    /// A table the copy moves, and the sums of money it checks in it.
    public struct CopiedTable: Sendable {
        public var name: String
        /// Expressions summed on both sides after the copy: kobo must arrive to the last one.
        public var money: [String]
    }

    /// Every table of the schema, parents before children (foreign keys are checked row by row on PostgreSQL).
    /// Not copied: `migration` (the target has its own) and `menuRevision` (the target's triggers keep it).
    /// `StoreTests` fails when a migration adds a table that is not here.
    public static let copiedTables: [CopiedTable] = [
        .init(name: "customer", money: []),
        .init(name: "conversation", money: []),
        .init(name: "inboundMessage", money: []),
        .init(name: "outbox", money: []),
        .init(name: "outboundMessage", money: []),
        .init(name: "messageStatus", money: []),
        .init(name: "menuCategory", money: []),
        .init(name: "menuItem", money: ["priceKobo"]),
        .init(name: "optionGroup", money: []),
        .init(name: "menuOption", money: ["priceKobo"]),
        .init(name: "keptBody", money: []),
        .init(name: "customerOrder", money: ["subtotalKobo", "deliveryFeeKobo", "totalKobo"]),
        .init(name: "orderLine", money: ["unitPriceKobo * quantity"]),
        .init(name: "payment", money: ["amountKobo"]),
        .init(name: "paymentEvent", money: ["amountKobo"]),
        .init(name: "refund", money: ["amountKobo"]),
        .init(name: "staffInbound", money: []),
        .init(name: "relay", money: []),
        .init(name: "chatMessage", money: []),
        .init(name: "setting", money: []),
        .init(name: "catalogItem", money: []),
    ]

    public struct CopyReport: Equatable, Sendable {
        public struct Table: Equatable, Sendable {
            public var name: String
            public var rows: Int
            /// Each money expression with its sum, equal on both sides.
            public var sums: [String: Int64]
        }
        public var tables: [Table]
    }

    public enum CopyError: Error, Equatable, CustomStringConvertible {
        case sourceNotSQLite
        case targetNotEmpty(table: String, rows: Int)
        case mismatch(table: String, what: String, source: Int64, target: Int64)

        public var description: String {
            switch self {
            case .sourceNotSQLite:
                return "the copy reads a SQLite database (DATABASE_URL names another)"
            case .targetNotEmpty(let table, let rows):
                return "the target is not empty (\(table) has \(rows) rows): copy into a new, empty database"
            case .mismatch(let table, let what, let source, let target):
                return "\(table): \(what) is \(source) here and \(target) in the copy; nothing was kept"
            }
        }
    }

    /// Copies every row into `target` (migrated here first; it must hold no data) and checks that each table has
    /// as many rows, and each sum of money the same total, on both sides.
    ///
    /// Consistent: the rows are read inside one read transaction, so the copy is this database as of one commit,
    /// while the handlers go on writing (WAL). All or nothing: everything is written, and checked, inside one
    /// transaction of the target, so a failure or a mismatch leaves it empty. Ids are kept (an order's, a
    /// customer's), and the target's id sequences are moved past them.
    public func copy(to target: Store, batch: Int = 500) throws -> CopyReport {
        guard database.dialect == .sqlite else { throw CopyError.sourceNotSQLite }
        try target.migrate()
        return try database.readTransaction {
            try target.database.immediateTransaction {
                var report = CopyReport(tables: [])
                for table in Self.copiedTables {
                    let rows = try target.count(table.name)
                    if rows > 0 { throw CopyError.targetNotEmpty(table: table.name, rows: rows) }
                }
                for table in Self.copiedTables {
                    try copyRows(of: table.name, to: target, batch: batch)
                }
                if target.database.dialect == .postgres {
                    for table in Self.copiedTables where try target.hasIdentity(table.name) {
                        try target.database.query(
                            "SELECT setval(pg_get_serial_sequence(?, 'id'), coalesce(max(id), 0) + 1, false) FROM "
                                + table.name, [table.name])
                    }
                }
                for table in Self.copiedTables {
                    let rows = try count(table.name)
                    let copied = try target.count(table.name)
                    guard rows == copied else {
                        throw CopyError.mismatch(
                            table: table.name, what: "the number of rows", source: Int64(rows), target: Int64(copied))
                    }
                    var sums: [String: Int64] = [:]
                    for money in table.money {
                        let here = try sum(money, in: table.name)
                        let there = try target.sum(money, in: table.name)
                        guard here == there else {
                            throw CopyError.mismatch(
                                table: table.name, what: "sum(\(money))", source: here, target: there)
                        }
                        sums[money] = here
                    }
                    report.tables.append(.init(name: table.name, rows: rows, sums: sums))
                }
                return report
            }
        }
    }

    /// Reads the rows in `rowid` order, a batch at a time, and writes each batch as one multi-row INSERT.
    private func copyRows(of table: String, to target: Store, batch: Int) throws {
        let columns = try database.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [table])
            .compactMap { $0[0].string }
        let list = columns.joined(separator: ", ")
        // PostgreSQL takes at most 65,535 parameters in one statement.
        let perInsert = max(1, min(batch, 60_000 / max(1, columns.count)))
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var after: Int64 = -1
        while true {
            let rows = try database.query(
                "SELECT rowid, \(list) FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT ?", [after, perInsert])
            guard let last = rows.last?[0].int64 else { return }
            after = last
            var values: [any SQLBindable] = []
            values.reserveCapacity(rows.count * columns.count)
            for row in rows { values.append(contentsOf: row.values.dropFirst().map { $0 as any SQLBindable }) }
            try target.database.query(
                "INSERT INTO \(table) (\(list)) VALUES "
                    + Array(repeating: placeholders, count: rows.count).joined(separator: ", "), values)
        }
    }

    func count(_ table: String) throws -> Int {
        Int(try database.query("SELECT count(*) FROM \(table)").first?[0].int64 ?? 0)
    }

    private func sum(_ expression: String, in table: String) throws -> Int64 {
        try database.query("SELECT coalesce(sum(\(expression)), 0) FROM \(table)").first?[0].int64 ?? 0
    }

    private func hasIdentity(_ table: String) throws -> Bool {
        try database.query(
            """
            SELECT 1 FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = lower(?) AND column_name = 'id'
              AND is_identity = 'YES'
            """, [table]
        ).isEmpty == false
    }
}
