import CurlHTTP
import Domain
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing

@testable import App

/// The sender against a stub of Meta's Graph API on 127.0.0.1, through real libcurl.
final class SenderHarness: @unchecked Sendable {
    let harness: Harness
    let stub: StubHTTPServer
    let curl: CurlTransport
    private let lock = NSLock()
    private var clock: Int64 = 1_764_000_000_000

    init(handler: @escaping @Sendable (StubHTTPServer.RecordedRequest, Int) -> StubHTTPServer.StubResponse) throws {
        harness = try Harness()
        stub = try StubHTTPServer(handler: handler)
        curl = try CurlTransport()
    }

    var now: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return clock
    }

    func advance(_ milliseconds: Int64) {
        lock.lock()
        clock += milliseconds
        lock.unlock()
    }

    var sender: OutboxSender {
        OutboxSender(
            settings: .init(
                graphURL: stub.baseURL, apiVersion: "v25.0", phoneNumberID: "106540352242922",
                accessToken: "EAAtest-token"),
            conversation: .testing, store: harness.store, transport: curl.transport, now: { [self] in now },
            random: { 0.5 }, log: .silent)
    }
}

@Suite(.serialized) struct OutboxSenderTests {
    @Test func aReplyIsPostedToTheMessagesEndpointWithTheBearerToken() throws {
        let setup = try SenderHarness { _, _ in GraphStub.accepted(wamid: "wamid.SENT1") }
        _ = setup.harness.post(textMessage(id: "wamid.IN1"))
        let report = try setup.sender.deliverDue()
        #expect(report.sent == 1)
        let request = try #require(setup.stub.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v25.0/106540352242922/messages")
        #expect(request.header("authorization") == "Bearer EAAtest-token")
        #expect(request.header("content-type") == "application/json")
        let json = request.json as? [String: Any]
        #expect(json?["to"] as? String == "+2348012345678")
        #expect((json?["interactive"] as? [String: Any])?["type"] as? String == "list")
        #expect(try setup.harness.store.outboundStatus(wamid: "wamid.SENT1")?.status == "accepted")
        #expect(try setup.harness.store.outboxCounts() == ["sent": 1])
    }

    @Test func a500ThenA200DeliversOnceAfterARetry() throws {
        let setup = try SenderHarness { _, sequence in
            sequence == 0
                ? .init(status: 500, body: "<html>oops</html>", contentType: "text/html")
                : GraphStub.accepted(wamid: "wamid.RETRIED")
        }
        _ = setup.harness.post(textMessage(id: "wamid.IN2"))
        let first = try setup.sender.deliverDue()
        #expect(first.retried == 1 && first.attempted == 1)
        #expect(first.heldUntil == setup.now + 750)
        // Not due yet: nothing is sent early.
        #expect(try setup.sender.deliverDue().attempted == 0)
        let due = try #require(try setup.harness.store.nextOutboxDue())
        #expect(due > setup.now)
        setup.advance(due - setup.now)
        #expect(try setup.sender.deliverDue().sent == 1)
        #expect(setup.stub.requests.count == 2)
        #expect(setup.stub.requests[0].body == setup.stub.requests[1].body)
        #expect(try setup.harness.store.outboxRows().map(\.status) == ["sent"])
        #expect(try setup.harness.store.outboxRows().map(\.attempts) == [2])
    }

    @Test func a131047IsNotRetriedAndIsRecordedWithItsTraceID() throws {
        let setup = try SenderHarness { _, _ in
            GraphStub.error(
                status: 400, code: 131047, title: "Re-engagement message", fbtraceID: "Az8or2yhqkZfEZ-_4Qn_Bam")
        }
        _ = setup.harness.post(textMessage(id: "wamid.IN3"))
        #expect(try setup.sender.deliverDue().failed == 1)
        setup.advance(24 * 3600 * 1000)
        #expect(try setup.sender.deliverDue().attempted == 0)
        #expect(setup.stub.requests.count == 1)
        let row = try #require(try setup.harness.store.outboxRows().first)
        #expect(row.status == "failed")
        #expect(row.errorCode == 131047)
        #expect(row.fbtraceID == "Az8or2yhqkZfEZ-_4Qn_Bam")
    }

