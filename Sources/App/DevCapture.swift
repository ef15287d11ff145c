import Domain
import FoundationEssentials
import Gateway
import HTTPClient
import JSON
import Paystack
import Storage

/// Dev mode only (`/dev/` exists in the local stack's nginx, never in the production site): stands in for Meta's
/// Graph API and Paystack so the whole product runs on one machine with no account anywhere. It records what the
/// backend sends, answers in each provider's wire format, and serves a fake checkout whose Pay button sends our
/// own Paystack webhook a correctly signed `charge.success` (test mode), as Paystack would.
public struct DevCapture {
    public struct Settings: Sendable {
        /// Signs the fake `charge.success` (`PAYSTACK_SECRET_KEY`).
        public var paystackSecret: String
        /// Where Paystack would send the browser after paying (`PAYSTACK_CALLBACK_URL`).
        public var callbackURL: String

        public init(paystackSecret: String, callbackURL: String) {
            self.paystackSecret = paystackSecret
            self.callbackURL = callbackURL
        }
    }

    public var settings: Settings
    /// The capture's own database (not the product's): what was "sent to Meta" and "charged".
    public var database: () throws -> DevCaptureStore
    /// Posts the signed event to our webhook.
    public var transport: HTTPTransport
    public var now: @Sendable () -> Int64
    public var log: Logger

    public init(
        settings: Settings, database: @escaping () throws -> DevCaptureStore, transport: HTTPTransport,
        now: @escaping @Sendable () -> Int64, log: Logger
    ) {
        self.settings = settings
        self.database = database
        self.transport = transport
        self.now = now
        self.log = log
    }

    public func handle(_ request: Request) -> Outcome {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.first == "dev", parts.count >= 2 else { return Outcome(.text(404, "not found")) }
        // It signs fake payments with the configured key: with a live key that would be a forged real payment.
        guard paystackMode(secretKey: settings.paystackSecret) != .live else {
            log.error("dev mode refuses to run with a live Paystack key")
            return Outcome(.text(403, "dev mode never runs with a live Paystack key"))
        }
        do {
            let db = try database()
            switch (request.method, Array(parts.dropFirst())) {
            case ("POST", let rest) where rest.first == "graph" && rest.last == "messages":
                return Outcome(try captureMessage(request, db: db))
            case ("GET", ["graph", "messages"]):
                return Outcome(try messages(request, db: db))
            case ("POST", let rest) where rest.count == 4 && rest[0] == "graph" && rest[3] == "items_batch":
                return Outcome(try itemsBatch(catalogID: rest[2], request: request, db: db))
            case ("GET", let rest) where rest.count == 4 && rest[0] == "graph" && rest[3] == "products":
                return Outcome(try products(catalogID: rest[2], db: db))
            case ("GET", ["catalog"]):
                return Outcome(try products(catalogID: nil, db: db))
            case ("GET", let rest) where rest.count == 2 && rest[0] == "pictures":
                return Outcome(
                    Response(
                        status: 200, headers: [.init("Content-Type", "image/png")], body: Self.placeholderPicture))
            case ("POST", ["paystack", "refund"]):
                return try refund(request, db: db)
            case ("POST", ["paystack", "transaction", "initialize"]):
                return Outcome(try initialize(request, db: db))
            case ("GET", let rest) where rest.count == 4 && rest[0] == "paystack" && rest[2] == "verify":
                return Outcome(try verify(reference: rest[3], db: db))
            case ("GET", let rest) where rest.count == 2 && rest[0] == "checkout":
                return Outcome(try checkout(reference: rest[1], db: db))
            case ("POST", let rest) where rest.count == 3 && rest[0] == "checkout" && rest[2] == "pay":
                return Outcome(try pay(reference: rest[1], request: request, db: db))
            default:
                return Outcome(.text(404, "not found"))
            }
        } catch {
            log.error("dev capture failed", ["error": "\(error)"])
            return Outcome(.text(500, "dev capture failed"))
        }
    }

    // MARK: - Meta

