import Conversation
import Crypto
import Domain
import FoundationEssentials

/// The only door to the database. Methods are named after what they mean for the restaurant, and each one that
/// writes is one IMMEDIATE transaction; nothing outside this module sees SQL.
public final class Store {
    public let database: any SQLDatabase
    private var cachedMenu: (revision: Int64, menu: Menu)?
    private var cachedSettings: (revision: Int64, base: Settings, settings: Settings)?
    /// Migrations only ever append, so once a connection has seen a current schema it stays current.
    private var schemaSeenCurrent = false

    public init(database: any SQLDatabase) {
        self.database = database
    }

    /// The SQLite connection, for what only SQLite has (the online backup); nil on PostgreSQL.
    public var sqlite: Database? { database as? Database }

    private var postgres: Bool { database.dialect == .postgres }

    /// On PostgreSQL, the statement with ` FOR UPDATE`; SQLite has no row locks, and needs none under its one
    /// writer. Both texts are literals: the message path builds no SQL.
    func locking(_ sqlite: StaticString, _ postgres: StaticString) -> String {
        (database.dialect == .postgres ? postgres : sqlite).description
    }

    /// Opens the database a `DATABASE_URL` names. `create` is for `whatsorder migrate` only.
    public static func open(path: String, create: Bool = false) throws -> Store {
        Store(database: try Database(location: .path(path), create: create))
    }

    public static func inMemory() throws -> Store {
        let store = Store(database: try Database(location: .memory))
        try store.migrate()
        return store
    }

    public func close() { database.close() }

    // MARK: - Schema

    public enum SchemaStatus: Equatable, Sendable {
        case current
        case behind(missing: [String])
    }

    /// Applies the migrations not yet applied, in order, each in its own transaction. Returns their names.
    @discardableResult
    public func migrate(now: Int64 = 0) throws -> [String] {
        if postgres { return try migratePostgres(now: now) }
        try database.execute(
            "CREATE TABLE IF NOT EXISTS migration (name TEXT PRIMARY KEY, appliedAt INTEGER NOT NULL)")
        var applied: [String] = []
        // SQLite's procedure for rebuilding a table: foreign keys off outside the transaction (a DROP of a parent
        // table would otherwise delete through them), checked inside it before the commit.
        try database.execute("PRAGMA foreign_keys=OFF")
        defer { try? database.execute("PRAGMA foreign_keys=ON") }
        for (index, migration) in Migrations.all.enumerated() {
            let done = try database.immediateTransaction { () throws -> Bool in
                let exists = try database.query("SELECT 1 FROM migration WHERE name = ?", [migration.name])
                if !exists.isEmpty { return false }
                try database.execute(migration.sql)
                if let broken = try database.query("PRAGMA foreign_key_check").first {
                    throw StorageError(
                        code: 1, message: "\(migration.name) leaves a dangling reference in \(broken[0].string ?? "?")")
                }
                try database.query("INSERT INTO migration (name, appliedAt) VALUES (?, ?)", [migration.name, now])
                // user_version mirrors the count so a request handler can check the schema with one cheap pragma.
                try database.execute("PRAGMA user_version = \(index + 1)")
                return true
            }
            if done { applied.append(migration.name) }
        }
        return applied
    }

    /// The key of the session lock `migrate` holds on PostgreSQL ("whatsorder" in ASCII, read as an integer).
    static let migrationLock: Int64 = 0x7768_6174_736f_7264

