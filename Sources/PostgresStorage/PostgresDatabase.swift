import CLibPQ
import Storage

#if canImport(Glibc)
    import Glibc
#endif

/// A connection to PostgreSQL through libpq, behind the same `SQLDatabase` the Store uses for SQLite.
///
/// - Statements keep the Store's `?` placeholders; they are numbered (`$1`…) once per statement text and cached.
///   A statement runs unnamed on its first use and is prepared on its second, so a CGI process (a new connection
///   per request, each statement once) pays no extra round trip for preparing, and a FastCGI worker parses each
///   statement once. `prepared_statements=false` in the URL (as Rails spells it) never prepares: a pooler in
///   transaction mode (PgBouncer before 1.21) hands each transaction a different server connection, where a
///   statement prepared on another is unknown, or another client's of the same name already exists.
/// - Values go as text, typed (`int8`, `float8`, `text`), and bytes as binary `bytea`; results come back as text
///   and are read by their column's type, so rows look as SQLite's do (`bool` reads as 0 or 1).
/// - Write transactions are `SERIALIZABLE`: PostgreSQL then guarantees what SQLite's single writer does, that the
///   outcome is that of running them one at a time. When it cannot (SQLSTATE 40001, or a deadlock), the whole
///   transaction runs again, a few times, before the caller sees a busy error (a 503 that Meta retries).
public final class PostgresDatabase: SQLDatabase {
    public var dialect: SQLDialect { .postgres }
    private var connection: OpaquePointer?
    private let prepares: Bool
    /// What it was opened with, for opening another connection to the same database (it may hold a password:
    /// never logged).
    public let url: String
    private var statements: [String: Statement] = [:]
    private var preparedCount = 0
    public private(set) var changes = 0
    public var writesOnlyInTransaction = false
    /// How many times a write transaction runs before giving up on serialization failures.
    private let attempts = 12

    private struct Statement {
        var text: String
        var name: String?
        var uses: Int
    }

    /// Opens `url` (`postgres://user:password@host:port/db?sslmode=…`, or libpq's `key=value` form).
    public init(url: String) throws {
        let (libpqURL, prepares) = Self.ownParameters(url)
        self.prepares = prepares
        self.url = url
        // UTF-8 whatever the server's locale, asked for in the startup packet rather than by a statement after it:
        // a CGI request opens a connection for every message, and each round trip counts.
        let keys = ["dbname", "client_encoding"]
        let values = [libpqURL, "UTF8"]
        let connection = withPointers(keys.map { Array($0.utf8CString) }) { keyPointers in
            withPointers(values.map { Array($0.utf8CString) }) { valuePointers in
                PQconnectdbParams(keyPointers + [nil], valuePointers + [nil], 1)
            }
        }
        guard let conn = connection else {
            throw StorageError(code: 1, message: "libpq could not allocate a connection")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(conn))
            PQfinish(conn)
            throw StorageError(code: 14, message: "cannot connect to PostgreSQL: \(message)", sqlState: "08006")
        }
        self.connection = conn
        // The server's notices ("relation … already exists, skipping") are not errors: libpq would print each.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    /// The URL without the parameter that is WhatsOrder's and not libpq's (libpq refuses one it does not know),
    /// and whether statements may be prepared.
    static func ownParameters(_ url: String) -> (url: String, prepares: Bool) {
        guard let question = url.firstIndex(of: "?") else { return (url, true) }
        var prepares = true
        let kept = url[url.index(after: question)...].split(separator: "&").filter { pair in
            guard pair.hasPrefix("prepared_statements=") else { return true }
            prepares = !["false", "off", "0", "no"].contains(pair.dropFirst("prepared_statements=".count).lowercased())
            return false
        }
        let base = String(url[..<question])
        return (kept.isEmpty ? base : base + "?" + kept.joined(separator: "&"), prepares)
    }

    deinit { close() }

    public func close() {
        if let connection { PQfinish(connection) }
        connection = nil
        statements.removeAll()
        preparedCount = 0
    }

