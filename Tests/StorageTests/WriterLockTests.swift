import Foundation
import TestSupport
import Testing

@testable import Storage

/// A writer that hangs while holding the lock (a stopped process, a long import) must cost the others a busy error
/// after the timeout, which handlers answer with a 503 that Meta retries, never a wait without end.
@Suite struct WriterLockTests {
    static func temporaryDatabase() throws -> String {
        let path = NSTemporaryDirectory() + "whatsorder-lock-\(UUID().uuidString.prefix(8)).sqlite3"
        let setup = try Database(location: .path(path), create: true)
        try setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        setup.close()
        return path
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-writer"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test func aWriterWaitingBehindAHeldLockGivesUpAtTheBusyTimeoutThenSucceeds() throws {
        let path = try Self.temporaryDatabase()
        defer { Self.remove(path) }
        let holder = try Database(location: .path(path))
        let waiter = try Database(location: .path(path), busyTimeoutMilliseconds: 300)
        defer {
            holder.close()
            waiter.close()
        }
        var waited = 0.0
        var failure: StorageError?
        try holder.immediateTransaction {
            try holder.execute("INSERT INTO t (v) VALUES ('holder')")
            let start = Date()
            do {
                try waiter.immediateTransaction { try waiter.execute("INSERT INTO t (v) VALUES ('waiter')") }
            } catch let error as StorageError {
                failure = error
            }
            waited = Date().timeIntervalSince(start)
        }
        #expect(failure?.isBusy == true, "\(String(describing: failure))")
        #expect(waited >= 0.29, "\(String(describing: failure))")
        #expect(waited < 3)
        // Nothing of the failed attempt was written, and the next try succeeds at once.
        try waiter.immediateTransaction { try waiter.execute("INSERT INTO t (v) VALUES ('retry')") }
        let values = try holder.query("SELECT v FROM t ORDER BY id").map { $0[0].string }
        #expect(values == ["holder", "retry"])
    }

    @Test func aWriterWaitsForALockHeldBrieflyByAnotherProcess() throws {
        let path = try Self.temporaryDatabase()
        defer { Self.remove(path) }
        // Another process takes the same flock the way Database does and keeps it for 0.3 s.
        let holder = try OwnedProcess(["flock", path + "-writer", "sleep", "0.3"], in: "/")
        defer { holder.stop() }
        usleep(100_000)
        let waiter = try Database(location: .path(path), busyTimeoutMilliseconds: 5000)
        defer { waiter.close() }
        let start = Date()
        try waiter.immediateTransaction { try waiter.execute("INSERT INTO t (v) VALUES ('after')") }
        let waited = Date().timeIntervalSince(start)
        #expect(waited > 0.1)
        #expect(waited < 3)
        #expect(try waiter.query("SELECT count(*) FROM t").first?[0].int64 == 1)
    }
}
