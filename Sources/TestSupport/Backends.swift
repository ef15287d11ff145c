import Foundation
import PostgresStorage
import Storage
import Testing

/// The two databases the Store runs on. Tests that take a `Backend` run once on each: the same assertions, so
/// the two implementations are held to the same behaviour.
///
/// PostgreSQL is the server `WHATSORDER_TEST_POSTGRES` names (`scripts/test` starts a throwaway one); each store
/// gets a schema of its own, so tests running at once never see each other's rows.
public enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    /// The backend a whole suite runs on, for suites run once per backend rather than per test:
    /// `WHATSORDER_TEST_BACKEND=postgres` (`scripts/test` runs the application tests a second time so).
    public static var chosen: Backend {
        ProcessInfo.processInfo.environment["WHATSORDER_TEST_BACKEND"] == "postgres" ? .postgres : .sqlite
    }

    /// A migrated, empty store.
    public func store() throws -> Store {
        let store = try unmigratedStore()
        try store.migrate()
        return store
    }

    /// An empty database with no schema at all.
    public func unmigratedStore() throws -> Store {
        switch self {
        case .sqlite: return Store(database: try Database(location: .memory))
        case .postgres: return Store(database: try PostgresDatabase(url: try Self.freshSchemaURL()))
        }
    }

    /// A test's SQL with SQLite's blob literals (`x'7b7d'`) in this backend's spelling.
    public func literals(_ sql: String) -> String {
        guard self == .postgres else { return sql }
        return sql.replacing(/x'([0-9a-fA-F]*)'/) { match in "'\\x\(match.1)'::bytea" }
    }

    /// A second connection to `store`'s database on PostgreSQL. SQLite's in-memory database has only the one, so
    /// there it is `store` itself.
    public func anotherConnection(to store: Store) throws -> Store {
        guard let database = store.database as? PostgresDatabase else { return store }
        return Store(database: try PostgresDatabase(url: database.url))
    }

    private static let counter = Counter()

    /// A new schema on the test server, and a URL whose connections use it.
    public static func freshSchemaURL() throws -> String {
        guard let base = ProcessInfo.processInfo.environment["WHATSORDER_TEST_POSTGRES"], !base.isEmpty else {
            throw MissingServer()
        }
        let schema = "t\(getpid())_\(counter.next())"
        let admin = try PostgresDatabase(url: base)
        defer { admin.close() }
        try admin.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)")
        let separator = base.contains("?") ? "&" : "?"
        return base + separator + "options=-csearch_path%3D\(schema)"
    }

    /// A new database on the test server, reached through the PgBouncer `scripts/postgres` puts in front of it
    /// (transaction mode, so with `prepared_statements=false`). A database, not a schema: PgBouncer does not pass
    /// a connection's `options` on.
    public static func freshDatabaseThroughPgBouncer() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        guard let base = environment["WHATSORDER_TEST_POSTGRES"], !base.isEmpty,
            let bouncer = environment["WHATSORDER_TEST_PGBOUNCER"], !bouncer.isEmpty
        else { throw MissingServer() }
        let name = "pooled\(getpid())_\(counter.next())"
        let admin = try PostgresDatabase(url: base)
        defer { admin.close() }
        try admin.execute("DROP DATABASE IF EXISTS \(name)")
        try admin.execute("CREATE DATABASE \(name)")
        return "\(bouncer)/\(name)?prepared_statements=false"
    }

    public struct MissingServer: Error, CustomStringConvertible {
        public var description: String {
            "WHATSORDER_TEST_POSTGRES (or WHATSORDER_TEST_PGBOUNCER) is not set: run the tests with `make test`, or "
                + "start a server with `eval \"$(scripts/postgres start /tmp/whatsorder-postgres)\"` first"
        }
    }

    final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
}
