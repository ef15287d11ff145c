import CurlHTTP
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing

@testable import App

/// What a slow Graph API stand-in saw: each send's recipient and body in arrival order, and how many sends were
/// open (arrived, not yet answered) at once, in all and for one recipient.
final class OpenSends: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [String: Int] = [:]
    private var openTotal = 0
    private(set) var mostOpen = 0
    private(set) var mostOpenForOne = 0
    private(set) var arrivals: [(to: String, body: String)] = []

    /// `label`: who it is for when the body has no `to` (a Paystack call).
    func arrived(_ request: StubHTTPServer.RecordedRequest, as label: String? = nil) -> String {
        let to = label ?? (request.json as? [String: Any])?["to"] as? String ?? "?"
        lock.lock()
        defer { lock.unlock() }
        arrivals.append((to, request.bodyText))
        open[to, default: 0] += 1
        openTotal += 1
        mostOpen = max(mostOpen, openTotal)
        mostOpenForOne = max(mostOpenForOne, open[to, default: 0])
        return to
    }

    func answered(_ to: String) {
        lock.lock()
        defer { lock.unlock() }
        open[to, default: 0] -= 1
        openTotal -= 1
    }

    /// Bodies each recipient received, in the order they arrived.
    var received: [String: [String]] {
        lock.lock()
        defer { lock.unlock() }
        return Dictionary(grouping: arrivals, by: \.to).mapValues { $0.map(\.body) }
    }
}

/// The sender with many requests in flight through libcurl's multi interface, against stand-ins that answer each
/// request after a delay, as Meta and Paystack do from far away. The clock is the wall clock: the waits are real.
@Suite(.serialized) struct ConcurrentSenderTests {
    /// The harness's moment (when its messages were written) plus the real time since the test began.
    static func clock() -> () -> Int64 {
        let start = Date()
        return { 1_764_000_000_000 + Int64(Date().timeIntervalSince(start) * 1000) }
    }

    /// A Graph API stand-in that answers each send after `delay` seconds (`answer` decides what, by arrival).
    static func slowGraph(
        _ sends: OpenSends, delay: Double,
        answer: @escaping @Sendable (StubHTTPServer.RecordedRequest, String, Int) -> StubHTTPServer.StubResponse? = {
            _, _, _ in nil
        }
    ) throws -> StubHTTPServer {
        try StubHTTPServer { request, sequence in
            if request.path.hasSuffix("/transaction/initialize") {
                let to = sends.arrived(request, as: "paystack")
                usleep(UInt32(delay * 1_000_000))
                sends.answered(to)
                return PaystackStub.initialized(sequence)
            }
            let to = sends.arrived(request)
            usleep(UInt32(delay * 1_000_000))
            sends.answered(to)
            return answer(request, to, sequence) ?? GraphStub.accepted(wamid: "wamid.C\(sequence)")
        }
    }

    static func sender(
        _ harness: Harness, _ stub: StubHTTPServer, concurrency: Int, rate: Int = 100_000
    ) throws -> OutboxSender {
        var settings = OutboxSender.Settings(
            graphURL: stub.baseURL, apiVersion: "v25.0", phoneNumberID: "106540352242922", accessToken: "EAAtest")
        settings.concurrency = concurrency
        settings.paystackAPIURL = stub.baseURL + "/paystack"
        settings.paystackSecretKey = "sk_test_unit"
        var sender = OutboxSender(
            settings: settings, conversation: .testing, store: harness.store,
            transport: try CurlMultiTransport(connections: concurrency + 8), now: clock(), random: { 0.5 },
            log: .silent)
        sender.rateLimiter = SendRateLimiter(limit: rate)
        sender.sleep = { usleep(UInt32($0) * 1000) }
        return sender
    }

    /// `customers` new customers each say "hi", numbered `2348` + `series` (3 digits) + 6 digits: apart from
    /// other tests' customers.
    static func sayHi(_ harness: Harness, customers: Int, series: Int) {
        for customer in 0..<customers {
            _ = harness.post(
                textMessage(
                    id: "wamid.H\(series)-\(customer)", from: "2348" + String(format: "%03d%06d", series, customer),
                    sentAt: 1_764_000_000))
        }
    }

    /// What each recipient should receive: the outbox's WhatsApp payloads in the order they were written.
    static func written(_ store: Store) throws -> [String: [String]] {
        let rows = try store.database.query("SELECT payload FROM outbox WHERE kind = 'whatsapp.message' ORDER BY id")
        var byRecipient: [String: [String]] = [:]
        for row in rows {
            let body = String(decoding: row[0].bytes ?? [], as: UTF8.self)
            let to = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["to"] as? String
            byRecipient[to ?? "?", default: []].append(body)
        }
        return byRecipient
    }

