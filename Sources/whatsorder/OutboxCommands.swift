import App
import ArgumentParser
import Bootstrap
import CurlHTTP
import Domain
import Foundation
import Storage

struct Outbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deliver or inspect the outbox.", subcommands: [Send.self, Status.self])

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver due outbox rows with retries and backoff, then exit.",
            discussion: """
                With --once: one pass over what is due now; a transient failure is retried within a few seconds \
                while the command runs, then left scheduled. Without: keep going until nothing is pending or \
                --max-seconds have passed.
                """)
        @OptionGroup var options: ConfigOptions
        @Flag(help: "One pass over what is due now (what handlers start when no sender runs).")
        var once = false
        @Option(help: "Only this customer's rows (internal id).")
        var customer: Int64?
        @Option(help: "Stop after this long (without --once).")
        var maxSeconds: Int = 600

        func run() throws {
            try exitOnFailure {
                let sender = try makeSender(options: options, component: "outbox-send")
                defer { sender.store.close() }
                guard once else { return try deliver(sender) }
                // What handlers start with no daemon: one at a time (Bootstrap.FallbackGate).
                let gate = FallbackGate(socketPath: try options.load()["OUTBOX_SOCKET"])
                let ran = try gate.runExclusively {
                    sender.log.info("fallback pass")
                    defer { sender.log.info("fallback pass done") }
                    try deliver(sender)
                }
                if !ran {
                    sender.log.info("another fallback sender is running; it takes this request")
                    print("another fallback sender is running")
                }
            }
        }

        func deliver(_ sender: OutboxSender) throws {
            let started = sender.now()
            // --once still waits out a short backoff, so "500 then 200" is delivered by the same run.
            let horizon: Int64 = once ? 10_000 : Int64(maxSeconds) * 1000
            var total = OutboxSender.Report()
            while true {
                let pass = try sender.deliverDue(customer: customer.map(CustomerID.init))
                total = total + pass
                guard let next = try sender.store.nextOutboxDue() else { break }
                let now = sender.now()
                if next - started > horizon || now - started > horizon { break }
                // A row can be due yet not claimable (behind the same customer's row another sender holds):
                // never spin on it.
                let wait = pass.attempted == 0 ? max(next - now, idleRetryMilliseconds) : next - now
                if wait > 0 { usleep(UInt32(min(wait, 5_000)) * 1000) }
            }
            let pending = try sender.store.outboxCounts()
            print(
                "sent \(total.sent), retried \(total.retried), failed \(total.failed); "
                    + "pending \(pending["pending", default: 0] + pending["sending", default: 0])")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count outbox rows by status.")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openStore()
                defer { store.close() }
                let counts = try store.outboxCounts()
                for status in ["pending", "sending", "sent", "failed"] {
                    print("\(status)\t\(counts[status, default: 0])")
                }
                // WhatsApp's API takes no idempotency key: a send whose answer was lost may have gone out twice.
                print("possible duplicates\t\(try store.possibleDuplicateSends())")
                // Staff alerts WhatsApp would have refused: the number had not written in 24 hours, no template.
                let untold = try store.untoldStaff(since: Live.nowMilliseconds() - 7 * 86_400_000)
                if !untold.isEmpty {
                    let clock = StaffClock(config: config)
                    print(
                        "\nStaff NOT told (their number has not written to the business in 24 hours and "
                            + "TEMPLATE_STAFF_ALERT is not set), last 7 days:")
                    for alert in untold {
                        let json = try? JSONSerialization.jsonObject(with: Data(alert.payload)) as? [String: Any]
                        let to = json?["to"] as? String ?? "?"
                        let text = (json?["text"] as? [String: Any])?["body"] as? String ?? ""
                        let first = text.split(separator: "\n").first.map(String.init) ?? ""
                        print("  \(to)  \(clock.short(alert.at))  \(first)")
                    }
                }
            }
        }
    }
}

/// How long a sender waits when rows are due but none could be claimed (another sender holds the way).
let idleRetryMilliseconds: Int64 = 50

/// Builds the live sender: the store, libcurl, the clock.
func makeSender(
    options: ConfigOptions, component: String, httpVersion: CurlMultiTransport.Version = .negotiated,
    caFile: String? = nil
) throws -> OutboxSender {
    let (config, store) = try options.openCurrentStore()
    let missing = config.missingKeys(for: .sender)
    if !missing.isEmpty {
        throw Failure.configuration("missing for the sender: \(missing.joined(separator: ", "))")
    }
    let (concurrency, ratePerSecond) = try configured { try config.sendLimits() }
    let transport: CurlMultiTransport
    do {
        // Room for every send and Paystack call in flight, so no kept-alive connection is closed under load.
        transport = try CurlMultiTransport(connections: concurrency + 16, version: httpVersion, caFile: caFile)
    } catch {
        throw Failure.internal("\(error)")
    }
    var settings = OutboxSender.Settings(
        graphURL: config["WHATSAPP_GRAPH_URL"], apiVersion: config["WHATSAPP_API_VERSION"],
        phoneNumberID: config["WHATSAPP_PHONE_NUMBER_ID"], accessToken: config["WHATSAPP_ACCESS_TOKEN"])
    settings.paystackAPIURL = config["PAYSTACK_API_URL"]
    settings.paystackSecretKey = config["PAYSTACK_SECRET_KEY"]
    settings.owner = SenderIdentity.current
    settings.concurrency = concurrency
    // Rows claimed by a sender that died (kill -9, a crash, a reboot) go out now, not after their lease.
    let reclaimed = try store.writeTransaction { try store.reclaimLeases(isRunning: SenderIdentity.isRunning) }
    let log = Live.stderrLogger(config: config, component: component)
    if reclaimed > 0 { log.warning("took back rows of a sender that is no longer running", ["rows": "\(reclaimed)"]) }
    let conversation = try configured { try Live.conversationRunner(config) }
    var sender = OutboxSender(
        settings: settings, conversation: conversation, store: store, transport: transport,
        now: Live.nowMilliseconds, random: Live.random, log: log)
    sender.rateLimiter = SendRateLimiter(limit: ratePerSecond)
    sender.sleep = { milliseconds in usleep(UInt32(min(milliseconds, 1000)) * 1000) }
    return sender
}
