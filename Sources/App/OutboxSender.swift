import Conversation
import Domain
import HTTPClient
import Paystack
import Storage
import WhatsApp

/// Delivers committed outbox rows to Meta and Paystack. Runs inside `whatsorder outbox send` and `whatsorder sender`, never
/// inside a webhook handler: an answer to Meta never waits on Meta.
///
/// Many requests are in flight at once (`SEND_CONCURRENCY` WhatsApp sends, and Paystack calls beside them), yet each
/// customer and each staff number has at most one: the claim only takes the oldest unfinished row of each, so
/// messages arrive in the order they were written. Each `pump` records a batch of answers and claims the next rows
/// in one write transaction, so the sender's bookkeeping costs the webhooks' writer lock a few transactions a
/// second, not one per message.
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
        /// `SEND_CONCURRENCY`: WhatsApp sends in flight at once. At Meta's ~200 ms a send, 64 carry 320 a second.
        public var concurrency: Int = 64
        /// While sends are in flight, a claim waits until this share of the slots (1/n) is free, so claims come in
        /// batches rather than one per answer (`whatsorder sender --claim-fraction`).
        public var claimFraction: Int = 8
        /// Paystack calls in flight at once, counted apart from the sends: a customer's payment link never waits
        /// behind other customers' replies, nor behind the rate limit.
        public var paystackConcurrency: Int = 8
        /// In an outage the backlog waits this long after the probe's retry: longer than one request may take, so
        /// the probe's answer (and, if it got through, `resumeOutbox`) always comes first.
        public var holdGraceMilliseconds: Int64 = 16_000
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
    public var transport: any ConcurrentTransport
    /// Unix milliseconds.
    public var now: () -> Int64
    /// A number in 0..<1, for jitter.
    public var random: () -> Double
    public var log: Logger
    /// `SEND_RATE_LIMIT`: no one-second window holds more WhatsApp sends than this (shared by every pass).
    public var rateLimiter = SendRateLimiter(limit: 80)
    /// Waits this many milliseconds (the rate limit, with nothing in flight). Injected: tests move their clock.
    public var sleep: (Int64) -> Void = { _ in }
    /// What this sender has claimed and not yet recorded; shared by copies, kept between pumps.
    let queue = Queue()

    public init(
        settings: Settings, conversation: ConversationRunner, store: Store, transport: any ConcurrentTransport,
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

    /// One request at a time through `transport`.
    public init(
        settings: Settings, conversation: ConversationRunner, store: Store, transport: HTTPTransport,
        now: @escaping () -> Int64, random: @escaping () -> Double, log: Logger
    ) {
        self.init(
            settings: settings, conversation: conversation, store: store, transport: SerialTransport(transport),
            now: now, random: random, log: log)
    }

    public struct Report: Equatable, Sendable {
        public var sent = 0
        public var retried = 0
        public var failed = 0
        /// Set when Meta is failing for everyone: no message but the probe is tried before this time.
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

    final class Queue {
        /// WhatsApp sends claimed and waiting for the rate limit, oldest first.
        var waiting: [Store.OutboxItem] = []
        var flights: [Int64: Flight] = [:]
        /// Meta is failing for everyone: no message starts before this, and then one at a time (`probing`) until
        /// one gets through.
        var holdUntil: Int64?
        var probing = false
        /// The last claim was cut short by the room left, not by what was due: claim again as soon as there is room.
        var full = false
        /// The last pump finished rows without a request (a cancelled payment's link): the rows behind them are
        /// due now.
        var again = false
    }

    struct Flight {
        var item: Store.OutboxItem
        var purpose: Purpose
    }

    enum Purpose {
        case message
        case paymentLink(Store.PaymentAttempt)
        case refund(Store.RefundRow)
    }

    enum Prepared {
        case start(Flight, HTTPRequest?)
        case settled(Report)
    }

    /// Requests in flight or waiting for the rate limit.
    public var busy: Bool { !queue.flights.isEmpty || !queue.waiting.isEmpty }

    /// Everything due now, to the end: claims, sends (many at once) and records, until nothing due is left and
    /// nothing is in flight. What `outbox send` and the tests run; the long-lived sender pumps instead.
    ///
    /// NB: an outage (5xx, 429, throttling, no connection) holds every other message back behind one probe: the
    /// sends already in flight when it began fail on their own, and then a backlog of a thousand replies costs
    /// Meta one request per backoff step, not a thousand. The first retry that succeeds makes the whole backlog due
    /// again.
    public func deliverDue(customer: CustomerID? = nil) throws -> Report {
        var report = try pump([], customer: customer)
        while busy || queue.again {
            var completions: [HTTPCompletion] = []
            if queue.flights.isEmpty {
                sleep(rateLimiter.wait(at: now()))
            } else {
                let wait = queue.waiting.isEmpty ? 1000 : max(1, rateLimiter.wait(at: now()))
                completions = transport.wait(milliseconds: Int(wait), descriptors: [])
            }
            report = report + (try pump(completions, customer: customer))
        }
        return report
    }

    /// One step: records `completions` and claims what is now due and fits, in one write transaction; then starts
    /// what the rate allows. A throw (the database busy) changes nothing: the same completions can be pumped again.
    @discardableResult
    public func pump(_ completions: [HTTPCompletion], customer: CustomerID? = nil, claim: Bool = true) throws -> Report
    {
        var hold: Int64?
        var gotThrough = false
        let settled = completions.compactMap { completion in
            queue.flights[completion.tag].map { (flight: $0, result: completion.result) }
        }
        let (recorded, prepared) = try store.writeTransaction { () -> (Report, [Prepared]) in
            var report = Report()
            for (flight, result) in settled {
                let outcome = try record(flight, result)
                report = report + outcome
                if case .message = flight.purpose, outcome.sent == 1 { gotThrough = true }
                if let until = outcome.heldUntil {
                    hold = until
                    // The rest of the messages wait until well after this row's retry: it is the probe.
                    try store.releaseOutbox(ids: queue.waiting.map(\.id))
                    try store.holdOutbox(
                        kind: OutboxKind.whatsAppMessage, until: until + settings.holdGraceMilliseconds,
                        except: flight.item.id)
                }
            }
            guard claim else { return (report, []) }
            // What stays in flight once this round's answers are recorded.
            let answered = Set(settled.map(\.flight.item.id))
            let unsettled = queue.flights.values.filter { !answered.contains($0.item.id) }
            let messagesLeft = unsettled.count { $0.isMessage }
            let paystackLeft = unsettled.count - messagesLeft
            let claimed = try claimDue(
                customer: customer, messagesInFlight: messagesLeft + (hold == nil ? queue.waiting.count : 0),
                paystackInFlight: paystackLeft, holding: hold != nil)
            return (report, try claimed.map(prepare))
        }
        var report = recorded
        for (flight, _) in settled { queue.flights[flight.item.id] = nil }
        if let until = hold {
            queue.waiting = []
            queue.holdUntil = until
            queue.probing = true
            log.warning("Meta is failing; sends paused", ["until": "\(until)"])
        } else if gotThrough {
            queue.holdUntil = nil
            queue.probing = false
        }
        queue.again = false
        for step in prepared {
            switch step {
            case .settled(let outcome):
                report = report + outcome
                queue.again = true
            case .start(let flight, let request):
                guard let request else {
                    queue.waiting.append(flight.item)
                    continue
                }
                queue.flights[flight.item.id] = flight
                transport.start(request, tag: flight.item.id)
            }
        }
        startWaiting()
        if let until = queue.holdUntil, until > now() { report.heldUntil = until }
        return report
    }

    /// Starts the waiting sends that the rate limit allows now.
    public func startWaiting() {
        while let item = queue.waiting.first {
            if queue.probing && queue.messagesInFlight > 0 { return }
            if rateLimiter.wait(at: now()) > 0 { return }
            rateLimiter.record(at: now())
            queue.waiting.removeFirst()
            queue.flights[item.id] = Flight(item: item, purpose: .message)
            transport.start(
                sendMessageRequest(
                    graphURL: settings.graphURL, apiVersion: settings.apiVersion,
                    phoneNumberID: settings.phoneNumberID, accessToken: settings.accessToken, body: item.payload),
                tag: item.id)
        }
    }

    /// How long the long-lived sender may wait for answers or a wake-up before it must pump or start a send
    /// (milliseconds, at most `poll`). `idle`: how soon to look again at rows that are due but held behind a row
    /// another sender has.
    public func nextWake(poll: Int64, idle: Int64) throws -> Int64 {
        let at = now()
        var wait = poll
        if !queue.waiting.isEmpty { wait = min(wait, max(1, rateLimiter.wait(at: at))) }
        if let until = queue.holdUntil, until > at { wait = min(wait, until - at) }
        if queue.again || (queue.full && queue.messagesInFlight < settings.concurrency) { return 0 }
        if let due = try store.nextOutboxDue() {
            if due > at {
                wait = min(wait, due - at)
            } else if queue.flights.isEmpty {
                // Due yet unclaimed with nothing of ours in flight: behind another sender's row. Never spin on it.
                wait = min(wait, idle)
            }
        }
        return max(0, wait)
    }

    /// Stops claiming, puts back what waits for the rate limit, and records `completions` (answers already
    /// collected) and what is still in flight (at most `limit` milliseconds): a stopped sender leaves no row to
    /// wait out its lease.
    public func drain(_ completions: [HTTPCompletion], limit: Int64) throws {
        try store.releaseOutbox(ids: queue.waiting.map(\.id))
        queue.waiting = []
        try pump(completions, claim: false)
        let deadline = now() + limit
        while !queue.flights.isEmpty && transport.inFlight > 0 && now() < deadline {
            try pump(transport.wait(milliseconds: 250, descriptors: []), claim: false)
        }
    }

    /// Claims in two lanes, each with its own room: WhatsApp sends (none while Meta is held, one while probing)
    /// and Paystack calls. Rows behind one in flight are not due (`claimDueOutbox`).
    func claimDue(customer: CustomerID?, messagesInFlight: Int, paystackInFlight: Int, holding: Bool) throws
        -> [Store.OutboxItem]
    {
        let at = now()
        var messageRoom = settings.concurrency - messagesInFlight
        if holding || (queue.holdUntil ?? .min) > at {
            messageRoom = 0
        } else if queue.probing {
            messageRoom = messagesInFlight == 0 ? 1 : 0
        } else if messagesInFlight > 0 && messageRoom < max(1, settings.concurrency / max(1, settings.claimFraction)) {
            // Nearly full: wait for a few more answers and claim them together.
            messageRoom = 0
        }
        let messages = try store.claimDueOutbox(
            now: at, leaseMilliseconds: settings.leaseMilliseconds, limit: messageRoom, customer: customer,
            owner: settings.owner, onlyKind: OutboxKind.whatsAppMessage)
        queue.full = messageRoom > 0 && messages.count == messageRoom
        let others = try store.claimDueOutbox(
            now: at, leaseMilliseconds: settings.leaseMilliseconds,
            limit: settings.paystackConcurrency - paystackInFlight, customer: customer, owner: settings.owner,
            exceptKind: OutboxKind.whatsAppMessage)
        return (messages + others).sorted { $0.id < $1.id }
    }

    /// Backoff before attempt `attempts + 1`: exponential from the base, capped, with "equal jitter" so a crowd
    /// of failed rows does not return to Meta in one instant.
    public func delay(afterAttempts attempts: Int) -> Int64 {
        let exponent = min(max(attempts - 1, 0), 30)
        let full = min(settings.maxDelayMilliseconds, settings.baseDelayMilliseconds << Int64(exponent))
        return full / 2 + Int64(Double(full / 2) * random())
    }

    /// What a claimed row needs before its request leaves: a message waits for the rate limit (no request yet);
    /// a Paystack call may be settled without one (its payment cancelled meanwhile, no secret key).
    func prepare(_ item: Store.OutboxItem) throws -> Prepared {
        switch item.kind {
        case OutboxKind.whatsAppMessage: return .start(Flight(item: item, purpose: .message), nil)
        case OutboxKind.paystackInitialize: return try preparePaymentLink(item)
        case OutboxKind.paystackRefund: return try prepareRefund(item)
        default:
            try store.failOutbox(
                id: item.id, error: "unknown outbox kind \(item.kind)", code: nil, fbtraceID: nil)
            var report = Report()
            report.failed = 1
            return .settled(report)
        }
    }

    /// An answer (or its absence) on the row it belongs to.
    func record(_ flight: Flight, _ result: Result<HTTPResponse, TransportError>) throws -> Report {
        switch flight.purpose {
        case .message: return try recordMessage(flight.item, result)
        case .paymentLink(let attempt): return try recordPaymentLink(flight.item, attempt, result)
        case .refund(let refund): return try recordRefund(flight.item, refund, result)
        }
    }

    func recordMessage(_ item: Store.OutboxItem, _ result: Result<HTTPResponse, TransportError>) throws -> Report {
        var report = Report()
        let outcome: SendOutcome
        var uncertain = false
        switch result {
        case .success(let response):
            outcome = classifySendResponse(status: response.status, body: response.body)
        case .failure(let error):
            outcome = .retryable(reason: "\(error)", code: nil)
            uncertain = !Self.neverSent(error)
        }
        switch outcome {
        case .accepted(let wamid):
            try store.markOutboxSent(id: item.id, wamid: wamid, now: now())
            log.debug("sent", ["outbox": "\(item.id)"])
            report.sent = 1
            if item.attempts > 1 {
                try store.resumeOutbox(
                    kind: OutboxKind.whatsAppMessage, now: now(), except: ErrorCodes.pairRateLimit)
            }
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
    func preparePaymentLink(_ item: Store.OutboxItem) throws -> Prepared {
        var report = Report()
        report.failed = 1
        guard let reference = initializeReference(body: item.payload),
            let attempt = try store.paymentAttempt(reference: reference)
        else {
            try store.failOutbox(id: item.id, error: "payment attempt not found", code: nil, fbtraceID: nil)
            return .settled(report)
        }
        guard attempt.status == "initializing" else {
            // Cancelled (or already answered) before we got to it: asking Paystack now would make a link nobody
            // should use.
            try store.failOutbox(id: item.id, error: "payment is \(attempt.status)", code: nil, fbtraceID: nil)
            return .settled(report)
        }
        guard !settings.paystackSecretKey.isEmpty else {
            log.error("PAYSTACK_SECRET_KEY is not set; payment link not created", ["reference": reference])
            try finishPayment(item, attempt: attempt, outcome: .refused(message: "no secret key configured", code: nil))
            return .settled(report)
        }
        let request = initializeTransactionRequest(
            apiURL: settings.paystackAPIURL, secretKey: settings.paystackSecretKey, body: item.payload)
        return .start(Flight(item: item, purpose: .paymentLink(attempt)), request)
    }

    func recordPaymentLink(
        _ item: Store.OutboxItem, _ attempt: Store.PaymentAttempt, _ result: Result<HTTPResponse, TransportError>
    ) throws -> Report {
        var report = Report()
        let outcome: InitializeOutcome
        switch result {
        case .success(let response): outcome = classifyInitializeResponse(status: response.status, body: response.body)
        case .failure(let error): outcome = .retryable(reason: "\(error)")
        }
        if case .retryable(let reason) = outcome, item.attempts < paystackAttempts {
            try store.rescheduleOutbox(
                id: item.id, nextAttemptAt: now() + delay(afterAttempts: item.attempts), error: reason, code: nil)
            log.warning("payment link will be retried", ["reference": attempt.reference, "reason": reason])
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

    /// One `POST /refund`. Never sent twice blindly: the row is marked `unknown` (committed with its claim) before the
    /// request leaves, so a sender killed mid-request leaves a refund that a person checks on the dashboard, not
    /// one that a restart sends again. Only a request that provably never reached Paystack (no connection, 429)
    /// goes back to `requested` and is retried.
    func prepareRefund(_ item: Store.OutboxItem) throws -> Prepared {
        var report = Report()
        report.failed = 1
        guard let refund = try store.refund(outboxID: item.id) else {
            try store.failOutbox(id: item.id, error: "refund not found", code: nil, fbtraceID: nil)
            return .settled(report)
        }
        // Committed with the claim, before the request leaves.
        guard try store.markRefund(id: refund.id, .unknown, from: [.requested], now: now()) else {
            try settleRefund(
                item, refund, .unknown(reason: "a sender stopped while asking Paystack for it; it may have reached it"))
            return .settled(report)
        }
        guard !settings.paystackSecretKey.isEmpty else {
            log.error("PAYSTACK_SECRET_KEY is not set; refund not requested", ["order": refund.orderCode.rawValue])
            try settleRefund(item, refund, .refused(message: "no secret key configured"))
            return .settled(report)
        }
        let request = createRefundRequest(
            apiURL: settings.paystackAPIURL, secretKey: settings.paystackSecretKey, body: item.payload)
        return .start(Flight(item: item, purpose: .refund(refund)), request)
    }

    func recordRefund(
        _ item: Store.OutboxItem, _ refund: Store.RefundRow, _ result: Result<HTTPResponse, TransportError>
    ) throws -> Report {
        var report = Report()
        var outcome: RefundOutcome
        switch result {
        case .success(let response): outcome = classifyRefundResponse(status: response.status, body: response.body)
        case .failure(let error):
            outcome = Self.neverSent(error) ? .retryable(reason: "\(error)") : .unknown(reason: "\(error)")
        }
        if case .retryable(let reason) = outcome {
            if now() - item.createdAt < settings.giveUpAfterMilliseconds {
                try store.markRefund(id: refund.id, .requested, from: [.unknown], error: reason, now: now())
                try store.rescheduleOutbox(
                    id: item.id, nextAttemptAt: now() + delay(afterAttempts: item.attempts), error: reason, code: nil)
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

extension OutboxSender.Queue {
    /// WhatsApp sends in flight (the rest are Paystack calls), counted from the flights themselves.
    var messagesInFlight: Int { flights.values.count { $0.isMessage } }
}

extension OutboxSender.Flight {
    var isMessage: Bool {
        if case .message = purpose { return true }
        return false
    }
}
