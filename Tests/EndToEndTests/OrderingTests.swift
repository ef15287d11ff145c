import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing

/// A customer goes from "hi" to a Paystack payment link through nginx (FastCGI mode), the sender and stubs of
/// Meta and Paystack: once with taps only, once with typed text only.
@Suite(.serialized) struct OrderingTests {
    /// Sends one customer message and waits until the replies it causes have reached the Graph stub.
    final class Customer {
        let stack: Stack
        let phone: String
        var sequence = 0

        init(stack: Stack, phone: String) {
            self.stack = stack
            self.phone = phone
        }

        /// Messages sent to this customer so far, as JSON objects.
        var received: [[String: Any]] {
            stack.graph.requests.filter { $0.path.hasSuffix("/messages") }
                .compactMap { $0.json as? [String: Any] }
                .filter { ($0["to"] as? String) == "+" + phone }
        }

        @discardableResult
        func send(_ body: (String) -> [UInt8], expecting replies: Int = 1) throws -> [[String: Any]] {
            let before = received.count
            sequence += 1
            let response = try stack.post(body("wamid.\(phone).\(sequence)"))
            #expect(response.status == 200)
            try waitUntil { self.received.count >= before + replies }
            return Array(received[before...])
        }

        func say(_ text: String, expecting replies: Int = 1) throws -> [[String: Any]] {
            try send({ textMessage(id: $0, from: phone, text: text) }, expecting: replies)
        }

        func tap(_ choice: String, _ title: String, list: Bool = false, expecting replies: Int = 1) throws
            -> [[String: Any]]
        {
            try send({ tapMessage(id: $0, from: phone, choice: choice, title: title, list: list) }, expecting: replies)
        }
    }

    static func text(_ message: [String: Any]) -> String {
        if let text = (message["text"] as? [String: Any])?["body"] as? String { return text }
        return ((message["interactive"] as? [String: Any])?["body"] as? [String: Any])?["text"] as? String ?? ""
    }

    static func offers(_ message: [String: Any]) -> [String] {
        let action = (message["interactive"] as? [String: Any])?["action"] as? [String: Any] ?? [:]
        let rows = (action["sections"] as? [[String: Any]] ?? []).flatMap { $0["rows"] as? [[String: Any]] ?? [] }
        let buttons = (action["buttons"] as? [[String: Any]] ?? []).compactMap { $0["reply"] as? [String: Any] }
        return (rows + buttons).compactMap { $0["id"] as? String }
    }

    /// The initialize call Paystack received, and the CTA message with its link.
    static func checkPayment(_ stack: Stack, customer: Customer, amount: Int, email: String) throws {
        try waitUntil {
            customer.received.contains { ($0["interactive"] as? [String: Any])?["type"] as? String == "cta_url" }
        }
        let initialize = try #require(stack.graph.requests.last { $0.path == "/paystack/transaction/initialize" })
        #expect(initialize.header("authorization") == "Bearer \(Stack.paystackSecret)")
        let body = try #require(initialize.json as? [String: Any])
        #expect(body["amount"] as? Int == amount)
        #expect(body["currency"] as? String == "NGN")
        #expect(body["email"] as? String == email)
        #expect(body["callback_url"] as? String == "https://food.example.com/payments/return/")
        let reference = try #require(body["reference"] as? String)
        let metadata = try #require(body["metadata"] as? [String: Any])
        let order = try #require(metadata["order_code"] as? String)
        #expect(reference == order + "-1")
        let rows = try stack.query(
            "SELECT o.status, o.totalKobo, p.status, p.authorizationURL FROM customerOrder o JOIN payment p "
                + "ON p.orderID = o.id WHERE p.reference = '\(reference)'")
        #expect(rows.first?[0].string == "awaiting_payment")
        #expect(rows.first?[1].int64 == Int64(amount))
        #expect(rows.first?[2].string == "link_sent")
        let link = try #require(customer.received.last)
        let action = (link["interactive"] as? [String: Any])?["action"] as? [String: Any]
        let url = (action?["parameters"] as? [String: Any])?["url"] as? String
        #expect(url == rows.first?[3].string)
        #expect(url?.hasPrefix("https://checkout.paystack.com/stub") == true)
        #expect(text(link).contains(url ?? "-"))
        #expect(text(link).contains(order))
    }

