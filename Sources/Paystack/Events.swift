import FoundationEssentials
import JSON

// Spec: https://paystack.com/docs/payments/webhooks (apis.md B3). Decode only a body whose signature was valid.
// Lenient where Paystack's samples disagree with each other (`metadata` as 0, "" or an object, `amount` as a
// number or a string, unknown fields); strict where money hangs on a field: a charge or a refund without a usable
// reference, amount or currency throws, and the caller keeps the body for a person to look at.

/// One webhook POST: `{"event": "<name>", "data": {...}}`.
public struct PaystackEvent: Equatable, Sendable {
    /// The JSON `event`, e.g. `charge.success`.
    public var name: String
    public var payload: Payload

    public enum Payload: Equatable, Sendable {
        /// `charge.success`; there is no `charge.failed` (apis.md B3), failures only show up through verify.
        case charge(Charge)
        /// `refund.pending`, `refund.processing`, `refund.processed`, `refund.failed`.
        case refund(Refund)
        /// `charge.dispute.create`, `charge.dispute.remind`, `charge.dispute.resolve`.
        case dispute(Dispute)
        /// Any other event (transfers, subscriptions, …): recorded, not acted on.
        case other
    }

    public init(name: String, payload: Payload) {
        self.name = name
        self.payload = payload
    }

    /// Decodes a webhook body; throws `PaystackDecodingError` when it is not JSON, has no `event` string, or a
    /// charge or refund lacks what money depends on.
    public static func decode(_ body: [UInt8]) throws -> PaystackEvent {
        do {
            return try JSONDecoder().decode(WireEvent.self, from: Data(body)).event
        } catch let error as PaystackDecodingError {
            throw error
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw PaystackDecodingError(message: "not JSON: \(context.debugDescription)")
        } catch {
            throw PaystackDecodingError(message: "not an event object: \(error)")
        }
    }

    /// The second half of the UNIQUE (event name, key) that makes a redelivery a no-op; Paystack sends no event id.
    ///
    /// - charge: the reference (ours, one per payment attempt).
    /// - refund: `refund_reference`, or `<transaction_reference>:<amount>` while Paystack has not assigned one
    ///   (`refund.pending` carries null); the amount tells two partial refunds of one payment apart. The status is
    ///   left out because the event name already carries it.
    /// - dispute: `dispute-<id>-<status>` (`dispute-<id>` without a status), so a dispute that moves on is new while
    ///   the same reminder twice is not; nil without an id.
    /// - other: nil; the caller keys those on a hash of the body.
    public var dedupeKey: String? {
        switch payload {
        case .charge(let charge):
            return charge.reference
        case .refund(let refund):
            return refund.refundReference ?? "\(refund.transactionReference):\(refund.amount)"
        case .dispute(let dispute):
            guard let id = dispute.id else { return nil }
            return dispute.status.map { "dispute-\(id)-\($0)" } ?? "dispute-\(id)"
        case .other:
            return nil
        }
    }

    /// The transaction reference the event is about, to find the payment attempt.
    public var reference: String? {
        switch payload {
        case .charge(let charge): return charge.reference
        case .refund(let refund): return refund.transactionReference
        case .dispute(let dispute): return dispute.transactionReference
        case .other: return nil
        }
    }
}

/// A transaction as Paystack reports it, in `charge.success` and in a verify answer. A value is owed only when
/// `status == "success"` and amount and currency equal the order's.
public struct Charge: Equatable, Sendable {
    /// Paystack's transaction id.
    public var id: Int64?
    /// `test` or `live`; must agree with the secret key's mode.
    public var domain: String?
    /// `success`, `failed`, `abandoned`, `ongoing`, `pending`, `processing`, `queued` or `reversed`.
    public var status: String
    public var reference: String
    /// Minor units (kobo, pesewas, cents).
    public var amount: Int
    public var currency: String
    /// ISO-8601 UTC.
    public var paidAt: String?
    public var channel: String?
    public var gatewayResponse: String?
    public var customerEmail: String?
    /// At most the last four characters of the card or wallet; the BIN is never kept next to it.
    public var cardLast4: String?

    public init(
        id: Int64? = nil, domain: String? = nil, status: String, reference: String, amount: Int, currency: String,
        paidAt: String? = nil, channel: String? = nil, gatewayResponse: String? = nil, customerEmail: String? = nil,
        cardLast4: String? = nil
    ) {
        self.id = id
        self.domain = domain
        self.status = status
        self.reference = reference
        self.amount = amount
        self.currency = currency
        self.paidAt = paidAt
        self.channel = channel
        self.gatewayResponse = gatewayResponse
        self.customerEmail = customerEmail
        self.cardLast4 = cardLast4
    }
}

/// A refund of one transaction moving through its states.
public struct Refund: Equatable, Sendable {
    public var status: String
    public var transactionReference: String
    /// Paystack's own; null while the refund is pending.
    public var refundReference: String?
    /// Minor units.
    public var amount: Int
    public var currency: String
    public var domain: String?

