import Conversation
import Domain
import HTTPClient
import Paystack
import Storage
import WhatsApp

/// Delivers committed outbox rows to Meta and Paystack. Runs inside `whatsorder outbox send` and `whatsorder sender`, never
/// inside a webhook handler: an answer to Meta never waits on Meta.
public struct OutboxSender {
    public struct Settings: Sendable {
        public var graphURL: String
        public var apiVersion: String
        public var phoneNumberID: String
        public var accessToken: String
        public var paystackAPIURL: String = "https://api.paystack.co"
        public var paystackSecretKey: String = ""
        /// A row that still fails transiently this long after it was queued is given up: by then WhatsApp's 24-hour
        /// window is closed and Meta would refuse the message anyway. An outage of minutes or hours loses nothing.
        public var giveUpAfterMilliseconds: Int64 = 24 * 3600 * 1000
        public var baseDelayMilliseconds: Int64 = 1000
        /// The longest wait between tries, so a backlog drains within minutes of Meta's recovery.
        public var maxDelayMilliseconds: Int64 = 5 * 60 * 1000
        /// How long a claimed row stays ours; longer than the 15 s request timeout, so a live send never loses it.
        public var leaseMilliseconds: Int64 = 60_000
        public var batchSize: Int = 20
        /// Who this sender is on the rows it claims (`pid:start-time`), so a sender started after it dies can take
        /// them back at once.
        public var owner: String?

        public init(graphURL: String, apiVersion: String, phoneNumberID: String, accessToken: String) {
            self.graphURL = graphURL
            self.apiVersion = apiVersion
            self.phoneNumberID = phoneNumberID
            self.accessToken = accessToken
        }
    }

    public var settings: Settings
    /// Feeds Paystack's answers back into the customer's conversation.
    public var conversation: ConversationRunner
    public var store: Store
    public var transport: HTTPTransport
    /// Unix milliseconds.
    public var now: () -> Int64
    /// A number in 0..<1, for jitter.
    public var random: () -> Double
    public var log: Logger
    /// `SEND_RATE_LIMIT`: no one-second window holds more WhatsApp sends than this (shared by every pass).
    public var rateLimiter = SendRateLimiter(limit: 80)
    /// Waits this many milliseconds (the rate limit). Injected: tests move their clock instead.
    public var sleep: (Int64) -> Void = { _ in }

    public init(
        settings: Settings, conversation: ConversationRunner, store: Store, transport: HTTPTransport,
        now: @escaping () -> Int64, random: @escaping () -> Double, log: Logger
    ) {
        self.settings = settings
        self.conversation = conversation
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
        /// Set when the pass stopped because Meta is failing for everyone: nothing more is tried before this time.
        public var heldUntil: Int64?

        public init() {}

        public var attempted: Int { sent + retried + failed }

        public static func + (lhs: Report, rhs: Report) -> Report {
            var sum = lhs
            sum.sent += rhs.sent
            sum.retried += rhs.retried
            sum.failed += rhs.failed
            sum.heldUntil = rhs.heldUntil ?? lhs.heldUntil
            return sum
        }
    }