    func captureMessage(_ request: Request, db: DevCaptureStore) throws -> Response {
        let recipient = (try? JSONDecoder().decode(Recipient.self, from: Data(request.body)))?.to ?? ""
        let id = try db.recordMessage(recipient: recipient, body: request.body, at: now())
        return json(
            JSONBody.object([
                ("messaging_product", .string("whatsapp")),
                (
                    "contacts",
                    .array([.object([("input", .string(recipient)), ("wa_id", .string(recipient.filter(\.isNumber)))])])
                ),
                ("messages", .array([.object([("id", .string("wamid.DEV\(id)"))])])),
            ]))
    }

    private struct Recipient: Decodable { var to: String? }

    /// `?to=+234…&after=ID`: the captured messages, oldest first, as `[{"id":…,"message":<the body>}]`.
    func messages(_ request: Request, db: DevCaptureStore) throws -> Response {
        let query = request.query
        let items = try db.messages(to: query["to"], after: Int64(query["after"] ?? "") ?? 0).map { message in
            "{\"id\":\(message.id),\"message\":" + String(decoding: message.body, as: UTF8.self) + "}"
        }
        return json("[" + items.joined(separator: ",") + "]")
    }

    // MARK: - Meta's catalog

    /// A real PNG (one pixel, sandy brown) that `whatsorder demo --catalog` gives the sample dishes: Meta takes no
    /// product without a picture, and a stand-in's pictures must be real images for `menu check` to pass.
    static let placeholderPicture: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00,
        0x0C, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xB2, 0x24, 0x01, 0x00, 0x04, 0x88, 0x01, 0xF9, 0x75,
        0x4A, 0x15, 0x01, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    /// The fields Meta requires of a product item (Catalog Batch API); an item without one is refused in
    /// `validation_status`, as Meta does, and the rest of the batch is taken.
    static let requiredItemFields = [
        "id", "title", "description", "availability", "condition", "price", "link", "image_link", "brand",
    ]

