import Storage
import TestSupport
import Testing

@testable import PostgresStorage

/// What the PostgreSQL connection does to the Store's SQL and values before libpq sees them.
@Suite struct PostgresWireTests {
    @Test func placeholdersAreNumberedOutsideLiteralsNamesAndComments() {
        #expect(PostgresDatabase.numbered("SELECT ?, ? FROM t WHERE a = ?") == "SELECT $1, $2 FROM t WHERE a = $3")
        #expect(
            PostgresDatabase.numbered("SELECT '?', \"a?\", ? -- why?\nFROM t WHERE b = ?")
                == "SELECT '?', \"a?\", $1 \nFROM t WHERE b = $2")
        // SQLite's numbered form keeps its numbers, however often one is used.
        #expect(PostgresDatabase.numbered("?1 + ?2 WHERE x < ?1 LIMIT ?4") == "$1 + $2 WHERE x < $1 LIMIT $4")
        #expect(PostgresDatabase.numbered("'it''s' = ?") == "'it''s' = $1")
    }

    @Test func preparedStatementsCanBeTurnedOffInTheURL() {
        #expect(PostgresDatabase.ownParameters("postgres://a@h/db") == ("postgres://a@h/db", true))
        #expect(
            PostgresDatabase.ownParameters("postgres://a@h:6432/db?prepared_statements=false")
                == ("postgres://a@h:6432/db", false))
        #expect(
            PostgresDatabase.ownParameters("postgres://a@h/db?sslmode=require&prepared_statements=off&x=1")
                == ("postgres://a@h/db?sslmode=require&x=1", false))
        #expect(
            PostgresDatabase.ownParameters("postgres://a@h/db?sslmode=require") == (
                "postgres://a@h/db?sslmode=require", true
            ))
    }

    @Test func valuesReadBackAsSQLiteWouldHaveStoredThem() {
        #expect(PostgresDatabase.value("42", type: 20) == .integer(42))
        #expect(PostgresDatabase.value("t", type: 16) == .integer(1))
        #expect(PostgresDatabase.value("1500000", type: 1700) == .integer(1_500_000))
        #expect(PostgresDatabase.value("2.5", type: 1700) == .real(2.5))
        #expect(PostgresDatabase.value("\\x7b7d", type: 17) == .blob([0x7b, 0x7d]))
        #expect(PostgresDatabase.value("jollof", type: 25) == .text("jollof"))
    }

    /// A FastCGI worker's connection outlives a server restart or a failover: the statement that finds it broken
    /// fails (the request answers 503, Meta retries), the next one runs on a new connection.
    @Test func aBrokenConnectionIsOpenedAgainForTheNextStatement() throws {
        let store = try Backend.postgres.store()
        let other = try Backend.postgres.anotherConnection(to: store)
        _ = try store.database.query("SELECT count(*) FROM customer WHERE id = ?", [1])
        _ = try store.database.query("SELECT count(*) FROM customer WHERE id = ?", [1])
        let pid = try #require(try store.database.query("SELECT pg_backend_pid()").first?[0].int64)
        try other.database.query("SELECT pg_terminate_backend(CAST(? AS INTEGER))", [pid])
        #expect(throws: StorageError.self) { try store.database.query("SELECT 1") }
        #expect(try store.database.query("SELECT count(*) FROM customer WHERE id = ?", [1]).first?[0] == .integer(0))
        #expect(try store.database.query("SELECT pg_backend_pid()").first?[0].int64 != pid)
    }

    /// Every kind of value makes the round trip through a real server, empty ones and NULL included.
    @Test func everyKindOfValueRoundTrips() throws {
        let store = try Backend.postgres.store()
        let values: [SQLValue] = [
            .integer(-9_007_199_254_740_993), .real(6.4541), .text("Ọbẹ̀ ata ✓"), .text(""),
            .blob([0, 1, 255]), .blob([]), .null,
        ]
        for value in values {
            #expect(try store.database.query("SELECT ?", [value]).first?[0] == value, "\(value)")
        }
    }
}