    /// One pass: claims every row due now (a batch at a time) and attempts each once.
    ///
    /// NB: an outage (5xx, 429, throttling, no connection) ends the pass at the first failure: the rest of the
    /// batch goes back unattempted and every due message waits out the failed row's backoff, so a backlog of a
    /// thousand replies costs Meta one probe per backoff step, not a thousand requests. The first retry that
    /// succeeds makes the whole backlog due again.
    public func deliverDue(customer: CustomerID? = nil) throws -> Report {
        var report = Report()
        while true {
            let batch = try store.claimDueOutbox(
                now: now(), leaseMilliseconds: settings.leaseMilliseconds, limit: settings.batchSize,
                customer: customer, owner: settings.owner)
            if batch.isEmpty { return report }
            for (index, item) in batch.enumerated() {
                let result = try deliver(item)
                report = report + result
                if let until = result.heldUntil {
                    try store.releaseOutbox(ids: batch[(index + 1)...].map(\.id))
                    try store.holdOutbox(kind: OutboxKind.whatsAppMessage, until: until)
                    log.warning("Meta is failing; sends paused", ["until": "\(until)"])
                    return report
                }
                if result.sent == 1 && item.attempts > 1 && item.kind == OutboxKind.whatsAppMessage {
                    try store.resumeOutbox(
                        kind: OutboxKind.whatsAppMessage, now: now(), except: ErrorCodes.pairRateLimit)
                }
            }
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
        if item.kind == OutboxKind.paystackInitialize {
            return try initializePayment(item)
        }
        if item.kind == OutboxKind.paystackRefund {
            return try requestRefund(item)
        }
        guard item.kind == OutboxKind.whatsAppMessage else {
            try store.failOutbox(
                id: item.id, error: "unknown outbox kind \(item.kind)", code: nil, fbtraceID: nil)
            report.failed = 1
            return report
        }
        let request = sendMessageRequest(
            graphURL: settings.graphURL, apiVersion: settings.apiVersion, phoneNumberID: settings.phoneNumberID,
            accessToken: settings.accessToken, body: item.payload)
        while case let wait = rateLimiter.wait(at: now()), wait > 0 { sleep(wait) }
        rateLimiter.record(at: now())
        let outcome: SendOutcome
        var uncertain = false
        do {
            let response = try transport.send(request)
            outcome = classifySendResponse(status: response.status, body: response.body)
        } catch {
            outcome = .retryable(reason: "\(error)", code: nil)
            uncertain = !Self.neverSent(error)
        }
        switch outcome {
        case .accepted(let wamid):
            try store.markOutboxSent(id: item.id, wamid: wamid, now: now())
            log.debug("sent", ["outbox": "\(item.id)"])
            report.sent = 1
        case .retryable(let reason, let code):
            if code == ErrorCodes.throughputReached {
                rateLimiter.throttled(at: now())
                log.warning("Meta's throughput limit reached; sending at half the rate for a minute")
            }
            if now() - item.createdAt >= settings.giveUpAfterMilliseconds {
                try store.failOutbox(
                    id: item.id, error: "gave up after \(item.attempts) attempts: \(reason)", code: code,
                    fbtraceID: nil)
                log.error("send abandoned", ["outbox": "\(item.id)", "attempts": "\(item.attempts)", "reason": reason])
                report.failed = 1
            } else {
                let next = now() + delay(afterAttempts: item.attempts)
                try store.rescheduleOutbox(
                    id: item.id, nextAttemptAt: next, error: reason, code: code, uncertain: uncertain)
                log.warning(
                    "send will be retried", ["outbox": "\(item.id)", "attempt": "\(item.attempts)", "reason": reason])
                report.retried = 1
                // One recipient's pair limit says nothing about Meta; anything else does.
                if code != ErrorCodes.pairRateLimit { report.heldUntil = next }
            }
        case .rejected(let code, let title, let details, let fbtraceID):
            let text = [title, details].compactMap { $0 }.joined(separator: ": ")
            // The 24-hour window closed after the row was written: its approved template goes instead.
            if code == ErrorCodes.reEngagement,
                try store.switchOutboxToFallback(
                    id: item.id, error: "\(code ?? 0) \(text): sending the template", now: now())
            {
                log.info("window closed; sending the template instead", ["outbox": "\(item.id)"])
                report.retried = 1
                return report
            }
            try store.failOutbox(id: item.id, error: text, code: code, fbtraceID: fbtraceID)
            log.error(
                "send rejected by Meta",
                ["outbox": "\(item.id)", "code": code.map(String.init) ?? "-", "fbtrace_id": fbtraceID ?? "-"])
            report.failed = 1
        }
        return report
    }

    // MARK: - Paystack

    /// One `transaction/initialize` call, then its result fed back to the conversation as an event, with the
    /// payment row and this outbox row updated in the same transaction as the new state and the reply.
    ///
    /// Never retried under a new reference here: each attempt has its own reference, made by the reducer when the
    /// customer asks (`pay`). A transient error retries the same reference a few times; if the first call
    /// succeeded without us seeing the answer, Paystack refuses the repeat as a duplicate and the customer is asked
    /// to type `pay`, so one reference is never charged twice.
    func initializePayment(_ item: Store.OutboxItem) throws -> Report {
        var report = Report()
        guard let reference = initializeReference(body: item.payload),
            let attempt = try store.paymentAttempt(reference: reference)
        else {
            try store.failOutbox(id: item.id, error: "payment attempt not found", code: nil, fbtraceID: nil)
            report.failed = 1
            return report
        }
        guard attempt.status == "initializing" else {
            // Cancelled (or already answered) before we got to it: asking Paystack now would make a link nobody
            // should use.
            try store.failOutbox(id: item.id, error: "payment is \(attempt.status)", code: nil, fbtraceID: nil)
            report.failed = 1
            return report
        }
        guard !settings.paystackSecretKey.isEmpty else {
            log.error("PAYSTACK_SECRET_KEY is not set; payment link not created", ["reference": reference])
            try finishPayment(item, attempt: attempt, outcome: .refused(message: "no secret key configured", code: nil))
            report.failed = 1
            return report
        }
        let request = initializeTransactionRequest(
            apiURL: settings.paystackAPIURL, secretKey: settings.paystackSecretKey, body: item.payload)
        let outcome: InitializeOutcome
        do {
            let response = try transport.send(request)
            outcome = classifyInitializeResponse(status: response.status, body: response.body)
        } catch {
            outcome = .retryable(reason: "\(error)")
        }
        if case .retryable(let reason) = outcome, item.attempts < paystackAttempts {
            try store.rescheduleOutbox(
                id: item.id, nextAttemptAt: now() + delay(afterAttempts: item.attempts), error: reason, code: nil)
            log.warning("payment link will be retried", ["reference": reference, "reason": reason])
            report.retried = 1
            return report
        }
        try finishPayment(item, attempt: attempt, outcome: outcome)
        if case .created = outcome { report.sent = 1 } else { report.failed = 1 }
        return report
    }

    /// A customer is waiting on the other end: a few quick tries, then tell them.
    var paystackAttempts: Int { 3 }

    /// Errors where libcurl never got the request out (no address, no connection): retrying cannot duplicate.
    /// Anything later (a timeout, a reset while waiting for the answer) may have reached Meta.
    static func neverSent(_ error: any Error) -> Bool {
        guard let error = error as? TransportError else { return false }
        // CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT.
        return ["curl-5", "curl-6", "curl-7"].contains(error.code)
    }

    func finishPayment(_ item: Store.OutboxItem, attempt: Store.PaymentAttempt, outcome: InitializeOutcome) throws {
        let at = now()
        let event: Event
        switch outcome {
        case .created(let url, _):
            event = .paymentLinkCreated(reference: attempt.reference, url: url)
        case .retryable(let reason), .refused(let reason, _):
            event = .paymentLinkFailed(reference: attempt.reference, reason: reason)
            log.error("payment link not created", ["reference": attempt.reference, "reason": reason])
        }
        try store.advanceConversation(
            of: attempt.customer, now: at,
            before: {
                switch outcome {
                case .created(let url, let accessCode):
                    try store.markPaymentLinked(reference: attempt.reference, url: url, accessCode: accessCode, now: at)
                    try store.completeOutboxRow(id: item.id, now: at)
                case .retryable(let reason), .refused(let reason, _):
                    try store.markPaymentFailed(reference: attempt.reference, error: reason, now: at)
                    try store.failOutbox(id: item.id, error: reason, code: nil, fbtraceID: nil)
                }
            },
            step: try conversation.stepping(event, in: store, now: at))
    }

    // MARK: - Refunds

    /// One `POST /refund`. Never sent twice blindly: the row is marked `unknown` (in its own commit) before the
    /// request leaves, so a sender killed mid-request leaves a refund that a person checks on the dashboard, not
    /// one that a restart sends again. Only a request that provably never reached Paystack (no connection, 429)
    /// goes back to `requested` and is retried.
    func requestRefund(_ item: Store.OutboxItem) throws -> Report {
        var report = Report()
        guard let refund = try store.refund(outboxID: item.id) else {
            try store.failOutbox(id: item.id, error: "refund not found", code: nil, fbtraceID: nil)
            report.failed = 1
            return report
        }
        let marked = try store.writeTransaction {
            try store.markRefund(id: refund.id, .unknown, from: [.requested], now: now())
        }
        guard marked else {
            try settleRefund(
                item, refund, .unknown(reason: "a sender stopped while asking Paystack for it; it may have reached it"))
            report.failed = 1
            return report
        }
        guard !settings.paystackSecretKey.isEmpty else {
            log.error("PAYSTACK_SECRET_KEY is not set; refund not requested", ["order": refund.orderCode.rawValue])
            try settleRefund(item, refund, .refused(message: "no secret key configured"))
            report.failed = 1
            return report
        }
        let request = createRefundRequest(
            apiURL: settings.paystackAPIURL, secretKey: settings.paystackSecretKey, body: item.payload)
        var outcome: RefundOutcome
        do {
            let response = try transport.send(request)
            outcome = classifyRefundResponse(status: response.status, body: response.body)
        } catch {
            outcome = Self.neverSent(error) ? .retryable(reason: "\(error)") : .unknown(reason: "\(error)")
        }
        if case .retryable(let reason) = outcome {
            if now() - item.createdAt < settings.giveUpAfterMilliseconds {
                try store.writeTransaction {
                    try store.markRefund(id: refund.id, .requested, from: [.unknown], error: reason, now: now())
                    try store.rescheduleOutbox(
                        id: item.id, nextAttemptAt: now() + delay(afterAttempts: item.attempts), error: reason,
                        code: nil)
                }
                log.warning("refund will be retried", ["order": refund.orderCode.rawValue, "reason": reason])
                report.retried = 1
                return report
            }
            outcome = .refused(message: "gave up after \(item.attempts) attempts: \(reason)")
        }
        try settleRefund(item, refund, outcome)
        if case .accepted = outcome { report.sent = 1 } else { report.failed = 1 }
        return report
    }

    /// Paystack's answer on the refund row, the outbox row, the order's notes, staff's phones and (when staff asked
    /// for it and Paystack took it) the customer's chat, in one transaction.
    func settleRefund(_ item: Store.OutboxItem, _ refund: Store.RefundRow, _ outcome: RefundOutcome) throws {
        let at = now()
        let money = refund.amount.formatted(symbol: conversation.settings.currencySymbol)
        try store.writeTransaction {
            let note: String
            switch outcome {
            case .accepted(let id, _, _):
                try store.markRefund(id: refund.id, .pending, from: [.unknown], paystackID: id, now: at)
                try store.completeOutboxRow(id: item.id, now: at)
                note = "refund of \(money) accepted by Paystack"
                log.info("refund accepted", ["order": refund.orderCode.rawValue])
                // A cancellation and a second payment told the customer already; a refund staff asked for later
                // is news to them.
                if refund.requestedBy == "staff" {
                    let started = Event.refundStarted(refund.orderCode, amount: refund.amount)
                    try store.stepConversation(
                        of: refund.customer, now: at, step: try conversation.stepping(started, in: store, now: at))
                }
                try store.addOrderAttention(id: refund.orderID, note: note, now: at)
                return
            case .refused(let message):
                try store.markRefund(id: refund.id, .failed, from: [.unknown], error: message, now: at)
                try store.failOutbox(id: item.id, error: message, code: nil, fbtraceID: nil)
                note = "Paystack REFUSED the refund of \(money): \(message). The customer has not got it back."
                log.error("refund refused", ["order": refund.orderCode.rawValue, "reason": message])
            case .unknown(let reason), .retryable(let reason):
                try store.markRefund(id: refund.id, .unknown, from: [.unknown, .requested], error: reason, now: at)
                try store.failOutbox(id: item.id, error: reason, code: nil, fbtraceID: nil)
                note =
                    "the refund of \(money) may or may not have reached Paystack (\(reason)): look for it under "
                    + "Refunds on the Paystack dashboard before refunding again"
                log.error("refund outcome unknown", ["order": refund.orderCode.rawValue, "reason": reason])
            }
            try store.addOrderAttention(id: refund.orderID, note: note, now: at)
            try store.enqueue(conversation.staffEntries(.orderNote(refund.orderCode, note: note)), now: at)
        }
    }
}
