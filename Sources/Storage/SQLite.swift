import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// A value bound to or read from SQLite. Every statement binds its parameters; no value is ever spliced into SQL.
public enum SQLValue: Equatable, Sendable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null

    public var int64: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    public var string: String? {
        switch self {
        case .text(let value): return value
        case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }

    public var bytes: [UInt8]? {
        switch self {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }
}

/// Conversions so call sites read `[customerID, name, now]` rather than `[.integer(…), .text(…)]`.
public protocol SQLBindable { var sqlValue: SQLValue { get } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One result row, by column index.
public struct SQLRow: Sendable {
    public var values: [SQLValue]
    public init(values: [SQLValue]) { self.values = values }
    public subscript(_ index: Int) -> SQLValue { index < values.count ? values[index] : .null }
}

/// An SQLite failure, described the GRDB way: `SQLite error 19 (constraint): … - while executing <sql>`.
/// Bound values are never included, so secrets and phone numbers stay out of logs.
public struct StorageError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (https://www.sqlite.org/rescode.html).
    public var code: Int32
    public var message: String
    public var sql: String?
    /// PostgreSQL's error code (SQLSTATE), when the error is PostgreSQL's; `code` is then the SQLite code that
    /// means the same to the Store (constraint, busy).
    public var sqlState: String?

    public init(code: Int32, message: String, sql: String? = nil, sqlState: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.sqlState = sqlState
    }

    public var primaryCode: Int32 { code & 0xff }
    /// Another process held the write lock beyond the busy timeout: worth a retry, not a bug.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    public var isConstraint: Bool { primaryCode == SQLITE_CONSTRAINT }

    public var description: String {
        var text: String
        if let sqlState {
            text = "PostgreSQL error \(sqlState): \(message)"
        } else {
            text = "SQLite error \(code) (\(String(cString: sqlite3_errstr(code)))): \(message)"
        }
        if let sql { text += " - while executing `\(sql)`" }
        return text
    }
}

/// A connection to one SQLite database. Not shared between threads: each process (or sender loop) owns one.
public final class Database: SQLDatabase {
    public var dialect: SQLDialect { .sqlite }

    public enum Location: Equatable, Sendable {
        case path(String)
        case memory
    }

    private var handle: OpaquePointer?
    private var cache: [String: OpaquePointer] = [:]
    /// A file beside the database that writers `flock` around their transactions (see `immediateTransaction`).
    private var writerLock: Int32 = -1
    /// How long a writer waits for another before giving up with `SQLITE_BUSY`: for the flock as for SQLite's lock.
    private let busyTimeoutMilliseconds: Int32
    /// Interrupts a writer-lock wait that outlasts the busy timeout (created on the first wait, for one thread).
    private var lockTimer: (timer: timer_t?, thread: Int32)?
    public let location: Location

    /// Opens with the settings every process must share: WAL, `synchronous=NORMAL`, foreign keys, a busy timeout.
    /// `create: false` (request handlers) refuses to create a missing file: only `whatsorder migrate` creates it.
    public init(location: Location, create: Bool = false, busyTimeoutMilliseconds: Int32 = 5000) throws {
        self.location = location
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create || location == .memory { flags |= SQLITE_OPEN_CREATE }
        let path: String
        switch location {
        case .path(let value): path = value
        case .memory: path = ":memory:"
        }
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StorageError(code: code, message: "unable to open database at \(path): \(message)")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        // NB: sqlite3_busy_timeout sleeps 1, 2, 5, 10, 15, 20, 25, 50… ms between tries, while the other writer's
        // transaction takes ~0.1 ms: two FastCGI workers then spend most of their time asleep. This handler polls
        // every 50 µs for the first 5 ms, then every millisecond, until the same timeout.
        sqlite3_busy_handler(
            db, shortSleepBusyHandler, UnsafeMutableRawPointer(bitPattern: Int(busyTimeoutMilliseconds)))
        if case .path(let path) = location {
            if create { Self.giveToDirectoryOwner(path) }
            writerLock = open(path + "-writer", O_RDWR | O_CREAT | O_CLOEXEC, 0o660)
            // As SQLite does for -wal and -shm: a file root creates (a `migrate` run by hand) belongs to the
            // database's owner, so the service user can still open it.
            var owner = stat()
            if writerLock >= 0, geteuid() == 0, stat(path, &owner) == 0 {
                _ = fchown(writerLock, owner.st_uid, owner.st_gid)
            }
        }
        do {
            if location != .memory {
                // Every commit writes each page it touched to the WAL (about 7 per message): 2 KiB pages halve those
                // bytes and their checksums, and a message's rows still fit in one page. Measured on the webhook
                // (bench/README.md): +7% requests per second, p99 7.8 → 7.0 ms against 4 KiB. A database keeps the
                // size it was created with, so this only takes effect for a new file.
                if create { try execute("PRAGMA page_size=2048") }
                try execute("PRAGMA journal_mode=WAL")
            }
            try execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON")
        } catch {
            close()
            throw error
        }
    }

    /// Root making a database (`whatsorder migrate` on a new server) in the service user's directory gives the file to
    /// that user: a root-owned database is one the service cannot write. SQLite then makes -wal and -shm, and this
    /// connection the -writer lock, with the file's owner, as it does for any database root opens.
    private static func giveToDirectoryOwner(_ path: String) {
        guard geteuid() == 0 else { return }
        var file = stat()
        var directory = stat()
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        guard stat(path, &file) == 0, file.st_uid == 0,
            stat(parent.isEmpty ? "." : parent, &directory) == 0,
            directory.st_uid != 0
        else { return }
        _ = chown(path, directory.st_uid, directory.st_gid)
    }

    deinit { close() }

    /// Closes explicitly: a CGI process that exits without closing leaves the WAL for the next one to re-read
    /// (stack-notes pitfall 13).
    public func close() {
        for statement in cache.values { sqlite3_finalize(statement) }
        cache.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
        if writerLock >= 0 { Glibc.close(writerLock) }
        writerLock = -1
        if let lockTimer { timer_delete(lockTimer.timer) }
        lockTimer = nil
    }

    private func connection() throws -> OpaquePointer {
        guard let handle else { throw StorageError(code: SQLITE_MISUSE, message: "database is closed") }
        return handle
    }

    private func error(_ code: Int32, sql: String?) -> StorageError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "database is closed"
        return StorageError(code: code, message: message, sql: sql)
    }

    /// Copies the whole database into a new file at `path` with SQLite's online backup API, in one step: the copy is
    /// made inside one read transaction, so it is the database as of one commit, and in WAL mode writers go on
    /// meanwhile (a copy in several steps would start over whenever another process wrote). Returns the pages copied.
    public func backup(to path: String) throws -> Int {
        let source = try connection()
        var destination: OpaquePointer?
        let opened = sqlite3_open_v2(path, &destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        defer { sqlite3_close_v2(destination) }
        guard opened == SQLITE_OK, let destination else {
            let message = destination.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            throw StorageError(code: opened, message: "cannot create \(path): \(message)")
        }
        guard let backup = sqlite3_backup_init(destination, "main", source, "main") else {
            throw StorageError(
                code: sqlite3_errcode(destination), message: String(cString: sqlite3_errmsg(destination)))
        }
        let step = sqlite3_backup_step(backup, -1)
        let pages = Int(sqlite3_backup_pagecount(backup))
        let finished = sqlite3_backup_finish(backup)
        guard step == SQLITE_DONE, finished == SQLITE_OK else {
            throw StorageError(
                code: step == SQLITE_DONE ? finished : step,
                message: "backup failed: \(String(cString: sqlite3_errmsg(destination)))")
        }
        return pages
    }

    /// Runs one or more statements without parameters (schema, pragmas).
    public func execute(_ sql: String) throws {
        let db = try connection()
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(db, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw StorageError(code: code, message: text, sql: sql)
        }
    }

    /// Runs a statement to completion and returns every row. Statements are prepared once per connection and
    /// reused, which matters to a FastCGI worker serving thousands of requests.
    @discardableResult
    public func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow] {
        if writesOnlyInTransaction, let handle, sqlite3_get_autocommit(handle) != 0 {
            throw StorageError(code: SQLITE_ABORT, message: "the batch's transaction was rolled back", sql: sql)
        }
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch argument.sqlValue {
            case .integer(let value): code = sqlite3_bind_int64(statement, index, value)
            case .real(let value): code = sqlite3_bind_double(statement, index, value)
            case .text(let value): code = sqlite3_bind_text(statement, index, value, -1, transient)
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob(statement, index, buffer.baseAddress, Int32(buffer.count), transient)
                }
            case .null: code = sqlite3_bind_null(statement, index)
            }
            guard code == SQLITE_OK else { throw error(code, sql: sql) }
        }
        var rows: [SQLRow] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw error(code, sql: sql) }
            let count = sqlite3_column_count(statement)
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, column)))
                case SQLITE_TEXT:
                    let text = sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
                    values.append(.text(text))
                case SQLITE_BLOB:
                    let length = Int(sqlite3_column_bytes(statement, column))
                    if let pointer = sqlite3_column_blob(statement, column), length > 0 {
                        values.append(.blob(Array(UnsafeRawBufferPointer(start: pointer, count: length))))
                    } else {
                        values.append(.blob([]))
                    }
                default: values.append(.null)
                }
            }
            rows.append(SQLRow(values: values))
        }
        return rows
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE: how an `ON CONFLICT DO NOTHING` reports a duplicate.
    public var changes: Int {
        handle.map { Int(sqlite3_changes($0)) } ?? 0
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: the write lock is taken first, so two processes never
    /// both read a state and then both write it. Commits on return, rolls back on throw.
    ///
    /// NB: writers first queue on an `flock` of `<database>-writer`. SQLite's own wait for its write lock is a
    /// sleep-and-retry loop, so a second FastCGI worker would sleep far longer than the ~0.1 ms transaction it
    /// waits for; the kernel wakes an `flock` waiter the moment the lock is free. The flock only orders writers:
    /// SQLite's locking still decides, and a process without it (a tool, an older binary) is merely slower.
    ///
    /// The flock wait is bounded by the busy timeout like SQLite's own: a writer that hangs while holding it (a
    /// stopped process, a long import) makes the others fail with `SQLITE_BUSY` (a 503 that Meta retries), not
    /// wait forever.
    ///
    /// Inside a transaction already (a group commit's batch, see `GroupCommit`), `body` runs in a savepoint of it
    /// instead: what it writes is undone alone if it throws, and is committed with the rest of the batch.
    public func immediateTransaction<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try savepoint(body) }
        let locked = try lockWriter()
        defer { if locked { flock(writerLock, LOCK_UN) } }
        return try transaction("BEGIN IMMEDIATE", body)
    }

    /// True when this connection now holds the writer flock; false when there is no lock file to take.
    private func lockWriter() throws -> Bool {
        guard writerLock >= 0 else { return false }
        if flock(writerLock, LOCK_EX | LOCK_NB) == 0 { return true }
        guard errno == EWOULDBLOCK else { return false }
        // NB: flock has no timeout, so a one-shot timer signals this thread when the wait is over; the signal's
        // handler does nothing, and the interrupted flock returns EINTR.
        let timer = try waitTimer()
        var due = itimerspec()
        due.it_value.tv_sec = Int(busyTimeoutMilliseconds / 1000)
        due.it_value.tv_nsec = Int(busyTimeoutMilliseconds % 1000) * 1_000_000
        // Threads of a thread pool (tests, libdispatch) block signals: let this one through while waiting.
        var wake = sigset_t()
        sigemptyset(&wake)
        sigaddset(&wake, SIGALRM)
        var saved = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &wake, &saved)
        timer_settime(timer, 0, &due, nil)
        defer {
            var off = itimerspec()
            timer_settime(timer, 0, &off, nil)
            pthread_sigmask(SIG_SETMASK, &saved, nil)
        }
        while flock(writerLock, LOCK_EX) != 0 {
            guard errno == EINTR else { return false }
            var left = itimerspec()
            timer_gettime(timer, &left)
            if left.it_value.tv_sec == 0 && left.it_value.tv_nsec == 0 {
                throw StorageError(
                    code: SQLITE_BUSY, message: "another writer held the lock for \(busyTimeoutMilliseconds) ms")
            }
        }
        return true
    }

    /// NB: a `timer_t` is the kernel's timer id as a pointer, and the first id is 0, which Swift sees as nil.
    private func waitTimer() throws -> timer_t? {
        let thread = wo_gettid()
        if let lockTimer, lockTimer.thread == thread { return lockTimer.timer }
        if let lockTimer { timer_delete(lockTimer.timer) }
        lockTimer = nil
        Self.installWakeHandler
        var event = sigevent()
        event.sigev_notify = Int32(SIGEV_THREAD_ID)
        event.sigev_signo = SIGALRM
        event._sigev_un._tid = thread
        var timer: timer_t?
        guard timer_create(CLOCK_MONOTONIC, &event, &timer) == 0 else {
            throw StorageError(code: SQLITE_BUSY, message: "no timer for the writer lock (errno \(errno))")
        }
        lockTimer = (timer, thread)
        return timer
    }

    /// A SIGALRM handler that does nothing, installed once and only if nobody installed one: its job is to make
    /// the blocked flock return EINTR (no SA_RESTART) instead of the default action, which ends the process.
    private static let installWakeHandler: Void = {
        var current = sigaction()
        sigaction(SIGALRM, nil, &current)
        guard current.__sigaction_handler.sa_handler == nil else { return }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGALRM, &action, nil)
    }()

    /// One writer at a time already: the same as `immediateTransaction`.
    public func lockingTransaction<T>(_ body: () throws -> T) throws -> T {
        try immediateTransaction(body)
    }

    /// Runs several reads as one snapshot (`BEGIN DEFERRED`): one read lock instead of one per statement.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try transaction("BEGIN DEFERRED", body)
    }

    /// Commits on return, rolls back on throw.
    /// NB: through `query`, so BEGIN and COMMIT are prepared once per connection, not parsed on every request.
    private func transaction<T>(_ begin: String, _ body: () throws -> T) throws -> T {
        if isInTransaction { return try savepoint(body) }
        try query(begin)
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            try? query("ROLLBACK")
            throw error
        }
    }

    /// A transaction inside the current one: released into it on return, rolled back alone on throw.
    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        try query("SAVEPOINT nested")
        do {
            let result = try body()
            try query("RELEASE nested")
            return result
        } catch {
            // NB: ROLLBACK TO keeps the savepoint open; RELEASE then leaves the outer transaction as it was.
            try? query("ROLLBACK TO nested")
            try? query("RELEASE nested")
            throw error
        }
    }

    /// Set by a group commit while its batch runs: if SQLite rolls the batch's transaction back under it (a full
    /// disk, an I/O error), later statements must fail rather than each commit on its own.
    public var writesOnlyInTransaction = false

    /// True between a BEGIN and its COMMIT or ROLLBACK on this connection.
    public var isInTransaction: Bool {
        handle.map { sqlite3_get_autocommit($0) == 0 } ?? false
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = cache[sql] { return statement }
        let db = try connection()
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code, sql: sql) }
        cache[sql] = statement
        return statement
    }
}

/// `context` carries the timeout in milliseconds; `count` is how many times this lock wait has called us.
private func shortSleepBusyHandler(_ context: UnsafeMutableRawPointer?, _ count: Int32) -> Int32 {
    let timeoutMicroseconds = Int(bitPattern: context) * 1000
    let fastTries = 100
    let waited = count < fastTries ? Int(count) * 50 : fastTries * 50 + Int(count - Int32(fastTries)) * 1000
    if waited >= timeoutMicroseconds { return 0 }
    usleep(count < fastTries ? 50 : 1000)
    return 1
}

/// SQLITE_TRANSIENT is a macro Swift cannot import (stack-notes pitfall 3): SQLite copies the bound bytes.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