    @Test(arguments: Backend.allCases) func tapsOnlyFromHiToAPaymentLinkForDelivery(_ database: Backend) throws {
        let stack = try Stack(mode: .fastcgi, database: database)
        defer { stack.stop() }
        let ada = Customer(stack: stack, phone: "2348030000001")
        let welcome = try ada.say("hi")
        #expect(Self.offers(welcome[0]).contains("category:1"))
        let dishes = try ada.tap("category:1", "Main Dishes", list: true)
        #expect(Self.offers(dishes[0]).contains("item:1"))
        let quantity = try ada.tap("item:1", "Jollof Rice & Chicken", list: true)
        #expect(Self.offers(quantity[0]) == (1...10).map { "qty:\($0)" })
        let added = try ada.tap("qty:2", "2", list: true)
        #expect(Self.text(added[0]).contains("₦5,000"))
        #expect(Self.offers(added[0]).starts(with: ["checkout", "cart", "category:1"]))
        let fulfilment = try ada.tap("checkout", "Checkout", list: true)
        #expect(Self.offers(fulfilment[0]) == ["delivery", "pickup"])
        _ = try ada.tap("delivery", "Delivery")
        // The one thing a tap cannot give: where to deliver. A shared pin is the tap-only way.
        let summary = try ada.send { id in
            Array(
                #"""
                {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ada"},"wa_id":"2348030000001"}],"messages":[{"from":"2348030000001","id":"\#(id)","timestamp":"\#(Int(Date().timeIntervalSince1970))","type":"location","location":{"latitude":6.4541,"longitude":3.3947,"name":"Eko Hotel","address":"Adetokunbo Ademola St"}}]}}]}]}
                """#.utf8)
        }
        #expect(Self.text(summary[0]).contains("Total: ₦5,500"))
        // Confirm: the thank-you now, then the link once Paystack has answered.
        _ = try ada.tap("confirm", "Confirm", expecting: 2)
        try Self.checkPayment(stack, customer: ada, amount: 550_000, email: "customer-1@example.com")
        let orders = try stack.query("SELECT fulfilment, latitude, placeName, deliveryFeeKobo FROM customerOrder")
        #expect(orders.count == 1)
        #expect(orders.first?[0].string == "delivery")
        #expect(orders.first?[1].double == 6.4541)
        #expect(orders.first?[2].string == "Eko Hotel")
        #expect(orders.first?[3].int64 == 50_000)
    }

    /// docs/deployment.md §17's advice for CGI mode on PostgreSQL, followed: a connection per request, through
    /// PgBouncer in transaction mode, statements never prepared. A whole order goes through.
    @Test func cgiModeThroughPgBouncerTakesAnOrder() throws {
        let stack = try Stack(
            mode: .cgi, database: .postgres, databaseURL: try Backend.freshDatabaseThroughPgBouncer(), workers: 4)
        defer { stack.stop() }
        try Self.typedPickupOrder(stack)
    }

    @Test(arguments: Backend.allCases) func typedTextOnlyFromHiToAPaymentLinkForPickup(_ database: Backend) throws {
        let stack = try Stack(mode: .fastcgi, database: database)
        defer { stack.stop() }
        try Self.typedPickupOrder(stack)
    }

    static func typedPickupOrder(_ stack: Stack) throws {
        let tunde = Customer(stack: stack, phone: "2348030000002")
        _ = try tunde.say("Hello")
        _ = try tunde.say("2 jollof")
        let added = try tunde.say("add 1 zobo")
        #expect(Self.text(added[0]).contains("₦5,600"))
        _ = try tunde.say("checkout")
        _ = try tunde.say("pickup")
        // An email typed at the summary is kept for the receipt.
        let withEmail = try tunde.say("tunde@example.org")
        #expect(Self.text(withEmail[0]).contains("Receipt to: tunde@example.org"))
        let summary = try tunde.say("confirm", expecting: 2)
        #expect(Self.text(summary[0]).contains("Order"))
        try Self.checkPayment(stack, customer: tunde, amount: 560_000, email: "tunde@example.org")
        let lines = try stack.query("SELECT name, unitPriceKobo, quantity FROM orderLine ORDER BY position")
        #expect(lines.map { $0[0].string ?? "" } == ["Jollof Rice & Chicken", "Zobo Drink"])
        #expect(lines.map { $0[1].int64 ?? 0 } == [250_000, 60_000])
        #expect(lines.map { $0[2].int64 ?? 0 } == [2, 1])
    }
}

/// Two messages from one customer handled at the same moment by two FastCGI worker processes: neither one's effect
/// on the cart may be lost (the state is read and written inside one IMMEDIATE transaction, with a version check
/// for the optimistic read before it).
@Suite(.serialized) struct SameCustomerConcurrencyTests {
    @Test(arguments: Backend.allCases) func twoWorkersNeverLoseACartUpdate(_ database: Backend) throws {
        let stack = try Stack(mode: .fastcgi, database: database, workers: 2)
        defer { stack.stop() }
        let phone = "2348030000009"
        #expect(try stack.post(textMessage(id: "wamid.same.0", from: phone, text: "hi")).status == 200)
        let rounds = 12
        let failures = Locked(0)
        for round in 1...rounds {
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let text = index == 0 ? "add 1 zobo" : "add 1 fries"
                let status =
                    (try? stack.post(textMessage(id: "wamid.same.\(round).\(index)", from: phone, text: text)))?
                    .status
                if status != 200 { failures.mutate { $0 += 1 } }
            }
        }
        #expect(failures.value == 0)
        #expect(try stack.count("inboundMessage") == Int64(1 + 2 * rounds))
        let state = try #require(stack.query("SELECT state, version FROM conversation").first)
        #expect(state[1].int64 == Int64(1 + 2 * rounds))
        let json = try #require(
            JSONSerialization.jsonObject(with: Data(state[0].bytes ?? [])) as? [String: Any])
        let cart = (json["cart"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
            $0[$1["name"] as? String ?? ""] = $1["quantity"] as? Int
        }
        #expect(cart == ["Zobo Drink": rounds, "French Fries": rounds])
    }
}
