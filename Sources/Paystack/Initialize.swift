import Domain
import FoundationEssentials
import HTTPClient
import JSON

// Spec: https://paystack.com/docs/api/transaction/#initialize (apis.md B1).

/// What we ask Paystack to charge: one attempt at paying one order.
public struct InitializeRequest: Equatable, Sendable {
    /// Ours, unique per attempt; letters, digits, `-`, `.` and `=` only.
    public var reference: String
    public var amount: Kobo
    public var currency: String
    public var email: String
    public var orderCode: String
    /// Where Paystack sends the browser after paying; empty leaves the dashboard's setting in force.
    public var callbackURL: String
    /// What is being paid for (`2 × Jollof Rice (Beef) · no pepper; 1 × Zobo Drink`), shown on the dashboard
    /// beside the order; empty leaves it out.
    public var items: String

    public init(
        reference: String, amount: Kobo, currency: String, email: String, orderCode: String, callbackURL: String,
        items: String = ""
    ) {
        self.items = items
        self.reference = reference
        self.amount = amount
        self.currency = currency
        self.email = email
        self.orderCode = orderCode
        self.callbackURL = callbackURL
    }

    /// The JSON body. Metadata names the order both as a plain key (for our own lookups, though the reference is
    /// the key we trust: metadata can come back as `""`) and as a custom field staff see on the dashboard.
    public var body: [UInt8] {
        JSONBody.object([
            ("reference", .string(reference)),
            ("amount", .integer(amount.rawValue)),
            ("currency", .string(currency)),
            ("email", .string(email)),
            ("callback_url", callbackURL.isEmpty ? nil : .string(callbackURL)),
            (
                "metadata",
                .object([
                    ("order_code", .string(orderCode)),
                    (
                        "custom_fields",
                        .array(
                            [
                                .object([
                                    ("display_name", .string("Order")), ("variable_name", .string("order_code")),
                                    ("value", .string(orderCode)),
                                ])
                            ]
                                + (items.isEmpty
                                    ? []
                                    : [
                                        .object([
                                            ("display_name", .string("Items")), ("variable_name", .string("items")),
                                            ("value", .string(Self.clamped(items))),
                                        ])
                                    ]))
                    ),
                ])
            ),
        ]).bytes
    }
}

extension InitializeRequest {
    /// The items field kept short: it is for a person glancing at the dashboard, and a very large cart must not
    /// make the request large.
    static func clamped(_ text: String) -> String {
        text.count > 500 ? String(text.prefix(499)) + "…" : text
    }
}

/// POST `{apiURL}/transaction/initialize` with the secret key as bearer.
public func initializeTransactionRequest(apiURL: String, secretKey: String, request: InitializeRequest) -> HTTPRequest {
    initializeTransactionRequest(apiURL: apiURL, secretKey: secretKey, body: request.body)
}

/// The same call for a body built earlier (an outbox row's payload).
public func initializeTransactionRequest(apiURL: String, secretKey: String, body: [UInt8]) -> HTTPRequest {
    var base = apiURL
    while base.hasSuffix("/") { base.removeLast() }
    return HTTPRequest(
        method: "POST", url: "\(base)/transaction/initialize",
        headers: [("Authorization", "Bearer \(secretKey)"), ("Content-Type", "application/json")], body: body)
}

/// The `reference` of an initialize body, to find its payment attempt again.
public func initializeReference(body: [UInt8]) -> String? {
    (try? JSONDecoder().decode(ReferenceOnly.self, from: Data(body)))?.reference
}

private struct ReferenceOnly: Decodable {
    var reference: String
}

/// What Paystack's answer to an initialize call means for us.
public enum InitializeOutcome: Equatable, Sendable {
    /// A one-time checkout link for this reference.
    case created(authorizationURL: String, accessCode: String?)
    /// 5xx or 429: Paystack's side; the same request may succeed later.
    case retryable(reason: String)
    /// 4xx (validation, duplicate reference, bad key) or an answer we cannot use: retrying cannot help.
    case refused(message: String, code: String?)
}

public func classifyInitializeResponse(status: Int, body: [UInt8]) -> InitializeOutcome {
    let decoded = try? JSONDecoder().decode(DecodedInitialize.self, from: Data(body))
    if (200..<300).contains(status) {
        if decoded?.status == true, let url = decoded?.data?.authorizationURL,
            url.hasPrefix("https://") || url.hasPrefix("http://")
        {
            return .created(authorizationURL: url, accessCode: decoded?.data?.accessCode)
        }
        return .refused(message: "HTTP \(status) without an authorization_url", code: nil)
    }
    let message = decoded?.message ?? "HTTP \(status)"
    if (500..<600).contains(status) || status == 429 {
        return .retryable(reason: "HTTP \(status): \(message)")
    }
    return .refused(message: "HTTP \(status): \(message)", code: decoded?.code)
}

private struct DecodedInitialize: Decodable {
    var status: Bool?
    var message: String?
    var code: String?
    var data: DecodedData?

    struct DecodedData: Decodable {
        var authorizationURL: String?
        var accessCode: String?

        enum CodingKeys: String, CodingKey {
            case authorizationURL = "authorization_url"
            case accessCode = "access_code"
        }
    }
}