    /// The connection, opened again first if it broke (the server restarted, a failover moved the primary):
    /// a FastCGI worker keeps its connection for thousands of requests, and the request that finds it broken has
    /// already failed with a 503 that Meta retries. Never inside a transaction, which died with the connection.
    private func conn() throws -> OpaquePointer {
        guard let connection else { throw StorageError(code: 21, message: "database is closed") }
        if PQstatus(connection) == CONNECTION_BAD, PQtransactionStatus(connection) != PQTRANS_INTRANS {
            PQreset(connection)
            // The server forgot the statements prepared on the old connection.
            statements.removeAll()
        }
        return connection
    }

    public var isInTransaction: Bool {
        guard let connection else { return false }
        return PQtransactionStatus(connection) != PQTRANS_IDLE
    }

    public func execute(_ sql: String) throws {
        let result = PQexec(try conn(), sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    @discardableResult
    public func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow] {
        let conn = try conn()
        if writesOnlyInTransaction, !isInTransaction {
            throw StorageError(code: 4, message: "the batch's transaction was rolled back", sql: sql)
        }
        let values = arguments.map(\.sqlValue)
        var types: [Oid] = []
        var texts: [[CChar]?] = []
        var formats: [Int32] = []
        var lengths: [Int32] = []
        for value in values {
            let (type, bytes, binary) = Self.encode(value)
            types.append(type)
            texts.append(bytes)
            formats.append(binary ? 1 : 0)
            lengths.append(Int32(bytes.map { $0.count - 1 } ?? 0))
        }
        // A prepared statement keeps the parameter types it was prepared with, so the same text bound with other
        // types (an integer where a text was) is another statement.
        let key = types.isEmpty ? sql : sql + "\u{0}" + types.map { String($0) }.joined(separator: ",")
        var statement = statements[key] ?? Statement(text: Self.numbered(sql), name: nil, uses: 0)
        statement.uses += 1
        if prepares, statement.name == nil, statement.uses >= 2 {
            preparedCount += 1
            let name = "s\(preparedCount)"
            let prepared = PQprepare(conn, name, statement.text, Int32(types.count), types)
            defer { PQclear(prepared) }
            try check(prepared, sql: sql)
            statement.name = name
        }
        statements[key] = statement
        let result = withPointers(texts) { pointers in
            if let name = statement.name {
                return PQexecPrepared(conn, name, Int32(values.count), pointers, lengths, formats, 0)
            }
            return PQexecParams(conn, statement.text, Int32(values.count), types, pointers, lengths, formats, 0)
        }
        defer { PQclear(result) }
        try check(result, sql: sql)
        changes = Int(String(cString: PQcmdTuples(result))) ?? 0
        return Self.rows(result)
    }

    public func immediateTransaction<T>(_ body: () throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL SERIALIZABLE", body)
    }

    public func lockingTransaction<T>(_ body: () throws -> T) throws -> T {
        try transaction("BEGIN", body)
    }

    private func transaction<T>(_ begin: String, _ body: () throws -> T) throws -> T {
        if isInTransaction { return try savepoint(body) }
        var attempt = 1
        while true {
            do {
                try execute(begin)
                let result = try body()
                try execute("COMMIT")
                return result
            } catch let error as StorageError where error.isSerializationFailure && attempt < attempts {
                rollback()
                // Back off a little more each time, and differently in each process, so that the two
                // transactions that collided do not collide again.
                usleep(UInt32(attempt * 200 + Int(getpid() % 13) * 50))
                attempt += 1
            } catch {
                rollback()
                throw error
            }
        }
    }

    /// A failed COMMIT has ended the transaction already; a ROLLBACK then would only draw a warning.
    private func rollback() {
        if isInTransaction { try? execute("ROLLBACK") }
    }

    /// Several reads as one snapshot. Read-only, so never aborted for serialization, but shares the one path.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT nested")
        do {
            let result = try body()
            try execute("RELEASE SAVEPOINT nested")
            return result
        } catch {
            try? execute("ROLLBACK TO SAVEPOINT nested")
            try? execute("RELEASE SAVEPOINT nested")
            throw error
        }
    }

    // MARK: - Wire values

