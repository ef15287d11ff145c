import Conversation
import Domain
import HTTPClient
import Paystack
import Storage

/// `whatsorder payments reconcile`: Paystack sends no event for a failed or abandoned payment, and a webhook can be
/// lost. So every open payment older than a few minutes is verified with Paystack (a success goes through the same
/// checks and the same one-time transition as the webhook), and an order whose newest link outlived
/// `PAYMENT_LINK_TTL` unpaid is expired, with the customer told how to get a fresh link.
public struct PaymentReconciler {
    public struct Settings: Sendable {
        public var apiURL: String
        public var secretKey: String
        /// Payments younger than this are left to the webhook (ms).
        public var verifyAfter: Int64
        /// A link unpaid for this long expires (ms).
        public var linkTTL: Int64

        public init(apiURL: String, secretKey: String, verifyAfter: Int64, linkTTL: Int64) {
            self.apiURL = apiURL
            self.secretKey = secretKey
            self.verifyAfter = verifyAfter
            self.linkTTL = linkTTL
        }
    }

    public var settings: Settings
    public var payments: PaymentDesk
    public var store: Store
    public var transport: HTTPTransport
    public var now: () -> Int64
    public var log: Logger

    public init(
        settings: Settings, payments: PaymentDesk, store: Store, transport: HTTPTransport, now: @escaping () -> Int64,
        log: Logger
    ) {
        self.settings = settings
        self.payments = payments
        self.store = store
        self.transport = transport
        self.now = now
        self.log = log
    }

    public struct Report: Equatable, Sendable, CustomStringConvertible {
        public var verified = 0
        public var confirmed = 0
        public var reviewed = 0
        public var expired = 0
        /// Calls that got no usable answer; their orders are neither confirmed nor expired this time.
        public var unanswered = 0
        public var outboxRows = 0

        public init() {}

        public var description: String {
            "verified \(verified), confirmed \(confirmed), to review \(reviewed), expired \(expired), "
                + "unanswered \(unanswered)"
        }
    }

    public func run() throws -> Report {
        var report = Report()
        let open = try store.openPayments()
        let byOrder = Dictionary(grouping: open, by: \.orderID)
        for orderID in byOrder.keys.sorted() {
            guard let attempts = byOrder[orderID] else { continue }
            try reconcile(attempts, report: &report)
        }
        return report
    }

    func reconcile(_ attempts: [Store.OpenPayment], report: inout Report) throws {
        let started = now()
        var settled = false
        var certain = true
        // An attempt Paystack refused never became a transaction: it only counts for the link's age.
        for attempt in attempts where attempt.status != "failed" {
            guard started - attempt.since >= settings.verifyAfter else {
                certain = false
                continue
            }
            let request = verifyTransactionRequest(
                apiURL: settings.apiURL, secretKey: settings.secretKey, reference: attempt.reference)
            let outcome: VerifyOutcome
            do {
                let response = try transport.send(request)
                outcome = classifyVerifyResponse(status: response.status, body: response.body)
            } catch {
                outcome = .retryable(reason: "\(error)")
            }
            report.verified += 1
            switch outcome {
            case .found(let charge) where charge.status == "success":
                let applied = try payments.apply(
                    charge: charge,
                    event: Store.PaymentEventRecord(charge, source: .reconcile, event: "verify", key: charge.reference),
                    store: store, now: now())
                report.outboxRows += applied.outboxRows
                switch applied.outcome {
                case .confirmed: report.confirmed += 1
                case .review, .secondPayment: report.reviewed += 1
                default: break
                }
                log.info("payment verified", ["reference": attempt.reference, "outcome": applied.outcome.rawValue])
                settled = true
            case .found(let charge):
                try store.markPaymentVerified(reference: attempt.reference, note: nil, now: now())
                // Paystack is still working on it; an expiry now could race the money.
                if ["ongoing", "pending", "processing", "queued"].contains(charge.status) { certain = false }
            case .notFound:
                try store.markPaymentVerified(reference: attempt.reference, note: nil, now: now())
            case .retryable(let reason), .refused(let reason):
                certain = false
                report.unanswered += 1
                log.warning("verify failed", ["reference": attempt.reference, "reason": reason])
            }
        }
        guard !settled, certain, let newest = attempts.map(\.since).max(), let first = attempts.first,
            now() - newest >= settings.linkTTL
        else { return }
        let at = now()
        let rows = try store.writeTransaction { () throws -> Int in
            guard try store.transitionOrder(id: first.orderID, to: .expired, from: [.awaitingPayment], now: at)
            else { return -1 }
            try store.abandonPayments(orderID: first.orderID, now: at)
            return try store.stepConversation(
                of: first.customer, now: at,
                step: try payments.conversation.stepping(.paymentLinkExpired(first.orderCode), in: store, now: at))
        }
        if rows >= 0 {
            report.expired += 1
            report.outboxRows += rows
            log.info("payment link expired", ["order": first.orderCode.rawValue])
        }
    }
}
