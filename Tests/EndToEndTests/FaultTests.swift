import CurlHTTP
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing

/// Faults outside the request: a database locked by someone else, a full disk, Meta failing or slow, the sender
/// killed mid-send, everything restarted under load. Each must end with every message recorded once and answered
/// once (or, for the one case WhatsApp's API cannot make safe, one duplicate that is counted).
@Suite(.serialized) struct FaultTests {
    @Test(arguments: Stack.Mode.allCases)
    func aWriteLockHeldBeyondTheBusyTimeoutIs503AndTheRetrySucceeds(mode: Stack.Mode) throws {
        let stack = try Stack(mode: mode, sender: mode == .fastcgi, workers: 2)
        defer { stack.stop() }
        let body = textMessage(id: "wamid.BUSY-\(mode)", from: "2348040000001")
        // Another process's writer (a long import, a stopped tool) holds the lock for longer than the 5 s timeout.
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            do {
                let database = try Database(location: .path(stack.databasePath))
                try database.immediateTransaction {
                    holding.signal()
                    release.wait()
                }
                database.close()
            } catch {
                Issue.record("holder: \(error)")
                holding.signal()
            }
        }
        holder.start()
        holding.wait()
        let start = Date()
        let refused = try stack.post(body)
        let waited = Date().timeIntervalSince(start)
        release.signal()
        #expect(refused.status == 503)
        #expect(waited >= 4.5 && waited < 15, "waited \(waited) s")
        #expect(try stack.count("inboundMessage") == 0)
        // Meta's retry, once the lock is free.
        #expect(try stack.post(body).status == 200)
        stack.graph.waitForRequests(1)
        usleep(500_000)
        #expect(stack.graph.requests.count == 1)
        #expect(try stack.count("inboundMessage") == 1)
    }

    /// The database lives on a small tmpfs; a filler file takes the rest. Messages either commit whole (200) or
    /// not at all (503); once space is back, Meta's retries bring the refused ones in, each exactly once.
    @Test func aFullDiskIs503AndLeavesNothingHalfWritten() throws {
        let mount = NSTemporaryDirectory() + "whatsorder-full-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let sudo = geteuid() == 0 ? "" : "sudo -n "
        _ = try shell("\(sudo)mount -t tmpfs -o size=3m,mode=0777 whatsorder-full '\(mount)'", in: "/")
        defer {
            _ = try? shell("\(sudo)umount -l '\(mount)'", in: "/")
            try? FileManager.default.removeItem(atPath: mount)
        }
        #expect(try shell("stat -f -c %T '\(mount)'", in: "/").contains("tmpfs"))
        let stack = try Stack(mode: .fastcgi, sender: true, workers: 2, databaseDirectory: mount)
        defer { stack.stop() }
        let warmup = textMessage(id: "wamid.FULL-0", from: "2348050000000")
        #expect(try stack.post(warmup).status == 200)
        stack.graph.waitForRequests(1)
        // Fill what is left; dd stops at ENOSPC.
        _ = try? shell("dd if=/dev/zero of='\(mount)/filler' bs=4k 2>/dev/null", in: "/")
        var accepted: [Int] = []
        var refused: [Int] = []
        for index in 1...40 {
            let body = textMessage(
                id: "wamid.FULL-\(index)", from: "23480500\(String(format: "%05d", index))",
                text: String(repeating: "jollof rice please ", count: 40))
            let status = try stack.post(body).status
            if status == 200 { accepted.append(index) } else { refused.append(index) }
            #expect(status == 200 || status == 503)
        }
        #expect(!refused.isEmpty, "the disk never filled: the test proved nothing")
        // What was refused left no trace; what was accepted is whole (its reply queued with it).
        let ids = Set(try stack.query("SELECT providerID FROM inboundMessage").compactMap { $0[0].string })
        for index in refused { #expect(!ids.contains("wamid.FULL-\(index)")) }
        for index in accepted { #expect(ids.contains("wamid.FULL-\(index)")) }
        #expect(
            try stack.query(
                "SELECT count(*) FROM inboundMessage i WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.inboundMessageID = i.id)"
            ).first?[0].int64 == 0)
        #expect(try stack.query("PRAGMA integrity_check").first?[0].string == "ok")
        // Space comes back; Meta retries the refused deliveries (and, as it does, one accepted one again).
        try FileManager.default.removeItem(atPath: mount + "/filler")
        for index in refused + [accepted.first ?? 1] {
            let body = textMessage(
                id: "wamid.FULL-\(index)", from: "23480500\(String(format: "%05d", index))",
                text: String(repeating: "jollof rice please ", count: 40))
            #expect(stack.deliverLikeMeta(body) != nil)
        }
        #expect(try stack.count("inboundMessage") == 41)
        stack.graph.waitForRequests(41, timeout: 30)
        usleep(500_000)
        #expect(stack.graph.requests.count == 41)
        #expect(try stack.query("PRAGMA integrity_check").first?[0].string == "ok")
    }

    /// Meta fails for everyone (500, then 429 throttling), then answers slowly, then recovers. The replies in
    /// flight when it began fail together; after them the sender probes once per backoff step instead of retrying
    /// each reply, and the backlog goes out once, with nothing failed.
    @Test func metaDownThrottlingAndSlowThenBackDeliversEveryReplyOnce() throws {
        enum Phase { case down, throttled, slow, up }
        let phase = Locked(Phase.down)
        let answered = Locked<[(to: String, status: Int, at: Date)]>([])
        let stack = try Stack(
            mode: .fastcgi, sender: true, workers: 2,
            graphHandler: { request, sequence in
                let to = (request.json as? [String: Any])?["to"] as? String ?? "?"
                var response: StubHTTPServer.StubResponse
                switch phase.value {
                case .down: response = .init(status: 500, body: "<html>down</html>", contentType: "text/html")
                case .throttled: response = GraphStub.error(status: 429, code: 130429, title: "Rate limit hit")
                case .slow:
                    response = GraphStub.accepted(wamid: "wamid.S\(sequence)")
                    response.delaySeconds = 0.3
                case .up: response = GraphStub.accepted(wamid: "wamid.U\(sequence)")
                }
                answered.mutate { $0.append((to, response.status, Date())) }
                return response
            })
        defer { stack.stop() }
        let customers = (0..<20).map { "23480600000\(String(format: "%02d", $0))" }
        concurrently(customers.count) { index in
            _ = try? stack.post(textMessage(id: "wamid.OUTAGE-\(index)", from: customers[index]))
        }
        #expect(try stack.count("outbox") == 20)
        sleep(4)
        phase.mutate { $0 = .throttled }
        sleep(3)
        let duringOutage = answered.value
        phase.mutate { $0 = .slow }
        sleep(3)
        phase.mutate { $0 = .up }
        try waitUntil(timeout: 40) {
            try stack.query("SELECT count(*) FROM outbox WHERE status = 'sent'").first?[0].int64 == 20
        }
        usleep(500_000)
        // Seven seconds of outage with 20 replies queued: the first wave (what was in flight, at most one each),
        // then a handful of probes (backoff 1, 2, 4 s), where retrying every reply on its own schedule would have
        // cost 60 or more.
        let firstWave = duringOutage.filter { $0.at.timeIntervalSince(duringOutage[0].at) < 0.5 }
        #expect(firstWave.count <= customers.count)
        #expect(duringOutage.count - firstWave.count <= 8, "\(duringOutage.count - firstWave.count) probes")
        let delivered = answered.value.filter { $0.status == 200 }.map(\.to)
        #expect(delivered.count == 20)
        #expect(Set(delivered) == Set(customers.map { "+" + $0 }))
        #expect(try stack.count("outbox") == 20)
        #expect(try stack.run("cgi-bin/whatsorder outbox status --config \(stack.configPath)").contains("failed\t0"))
    }

    /// WhatsApp's send API takes no idempotency key: a sender killed after Meta took the message but before it
    /// marked the row sent will send it again once the row's lease runs out. That one duplicate is the bound, and
    /// it is counted.
    @Test func theSenderKilledBetweenSendingAndMarkingSentCostsOneCountedDuplicate() throws {
        let stack = try Stack(mode: .fastcgi, sender: false, workers: 2, graphHandler: lateFirstAnswer())
        defer { stack.stop() }
        try stack.startSender("--lease-milliseconds 2000")
        try waitUntil { FileManager.default.fileExists(atPath: "\(stack.directory)/run/sender.sock") }
        #expect(try stack.post(textMessage(id: "wamid.KILL-1", from: "2348070000001")).status == 200)
        stack.graph.waitForRequests(1)
        kill(try stack.senderPID(), SIGKILL)
        try stack.startSender("--lease-milliseconds 2000")
        // The row's lease runs out; the new sender sends it again.
        let requests = stack.graph.waitForRequests(2, timeout: 15)
        #expect(requests.count == 2)
        try waitUntil { try stack.query("SELECT status FROM outbox").first?[0].string == "sent" }
        // Everything after is sent once.
        #expect(try stack.post(textMessage(id: "wamid.KILL-2", from: "2348070000002")).status == 200)
        stack.graph.waitForRequests(3)
        usleep(500_000)
        #expect(stack.graph.requests.count == 3)
        let status = try stack.run("cgi-bin/whatsorder outbox status --config \(stack.configPath)")
        #expect(status.contains("possible duplicates\t1"), "\(status)")
        #expect(status.contains("sent\t2"))
    }

    /// 30 customers each send 5 messages while the FastCGI workers are stopped (TERM), killed (KILL) and the
    /// sender is restarted. Meta retries whatever did not get a 200; every message is recorded and answered once.
    @Test func handlersAndTheSenderRestartedUnderLoadLoseNothing() throws {
        let stack = try Stack(mode: .fastcgi, sender: true, workers: 2)
        defer { stack.stop() }
        let customers = 30
        let perCustomer = 5
        let progress = Locked(0)
        let failures = Locked(0)
        let load = Thread {
            concurrently(customers) { customer in
                for message in 0..<perCustomer {
                    let body = textMessage(
                        id: "wamid.LOAD-\(customer)-\(message)", from: "2348080\(String(format: "%06d", customer))")
                    if stack.deliverLikeMeta(body) == nil { failures.mutate { $0 += 1 } }
                    progress.mutate { $0 += 1 }
                    usleep(20_000)
                }
            }
        }
        load.start()
        let total = customers * perCustomer
        // Generous waits: under the whole suite's load a restarted worker can take seconds to answer, and what
        // this test judges is that nothing is lost, not how fast.
        try waitUntil(timeout: 60) { progress.value >= total / 4 }
        for pid in try stack.workerPIDs() { kill(pid, SIGTERM) }
        try waitUntil(timeout: 60) { progress.value >= total / 2 }
        for pid in try stack.workerPIDs() { kill(pid, SIGKILL) }
        let senderPID = try stack.senderPID()
        kill(senderPID, SIGTERM)
        try waitUntil(timeout: 30) { kill(senderPID, 0) != 0 }
        try stack.startSender()
        try waitUntil(timeout: 60) { progress.value == total }
        #expect(failures.value == 0)
        #expect(try stack.count("inboundMessage") == Int64(total))
        #expect(try stack.count("outbox") == Int64(total))
        let requests = stack.graph.waitForRequests(total, timeout: 30)
        usleep(1_000_000)
        #expect(requests.count == total)
        #expect(stack.graph.requests.count == total)
        #expect(try stack.query("SELECT count(*) FROM outbox WHERE status != 'sent'").first?[0].int64 == 0)
        // Each conversation advanced once per message: none skipped, none applied twice.
        let versions = try stack.query("SELECT min(version), max(version), count(*) FROM conversation").first
        #expect(versions?[0].int64 == Int64(perCustomer))
        #expect(versions?[1].int64 == Int64(perCustomer))
        #expect(versions?[2].int64 == Int64(customers))
    }
}