    public init(
        status: String, transactionReference: String, refundReference: String? = nil, amount: Int, currency: String,
        domain: String? = nil
    ) {
        self.status = status
        self.transactionReference = transactionReference
        self.refundReference = refundReference
        self.amount = amount
        self.currency = currency
        self.domain = domain
    }
}

/// A chargeback or complaint against a transaction; every field optional because nothing is paid out on it.
public struct Dispute: Equatable, Sendable {
    public var id: Int64?
    public var status: String?
    public var domain: String?
    public var transactionReference: String?
    /// `refund_amount`, minor units.
    public var amount: Int?
    public var currency: String?
    public var category: String?

    public init(
        id: Int64? = nil, status: String? = nil, domain: String? = nil, transactionReference: String? = nil,
        amount: Int? = nil, currency: String? = nil, category: String? = nil
    ) {
        self.id = id
        self.status = status
        self.domain = domain
        self.transactionReference = transactionReference
        self.amount = amount
        self.currency = currency
        self.category = category
    }
}

/// A Paystack body we cannot act on. The message names the missing or odd field, never payload values beyond our
/// own reference.
public struct PaystackDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { "Paystack payload not usable: \(message)" }
}

// MARK: - Wire shapes

private let refundEvents: Set<String> = ["refund.pending", "refund.processing", "refund.processed", "refund.failed"]
private let disputeEvents: Set<String> = ["charge.dispute.create", "charge.dispute.remind", "charge.dispute.resolve"]

private struct WireEvent: Decodable {
    var event: PaystackEvent

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        guard let name = json.string("event") else { throw PaystackDecodingError(message: "no \"event\" string") }
        // Unknown events are recorded whatever their data looks like.
        let known = name == "charge.success" || refundEvents.contains(name) || disputeEvents.contains(name)
        guard known else {
            event = PaystackEvent(name: name, payload: .other)
            return
        }
        guard let data = json.object("data") else {
            throw PaystackDecodingError(message: "\(name) without a data object")
        }
        if name == "charge.success" {
            event = PaystackEvent(name: name, payload: .charge(try Charge(wire: data)))
        } else if refundEvents.contains(name) {
            event = PaystackEvent(name: name, payload: .refund(try Refund(wire: data, event: name)))
        } else {
            event = PaystackEvent(name: name, payload: .dispute(Dispute(wire: data)))
        }
    }
}

extension Charge {
    init(wire json: JSONObject) throws(PaystackDecodingError) {
        guard let reference = json.nonEmptyString("reference") else {
            throw PaystackDecodingError(message: "charge without a reference")
        }
        guard let amount = json.amount("amount") else {
            throw PaystackDecodingError(message: "charge \(reference) without a numeric amount")
        }
        guard let currency = json.nonEmptyString("currency") else {
            throw PaystackDecodingError(message: "charge \(reference) without a currency")
        }
        guard let status = json.nonEmptyString("status") else {
            throw PaystackDecodingError(message: "charge \(reference) without a status")
        }
        self.init(
            id: json.int64("id"), domain: json.nonEmptyString("domain"), status: status, reference: reference,
            amount: amount, currency: currency,
            paidAt: json.nonEmptyString("paid_at") ?? json.nonEmptyString("paidAt"),
            channel: json.nonEmptyString("channel"), gatewayResponse: json.nonEmptyString("gateway_response"),
            customerEmail: json.object("customer")?.nonEmptyString("email"),
            // Only `last4`, and at most four characters of it, so no full or partial PAN is ever stored.
            cardLast4: json.object("authorization")?.nonEmptyString("last4").map { String($0.suffix(4)) })
    }
}

extension Refund {
    fileprivate init(wire json: JSONObject, event: String) throws(PaystackDecodingError) {
        guard let transactionReference = json.nonEmptyString("transaction_reference") else {
            throw PaystackDecodingError(message: "\(event) without a transaction_reference")
        }
        guard let amount = json.amount("amount") else {
            throw PaystackDecodingError(message: "\(event) for \(transactionReference) without a numeric amount")
        }
        guard let currency = json.nonEmptyString("currency") else {
            throw PaystackDecodingError(message: "\(event) for \(transactionReference) without a currency")
        }
        // The event name states the same status, and it is covered by the same signature.
        let status = json.nonEmptyString("status") ?? String(event.dropFirst("refund.".count))
        self.init(
            status: status, transactionReference: transactionReference,
            refundReference: json.nonEmptyString("refund_reference"), amount: amount, currency: currency,
            domain: json.nonEmptyString("domain"))
    }
}

extension Dispute {
    fileprivate init(wire json: JSONObject) {
        self.init(
            id: json.int64("id"), status: json.nonEmptyString("status"), domain: json.nonEmptyString("domain"),
            transactionReference: json.object("transaction")?.nonEmptyString("reference")
                ?? json.nonEmptyString("transaction_reference"),
            amount: json.amount("refund_amount"), currency: json.nonEmptyString("currency"),
            category: json.nonEmptyString("category"))
    }
}
