import Domain
import HTTPClient
import Storage
import WhatsApp

/// Delivers committed outbox rows to Meta. Runs inside `whatsorder outbox send` and `whatsorder sender`, never
/// inside a webhook handler: an answer to Meta never waits on Meta.
public struct OutboxSender {
    public struct Settings: Sendable {
        public var graphURL: String
        public var apiVersion: String
        public var phoneNumberID: String
        public var accessToken: String
        /// After this many attempts a transient failure becomes permanent.
        public var maxAttempts: Int = 8
        public var baseDelayMilliseconds: Int64 = 1000
        public var maxDelayMilliseconds: Int64 = 15 * 60 * 1000
        /// How long a claimed row stays ours; longer than the 15 s request timeout, so a live send never loses it.
        public var leaseMilliseconds: Int64 = 60_000
        public var batchSize: Int = 20

        public init(graphURL: String, apiVersion: String, phoneNumberID: String, accessToken: String) {
            self.graphURL = graphURL
            self.apiVersion = apiVersion
            self.phoneNumberID = phoneNumberID
            self.accessToken = accessToken
        }
    }

    public var settings: Settings
    public var store: Store
    public var transport: HTTPTransport
    /// Unix milliseconds.
    public var now: () -> Int64
    /// A number in 0..<1, for jitter.
    public var random: () -> Double
    public var log: Logger

    public init(
        settings: Settings, store: Store, transport: HTTPTransport, now: @escaping () -> Int64,
        random: @escaping () -> Double, log: Logger
    ) {
        self.settings = settings
        self.store = store
        self.transport = transport
        self.now = now
        self.random = random
        self.log = log
    }

    public struct Report: Equatable, Sendable {
        public var sent = 0
        public var retried = 0
        public var failed = 0

        public init() {}

        public var attempted: Int { sent + retried + failed }

        public static func + (lhs: Report, rhs: Report) -> Report {
            var sum = lhs
            sum.sent += rhs.sent
            sum.retried += rhs.retried
            sum.failed += rhs.failed
            return sum
        }
    }

    /// One pass: claims every row due now (a batch at a time) and attempts each once.
    public func deliverDue(customer: CustomerID? = nil) throws -> Report {
        var report = Report()
        while true {
            let batch = try store.claimDueOutbox(
                now: now(), leaseMilliseconds: settings.leaseMilliseconds, limit: settings.batchSize,
                customer: customer)
            if batch.isEmpty { return report }
            for item in batch { report = report + (try deliver(item)) }
        }
    }

    /// Backoff before attempt `attempts + 1`: exponential from the base, capped, with "equal jitter" so a crowd
    /// of failed rows does not return to Meta in one instant.
    public func delay(afterAttempts attempts: Int) -> Int64 {
        let exponent = min(max(attempts - 1, 0), 30)
        let full = min(settings.maxDelayMilliseconds, settings.baseDelayMilliseconds << Int64(exponent))
        return full / 2 + Int64(Double(full / 2) * random())
    }

    func deliver(_ item: Store.OutboxItem) throws -> Report {
        var report = Report()
        guard item.kind == OutboxKind.whatsAppMessage else {
            try store.failOutbox(
                id: item.id, error: "unknown outbox kind \(item.kind)", code: nil, fbtraceID: nil)
            report.failed = 1
            return report
        }
        let request = sendMessageRequest(
            graphURL: settings.graphURL, apiVersion: settings.apiVersion, phoneNumberID: settings.phoneNumberID,
            accessToken: settings.accessToken, body: item.payload)
        let outcome: SendOutcome
        do {
            let response = try transport.send(request)
            outcome = classifySendResponse(status: response.status, body: response.body)
        } catch {
            outcome = .retryable(reason: "\(error)", code: nil)
        }
        switch outcome {
        case .accepted(let wamid):
            try store.markOutboxSent(id: item.id, wamid: wamid, now: now())
            log.debug("sent", ["outbox": "\(item.id)"])
            report.sent = 1
        case .retryable(let reason, let code):
            if item.attempts >= settings.maxAttempts {
                try store.failOutbox(
                    id: item.id, error: "gave up after \(item.attempts) attempts: \(reason)", code: code,
                    fbtraceID: nil)
                log.error("send abandoned", ["outbox": "\(item.id)", "attempts": "\(item.attempts)", "reason": reason])
                report.failed = 1
            } else {
                let next = now() + delay(afterAttempts: item.attempts)
                try store.rescheduleOutbox(id: item.id, nextAttemptAt: next, error: reason, code: code)
                log.warning(
                    "send will be retried", ["outbox": "\(item.id)", "attempt": "\(item.attempts)", "reason": reason])
                report.retried = 1
            }
        case .rejected(let code, let title, let details, let fbtraceID):
            let text = [title, details].compactMap { $0 }.joined(separator: ": ")
            try store.failOutbox(id: item.id, error: text, code: code, fbtraceID: fbtraceID)
            log.error(
                "send rejected by Meta",
                ["outbox": "\(item.id)", "code": code.map(String.init) ?? "-", "fbtrace_id": fbtraceID ?? "-"])
            report.failed = 1
        }
        return report
    }
}