/// Senders that die and senders that pile up (issue 17, item 4).
@Suite(.serialized) struct SenderRecoveryTests {
    /// A sender killed mid-send leaves its row leased for the whole minute; the sender started after it sees that
    /// the row's owner (pid and start time) is gone and sends it at once, counted as a possible duplicate.
    @Test func aRestartedSenderTakesBackADeadSendersRowsAtOnce() throws {
        let stack = try Stack(mode: .fastcgi, sender: false, workers: 2, graphHandler: lateFirstAnswer())
        defer { stack.stop() }
        // The default lease: a minute.
        try stack.startSender()
        try waitUntil { FileManager.default.fileExists(atPath: "\(stack.directory)/run/sender.sock") }
        #expect(try stack.post(textMessage(id: "wamid.RECLAIM-1", from: "2348070000011")).status == 200)
        stack.graph.waitForRequests(1)
        kill(try stack.senderPID(), SIGKILL)
        let killed = Date()
        try stack.startSender()
        let requests = stack.graph.waitForRequests(2, timeout: 15)
        #expect(requests.count == 2)
        #expect(Date().timeIntervalSince(killed) < 15, "sent again long before the minute's lease ran out")
        try waitUntil { try stack.query("SELECT status FROM outbox").first?[0].string == "sent" }
        let status = try stack.run("cgi-bin/whatsorder outbox status --config \(stack.configPath)")
        #expect(status.contains("possible duplicates\t1"), "\(status)")
        #expect(stack.log("sender.log").contains("took back rows of a sender that is no longer running rows=1"))
    }

