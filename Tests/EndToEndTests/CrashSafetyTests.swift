import CurlHTTP
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Handlers are killed (SIGKILL) at random moments while 200 deliveries arrive; every delivery that did not get a
/// 200 is sent again, as Meta would. Whatever a kill interrupted, each message ends up recorded exactly once and
/// answered exactly once: the transaction either committed (the retry is a duplicate) or did not (the retry is new).
@Suite(.serialized) struct CrashSafetyTests {
    @Test func killedHandlersLoseNothingAndDuplicateNothing() throws {
        let stack = try Stack(mode: .fastcgi, sender: true, workers: 2)
        defer { stack.stop() }
        let customers = 20
        let perCustomer = 10
        let done = Locked(false)
        let kills = Locked(0)
        let retries = Locked(0)
        let killer = Thread {
            var generator = SystemRandomNumberGenerator()
            while !done.value {
                usleep(UInt32.random(in: 5_000...40_000, using: &generator))
                if let pid = (try? stack.workerPIDs())?.randomElement(using: &generator), kill(pid, SIGKILL) == 0 {
                    kills.mutate { $0 += 1 }
                }
            }
        }
        killer.start()
        let failures = Locked<[String]>([])
        concurrently(8) { thread in
            guard let client = try? CurlTransport() else { return }
            for index in stride(from: thread, to: customers * perCustomer, by: 8) {
                let customer = index % customers
                let body = textMessage(
                    id: "wamid.CRASH-\(index)", from: "2348030000\(String(format: "%03d", customer))")
                let posts = stack.deliverLikeMeta(body, tries: 200, pause: 20_000, transport: client)
                retries.mutate { $0 += (posts ?? 200) - 1 }
                if posts == nil { failures.mutate { $0.append("wamid.CRASH-\(index)") } }
                // Spread the deliveries over a second or two, so the killer lands on many of them.
                usleep(30_000)
            }
        }
        done.mutate { $0 = true }
        while !killer.isFinished { usleep(10_000) }
        #expect(failures.value.isEmpty)
        #expect(kills.value >= 10)
        let total = customers * perCustomer
        #expect(try stack.count("inboundMessage") == Int64(total))
        #expect(try stack.count("outbox") == Int64(total))
        // Every message answered once: 200 sends reach Meta, 10 to each customer, and no more arrive later.
        stack.graph.waitForRequests(total, timeout: 60)
        usleep(1_500_000)
        let requests = stack.graph.requests
        #expect(requests.count == total)
        var perRecipient: [String: Int] = [:]
        for request in requests {
            if let to = (request.json as? [String: Any])?["to"] as? String { perRecipient[to, default: 0] += 1 }
        }
        #expect(perRecipient.count == customers)
        #expect(perRecipient.values.allSatisfy { $0 == perCustomer })
        #expect(try stack.query("SELECT max(version) FROM conversation").first?[0].int64 == Int64(perCustomer))
        print("crash safety: \(kills.value) workers killed, \(retries.value) deliveries re-sent")
    }
}