    /// 30 customers each write three times at once; every reply goes out with 12 sends open at a time, yet no
    /// customer ever has two open and each receives their replies in the order they were written.
    @Test func manySendsInFlightButOnePerCustomerInOrder() throws {
        let harness = try Harness()
        for customer in 0..<30 {
            for (index, text) in ["hi", "menu", "thanks"].enumerated() {
                _ = harness.post(
                    textMessage(
                        id: "wamid.M\(customer)-\(index)", from: "2348031\(String(format: "%06d", customer))",
                        text: text, sentAt: 1_764_000_000))
            }
        }
        let expected = try Self.written(harness.store)
        #expect(expected.count == 30)
        #expect(expected.values.allSatisfy { $0.count >= 3 })
        let sends = OpenSends()
        let stub = try Self.slowGraph(sends, delay: 0.05)
        let report = try Self.sender(harness, stub, concurrency: 12).deliverDue()

        let total = expected.values.map(\.count).reduce(0, +)
        #expect(report.sent == total)
        #expect(try harness.store.outboxCounts() == ["sent": total])
        #expect(sends.received == expected)
        #expect(sends.mostOpenForOne == 1)
        // Many at once, never more than SEND_CONCURRENCY.
        #expect((8...12).contains(sends.mostOpen))
        #expect(try harness.store.possibleDuplicateSends() == 0)
    }

    /// SEND_RATE_LIMIT under concurrency and a real clock: 50 customers' replies at 20 a second, several open at
    /// once, never more than 20 answered by the stand-in in any one second.
    @Test func theRateLimitHoldsAsTheStandInSeesIt() throws {
        let harness = try Harness()
        Self.sayHi(harness, customers: 50, series: 36)
        let arrivals = Locked<[Int64]>([])
        let sends = OpenSends()
        let stub = try Self.slowGraph(sends, delay: 0.05) { _, _, _ in
            arrivals.mutate { $0.append(Int64(Date().timeIntervalSince1970 * 1000)) }
            return nil
        }
        let report = try Self.sender(harness, stub, concurrency: 16, rate: 20).deliverDue()
        #expect(report.sent == 50)
        #expect(SendRateLimitTests.busiestSecond(arrivals.value) <= 20)
        #expect(sends.mostOpen > 1)
    }

    /// Meta's throughput limit (130429) under concurrency: the rate halves at once for what starts after the
    /// answer, and every reply still goes, none twice.
    @Test func a130429HalvesTheRateForWhatStartsAfterIt() throws {
        let harness = try Harness()
        Self.sayHi(harness, customers: 60, series: 37)
        let arrivals = Locked<[Int64]>([])
        let throttledAt = Locked<Int64?>(nil)
        let sends = OpenSends()
        let stub = try Self.slowGraph(sends, delay: 0.05) { _, _, _ in
            let at = Int64(Date().timeIntervalSince1970 * 1000)
            arrivals.mutate { $0.append(at) }
            guard arrivals.value.count == 5 else { return nil }
            throttledAt.mutate { $0 = at }
            return GraphStub.error(status: 400, code: 130429, title: "Rate limit hit")
        }
        var sender = try Self.sender(harness, stub, concurrency: 16, rate: 20)
        sender.settings.baseDelayMilliseconds = 100
        var report = OutboxSender.Report()
        for _ in 0..<20 where report.sent < 60 {
            report = report + (try sender.deliverDue())
            usleep(200_000)
        }
        #expect(report.sent == 60)
        #expect(try harness.store.outboxCounts() == ["sent": 60])
        #expect(try harness.store.possibleDuplicateSends() == 0)
        // The stand-in stamps each send as it answers, 50 ms after it arrived: those stamped more than 60 ms after
        // the 130429's answer left after the sender had it. At most half of 20 in any second.
        let answer = try #require(throttledAt.value)
        #expect(SendRateLimitTests.busiestSecond(arrivals.value.filter { $0 > answer + 60 }) <= 10)
        #expect(arrivals.value.count == 61)
    }

    /// A staff number's alerts are a lane of their own: with sends in flight for many customers, the alerts to
    /// one staff phone never overlap and arrive in the order written.
    @Test func aStaffNumbersAlertsLeaveInOrder() throws {
        let staff = "2348099990000"
        let harness = try Harness(staffNumbers: [staff])
        // The staff number wrote today, so its 24-hour window is open and alerts go as text.
        _ = harness.post(textMessage(id: "wamid.STAFF", from: staff, text: "hi", sentAt: 1_764_000_000))
        try harness.store.writeTransaction {
            for index in 0..<5 {
                try harness.store.enqueue(
                    [
                        Store.OutboxEntry(
                            kind: OutboxKind.whatsAppMessage, payload: staffAlert(staff, "alert \(index)"),
                            staffNumber: staff)
                    ], now: 1_764_000_000_000)
            }
        }
        Self.sayHi(harness, customers: 10, series: 34)
        let expected = try Self.written(harness.store)
        #expect(expected["+" + staff]?.count ?? 0 >= 5)
        let sends = OpenSends()
        let stub = try Self.slowGraph(sends, delay: 0.05)
        _ = try Self.sender(harness, stub, concurrency: 8).deliverDue()
        #expect(sends.mostOpenForOne == 1)
        #expect(sends.mostOpen > 1)
        #expect(sends.received == expected)
    }

