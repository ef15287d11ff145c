/// Which SQL a connection speaks. The Store's statements are written once in the SQL both accept (upserts,
/// `RETURNING`, partial indexes); the few that differ choose by this.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

/// A connection the `Store` runs its statements on: SQLite's `Database` here, PostgreSQL's in `PostgresStorage`.
/// Statements are written with `?` placeholders and always bind their values.
///
/// The guarantee every implementation gives `Store`: a `writeTransaction` behaves as if write transactions ran
/// one at a time. SQLite takes its one write lock first (`BEGIN IMMEDIATE`); PostgreSQL runs them `SERIALIZABLE`
/// and runs `body` again when the server found two of them could not be put in one order, so `body` must do
/// nothing but database work and pure computation.
public protocol SQLDatabase: AnyObject {
    var dialect: SQLDialect { get }

    /// Runs statements without parameters (schema).
    func execute(_ sql: String) throws

    /// Runs a statement to completion and returns every row.
    @discardableResult
    func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow]

    /// Rows changed by the last INSERT, UPDATE or DELETE: how an `ON CONFLICT DO NOTHING` reports a duplicate.
    var changes: Int { get }

    /// A write transaction (see the guarantee above); inside another one, a savepoint of it.
    func immediateTransaction<T>(_ body: () throws -> T) throws -> T

    /// A write transaction whose statements take the row locks they rely on themselves (`SELECT … FOR UPDATE` on
    /// the rows they read and then write), and whose other writes are single conditional statements or UNIQUE
    /// inserts. SQLite runs it as any write transaction. PostgreSQL runs it read committed, which lets writers to
    /// different rows commit side by side: serializable would abort most of a busy webhook's transactions, which
    /// all read and insert on the same last pages of the same indexes. Run again, as a serializable one is, when
    /// PostgreSQL picks it as a deadlock's victim.
    func lockingTransaction<T>(_ body: () throws -> T) throws -> T

    /// Several reads as one snapshot.
    func readTransaction<T>(_ body: () throws -> T) throws -> T

    var isInTransaction: Bool { get }

    /// Set by a group commit while its batch runs (see `GroupCommit`).
    var writesOnlyInTransaction: Bool { get set }

    func close()
}

extension SQLDatabase {
    @discardableResult
    public func query(_ sql: String) throws -> [SQLRow] {
        try query(sql, [])
    }
}
