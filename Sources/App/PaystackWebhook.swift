import Domain
import Gateway
import Paystack
import Storage

/// `POST /webhooks/paystack/`: payment events. Answers 200 once the event is committed (or was already), so
/// Paystack stops retrying; anything that failed before its commit answers 503 and comes back.
public struct PaystackWebhook {
    public struct Settings: Sendable {
        /// `PAYSTACK_SECRET_KEY` first, then `PAYSTACK_WEBHOOK_SECRETS` (keys still accepted during a rotation).
        public var secrets: [String]

        public init(secrets: [String]) {
            self.secrets = secrets.filter { !$0.isEmpty }
        }
    }

    public var settings: Settings
    public var payments: PaymentDesk
    /// Unix milliseconds.
    public var now: @Sendable () -> Int64
    public var store: () throws -> Store
    public var wakeSender: @Sendable () -> Void
    public var log: Logger

    public init(
        settings: Settings, payments: PaymentDesk, now: @escaping @Sendable () -> Int64,
        store: @escaping () throws -> Store, wakeSender: @escaping @Sendable () -> Void, log: Logger
    ) {
        self.settings = settings
        self.payments = payments
        self.now = now
        self.store = store
        self.wakeSender = wakeSender
        self.log = log
    }

    public func handle(_ request: Request) -> Outcome {
        guard request.method == "POST" else { return Outcome(.methodNotAllowed(allow: ["POST"])) }
        return receive(request)
    }

    func receive(_ request: Request) -> Outcome {
        guard !settings.secrets.isEmpty else {
            // Fail closed with a status Paystack retries: nothing is lost while the key gets configured.
            log.error("POST refused: PAYSTACK_SECRET_KEY is not set")
            return Outcome(.text(503, "not configured"))
        }
        let received = now()
        let verdict = verifyPaystackSignature(
            body: request.body, header: request.header("X-Paystack-Signature"), secrets: settings.secrets,
            now: received / 1000)
        guard case .valid = verdict else {
            log.warning("signature rejected", ["reason": "\(verdict)", "bytes": "\(request.body.count)"])
            return Outcome(.text(401, "invalid signature"))
        }
        guard let store = currentStore(self.store, log: log) else { return Outcome(.text(503, "storage unavailable")) }
        let event: PaystackEvent
        do {
            event = try PaystackEvent.decode(request.body)
        } catch {
            // Signed by Paystack but unusable: keep it for a person, and answer 200 so it is not retried for days.
            do {
                try store.keepBody(
                    source: "paystack", reason: "undecodable: \(error)", body: request.body, now: received)
                log.warning("body kept for inspection", ["reason": "\(error)"])
                return Outcome(.text(200, "ok"))
            } catch {
                log.error("could not keep body", ["error": "\(error)"])
                return Outcome(.text(503, "storage unavailable"))
            }
        }
        do {
            let applied = try payments.apply(
                event: event, record: Self.record(event, body: request.body), store: store, now: received)
            log.info(
                "payment event",
                [
                    "event": event.name, "reference": event.reference ?? "-",
                    "outcome": applied.outcome.rawValue,
                ])
            return Outcome(.text(200, "ok"), afterResponse: applied.outboxRows > 0 ? wakeSender : nil)
        } catch {
            log.error("payment event not recorded", ["event": event.name, "error": "\(error)"])
            return Outcome(.text(503, "storage unavailable"))
        }
    }

    /// The event's row. Paystack sends no event id: a charge is keyed by its reference, other events by what
    /// the decoder says repeats, and an event without one by a digest of its bytes (an exact replay).
    static func record(_ event: PaystackEvent, body: [UInt8]) -> Store.PaymentEventRecord {
        let key = event.dedupeKey ?? "body-\(fingerprint(body))"
        switch event.payload {
        case .charge(let charge):
            return Store.PaymentEventRecord(charge, source: .webhook, event: event.name, key: key)
        case .refund(let refund):
            return Store.PaymentEventRecord(
                source: .webhook, event: event.name, key: key, reference: refund.transactionReference,
                domain: refund.domain, status: refund.status, amount: refund.amount, currency: refund.currency)
        case .dispute(let dispute):
            return Store.PaymentEventRecord(
                source: .webhook, event: event.name, key: key, reference: dispute.transactionReference,
                domain: dispute.domain, status: dispute.status, amount: dispute.amount, currency: dispute.currency)
        case .other:
            return Store.PaymentEventRecord(source: .webhook, event: event.name, key: key)
        }
    }

    /// FNV-1a over the bytes, hex: stable across processes and machines, which Swift's `Hasher` is not.
    static func fingerprint(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