    /// `?` → `$1`, `$2`… and SQLite's `?3` → `$3`, outside string literals, quoted names and comments. Works on
    /// bytes: none of a multi-byte UTF-8 character's bytes is ASCII.
    static func numbered(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var number = 0
        var quote: UInt8?
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
            } else if byte == UInt8(ascii: "-"), index < bytes.count, bytes[index] == UInt8(ascii: "-") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            } else if byte == UInt8(ascii: "?") {
                out.append(UInt8(ascii: "$"))
                let digits = bytes[index...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                if digits.isEmpty {
                    number += 1
                    out.append(contentsOf: String(number).utf8)
                } else {
                    out.append(contentsOf: digits)
                    index += digits.count
                }
                continue
            }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The type, the bytes and whether they are binary. Both end with a NUL not counted in their length, so that
    /// an empty blob still has an address (a null pointer is SQL NULL to libpq).
    private static func encode(_ value: SQLValue) -> (Oid, [CChar]?, Bool) {
        switch value {
        case .integer(let number): return (20, Array(String(number).utf8CString), false)
        case .real(let number): return (701, Array("\(number)".utf8CString), false)
        case .text(let text): return (25, Array(text.utf8CString), false)
        case .blob(let bytes): return (17, bytes.map { CChar(bitPattern: $0) } + [0], true)
        case .null: return (0, nil, false)
        }
    }

    private static func rows(_ result: OpaquePointer?) -> [SQLRow] {
        guard let result else { return [] }
        let count = PQntuples(result)
        let columns = PQnfields(result)
        guard count > 0 else { return [] }
        let types = (0..<columns).map { PQftype(result, $0) }
        var rows: [SQLRow] = []
        rows.reserveCapacity(Int(count))
        for row in 0..<count {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columns))
            for column in 0..<columns {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(.null)
                    continue
                }
                let text = String(cString: PQgetvalue(result, row, column))
                values.append(value(text, type: types[Int(column)]))
            }
            rows.append(SQLRow(values: values))
        }
        return rows
    }

    /// Reads a text-format value the way SQLite would have stored it.
    static func value(_ text: String, type: Oid) -> SQLValue {
        switch type {
        case 20, 21, 23, 26: return Int64(text).map(SQLValue.integer) ?? .text(text)
        case 16: return .integer(text == "t" ? 1 : 0)
        case 700, 701: return Double(text).map(SQLValue.real) ?? .text(text)
        // numeric: what sum() and avg() of integers return; whole ones read back as integers.
        case 1700: return Int64(text).map(SQLValue.integer) ?? Double(text).map(SQLValue.real) ?? .text(text)
        case 17: return .blob(hexBytes(text))
        default: return .text(text)
        }
    }

    /// bytea's text form: `\x` and two hex digits a byte.
    private static func hexBytes(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8.dropFirst(2))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index + 1 < digits.count {
            bytes.append(nibble(digits[index]) << 4 | nibble(digits[index + 1]))
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return 0
        }
    }

    // MARK: - Errors

    private func check(_ result: OpaquePointer?, sql: String) throws {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY { return }
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        var message = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
        if message == nil, let connection { message = Self.trimmed(PQerrorMessage(connection)) }
        throw StorageError(
            code: Self.code(sqlState: state), message: message ?? "unknown error", sql: sql, sqlState: state ?? "08006")
    }

    /// SQLite's primary result code closest to a SQLSTATE, so the Store and the handlers decide alike on both:
    /// a constraint is a constraint, a serialization failure or a lock timeout is "busy, try again".
    private static func code(sqlState: String?) -> Int32 {
        guard let sqlState else { return 10 }  // no result at all: the connection failed (SQLITE_IOERR)
        if sqlState.hasPrefix("23") { return 19 }  // SQLITE_CONSTRAINT
        if ["40001", "40P01", "55P03", "57014"].contains(sqlState) { return 5 }  // SQLITE_BUSY
        if sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") { return 10 }  // SQLITE_IOERR
        return 1  // SQLITE_ERROR
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        var text = String(cString: message)
        while text.last == "\n" { text.removeLast() }
        return text
    }
}

extension StorageError {
    /// PostgreSQL could not serialize this transaction with another, or chose it as a deadlock's victim.
    var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }
}

/// Lends C string pointers for the values, nil for SQL NULL, for one libpq call.
private func withPointers<R>(_ values: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(values.count)
    func next(_ index: Int) -> R {
        if index == values.count { return body(pointers) }
        guard let value = values[index] else {
            pointers.append(nil)
            return next(index + 1)
        }
        return value.withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress)
            return next(index + 1)
        }
    }
    return next(0)
}
