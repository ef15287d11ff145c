import Domain
import FoundationEssentials
import HTTPClient
import JSON

// Spec: https://paystack.com/docs/api/refund/#create and https://paystack.com/docs/payments/refunds/

/// Money back to a customer from one transaction: all of it, or part (`amount`).
public struct RefundRequest: Equatable, Sendable {
    /// The transaction's reference (ours); Paystack also takes its numeric id here.
    public var transaction: String
    /// Minor units; nil refunds whatever is left of the transaction.
    public var amount: Kobo?
    public var currency: String
    /// Shown on the dashboard and in Paystack's records: why staff refunded.
    public var merchantNote: String
    /// Shown to the customer by Paystack where it shows notes.
    public var customerNote: String?

    public init(transaction: String, amount: Kobo?, currency: String, merchantNote: String, customerNote: String?) {
        self.transaction = transaction
        self.amount = amount
        self.currency = currency
        self.merchantNote = merchantNote
        self.customerNote = customerNote
    }

    public var body: [UInt8] {
        JSONBody.object([
            ("transaction", .string(transaction)),
            ("amount", amount.map { .integer($0.rawValue) }),
            ("currency", .string(currency)),
            ("merchant_note", .string(merchantNote)),
            ("customer_note", customerNote.map { .string($0) }),
        ]).bytes
    }
}

/// POST `{apiURL}/refund` with the secret key as bearer, for a body built earlier (an outbox row's payload).
public func createRefundRequest(apiURL: String, secretKey: String, body: [UInt8]) -> HTTPRequest {
    var base = apiURL
    while base.hasSuffix("/") { base.removeLast() }
    return HTTPRequest(
        method: "POST", url: "\(base)/refund",
        headers: [("Authorization", "Bearer \(secretKey)"), ("Content-Type", "application/json")], body: body)
}

/// What Paystack's answer to a refund request means.
public enum RefundOutcome: Equatable, Sendable {
    /// Queued by Paystack (`pending`, sometimes already `processed`); `refund.*` events follow.
    case accepted(id: Int64?, status: String, amount: Int?)
    /// 429: not taken; the same request may be sent again.
    case retryable(reason: String)
    /// 4xx: refused ("Refund amount cannot be greater than transaction amount", a reversed transaction, a bad key).
    case refused(message: String)
    /// 5xx, or a 2xx we cannot read: Paystack may or may not have queued it, so it is never sent again blindly.
    case unknown(reason: String)
}

public func classifyRefundResponse(status: Int, body: [UInt8]) -> RefundOutcome {
    let decoded = try? JSONDecoder().decode(DecodedRefund.self, from: Data(body))
    if (200..<300).contains(status) {
        guard decoded?.status == true else {
            return .unknown(reason: "HTTP \(status) with an answer that is not a queued refund")
        }
        return .accepted(
            id: decoded?.data?.id, status: decoded?.data?.status ?? "pending", amount: decoded?.data?.amount?.value)
    }
    let message = decoded?.message ?? "no message"
    if status == 429 { return .retryable(reason: "HTTP 429: \(message)") }
    if (400..<500).contains(status) { return .refused(message: message) }
    return .unknown(reason: "HTTP \(status): \(message)")
}

private struct DecodedRefund: Decodable {
    var status: Bool?
    var message: String?
    var data: DecodedData?

    struct DecodedData: Decodable {
        var id: Int64?
        var status: String?
        var amount: LenientInt?
    }
}

/// Paystack's samples write amounts both as numbers and as strings.
private struct LenientInt: Decodable {
    var value: Int?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            value = number
        } else {
            value = Int(try container.decode(String.self))
        }
    }
}