    /// `POST /{catalog_id}/items_batch` (form: `item_type`, `allow_upsert`, `requests` as a JSON string).
    func itemsBatch(catalogID: String, request: Request, db: DevCaptureStore) throws -> Response {
        let form = Query.parse(String(decoding: request.body, as: UTF8.self))
        guard form["item_type"] == "PRODUCT_ITEM", let text = form["requests"],
            let requests = (try? JSONValue.parse(Array(text.utf8)))?.array
        else {
            return json(
                #"{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}"#, status: 400)
        }
        var problems: [JSONBody] = []
        for entry in requests {
            let data = entry["data"]
            let id = data?.string("id") ?? ""
            switch entry.string("method") {
            case "DELETE":
                try db.deleteCatalogItem(catalogID: catalogID, retailerID: id)
            case "CREATE", "UPDATE":
                let missing = Self.requiredItemFields.filter { (data?.string($0) ?? "").isEmpty }
                let price = data?.string("price") ?? ""
                var errors = missing.map { "Required field missing: \($0)" }
                if !price.isEmpty, price.split(separator: " ").count != 2 { errors.append("Invalid price: \(price)") }
                guard errors.isEmpty, let data else {
                    problems.append(
                        .object([
                            ("retailer_id", .string(id)),
                            ("errors", .array(errors.map { .object([("message", .string($0))]) })),
                        ]))
                    continue
                }
                // What a product page would show: the fields sent, as sent.
                let kept = JSONBody.object(Self.requiredItemFields.map { ($0, data.string($0).map { .string($0) }) })
                try db.putCatalogItem(
                    catalogID: catalogID, retailerID: id, data: String(decoding: kept.bytes, as: UTF8.self), at: now())
            default:
                problems.append(
                    .object([
                        ("retailer_id", .string(id)),
                        ("errors", .array([.object([("message", .string("Invalid method"))])])),
                    ]))
            }
        }
        return json(
            JSONBody.object([
                ("handles", .array([.string("DEVHANDLE\(now())")])), ("validation_status", .array(problems)),
            ]))
    }

    /// `GET /{catalog_id}/products` as Meta lists them (one page), and `/dev/catalog`: every catalog synced.
    func products(catalogID: String?, db: DevCaptureStore) throws -> Response {
        let items = try db.catalogItems(catalogID).compactMap { item -> JSONBody? in
            guard let data = try? JSONValue.parse(Array(item.data.utf8)) else { return nil }
            let price = data.string("price") ?? ""
            return .object([
                ("id", .string("DEV\(item.retailerID)")), ("retailer_id", .string(item.retailerID)),
                ("name", data.string("title").map { .string($0) }),
                ("description", data.string("description").map { .string($0) }),
                ("price", .string(price)), ("currency", .string(String(price.split(separator: " ").last ?? ""))),
                ("availability", data.string("availability").map { .string($0) }),
                ("image_url", data.string("image_link").map { .string($0) }),
                ("url", data.string("link").map { .string($0) }),
                ("catalog_id", catalogID == nil ? .string(item.catalogID) : nil),
            ])
        }
        return json(JSONBody.object([("data", .array(items)), ("paging", .object([]))]))
    }

    // MARK: - Paystack

    private struct Initialize: Decodable {
        var reference: String
        var amount: Int
        var currency: String?
        var email: String
    }

    func initialize(_ request: Request, db: DevCaptureStore) throws -> Response {
        guard let body = try? JSONDecoder().decode(Initialize.self, from: Data(request.body)) else {
            return json(#"{"status":false,"message":"Invalid request"}"#, status: 400)
        }
        guard
            try db.createPayment(
                reference: body.reference, amount: Kobo(body.amount), currency: body.currency ?? "NGN",
                email: body.email, at: now())
        else {
            return json(#"{"status":false,"message":"Duplicate Transaction Reference"}"#, status: 400)
        }
        let url = "\(base(request))/dev/checkout/\(body.reference)"
        return json(
            JSONBody.object([
                ("status", .bool(true)), ("message", .string("Authorization URL created")),
                (
                    "data",
                    .object([
                        ("authorization_url", .string(url)), ("access_code", .string("dev\(body.reference)")),
                        ("reference", .string(body.reference)),
                    ])
                ),
            ]))
    }

    func verify(reference: String, db: DevCaptureStore) throws -> Response {
        guard let payment = try db.payment(reference: reference) else {
            return json(#"{"status":false,"message":"Transaction reference not found"}"#, status: 400)
        }
        let body = charge(
            reference: reference, amount: payment.amount.rawValue, currency: payment.currency,
            status: payment.paid ? "success" : "abandoned")
        return json(#"{"status":true,"message":"Verification successful","data":\#(body)}"#)
    }

    /// Built as JSON values, not pasted text: a reference or currency with a quote in it must not add fields
    /// (say `"domain":"live"`) to a body this process signs.
    func charge(reference: String, amount: Int, currency: String, status: String) -> String {
        let value = JSONBody.object([
            ("id", .integer(4_099_260_516)), ("domain", .string("test")), ("status", .string(status)),
            ("reference", .string(reference)), ("amount", .integer(amount)), ("currency", .string(currency)),
            ("channel", .string("card")), ("gateway_response", .string("Approved")), ("metadata", .string("")),
            ("authorization", .object([("last4", .string("4081"))])),
        ])
        return String(decoding: value.bytes, as: UTF8.self)
    }

    // MARK: - Refunds

    private struct CreateRefund: Decodable {
        var transaction: String
        var amount: Int?
    }

    /// `POST /refund` as Paystack answers it (queued, `pending`); a moment later Paystack's `refund.processed`
    /// reaches our webhook, signed like the fake checkout's charge. Dev mode keeps no refund ledger: Paystack's own
    /// check that a refund is no larger than the payment is the only one made here.
    func refund(_ request: Request, db: DevCaptureStore) throws -> Outcome {
        guard let body = try? JSONDecoder().decode(CreateRefund.self, from: Data(request.body)) else {
            return Outcome(json(#"{"status":false,"message":"Invalid request"}"#, status: 400))
        }
        guard let payment = try db.payment(reference: body.transaction), payment.paid else {
            return Outcome(json(#"{"status":false,"message":"Transaction not found"}"#, status: 400))
        }
        let amount = body.amount ?? payment.amount.rawValue
        guard amount > 0, amount <= payment.amount.rawValue else {
            return Outcome(
                json(
                    #"{"status":false,"message":"Refund amount cannot be greater than transaction amount"}"#,
                    status: 400))
        }
        let answer = JSONBody.object([
            ("status", .bool(true)), ("message", .string("Refund has been queued for processing")),
            (
                "data",
                .object([
                    ("transaction", .object([("reference", .string(body.transaction))])),
                    ("status", .string("pending")),
                    ("amount", .integer(amount)), ("currency", .string(payment.currency)), ("domain", .string("test")),
                    ("id", .integer(Int(now() % 1_000_000_000))),
                ])
            ),
        ])
        let event = JSONBody.object([
            ("event", .string("refund.processed")),
            (
                "data",
                .object([
                    ("status", .string("processed")), ("transaction_reference", .string(body.transaction)),
                    ("refund_reference", .string("DEV-\(body.transaction)-\(amount)-\(now())")),
                    ("amount", .integer(amount)), ("currency", .string(payment.currency)), ("domain", .string("test")),
                ])
            ),
        ]).bytes
        let base = base(request)
        let settings = settings
        let transport = transport
        let log = log
        return Outcome(
            json(answer),
            afterResponse: {
                let response = try? transport.send(
                    HTTPRequest(
                        method: "POST", url: "\(base)/webhooks/paystack/",
                        headers: [
                            ("Content-Type", "application/json"),
                            (
                                "X-Paystack-Signature",
                                paystackSignatureHeader(body: event, secret: settings.paystackSecret)
                            ),
                        ],
                        body: event))
                log.info("fake refund.processed sent", ["status": "\(response?.status ?? 0)"])
            })
    }

    // MARK: - The fake checkout

    func checkout(reference: String, db: DevCaptureStore) throws -> Response {
        let escape = PaymentReturnPage.escape
        guard let payment = try db.payment(reference: reference) else { return .text(404, "no such payment") }
        let amount = payment.amount.formatted(symbol: payment.currency + " ")
        let paid = payment.paid
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1"><title>Test checkout</title></head>
            <body style="font-family:system-ui,sans-serif;max-width:420px;margin:40px auto;padding:0 16px">
            <p style="background:#fef3c7;padding:8px;border-radius:6px">Dev mode: a stand-in for Paystack's checkout.
            No money moves.</p>
            <h1>Pay \(escape(amount))</h1>
            <p>Reference \(escape(reference))<br>Receipt to \(escape(payment.email))</p>
            \(paid ? "<p><strong>Paid.</strong></p>" : """
            <form method="post" action="/dev/checkout/\(escape(reference))/pay">
            <button style="font-size:18px;padding:12px 24px" type="submit">Pay</button></form>
            """)
            </body></html>
            """
        return Response(
            status: 200, headers: [Response.Header("Content-Type", "text/html; charset=utf-8")], body: Array(html.utf8))
    }

    /// Marks the payment paid and sends our Paystack webhook what Paystack would: `charge.success`, signed with
    /// the secret key over the exact bytes. Then the browser goes where Paystack would send it.
    func pay(reference: String, request: Request, db: DevCaptureStore) throws -> Response {
        guard let payment = try db.payment(reference: reference) else { return .text(404, "no such payment") }
        try db.markPaid(reference: reference)
        let body = Array(
            (#"{"event":"charge.success","data":"#
                + charge(
                    reference: reference, amount: payment.amount.rawValue, currency: payment.currency,
                    status: "success") + "}").utf8)
        let response = try transport.send(
            HTTPRequest(
                method: "POST", url: "\(base(request))/webhooks/paystack/",
                headers: [
                    ("Content-Type", "application/json"),
                    ("X-Paystack-Signature", paystackSignatureHeader(body: body, secret: settings.paystackSecret)),
                ],
                body: body))
        log.info("fake charge.success sent", ["reference": reference, "status": "\(response.status)"])
        let callback = settings.callbackURL.isEmpty ? "/payments/return/" : settings.callbackURL
        return Response(
            status: 303,
            headers: [Response.Header("Location", "\(callback)?trxref=\(reference)&reference=\(reference)")])
    }

    /// This stack's own address, as nginx saw the request (`WHATSORDER_DEV_BASE`, set by nginx/dev.conf.in).
    func base(_ request: Request) -> String {
        request.params["WHATSORDER_DEV_BASE"] ?? "http://127.0.0.1:8080"
    }

    func json(_ text: String, status: Int = 200) -> Response {
        Response(
            status: status, headers: [Response.Header("Content-Type", "application/json")], body: Array(text.utf8))
    }

    func json(_ value: JSONBody, status: Int = 200) -> Response {
        json(String(decoding: value.bytes, as: UTF8.self), status: status)
    }
}