    /// As on SQLite, each migration in its own transaction. Two boxes upgrading at once take turns on an
    /// advisory lock: the second finds nothing left to do. `position` keeps the order they were applied in.
    private func migratePostgres(now: Int64) throws -> [String] {
        try database.query("SELECT pg_advisory_lock(?)", [Self.migrationLock])
        defer { _ = try? database.query("SELECT pg_advisory_unlock(?)", [Self.migrationLock]) }
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS migration (
                position BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, appliedAt BIGINT NOT NULL)
            """)
        var applied: [String] = []
        for (index, migration) in Migrations.all.enumerated() {
            let done = try database.immediateTransaction { () throws -> Bool in
                let exists = try database.query("SELECT 1 FROM migration WHERE name = ?", [migration.name])
                if !exists.isEmpty { return false }
                if !migration.postgres.isEmpty { try database.execute(migration.postgres) }
                try database.query(
                    "INSERT INTO migration (position, name, appliedAt) VALUES (?, ?, ?)",
                    [index + 1, migration.name, now])
                return true
            }
            if done { applied.append(migration.name) }
        }
        return applied
    }

    /// Request handlers call this instead of migrating: a schema behind the binary answers 503 until deploy
    /// runs `whatsorder migrate`.
    public func schemaStatus() throws -> SchemaStatus {
        if schemaSeenCurrent { return .current }
        let version: Int64
        if postgres {
            let table = try database.query("SELECT to_regclass('migration') IS NOT NULL").first?[0].int64 == 1
            version = table ? try database.query("SELECT count(*) FROM migration").first?[0].int64 ?? 0 : 0
        } else {
            version = try database.query("PRAGMA user_version").first?[0].int64 ?? 0
        }
        if version >= Int64(Migrations.all.count) {
            schemaSeenCurrent = true
            return .current
        }
        return .behind(missing: Migrations.all.dropFirst(Int(max(0, version))).map(\.name))
    }

    public func appliedMigrations() throws -> [String] {
        if postgres {
            guard try database.query("SELECT to_regclass('migration') IS NOT NULL").first?[0].int64 == 1 else {
                return []
            }
            return try database.query("SELECT name FROM migration ORDER BY position").compactMap { $0[0].string }
        }
        let exists = try database.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migration'")
        guard !exists.isEmpty else { return [] }
        return try database.query("SELECT name FROM migration ORDER BY rowid").compactMap { $0[0].string }
    }

    // MARK: - Menu

    /// The menu, from memory when no menu row changed since the last read (one integer compared per call).
    public func loadMenu() throws -> Menu {
        try menu(at: try revision())
    }

    /// The menu and the restaurant's settings (`base`, the configuration's, with what staff stored over it), from
    /// memory when nothing changed since the last read: one integer compared per call for both.
    public func current(base: Settings) throws -> (menu: Menu, settings: Settings) {
        let revision = try revision()
        let menu = try menu(at: revision)
        if let cachedSettings, cachedSettings.revision == revision, cachedSettings.base == base {
            return (menu, cachedSettings.settings)
        }
        let settings = base.applying(try storedSettings())
        cachedSettings = (revision, base, settings)
        return (menu, settings)
    }

    private func revision() throws -> Int64 {
        try database.query("SELECT revision FROM menuRevision").first?[0].int64 ?? -1
    }

    private func menu(at revision: Int64) throws -> Menu {
        if let cachedMenu, cachedMenu.revision == revision { return cachedMenu.menu }
        let menu = try readMenu()
        cachedMenu = (revision, menu)
        return menu
    }

    private func readMenu() throws -> Menu {
        let categories = try database.query("SELECT id, name, position FROM menuCategory").map { row in
            MenuCategory(id: row[0].int64 ?? 0, name: row[1].string ?? "", position: Int(row[2].int64 ?? 0))
        }
        var options: [Int64: [MenuOption]] = [:]
        for row in try database.query(
            "SELECT id, groupID, name, priceKobo, available FROM menuOption ORDER BY groupID, position, id")
        {
            options[row[1].int64 ?? 0, default: []].append(
                MenuOption(
                    id: row[0].int64 ?? 0, name: row[2].string ?? "", price: Kobo(Int(row[3].int64 ?? 0)),
                    available: row[4].int64 == 1))
        }
        var groups: [Int64: [MenuOptionGroup]] = [:]
        for row in try database.query(
            "SELECT id, itemID, name, minimum, maximum FROM optionGroup ORDER BY itemID, position, id")
        {
            let id = row[0].int64 ?? 0
            groups[row[1].int64 ?? 0, default: []].append(
                MenuOptionGroup(
                    id: id, name: row[2].string ?? "", minimum: Int(row[3].int64 ?? 0),
                    maximum: Int(row[4].int64 ?? 1), options: options[id] ?? []))
        }
        let items = try database.query(
            """
            SELECT id, categoryID, name, description, priceKobo, available, aliases, imageURL FROM menuItem
            ORDER BY position, id
            """
        ).map { row in
            let id = row[0].int64 ?? 0
            return MenuItem(
                id: id, categoryID: row[1].int64 ?? 0, name: row[2].string ?? "",
                description: row[3].string ?? "", price: Kobo(Int(row[4].int64 ?? 0)), available: row[5].int64 == 1,
                aliases: MenuImport.aliases(row[6].string ?? ""), optionGroups: groups[id] ?? [],
                imageURL: row[7].string)
        }
        return Menu(categories: categories, items: items)
    }

    public struct SeedResult: Equatable, Sendable {
        public var categoriesAdded: Int
        public var itemsAdded: Int
    }

    /// Loads design.md's sample menu. Idempotent by the UNIQUE names: a second run adds nothing and changes
    /// nothing, so a restaurant's later price edits survive a re-seed.
    public func seedSampleMenu() throws -> SeedResult {
        try database.immediateTransaction {
            var result = SeedResult(categoriesAdded: 0, itemsAdded: 0)
            for (index, name) in SampleMenu.categories.enumerated() {
                try database.query(
                    "INSERT INTO menuCategory (name, position) VALUES (?, ?) ON CONFLICT(name) DO NOTHING",
                    [name, index + 1])
                result.categoriesAdded += database.changes
            }
            for (index, entry) in SampleMenu.entries.enumerated() {
                try database.query(
                    """
                    INSERT INTO menuItem (categoryID, name, description, priceKobo, available, position, aliases)
                    SELECT id, ?, ?, ?, 1, ?, ? FROM menuCategory WHERE name = ?
                    ON CONFLICT(name) DO NOTHING
                    """,
                    [
                        entry.name, entry.description, entry.naira * 100, index + 1,
                        MenuImport.aliasesText(entry.aliases), entry.category,
                    ])
                result.itemsAdded += database.changes
            }
            return result
        }
    }

    // MARK: - Inbound messages

    public struct InboundRecord: Sendable {
        public var providerID: String
        public var identity: CustomerIdentity
        public var customerName: String?
        public var type: String
        public var sentAt: Int64?
        public var summary: String?

        public init(
            providerID: String, identity: CustomerIdentity, customerName: String?, type: String, sentAt: Int64?,
            summary: String?
        ) {
            self.providerID = providerID
            self.identity = identity
            self.customerName = customerName
            self.type = type
            self.sentAt = sentAt
            self.summary = summary
        }
    }

    public struct CustomerRecord: Equatable, Sendable {
        public var id: CustomerID
        public var identity: CustomerIdentity
        public var name: String?

        /// Whether a message from `identity` signed `name` would change nothing in this row: the upsert can skip
        /// its write.
        func alreadyHas(_ identity: CustomerIdentity, name: String?) -> Bool {
            (name == nil || name == self.name) && (identity.userID == nil || identity.userID == self.identity.userID)
                && (identity.waID == nil || identity.waID == self.identity.waID)
        }
    }

    /// A row for the outbox: what kind of call, and its request body.
    public struct OutboxEntry: Equatable, Sendable {
        public var kind: String
        public var payload: [UInt8]
        /// What to send instead if Meta answers 131047 (the 24-hour window closed): an approved template.
        public var fallback: [UInt8]?
        /// Set when the row must not be sent at all (outside the window with no template): it is stored as failed
        /// with this reason, so staff can see what the customer was not told.
        public var unsendable: String?
        /// For one of the restaurant's own numbers: not part of the customer's ordered queue but of that number's
        /// own (`outbox.staffNumber`), and sent as the fallback (the alert template) when that number has not
        /// written to us in 24 hours.
        public var staffNumber: String?
        /// The customer this staff message speaks for: a reply to it on the staff member's phone answers them.
        public var relayOf: CustomerID?

        public var staff: Bool { staffNumber != nil }

        public init(
            kind: String, payload: [UInt8], fallback: [UInt8]? = nil, unsendable: String? = nil,
            staffNumber: String? = nil, relayOf: CustomerID? = nil
        ) {
            self.kind = kind
            self.payload = payload
            self.fallback = fallback
            self.unsendable = unsendable
            self.staffNumber = staffNumber
            self.relayOf = relayOf
        }
    }

    /// What a conversation step sees besides the customer: the state and when the previous message arrived.
    public struct Snapshot: Equatable, Sendable {
        public var state: State
        /// Unix ms of the customer's previous message, nil for the first.
        public var lastInboundAt: Int64?
    }

    /// What a conversation step produced: the next state, outbox rows, and rows for other tables.
    public struct StepResult: Equatable, Sendable {
        public var state: State
        public var outbox: [OutboxEntry]
        public var records: [Record]

        public init(state: State, outbox: [OutboxEntry], records: [Record] = []) {
            self.state = state
            self.outbox = outbox
            self.records = records
        }
    }

    /// Writes a step asks for besides its state and outbox rows, done in the same transaction.
    public enum Record: Equatable, Sendable {
        case placeOrder(PlacedOrder, currency: String)
        case cancelOrder(OrderCode)
        /// The customer replaced an unpaid order with a new one: cancelled, and its attempts marked superseded.
        case replaceOrder(OrderCode, by: OrderCode)
        case paymentAttempt(PaymentRequest)
        /// A line of a handoff's thread: what the customer sent while with a person, or what happened to it.
        case chat(author: ChatAuthor, body: String)
    }

    /// A conversation step: pure (the reducer plus rendering), run inside or just before the transaction.
    public typealias Step = (Snapshot, CustomerRecord) throws -> StepResult

    public enum InboundResult: Equatable, Sendable {
        /// Already recorded by an earlier delivery: nothing was changed.
        case duplicate
        case handled(customer: CustomerID, outboxRows: Int)
    }

    /// Records one inbound message and advances its conversation, all in one IMMEDIATE transaction:
    /// the UNIQUE provider id makes a redelivery a no-op, and the write lock held from the first statement means
    /// two processes handling the same customer take turns instead of overwriting each other's state.
    /// `step` runs inside the transaction and must be pure (it is the reducer plus rendering).
    public func recordInbound(
        _ inbound: InboundRecord, now: Int64,
        step: Step
    ) throws -> InboundResult {
        do {
            return try recordInboundOrThrowDuplicate(inbound, now: now, step: step)
        } catch is Duplicate {
            return .duplicate
        }
    }

    private func recordInboundOrThrowDuplicate(
        _ inbound: InboundRecord, now: Int64,
        step: Step
    ) throws -> InboundResult {
        // The step (reducer, rendering, menu) runs first without the write lock, on the state as it is now; the
        // transaction below uses that result only if the state's version and the customer are still what the step
        // saw, and otherwise runs the step again under the lock. Two workers then hold the lock for the writes
        // only, and correctness still rests on the IMMEDIATE transaction.
        // In a group commit's batch the lock is already held: preparing would only do the step twice.
        let prepared =
            database.isInTransaction
            ? nil : try database.readTransaction { try prepareOutsideLock(inbound, step: step) }
        // On PostgreSQL a locking transaction: the customer's row and conversation are read FOR UPDATE, so one
        // customer's messages take turns while other customers' commit side by side (see `lockingTransaction`).
        return try database.lockingTransaction {
            let customer = try upsertCustomer(inbound.identity, name: inbound.customerName, now: now)
            let inserted = try database.query(
                """
                INSERT INTO inboundMessage (providerID, customerID, type, sentAt, receivedAt, summary)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(providerID) DO NOTHING RETURNING id
                """,
                [inbound.providerID, customer.id.rawValue, inbound.type, inbound.sentAt, now, inbound.summary])
            guard let inboundID = inserted.first?[0].int64 else {
                throw Duplicate()
            }
            // Only the version is read under the lock: decoding the state again would hold every other worker
            // back for work the prepared step already did.
            let version = try database.query(
                locking(
                    "SELECT version FROM conversation WHERE customerID = ?",
                    "SELECT version FROM conversation WHERE customerID = ? FOR UPDATE"), [customer.id.rawValue]
            ).first?[0].int64.map(Int.init)
            let result: StepResult
            var encodedState: String?
            if let prepared, prepared.customer == customer, prepared.version == version {
                result = prepared.result
                encodedState = prepared.encodedState
            } else {
                let stored = try storedConversation(customer.id, forUpdate: true)
                result = try step(
                    Snapshot(state: stored?.state ?? State(), lastInboundAt: stored?.lastInboundAt), customer)
            }
            try save(
                result, encodedState: encodedState, for: customer.id, inboundID: inboundID, now: now,
                messageArrived: true)
            return .handled(customer: customer.id, outboxRows: result.outbox.count)
        }
    }

    private struct Prepared {
        var customer: CustomerRecord
        var version: Int?
        var result: StepResult
        /// The state as `save` writes it, encoded here so the writer lock is not held for it.
        var encodedState: String
    }

    /// The step's result for a known customer, computed from a plain read. nil for a new customer (their id is
    /// not known before the insert), in which case the step runs inside the transaction.
    private func prepareOutsideLock(
        _ inbound: InboundRecord, step: Step
    ) throws -> Prepared? {
        guard !inbound.identity.isEmpty else { return nil }
        // A redelivery needs no step. This read only saves work; the UNIQUE key in the transaction decides.
        if !(try database.query("SELECT 1 FROM inboundMessage WHERE providerID = ?", [inbound.providerID])).isEmpty {
            return nil
        }
        guard let known = try findCustomer(inbound.identity) else { return nil }
        // What the upsert will make of the row: the BSUID and name are filled in, never erased.
        let customer = CustomerRecord(
            id: known.id,
            identity: CustomerIdentity(
                waID: known.identity.waID ?? inbound.identity.waID,
                userID: known.identity.userID ?? inbound.identity.userID),
            name: inbound.customerName ?? known.name)
        let stored = try storedConversation(customer.id)
        let result = try step(Snapshot(state: stored?.state ?? State(), lastInboundAt: stored?.lastInboundAt), customer)
        return Prepared(
            customer: customer, version: stored?.version, result: result, encodedState: try Self.encode(result.state))
    }

    /// `forUpdate`: the conversation is about to be written from what is read here. On PostgreSQL the row is
    /// then locked until the transaction ends, so that every read-step-write of one conversation (a message, a
    /// payment, a staff action) takes its turn; SQLite's one writer already gives that.
    func storedConversation(_ customer: CustomerID, forUpdate: Bool = false) throws -> (
        state: State, version: Int, lastInboundAt: Int64?
    )? {
        guard
            let row = try database.query(
                forUpdate
                    ? locking(
                        "SELECT state, version, lastInboundAt FROM conversation WHERE customerID = ?",
                        "SELECT state, version, lastInboundAt FROM conversation WHERE customerID = ? FOR UPDATE")
                    : "SELECT state, version, lastInboundAt FROM conversation WHERE customerID = ?",
                [customer.rawValue]
            ).first,
            let bytes = row[0].bytes, let version = row[1].int64
        else { return nil }
        return (try StateCoding.decode(bytes), Int(version), row[2].int64)
    }

    /// The duplicate path leaves through a rollback, so the customer upsert of a redelivery changes nothing.
    private struct Duplicate: Error {}

    private func upsertCustomer(_ identity: CustomerIdentity, name: String?, now: Int64) throws -> CustomerRecord {
        if postgres { return try upsertCustomerLocking(identity, name: name, now: now) }
        // Inside the IMMEDIATE transaction, so this read and the write below cannot interleave with another
        // writer. A known customer whose details did not change costs no write at all.
        if let known = try findCustomer(identity), known.alreadyHas(identity, name: name) { return known }
        // One statement, two conflict targets: a customer known by wa_id gains the BSUID when Meta starts
        // sending it, and one known only by BSUID gains a wa_id if it appears.
        let rows = try database.query(
            """
            INSERT INTO customer (waID, userID, name, createdAt) VALUES (?, ?, ?, ?)
            ON CONFLICT(waID) DO UPDATE SET
                userID = coalesce(customer.userID, excluded.userID), name = coalesce(excluded.name, customer.name)
            ON CONFLICT(userID) DO UPDATE SET
                waID = coalesce(customer.waID, excluded.waID), name = coalesce(excluded.name, customer.name)
            RETURNING id, waID, userID, name
            """,
            [identity.waID, identity.userID, name, now])
        guard let row = rows.first, let customer = Self.customer(row) else {
            throw StorageError(code: 1, message: "customer upsert returned no row")
        }
        return customer
    }

    /// PostgreSQL's upsert takes one conflict target, not SQLite's two. Here the customer's row is read `FOR
    /// UPDATE`: a second transaction for the same customer (another worker, another box) waits on that row lock
    /// until this one ends, so one customer's messages are handled one at a time while other customers' go on.
    private func upsertCustomerLocking(_ identity: CustomerIdentity, name: String?, now: Int64) throws
        -> CustomerRecord
    {
        var known: CustomerRecord?
        if let waID = identity.waID {
            known = try database.query(
                "SELECT id, waID, userID, name FROM customer WHERE waID = ? FOR UPDATE", [waID]
            ).first.flatMap(Self.customer)
        }
        if known == nil, let userID = identity.userID {
            known = try database.query(
                "SELECT id, waID, userID, name FROM customer WHERE userID = ? FOR UPDATE", [userID]
            ).first.flatMap(Self.customer)
        }
        let rows: [SQLRow]
        if let known {
            if known.alreadyHas(identity, name: name) { return known }
            rows = try database.query(
                """
                UPDATE customer SET waID = coalesce(waID, ?), userID = coalesce(userID, ?), name = coalesce(?, name)
                WHERE id = ? RETURNING id, waID, userID, name
                """,
                [identity.waID, identity.userID, name, known.id.rawValue])
        } else {
            rows = try database.query(
                """
                INSERT INTO customer (waID, userID, name, createdAt) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
                RETURNING id, waID, userID, name
                """,
                [identity.waID, identity.userID, name, now])
            // Another transaction inserted the same new customer first and has committed (the insert waited for
            // it): this message is that customer's next, once their row is ours.
            if rows.isEmpty { return try upsertCustomerLocking(identity, name: name, now: now) }
        }
        guard let row = rows.first, let customer = Self.customer(row) else {
            throw StorageError(code: 1, message: "customer upsert returned no row")
        }
        return customer
    }

    /// The customer with this WhatsApp number (digits) or business-scoped user id, if they ever wrote.
    public func customer(_ identity: CustomerIdentity) throws -> CustomerRecord? {
        try findCustomer(identity)
    }

    /// When the customer's last message arrived (Unix ms): WhatsApp's 24-hour window runs from it.
    public func lastInboundAt(_ customer: CustomerID) throws -> Int64? {
        try database.query("SELECT lastInboundAt FROM conversation WHERE customerID = ?", [customer.rawValue])
            .first?[0].int64
    }

    private func findCustomer(_ identity: CustomerIdentity) throws -> CustomerRecord? {
        let row: SQLRow?
        if let waID = identity.waID {
            row = try database.query("SELECT id, waID, userID, name FROM customer WHERE waID = ?", [waID]).first
        } else if let userID = identity.userID {
            row = try database.query("SELECT id, waID, userID, name FROM customer WHERE userID = ?", [userID]).first
        } else {
            row = nil
        }
        return row.flatMap(Self.customer)
    }

    static func customer(_ row: SQLRow) -> CustomerRecord? {
        guard let id = row[0].int64 else { return nil }
        return CustomerRecord(
            id: CustomerID(rawValue: id), identity: CustomerIdentity(waID: row[1].string, userID: row[2].string),
            name: row[3].string)
    }

    public func conversationState(for customer: CustomerID) throws -> (state: State, version: Int)? {
        try storedConversation(customer).map { ($0.state, $0.version) }
    }

    // MARK: - Kept bodies

    /// Keeps a body that passed the signature check but could not be used, so nothing Meta sent is lost and
    /// someone can look at it later (`whatsorder` reads them back).
    public func keepBody(source: String, reason: String, body: [UInt8], now: Int64) throws {
        // The UNIQUE digest, not a lookup first, makes a replay one row however many processes receive it at once.
        let digest = Array(SHA256.hash(data: body))
        try database.query(
            """
            INSERT INTO keptBody (source, reason, receivedAt, body, digest) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(source, digest) DO UPDATE SET copies = keptBody.copies + 1, lastReceivedAt = excluded.receivedAt
            """,
            [source, reason, now, SQLValue.blob(body), SQLValue.blob(digest)])
    }

    // MARK: - Delivery statuses

    /// Records a status webhook and moves the outbound message forward. Statuses arrive out of order and may beat
    /// the send response that tells us the wamid: each is logged once (UNIQUE wamid + status) and applied only
    /// if it ranks above what is there, so `delivered` after `read` changes nothing.
    public func recordStatus(
        wamid: String, status: String, occurredAt: Int64?, errorCode: Int?, errorTitle: String?,
        errorDetails: String?, now: Int64
    ) throws {
        let rank = Self.statusRank(status)
        try database.immediateTransaction {
            try database.query(
                """
                INSERT INTO messageStatus
                    (wamid, status, statusRank, occurredAt, errorCode, errorTitle, errorDetails, receivedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(wamid, status) DO NOTHING
                """,
                [wamid, status, rank, occurredAt, errorCode, errorTitle, errorDetails, now])
            try database.query(
                """
                UPDATE outboundMessage SET status = ?, statusRank = ?, statusAt = ?,
                    errorCode = coalesce(?, errorCode), errorTitle = coalesce(?, errorTitle)
                WHERE wamid = ? AND statusRank < ?
                """,
                [status, rank, occurredAt ?? now, errorCode, errorTitle, wamid, rank])
        }
    }

    /// accepted < sent < delivered < read < played; failed is terminal.
    public static func statusRank(_ status: String) -> Int {
        switch status {
        case "accepted": return 0
        case "sent": return 1
        case "delivered": return 2
        case "read": return 3
        case "played": return 4
        case "failed": return 9
        default: return 0
        }
    }

    public struct OutboundStatus: Equatable, Sendable {
        public var wamid: String
        public var status: String
        public var errorCode: Int?
    }

    public func outboundStatus(wamid: String) throws -> OutboundStatus? {
        try database.query("SELECT wamid, status, errorCode FROM outboundMessage WHERE wamid = ?", [wamid]).first.map {
            OutboundStatus(wamid: $0[0].string ?? "", status: $0[1].string ?? "", errorCode: $0[2].int64.map(Int.init))
        }
    }
}
