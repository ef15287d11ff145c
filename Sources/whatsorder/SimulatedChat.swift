import CurlHTTP
import Foundation
import HTTPClient
import WhatsApp

/// One customer's side of a chat with the running stack. The simulator's poller and its input loop share it: HTTP
/// goes through one lock (a libcurl handle is not for two threads at once), `lastSeen` through another.
final class SimulatedChat: @unchecked Sendable {
    let base: String
    let phone: String
    let name: String
    let appSecret: String
    /// The business number's id the webhook answers for: its messages name it, as Meta's do.
    let phoneNumberID: String
    let http: CurlTransport
    var lastSeen: Int64 = 0
    var sequence = 0
    var transcript: [Reply] = []

    struct Reply {
        var text: String?
        var options: [(id: String, title: String)]
        var linkURL: String?
        var linkTitle: String?
        /// The options are list rows (else reply buttons): a tap comes back as `list_reply`.
        var isList = false
    }

    init(base: String, phone: String, name: String, appSecret: String, phoneNumberID: String) throws {
        guard !appSecret.isEmpty else { throw Failure.configuration("WHATSAPP_APP_SECRET is not set") }
        guard !phoneNumberID.isEmpty else { throw Failure.configuration("WHATSAPP_PHONE_NUMBER_ID is not set") }
        self.phoneNumberID = phoneNumberID
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.phone = phone
        self.name = name
        self.appSecret = appSecret
        http = try CurlTransport()
        lastSeen = try fetch().last?.0 ?? 0
    }

    /// The catalog the stand-in holds now (`whatsorder catalog sync` fills it): retailer id → name and price as a
    /// phone shows them.
    var catalog: [String: (name: String, price: String)] {
        guard let response = try? perform(HTTPRequest(method: "GET", url: base + "/dev/catalog")),
            response.status == 200,
            let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let items = object["data"] as? [[String: Any]]
        else { return [:] }
        var catalog: [String: (name: String, price: String)] = [:]
        for item in items {
            guard let id = item["retailer_id"] as? String else { continue }
            catalog[id] = (item["name"] as? String ?? id, item["price"] as? String ?? "")
        }
        return catalog
    }

    /// A cart sent from the catalog (`type` `order`), each line at the price the catalog shows (as a phone sends it).
    @discardableResult
    func cart(_ lines: [(retailerID: String, quantity: Int)], text: String = "", expect: String?, replies: Int = 1)
        throws -> [Reply]
    {
        let catalog = self.catalog
        print(
            "» sends a cart: "
                + lines.map { "\($0.quantity) × \(catalog[$0.retailerID]?.name ?? $0.retailerID)" }
                .joined(separator: ", "))
        let items: [[String: Any]] = lines.map { line in
            let price = catalog[line.retailerID]?.price.split(separator: " ")
            return [
                "product_retailer_id": line.retailerID, "quantity": line.quantity,
                "item_price": Double(price?.first ?? "") ?? 0, "currency": String(price?.last ?? "NGN"),
            ]
        }
        return try send(
            ["type": "order", "order": ["catalog_id": "dev", "text": text, "product_items": items]], expect: expect,
            replies: replies)
    }

    @discardableResult
    func say(_ text: String, expect: String, replies: Int = 1) throws -> [Reply] {
        print("» \(text)")
        return try send(["type": "text", "text": ["body": text]], expect: expect, replies: replies)
    }

    @discardableResult
    func tap(_ id: String, _ title: String, list: Bool = false, expect: String, replies: Int = 1) throws -> [Reply] {
        print("» taps [\(title)]")
        let kind = list ? "list_reply" : "button_reply"
        return try send(
            ["type": "interactive", "interactive": ["type": kind, kind: ["id": id, "title": title]]], expect: expect,
            replies: replies)
    }

    /// Posts one message as Meta would (its envelope, `X-Hub-Signature-256` over the exact bytes) and waits until
    /// `replies` answers have arrived, one of them mentioning `expect` (text, an option id or a button title).
    func send(_ content: [String: Any], expect: String?, replies: Int) throws -> [Reply] {
        sequence += 1
        var message: [String: Any] = [
            "from": phone, "id": "wamid.demo.\(phone).\(Int(Date().timeIntervalSince1970)).\(sequence)",
            "timestamp": "\(Int(Date().timeIntervalSince1970))",
        ]
        message.merge(content) { $1 }
        let body: [String: Any] = [
            "object": "whatsapp_business_account",
            "entry": [
                [
                    "id": "1",
                    "changes": [
                        [
                            "field": "messages",
                            "value": [
                                "messaging_product": "whatsapp",
                                "metadata": [
                                    "display_phone_number": "15550783881", "phone_number_id": phoneNumberID,
                                ],
                                "contacts": [["profile": ["name": name], "wa_id": phone]], "messages": [message],
                            ],
                        ]
                    ],
                ]
            ],
        ]
        let bytes = Array(try JSONSerialization.data(withJSONObject: body))
        let response = try perform(
            HTTPRequest(
                method: "POST", url: base + "/webhooks/whatsapp/",
                headers: [
                    ("Content-Type", "application/json"),
                    ("X-Hub-Signature-256", metaSignatureHeader(body: bytes, appSecret: appSecret)),
                ],
                body: bytes))
        guard response.status == 200 else {
            throw Failure.unavailable("the webhook answered \(response.status)")
        }
        guard let expect else { return [] }
        return try collect(replies: replies, mentioning: expect)
    }

    func waitFor(_ text: String) throws { _ = try collect(replies: 1, mentioning: text) }

    /// Replies not seen yet, oldest first (the simulator's poller; one caller at a time).
    func fetchNew() throws -> [Reply] {
        lock.lock()
        defer { lock.unlock() }
        let fresh = try fetch().filter { $0.0 > lastSeen }
        if let last = fresh.last { lastSeen = last.0 }
        return fresh.map(\.1)
    }