    /// Two answers that name the same wamid (a stand-in's bug, or Meta's) do not stop the sender: both sends are
    /// recorded as sent, and the wamid stays with the first.
    @Test func aWamidGivenTwiceIsNotAFailure() throws {
        let setup = try SenderHarness { _, _ in GraphStub.accepted(wamid: "wamid.SAME") }
        _ = setup.harness.post(textMessage(id: "wamid.TWICE1", from: "2348010000001"))
        _ = setup.harness.post(textMessage(id: "wamid.TWICE2", from: "2348010000002"))
        #expect(try setup.sender.deliverDue().sent == 2)
        #expect(try setup.harness.store.outboxCounts() == ["sent": 2])
        #expect(try setup.harness.count("outboundMessage") == 1)
    }

    @Test func throttlingAndPairRateErrorsAreRetried() throws {
        let setup = try SenderHarness { _, sequence in
            switch sequence {
            case 0: return GraphStub.error(status: 400, code: 130429, title: "Rate limit hit")
            case 1: return GraphStub.error(status: 400, code: 131056, title: "Pair rate limit")
            default: return GraphStub.accepted(wamid: "wamid.AFTER")
            }
        }
        _ = setup.harness.post(textMessage(id: "wamid.IN4"))
        for _ in 0..<3 {
            _ = try setup.sender.deliverDue()
            if let due = try setup.harness.store.nextOutboxDue(), due > setup.now { setup.advance(due - setup.now) }
        }
        #expect(setup.stub.requests.count == 3)
        #expect(try setup.harness.store.outboxCounts() == ["sent": 1])
    }

    @Test func anUnreachableGraphAPIIsRetriedNotLost() throws {
        let setup = try SenderHarness { _, _ in GraphStub.accepted(wamid: "unused") }
        setup.stub.stop()
        _ = setup.harness.post(textMessage(id: "wamid.IN5"))
        #expect(try setup.sender.deliverDue().retried == 1)
        let row = try #require(try setup.harness.store.outboxRows().first)
        #expect(row.status == "pending")
        #expect(row.lastError?.contains("curl-7") == true)
    }

    @Test func retriesGiveUpADayAfterTheMessageWasQueued() throws {
        let setup = try SenderHarness { _, _ in .init(status: 503, body: "{}") }
        _ = setup.harness.post(textMessage(id: "wamid.IN6"))
        let queued = setup.now
        var passes = 0
        while try setup.harness.store.outboxRows().first?.status != "failed" && passes < 1000 {
            _ = try setup.sender.deliverDue()
            if let due = try setup.harness.store.nextOutboxDue(), due > setup.now { setup.advance(due - setup.now) }
            passes += 1
        }
        #expect(try setup.harness.store.outboxRows().first?.status == "failed")
        #expect(setup.now - queued >= 24 * 3600 * 1000)
        // Backoff capped at 5 minutes (3.75 on average with jitter) over a day: about 390 tries.
        #expect((350...420).contains(setup.stub.requests.count))
    }