    /// Meta slow (each send answered after 300 ms), 30 customers at once, so many sends are in flight when the
    /// sender is killed with -9. The sender started after it takes the dead one's rows back at once: every reply
    /// is delivered, and every one that may have gone twice is counted.
    @Test func aSenderKilledMidBurstLosesNothingAndCountsItsDuplicates() throws {
        let stack = try Stack(
            mode: .fastcgi, sender: false, workers: 2,
            graphHandler: { _, sequence in
                var slow = GraphStub.accepted(wamid: "wamid.B\(sequence)")
                slow.delaySeconds = 0.3
                return slow
            })
        defer { stack.stop() }
        try stack.startSender()
        try waitUntil { FileManager.default.fileExists(atPath: "\(stack.directory)/run/sender.sock") }
        let customers = 30
        concurrently(customers) { index in
            _ = try? stack.post(textMessage(id: "wamid.BURST-\(index)", from: "23480700022\(10 + index)"))
        }
        stack.graph.waitForRequests(10)
        kill(try stack.senderPID(), SIGKILL)
        try stack.startSender()
        let rows = try stack.count("outbox")
        try waitUntil(timeout: 30) {
            try stack.query("SELECT count(*) FROM outbox WHERE status = 'sent'").first?[0].int64 == rows
        }
        usleep(500_000)
        let duplicates = try stack.query("SELECT sum(uncertainSends) FROM outbox").first?[0].int64 ?? 0
        let requests = Int64(stack.graph.requests.count)
        // Several were in flight; each is counted, and nothing went twice uncounted.
        #expect(duplicates >= 2)
        #expect(requests >= rows)
        #expect(requests - rows <= duplicates)
        // Every customer got their reply.
        let recipients = Set(stack.graph.requests.compactMap { ($0.json as? [String: Any])?["to"] as? String })
        #expect(recipients.count == customers)
        let status = try stack.run("cgi-bin/whatsorder outbox status --config \(stack.configPath)")
        #expect(status.contains("possible duplicates\t\(duplicates)"), "\(status)")
    }