    private let lock = NSLock()
    private let httpLock = NSLock()

    func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        try httpLock.withLock { try http.perform(request) }
    }

    /// Sends a message without waiting for an answer (the simulator's poller shows what comes back).
    func post(_ content: [String: Any]) throws {
        _ = try send(content, expect: nil, replies: 0)
    }

    func collect(replies: Int, mentioning expected: String) throws -> [Reply] {
        var got: [Reply] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            for (id, reply) in try fetch() where id > lastSeen {
                lastSeen = id
                got.append(reply)
                print(Self.render(reply))
            }
            if got.count >= replies && got.contains(where: { $0.mentions(expected) }) {
                transcript += got
                return got
            }
            usleep(100_000)
        }
        throw Failure.unavailable("no reply mentioning \"\(expected)\" within 20 s (is the stack running in dev mode?)")
    }

    /// The replies the stand-in for Meta recorded for this customer.
    func fetch() throws -> [(Int64, Reply)] {
        let to = "%2B" + phone
        let response = try perform(
            HTTPRequest(method: "GET", url: base + "/dev/graph/messages?to=\(to)&after=\(lastSeen)"))
        guard response.status == 200,
            let items = try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]]
        else {
            throw Failure.unavailable("\(base)/dev/ answered \(response.status): start the stack with `make run`")
        }
        // The catalog's names only when a product message needs them: one more request, not one per poll.
        let hasProducts = items.contains {
            let type = (($0["message"] as? [String: Any])?["interactive"] as? [String: Any])?["type"] as? String
            return type == "product_list" || type == "product"
        }
        let catalog = hasProducts ? self.catalog : [:]
        return items.compactMap { item in
            guard let id = (item["id"] as? NSNumber)?.int64Value, let message = item["message"] as? [String: Any]
            else { return nil }
            return (id, Self.reply(message, catalog: catalog))
        }
    }

    /// The fake checkout's Pay button: a form POST, answered with Paystack's redirect to our return page.
    func pay(_ checkout: String) throws {
        let response = try perform(HTTPRequest(method: "POST", url: checkout + "/pay"))
        guard response.status == 303 else { throw Failure.unavailable("the checkout answered \(response.status)") }
    }

    static func reply(_ message: [String: Any], catalog: [String: (name: String, price: String)] = [:]) -> Reply {
        if let text = (message["text"] as? [String: Any])?["body"] as? String {
            return Reply(text: text, options: [])
        }
        // A map pin, as the phone shows it: the place, and where it opens.
        if let location = message["location"] as? [String: Any] {
            let latitude = (location["latitude"] as? NSNumber)?.doubleValue ?? 0
            let longitude = (location["longitude"] as? NSNumber)?.doubleValue ?? 0
            let label = [location["name"] as? String, location["address"] as? String].compactMap { $0 }
            return Reply(
                text: "📍 " + (label.isEmpty ? "Location" : label.joined(separator: ", "))
                    + "\nhttps://maps.google.com/?q=\(latitude),\(longitude)", options: [])
        }
        let interactive = message["interactive"] as? [String: Any] ?? [:]
        let text = (interactive["body"] as? [String: Any])?["text"] as? String
        let action = interactive["action"] as? [String: Any] ?? [:]
        let rows = (action["sections"] as? [[String: Any]] ?? []).flatMap { $0["rows"] as? [[String: Any]] ?? [] }
        let buttons = (action["buttons"] as? [[String: Any]] ?? []).compactMap { $0["reply"] as? [String: Any] }
        let options = (rows + buttons).compactMap { option -> (String, String)? in
            guard let id = option["id"] as? String else { return nil }
            return (id, option["title"] as? String ?? id)
        }
        // The catalog's products as the phone lists them, with their ids for `cart 1x2 9x1`.
        var products: [String] = []
        let product = action["product_retailer_id"] as? String
        for section in action["sections"] as? [[String: Any]] ?? [] {
            guard let items = section["product_items"] as? [[String: Any]] else { continue }
            products.append("── \(section["title"] as? String ?? "")")
            for item in items.compactMap({ $0["product_retailer_id"] as? String }) {
                products.append("  #\(item) \(catalog[item]?.name ?? "?")  \(catalog[item]?.price ?? "")")
            }
        }
        if let product {
            products.append("#\(product) \(catalog[product]?.name ?? "?")  \(catalog[product]?.price ?? "")")
        }
        if !products.isEmpty {
            let header = (interactive["header"] as? [String: Any])?["text"] as? String
            return Reply(
                text: ([header.map { "*\($0)*" }, text].compactMap { $0 } + products
                    + ["(type: cart ID×QTY …, e.g. cart \(product ?? "1")x2)"]).joined(separator: "\n"),
                options: [])
        }
        let parameters = action["parameters"] as? [String: Any]
        return Reply(
            text: text, options: options, linkURL: parameters?["url"] as? String,
            linkTitle: parameters?["display_text"] as? String, isList: interactive["type"] as? String == "list")
    }

    /// A reply as a phone would show it, with numbers for the choices.
    static func render(_ reply: Reply) -> String {
        var lines = (reply.text ?? "").split(separator: "\n", omittingEmptySubsequences: false).map { "  │ " + $0 }
        for (index, option) in reply.options.enumerated() { lines.append("  │   [\(index + 1)] \(option.title)") }
        if let title = reply.linkTitle, let url = reply.linkURL { lines.append("  │   [\(title)] → \(url)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension SimulatedChat.Reply {
    func mentions(_ expected: String) -> Bool {
        (text ?? "").contains(expected) || options.contains { $0.id == expected || $0.title == expected }
            || linkTitle == expected
    }
}