    /// Meta down for half an hour with 30 customers' replies queued: the 30 go out at once (SEND_CONCURRENCY is
    /// 64) and fail, then a probe per backoff step while it lasts, then every reply exactly once, soon after it
    /// recovers.
    @Test func anOutageCostsOneProbePerBackoffStepAndTheBacklogDrainsOnceMetaRecovers() throws {
        let failing = Locked(true)
        let setup = try SenderHarness { request, sequence in
            if failing.value {
                return sequence % 2 == 0
                    ? .init(status: 500, body: "<html>down</html>", contentType: "text/html")
                    : GraphStub.error(status: 429, code: 130429, title: "Rate limit hit")
            }
            return GraphStub.accepted(wamid: "wamid.OK\(sequence)")
        }
        for index in 0..<30 {
            _ = setup.harness.post(textMessage(id: "wamid.OUT\(index)", from: "23480300000\(100 + index)"))
        }
        let start = setup.now
        let recovery = start + 30 * 60 * 1000
        var recoveredAt: Int64?
        var requestsBeforeRecovery = 0
        while try setup.harness.store.outboxCounts()["sent", default: 0] < 30, setup.now < start + 2 * 3600 * 1000 {
            if setup.now >= recovery && failing.value {
                failing.mutate { $0 = false }
                recoveredAt = setup.now
                requestsBeforeRecovery = setup.stub.requests.count
            }
            let pass = try setup.sender.deliverDue()
            let due = try setup.harness.store.nextOutboxDue() ?? setup.now + 1000
            let next = max(due, pass.heldUntil ?? 0)
            setup.advance(max(next - setup.now, 1))
        }
        let requests = setup.stub.requests
        // After the recovery, one request per reply: nothing sent twice.
        #expect(requests.count - requestsBeforeRecovery == 30)
        // The first wave, then one probe at 1, 2, 4 … seconds, then about every 4 minutes: some 16 probes in 30
        // minutes, where retrying each row on its own would have cost 30 times that.
        #expect((10...20).contains(requestsBeforeRecovery - 30))
        #expect(try setup.harness.store.outboxCounts() == ["sent": 30])
        // Each customer got their reply once.
        let sentTo = requests.suffix(30).compactMap { ($0.json as? [String: Any])?["to"] as? String }
        #expect(Set(sentTo).count == 30)
        #expect(try setup.harness.store.possibleDuplicateSends() == 0)
        // Within one backoff step (5 minutes at most) of the recovery.
        #expect(setup.now - (recoveredAt ?? 0) <= 5 * 60 * 1000 + 1000)
    }

    @Test func aSendWhoseAnswerWasLostIsRetriedAndCountedAsAPossibleDuplicate() throws {
        let setup = try SenderHarness { _, sequence in
            sequence == 0
                ? .init(status: 200, body: #"{"messages":[{"id":"wamid.LATE"}]}"#, delaySeconds: 2.5)
                : GraphStub.accepted(wamid: "wamid.AGAIN")
        }
        var timeouts = CurlTransport.Timeouts()
        timeouts.totalSeconds = 1
        let impatient = try CurlTransport(timeouts: timeouts)
        var sender = setup.sender
        sender.transport = SerialTransport(impatient.transport)
        _ = setup.harness.post(textMessage(id: "wamid.IN7"))
        #expect(try sender.deliverDue().retried == 1)
        #expect(try setup.harness.store.outboxRows().first?.uncertainSends == 1)
        setup.advance(2000)
        #expect(try sender.deliverDue().sent == 1)
        #expect(try setup.harness.store.possibleDuplicateSends() == 1)
    }

    @Test func aSenderKilledMidSendLeavesOneRowThatComesBackAfterItsLeaseCounted() throws {
        let setup = try SenderHarness { _, _ in GraphStub.accepted(wamid: "wamid.LEASED") }
        _ = setup.harness.post(textMessage(id: "wamid.IN8"))
        // A sender claims the row and dies before marking it.
        let claimed = try setup.harness.store.claimDueOutbox(now: setup.now, leaseMilliseconds: 60_000, limit: 10)
        #expect(claimed.count == 1)
        #expect(try setup.sender.deliverDue().attempted == 0)
        setup.advance(60_001)
        #expect(try setup.sender.deliverDue().sent == 1)
        let row = try #require(try setup.harness.store.outboxRows().first)
        #expect(row.attempts == 2)
        #expect(row.uncertainSends == 1)
        #expect(try setup.harness.store.possibleDuplicateSends() == 1)
    }

    @Test func anUnreachableGraphAPIIsNotAPossibleDuplicate() throws {
        let setup = try SenderHarness { _, _ in GraphStub.accepted(wamid: "unused") }
        setup.stub.stop()
        _ = setup.harness.post(textMessage(id: "wamid.IN9"))
        #expect(try setup.sender.deliverDue().retried == 1)
        #expect(try setup.harness.store.outboxRows().first?.uncertainSends == 0)
    }

    @Test func backoffGrowsAndIsCapped() throws {
        var sender = try SenderHarness { _, _ in GraphStub.accepted(wamid: "x") }.sender
        sender.random = { 0 }
        #expect(sender.delay(afterAttempts: 1) == 500)
        #expect(sender.delay(afterAttempts: 2) == 1000)
        #expect(sender.delay(afterAttempts: 40) == sender.settings.maxDelayMilliseconds / 2)
        sender.random = { 0.999 }
        #expect(sender.delay(afterAttempts: 3) <= 4000)
        #expect(sender.delay(afterAttempts: 3) > 3900)
    }
}

/// `SEND_RATE_LIMIT`: Meta's messages per second, held over every one-second window.
@Suite struct SendRateLimitTests {
    /// The most sends in any window [t, t + length) of these start times (one second unless told).
    static func busiestSecond(_ times: [Int64], length: Int64 = 1000) -> Int {
        let sorted = times.sorted()
        return sorted.indices.map { start in sorted[start...].prefix { $0 < sorted[start] + length }.count }.max() ?? 0
    }

