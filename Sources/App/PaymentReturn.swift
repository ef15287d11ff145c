import Domain
import Gateway
import Storage

/// `GET /payments/return/?reference=…`: where Paystack sends the customer's browser after paying. It only reads:
/// visiting this URL proves nothing about a payment (anyone can type it), so it never marks anything paid. It shows
/// the order number and status and nothing else.
public struct PaymentReturn {
    public var restaurantName: String
    public var chatURL: String?
    public var store: () throws -> Store
    public var log: Logger

    public init(restaurantName: String, chatURL: String?, store: @escaping () throws -> Store, log: Logger) {
        self.restaurantName = restaurantName
        self.chatURL = chatURL
        self.store = store
        self.log = log
    }

    public func handle(_ request: Request) -> Outcome {
        guard request.method == "GET" || request.method == "HEAD" else {
            return Outcome(.methodNotAllowed(allow: ["GET", "HEAD"]))
        }
        let query = request.query
        // Paystack appends both `trxref` and `reference` (the same value) to the callback URL.
        let reference = query["reference"] ?? query["trxref"] ?? ""
        let status: PaymentReturnPage.Status
        do {
            status = try Self.status(reference: reference, store: store)
        } catch {
            log.error("storage unavailable", ["error": "\(error)"])
            return Outcome(.text(503, "storage unavailable"))
        }
        var response = PaymentReturnPage.response(
            PaymentReturnPage.Model(status: status, restaurantName: restaurantName, chatURL: chatURL))
        if request.method == "HEAD" { response.body = [] }
        return Outcome(response)
    }

    static func status(reference: String, store: () throws -> Store) throws -> PaymentReturnPage.Status {
        // Only what our references can be: a hostile string never reaches the database or the page.
        guard Self.isReference(reference) else { return .notFound }
        guard let order = try store().payableOrder(paymentReference: reference) else { return .notFound }
        let code = order.code.rawValue
        switch order.status {
        case .paid, .preparing, .ready, .outForDelivery, .completed: return .paid(order: code)
        case .awaitingPayment, .expired: return .confirming(order: code)
        case .paymentReview: return .review(order: code)
        case .cancelled, .refunded: return .cancelled(order: code)
        }
    }

    /// Paystack's reference alphabet (letters, digits, `-`, `.`, `=`), at most 100 characters.
    static func isReference(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 100
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "="):
                    true
                default: false
                }
            }
    }
}
