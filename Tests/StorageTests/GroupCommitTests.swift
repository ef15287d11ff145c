import Conversation
import Domain
import Foundation
import TestSupport
import Testing

@testable import Storage

/// A threaded FastCGI worker's requests share transactions. Each request must still be stored exactly when it is
/// told so, undone alone when it fails, and told of a batch that did not commit.
@Suite struct GroupCommitTests {
    static func migratedDatabase() throws -> String {
        let path = NSTemporaryDirectory() + "whatsorder-group-\(UUID().uuidString.prefix(8)).sqlite3"
        let store = try Store.open(path: path, create: true)
        _ = try store.migrate(now: 1)
        store.close()
        return path
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-writer"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static func message(_ id: String, from waID: String = "2348000000001") -> Store.InboundRecord {
        .init(
            providerID: id, identity: CustomerIdentity(waID: waID, userID: nil), customerName: "Ada", type: "text",
            sentAt: 1_000, summary: nil)
    }

    static func reply(_ snapshot: Store.Snapshot, _ customer: Store.CustomerRecord) -> Store.StepResult {
        Store.StepResult(state: snapshot.state, outbox: [.init(kind: "whatsapp.message", payload: Array("{}".utf8))])
    }

    @Test func aTransactionInsideATransactionIsASavepointOfIt() throws {
        let database = try Database(location: .memory)
        try database.execute("CREATE TABLE t (v TEXT)")
        struct Refused: Error {}
        try database.immediateTransaction {
            try database.query("INSERT INTO t VALUES ('a')")
            #expect(throws: Refused.self) {
                try database.immediateTransaction {
                    try database.query("INSERT INTO t VALUES ('undone')")
                    throw Refused()
                }
            }
            try database.immediateTransaction { try database.query("INSERT INTO t VALUES ('c')") }
            #expect(database.isInTransaction)
        }
        #expect(!database.isInTransaction)
        #expect(try database.query("SELECT v FROM t ORDER BY rowid").map { $0[0].string } == ["a", "c"])
    }

    @Test func requestsThatArriveTogetherShareOneCommitAndAreAllStored() throws {
        let path = try Self.migratedDatabase()
        defer { Self.remove(path) }
        let group = GroupCommit(open: { try Store.open(path: path) }, failed: { _ in })
        defer { group.close() }
        // The first request holds its batch open until the other fifteen are queued behind it, so they must
        // share the next commit. All sixteen are the same customer's: one state, advanced once per message.
        let firstIsWorking = DispatchSemaphore(value: 0)
        let othersQueued = DispatchSemaphore(value: 0)
        let results = Locked<[GroupCommit.Commit]>([])
        let finished = DispatchSemaphore(value: 0)
        // Threads of their own, as the worker's are: a pool could run the fifteen one after another.
        Thread {
            let commit = group.run { store in
                firstIsWorking.signal()
                othersQueued.wait()
                return (try? store.recordInbound(Self.message("wamid.G0"), now: 10, step: Self.reply)) != nil
            }
            results.mutate { $0.append(commit) }
            finished.signal()
        }.start()
        firstIsWorking.wait()
        for index in 1..<16 {
            Thread {
                let commit = group.run { store in
                    (try? store.recordInbound(Self.message("wamid.G\(index)"), now: 10, step: Self.reply)) != nil
                }
                results.mutate { $0.append(commit) }
                finished.signal()
            }.start()
        }
        let deadline = Date().addingTimeInterval(10)
        while group.waiting < 15 && Date() < deadline { usleep(1_000) }
        othersQueued.signal()
        for _ in 0..<16 { finished.wait() }

        #expect(results.value.count == 16)
        #expect(results.value.allSatisfy { $0.committed })
        // One caller per batch acts for it (wakes the sender): two batches, two wake-ups for sixteen messages.
        #expect(results.value.filter { $0.actsForBatch }.count == 2)
        let check = try Store.open(path: path)
        defer { check.close() }
        #expect(try check.database.query("SELECT count(*) FROM inboundMessage").first?[0].int64 == 16)
        #expect(try check.database.query("SELECT count(*) FROM outbox").first?[0].int64 == 16)
        #expect(try check.database.query("SELECT version FROM conversation").first?[0].int64 == 16)
    }

    @Test func aFailingRequestIsUndoneAloneAndARedeliveryInTheSameBatchIsADuplicate() throws {
        let path = try Self.migratedDatabase()
        defer { Self.remove(path) }
        let group = GroupCommit(open: { try Store.open(path: path) }, failed: { _ in })
        defer { group.close() }
        struct StepFailed: Error {}
        var outcomes: [String] = []
        let commit = group.run { store in
            for id in ["wamid.F1", "wamid.F2", "wamid.F1"] {
                do {
                    let result = try store.recordInbound(Self.message(id), now: 10) { snapshot, customer in
                        if id == "wamid.F2" { throw StepFailed() }
                        return Self.reply(snapshot, customer)
                    }
                    outcomes.append("\(id) \(result == .duplicate ? "duplicate" : "handled")")
                } catch {
                    outcomes.append("\(id) failed")
                }
            }
            return true
        }
        #expect(commit.committed)
        #expect(outcomes == ["wamid.F1 handled", "wamid.F2 failed", "wamid.F1 duplicate"])
        let check = try Store.open(path: path)
        defer { check.close() }
        #expect(
            try check.database.query("SELECT providerID FROM inboundMessage").map { $0[0].string } == ["wamid.F1"])
        #expect(try check.database.query("SELECT count(*) FROM outbox").first?[0].int64 == 1)
    }

    @Test func aBatchThatIsRolledBackTellsEveryRequestAndKeepsNothing() throws {
        let path = try Self.migratedDatabase()
        defer { Self.remove(path) }
        let failures = Locked<[String]>([])
        let group = GroupCommit(
            open: { try Store.open(path: path) }, failed: { error in failures.mutate { $0.append("\(error)") } })
        defer { group.close() }
        // What SQLite does on a full disk or an I/O error: the whole transaction is rolled back under the batch.
        let commit = group.run { store in
            _ = try? store.recordInbound(Self.message("wamid.R1"), now: 10, step: Self.reply)
            try? store.database.execute("ROLLBACK")
            _ = try? store.recordInbound(Self.message("wamid.R2"), now: 10, step: Self.reply)
            return true
        }
        #expect(!commit.committed)
        #expect(!commit.actsForBatch)
        #expect(failures.value.count == 1)
        let check = try Store.open(path: path)
        #expect(try check.database.query("SELECT count(*) FROM inboundMessage").first?[0].int64 == 0)
        check.close()

        // No database at all: nothing begins, and the next batch opens the store again.
        let missing = GroupCommit(open: { try Store.open(path: path + ".missing") }, failed: { _ in })
        #expect(!missing.run { _ in true }.committed)
        #expect(
            group.run { store in (try? store.recordInbound(Self.message("wamid.R3"), now: 10, step: Self.reply)) != nil
            }.committed)
    }
}