    @Test func noOneSecondWindowHoldsMoreThanTheLimit() {
        let limiter = SendRateLimiter(limit: 80)
        var now: Int64 = 1_764_000_000_000
        var sent: [Int64] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            // Sends as fast as the limiter lets them, with now and then a pause of a few milliseconds.
            now += Int64.random(in: 0...3, using: &generator)
            while case let wait = limiter.wait(at: now), wait > 0 { now += wait }
            limiter.record(at: now)
            sent.append(now)
        }
        #expect(Self.busiestSecond(sent) == 80)
        // With room for jitter: no 1.02 s window holds more either, so sends that arrive up to 20 ms closer
        // together than they left still make at most 80 in Meta's second.
        #expect(Self.busiestSecond(sent, length: 1_020) == 80)
        // And it is not slower than it must be: a thousand sends take about 12.75 seconds (the 1.02 s window).
        #expect(now - sent[0] < 13_000)
    }

    @Test func throughputReachedHalvesTheRateForAMinute() {
        let limiter = SendRateLimiter(limit: 80)
        var now: Int64 = 0
        limiter.throttled(at: now)
        var sent: [Int64] = []
        while now < 59_000 {
            while case let wait = limiter.wait(at: now), wait > 0 { now += wait }
            limiter.record(at: now)
            sent.append(now)
        }
        #expect(Self.busiestSecond(sent) == 40)
        #expect(limiter.current(at: 59_999) == 40)
        #expect(limiter.current(at: 60_000) == 80)
    }
}

extension OutboxSenderTests {
    /// The sender itself, against a Graph API stand-in that answers at once: 30 replies at a limit of 10 a
    /// second take three seconds of the sender's clock, never more than 10 in a second. A 130429 halves it.
    @Test func theSenderHoldsTheRateLimitAndSlowsDownOn130429() throws {
        let calls = Locked(0)
        let setup = try SenderHarness { _, sequence in
            calls.mutate { $0 += 1 }
            // The 11th send meets Meta's throughput limit.
            return calls.value == 11
                ? GraphStub.error(status: 400, code: 130429, title: "Rate limit hit")
                : GraphStub.accepted(wamid: "wamid.L\(sequence)")
        }
        for index in 0..<30 {
            _ = setup.harness.post(
                textMessage(
                    id: "wamid.RATE\(index)", from: "23480700022\(10 + index)", text: "hi", sentAt: 1_764_000_000))
        }
        let times = Locked<[Int64]>([])
        var sender = setup.sender
        let transport = setup.curl.transport
        sender.transport = SerialTransport(
            HTTPTransport { request in
                times.mutate { $0.append(setup.now) }
                return try transport.send(request)
            })
        sender.rateLimiter = SendRateLimiter(limit: 10)
        sender.sleep = { setup.advance($0) }
        var guardPasses = 0
        while try setup.harness.store.outboxCounts()["pending", default: 0] > 0 && guardPasses < 50 {
            _ = try sender.deliverDue()
            setup.advance(100)
            guardPasses += 1
        }
        #expect(try setup.harness.store.outboxCounts()["sent", default: 0] == 30)
        let sent = times.value
        #expect(sent.count == 31)
        #expect(SendRateLimitTests.busiestSecond(sent) <= 10)
        // After the 130429, half the rate: no second after it holds more than 5. (The ten started in the second
        // that met it, 11 to 20, were all in flight before its answer came.)
        #expect(SendRateLimitTests.busiestSecond(Array(sent.dropFirst(20))) <= 5)
    }
}