    /// Meta's pair rate limit (131056) is about one customer: only that customer backs off; everyone else's
    /// replies go in the same pass and nothing is held.
    @Test func a131056BacksOffOnlyThatCustomer() throws {
        let harness = try Harness()
        Self.sayHi(harness, customers: 10, series: 32)
        let sends = OpenSends()
        let stub = try Self.slowGraph(sends, delay: 0.02) { _, to, _ in
            to == "+2348032000003" ? GraphStub.error(status: 400, code: 131056, title: "Pair rate limit hit") : nil
        }
        let report = try Self.sender(harness, stub, concurrency: 8).deliverDue()
        #expect(report.heldUntil == nil)
        #expect(report.retried == 1)
        let rows = try harness.store.outboxRows()
        #expect(rows.filter { $0.status == "sent" }.count == rows.count - 1)
        #expect(rows.filter { $0.status == "pending" }.map(\.errorCode) == [131056])
    }

    /// Meta failing for everyone (a 503 to all): the sends already in flight fail on their own, then one probe
    /// holds the rest back; once it succeeds the backlog goes at once.
    @Test func anOutageUnderConcurrencyHoldsTheRestBehindOneProbe() throws {
        let harness = try Harness()
        Self.sayHi(harness, customers: 40, series: 33)
        let down = Locked(true)
        let sends = OpenSends()
        let stub = try Self.slowGraph(sends, delay: 0.02) { _, _, _ in
            down.value ? .init(status: 503, body: "<html>down</html>", contentType: "text/html") : nil
        }
        var sender = try Self.sender(harness, stub, concurrency: 8)
        sender.settings.baseDelayMilliseconds = 200
        let first = try sender.deliverDue()
        // The first wave (8 in flight) failed; everything else waits behind the probe.
        #expect(first.retried == 8)
        #expect(first.heldUntil != nil)
        #expect(sends.arrivals.count == 8)
        usleep(400_000)
        let probe = try sender.deliverDue()
        #expect(probe.retried == 1)
        #expect(sends.arrivals.count == 9)
        down.mutate { $0 = false }
        usleep(1_000_000)
        let recovered = try sender.deliverDue()
        let total = try harness.store.outboxRows().count
        #expect(recovered.sent == total)
        #expect(try harness.store.outboxCounts() == ["sent": total])
        #expect(sends.arrivals.count == 9 + total)
    }

    /// A payment link is asked for beside the sends: with every send slot taken by other customers' slow replies,
    /// Paystack's call starts in the first round, not after them.
    @Test func paystackCallsRunBesideTheSends() throws {
        let harness = try Harness()
        Self.sayHi(harness, customers: 10, series: 35)
        let before = try harness.store.outboxRows().count
        for (index, text) in ["hi", "2 jollof", "checkout", "pickup", "skip", "confirm"].enumerated() {
            _ = harness.post(textMessage(id: "wamid.Q\(index)", text: text, sentAt: 1_764_000_000))
        }
        let rows = try harness.store.outboxRows()
        #expect(rows.last?.kind == OutboxKind.paystackInitialize)
        // This customer's replies went out already; their payment link is next, behind the others' replies.
        try harness.store.database.execute(
            "UPDATE outbox SET status = 'sent' WHERE id > \(before) AND kind = 'whatsapp.message'")
        let sends = OpenSends()
        let stub = try Self.slowGraph(sends, delay: 0.2)
        var sender = try Self.sender(harness, stub, concurrency: 2)
        sender.settings.paystackConcurrency = 2
        _ = try sender.deliverDue()
        #expect(try harness.store.payments().map(\.status) == ["link_sent"])
        // Among the first three requests: the two send slots and Paystack beside them.
        let paystack = try #require(sends.arrivals.firstIndex { $0.to == "paystack" })
        #expect(paystack < 3)
        #expect(sends.mostOpenForOne == 1)
    }
}

private func staffAlert(_ number: String, _ text: String) -> [UInt8] {
    Array(#"{"messaging_product":"whatsapp","to":"+\#(number)","type":"text","text":{"body":"\#(text)"}}"#.utf8)
}