    /// With no sender daemon, 40 customers writing at once are all answered by fallback senders that never run
    /// two at a time (their passes, logged to one file, never overlap).
    @Test func fallbackSendersRunOneAtATime() throws {
        let stack = try Stack(mode: .cgi, sender: false, workers: 4)
        defer { stack.stop() }
        let customers = 40
        concurrently(customers) { index in
            _ = try? stack.post(textMessage(id: "wamid.FALLBACK-\(index)", from: "23480700011\(10 + index)"))
        }
        try waitUntil(timeout: 30) {
            try stack.query("SELECT count(*) FROM outbox WHERE status = 'sent'").first?[0].int64 == Int64(customers)
        }
        try waitUntil { !stack.log("fallback-sender.log").isEmpty }
        usleep(500_000)
        let passes = stack.log("fallback-sender.log").split(separator: "\n")
            .filter { $0.hasSuffix("fallback pass") || $0.hasSuffix("fallback pass done") }
        var running = 0
        var most = 0
        for line in passes {
            running += line.hasSuffix("done") ? -1 : 1
            most = max(most, running)
        }
        #expect(most == 1, "\(passes.joined(separator: "\n"))")
        #expect(passes.filter { $0.hasSuffix("fallback pass") }.count < customers)
    }
}

/// A Graph API that takes the first message but answers it 3 s late: a sender killed while it waits has sent it.
func lateFirstAnswer() -> @Sendable (StubHTTPServer.RecordedRequest, Int) -> StubHTTPServer.StubResponse {
    let firstSend = Locked(true)
    return { _, sequence in
        if firstSend.value {
            firstSend.mutate { $0 = false }
            var late = GraphStub.accepted(wamid: "wamid.K\(sequence)")
            late.delaySeconds = 3
            return late
        }
        return GraphStub.accepted(wamid: "wamid.K\(sequence)")
    }
}
