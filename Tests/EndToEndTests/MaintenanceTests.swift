import CurlHTTP
import Foundation
import HTTPClient
import PostgresStorage
import Storage
import TestSupport
import Testing

/// `whatsorder backup` and `whatsorder prune` as a sysadmin runs them, against a stack that is serving.
@Suite(.serialized) struct MaintenanceTests {
    /// Issue 18, backups: a copy taken while customers write is one consistent database; put in place of a lost one,
    /// it passes `integrity_check`, holds every message committed before the copy, and serves the next customer.
    @Test func aBackupTakenUnderLoadRestoresAndServes() throws {
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        let backup = stack.directory + "/backup.sqlite3"
        let posted = Locked(0)
        let output = Locked("")
        // Four customers keep writing; the copy is taken in the middle of it.
        concurrently(5) { index in
            if index == 4 {
                while posted.value < 40 { usleep(5_000) }
                let result = (try? stack.run("cgi-bin/whatsorder backup \(backup) --config \(stack.configPath) 2>&1"))
                output.mutate { $0 = result ?? "failed to run" }
                return
            }
            for step in 0..<40 {
                let body = textMessage(id: "wamid.BK\(index)-\(step)", from: "23480700000\(index)", text: "hi \(step)")
                if (try? stack.post(body).status) == 200 { posted.mutate { $0 += 1 } }
            }
        }
        #expect(posted.value == 160)
        #expect(output.value.contains("integrity_check: ok"), "\(output.value)")
        // Readable by its owner alone, and one file: no -wal beside it to forget when copying it off the machine.
        var info = stat()
        #expect(stat(backup, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(!FileManager.default.fileExists(atPath: backup + "-wal"))
        // A second backup never overwrites the first.
        let again = try stack.run("cgi-bin/whatsorder backup \(backup) --config \(stack.configPath) 2>&1; echo exit=$?")
        #expect(again.contains("exit=65"), "\(again)")

        let copy = try Store.open(path: backup)
        let rows = try copy.database.query("SELECT count(*) FROM inboundMessage").first?[0].int64 ?? 0
        let replies =
            try copy.database.query(
                "SELECT count(*) FROM outbox WHERE inboundMessageID IS NOT NULL"
            ).first?[0].int64 ?? 0
        copy.close()
        // Consistent: the copy is some moment of the load, every message in it with its reply.
        #expect(rows >= 40 && rows <= 160, "\(rows)")
        #expect(replies == rows)

        // Restore: the copy becomes the database of a stack that starts on it.
        let restoredDirectory = stack.directory + "/restored"
        try FileManager.default.createDirectory(atPath: restoredDirectory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: backup, toPath: restoredDirectory + "/whatsorder.sqlite3")
        stack.stop()
        let restored = try Stack(mode: .fastcgi, databaseDirectory: restoredDirectory)
        defer { restored.stop() }
        let check = try restored.query("PRAGMA integrity_check").map { $0[0].string }
        #expect(check == ["ok"])
        #expect(try restored.count("inboundMessage") == rows)
        // A redelivery of a message in the copy is a duplicate; a new customer is answered.
        #expect(try restored.post(textMessage(id: "wamid.BK0-0", from: "234807000000")).status == 200)
        #expect(try restored.count("inboundMessage") == rows)
        #expect(try restored.post(textMessage(id: "wamid.AFTER", from: "2348079999999")).status == 200)
        #expect(try restored.count("inboundMessage") == rows + 1)
        #expect(restored.graph.waitForRequests(1).count >= 1)
    }

    /// Issue 18, retention, as the operator meets it: at least 8 days (exit 64 below), and what was old is gone.
    @Test func pruneRefusesAShortWindowAndRemovesWhatIsOld() throws {
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        let hundredDaysAgo = Int(Date().timeIntervalSince1970) - 100 * 86_400
        // Sent 100 days ago and received then: the rows are aged as if the stack had been running since.
        #expect(try stack.post(textMessage(id: "wamid.OLD", from: "2348070000001")).status == 200)
        try waitUntil { (try? stack.count("outboundMessage")) == 1 }
        let old = Int64(hundredDaysAgo) * 1000
        let store = try stack.openStore()
        try store.database.execute(
            """
            UPDATE inboundMessage SET receivedAt = \(old); UPDATE outbox SET createdAt = \(old);
            UPDATE messageStatus SET receivedAt = \(old);
            """)
        store.close()
        #expect(try stack.post(textMessage(id: "wamid.NEW", from: "2348070000002")).status == 200)
        try waitUntil { (try? stack.count("outboundMessage")) == 2 }

        let short = try stack.run(
            "cgi-bin/whatsorder prune --older-than 7 --config \(stack.configPath) 2>&1; echo exit=$?")
        #expect(short.contains("exit=64"), "\(short)")
        let output = try stack.run("cgi-bin/whatsorder prune --older-than 30 --config \(stack.configPath) 2>&1")
        #expect(output.contains("inbound messages: 1"), "\(output)")
        #expect(output.contains("outbox rows: 1"))
        #expect(try stack.query("SELECT providerID FROM inboundMessage").map { $0[0].string } == ["wamid.NEW"])
        #expect(try stack.count("outbox") == 1)
        #expect(try stack.count("customer") == 2)
    }

    /// Issue 20, moving over: a restaurant that has taken a paid order copies its SQLite database into an empty
    /// PostgreSQL one with the command docs/deployment.md gives, and the copy serves the operator's commands.
    @Test func aRestaurantMovesItsDatabaseToPostgreSQL() throws {
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        let (_, reference) = try PaymentTests.placeOrder(stack, phone: "2348030000201")
        #expect(
            try stack.postPaystack(PaystackEvents.chargeSuccess(reference: reference, amount: 500_000)).status == 200)
        let code = String(reference.dropLast(2))
        let target = try Backend.freshSchemaURL()
        let copied = try stack.run(
            "cgi-bin/whatsorder db copy --to '\(target)' --config \(stack.configPath) 2>&1; echo exit=$?")
        #expect(copied.contains("exit=0"), "\(copied)")
        #expect(copied.contains("checked on both sides"))
        #expect(copied.contains("customerOrder    1 rows; sum(deliveryFeeKobo) 0, sum(subtotalKobo) 500000"))
        #expect(copied.contains("payment          1 rows; sum(amountKobo) 500000"))
        // The operator's commands on the copy, through the configuration pointed at it.
        let config = stack.directory + "/postgres.env"
        let text = try String(contentsOfFile: stack.configPath, encoding: .utf8).split(separator: "\n")
            .map { $0.hasPrefix("DATABASE_URL=") ? "DATABASE_URL=\(target)" : String($0) }.joined(separator: "\n")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let orders = try stack.run("cgi-bin/whatsorder orders list --config \(config) 2>&1; echo exit=$?")
        #expect(orders.contains("exit=0"), "\(orders)")
        #expect(orders.contains(code))
        // A second copy into the same database is refused (65, data) and changes nothing there.
        let again = try stack.run(
            "cgi-bin/whatsorder db copy --to '\(target)' --config \(stack.configPath) 2>&1; echo exit=$?")
        #expect(again.contains("exit=65"), "\(again)")
        #expect(again.contains("the target is not empty"))
        let copy = Store(database: try PostgresDatabase(url: target))
        defer { copy.close() }
        #expect(try copy.database.query("SELECT count(*) FROM customerOrder").first?[0].int64 == 1)
    }
}
