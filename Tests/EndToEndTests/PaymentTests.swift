import CurlHTTP
import Foundation
import HTTPClient
import Paystack
import Storage
import TestSupport
import Testing

/// Paystack's side through nginx: the real handlers, the sender and `payments reconcile`, with stubs of Meta and
/// Paystack that speak their wire formats.
@Suite(.serialized) struct PaymentTests {
    typealias Customer = OrderingTests.Customer

    /// Takes a new customer from "hi" to a payment link for 2 × Jollof (₦5,000, pickup); returns the reference.
    static func placeOrder(_ stack: Stack, phone: String) throws -> (customer: Customer, reference: String) {
        let customer = Customer(stack: stack, phone: phone)
        for text in ["hi", "2 jollof", "checkout", "pickup"] { _ = try customer.say(text) }
        _ = try customer.say("confirm", expecting: 2)
        try waitUntil {
            customer.received.contains { ($0["interactive"] as? [String: Any])?["type"] as? String == "cta_url" }
        }
        let rows = try stack.query(
            """
            SELECT p.reference FROM payment p JOIN customerOrder o ON o.id = p.orderID
            JOIN customer c ON c.id = o.customerID WHERE c.waID = '\(phone)'
            """)
        return (customer, try #require(rows.first?[0].string))
    }

    static func texts(_ stack: Stack, to number: String) -> [String] {
        stack.graph.requests.filter { $0.path.hasSuffix("/messages") }
            .compactMap { $0.json as? [String: Any] }
            .filter { ($0["to"] as? String) == "+" + number }
            .map(OrderingTests.text)
    }

    static func orderStatus(_ stack: Stack, reference: String) throws -> String? {
        try stack.query(
            "SELECT o.status FROM customerOrder o JOIN payment p ON p.orderID = o.id WHERE p.reference = '\(reference)'"
        ).first?[0].string
    }

    @Test(arguments: Stack.Mode.allCases, Backend.allCases)
    func fromHiToAPaidOrderWithConfirmationAndStaffMessage(mode: Stack.Mode, database: Backend) throws {
        let stack = try Stack(mode: mode, database: database)
        defer { stack.stop() }
        let (ada, reference) = try Self.placeOrder(stack, phone: "2348030000101")
        let code = String(reference.dropLast(2))

        let response = try stack.postPaystack(PaystackEvents.chargeSuccess(reference: reference, amount: 500_000))
        #expect(response.status == 200)
        try waitUntil { ada.received.contains { OrderingTests.text($0).contains("Payment received") } }
        let confirmation = try #require(ada.received.last.map(OrderingTests.text))
        #expect(confirmation.contains("Order *\(code)* is confirmed"))
        #expect(confirmation.contains("2 × Jollof Rice & Chicken: ₦5,000"))
        #expect(confirmation.contains("Pickup at Mama Put Kitchen"))
        for number in Stack.staffNumbers {
            try waitUntil { !Self.texts(stack, to: number).isEmpty }
            let notice = Self.texts(stack, to: number)
            #expect(notice.count == 1)
            #expect(notice.first?.contains("New paid order *\(code)*") == true)
            #expect(notice.first?.contains("2 × Jollof Rice & Chicken") == true)
            #expect(notice.first?.contains("Customer: Ada, +2348030000101") == true)
        }
        #expect(try Self.orderStatus(stack, reference: reference) == "paid")
        #expect(try stack.query("SELECT status FROM payment").first?[0].string == "paid")

        // The customer's browser, sent back by Paystack with both parameters.
        let page = try CurlTransport().perform(
            HTTPRequest(method: "GET", url: stack.paymentReturnURL + "?trxref=\(reference)&reference=\(reference)"))
        #expect(page.status == 200)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("Payment received"))
        #expect(html.contains(code))
        #expect(html.contains("https://wa.me/2348000000000"))
    }

    @Test(arguments: Stack.Mode.allCases, Backend.allCases)
    func theSameChargeTwentyTimesAtOnceConfirmsOnce(mode: Stack.Mode, database: Backend) throws {
        let stack = try Stack(mode: mode, database: database, workers: 4)
        defer { stack.stop() }
        let (ada, reference) = try Self.placeOrder(stack, phone: "2348030000102")
        let body = PaystackEvents.chargeSuccess(reference: reference, amount: 500_000)
        let statuses = Locked<[Int]>([])
        concurrently(20) { _ in
            let status = (try? stack.postPaystack(body))?.status ?? -1
            statuses.mutate { $0.append(status) }
        }
        #expect(statuses.value == Array(repeating: 200, count: 20))
        try waitUntil { Stack.staffNumbers.allSatisfy { !Self.texts(stack, to: $0).isEmpty } }
        // Anything queued twice would leave within the sender's next pass: give it one.
        Thread.sleep(forTimeInterval: 1.0)
        #expect(ada.received.filter { OrderingTests.text($0).contains("Payment received") }.count == 1)
        for number in Stack.staffNumbers { #expect(Self.texts(stack, to: number).count == 1) }
        #expect(try stack.count("paymentEvent") == 1)
        #expect(try Self.orderStatus(stack, reference: reference) == "paid")
    }

    @Test(arguments: Backend.allCases) func theWebhookAndReconcileRacingMoveTheOrderOnce(_ database: Backend) throws {
        let stack = try Stack(mode: .fastcgi, database: database, workers: 2) { reference in
            PaystackStub.verified(reference: reference, amount: 500_000)
        }
        defer { stack.stop() }
        for round in 1...3 {
            let (customer, reference) = try Self.placeOrder(stack, phone: "234803000020\(round)")
            let body = PaystackEvents.chargeSuccess(reference: reference, amount: 500_000, id: 400 + round)
            concurrently(2) { index in
                if index == 0 {
                    _ = try? stack.postPaystack(body)
                } else {
                    _ = try? stack.reconcile()
                }
            }
            try waitUntil { customer.received.contains { OrderingTests.text($0).contains("Payment received") } }
            Thread.sleep(forTimeInterval: 0.5)
            #expect(customer.received.filter { OrderingTests.text($0).contains("Payment received") }.count == 1)
            let outcomes = try stack.query(
                "SELECT outcome FROM paymentEvent WHERE reference = '\(reference)' ORDER BY outcome"
            ).compactMap { $0[0].string }
            // Whoever commits first confirms; the other finds the order paid (the webhook records
            // already_confirmed) or no longer open (reconcile then has nothing to ask Paystack about).
            #expect(outcomes.filter { $0 == "confirmed" }.count == 1)
            #expect(outcomes.allSatisfy { $0 == "confirmed" || $0 == "already_confirmed" })
            #expect(try Self.orderStatus(stack, reference: reference) == "paid")
        }
        for number in Stack.staffNumbers { #expect(Self.texts(stack, to: number).count == 3) }
    }

    @Test func aLinkExpiresAndALatePaymentWaitsForStaffWhoConfirmIt() throws {
        let stack = try Stack(mode: .fastcgi) { reference in
            PaystackStub.verified(reference: reference, amount: 500_000, status: "abandoned")
        }
        defer { stack.stop() }
        let (chidi, reference) = try Self.placeOrder(stack, phone: "2348030000301")
        // Young links are left alone.
        try stack.reconcile("PAYMENT_LINK_TTL=3600")
        #expect(try Self.orderStatus(stack, reference: reference) == "awaiting_payment")
        let verified = stack.graph.requests.filter { $0.path == "/paystack/transaction/verify/\(reference)" }
        #expect(verified.count == 1)
        #expect(verified.first?.header("authorization") == "Bearer \(Stack.paystackSecret)")

        let report = try stack.reconcile("PAYMENT_LINK_TTL=0")
        #expect(report.contains("expired 1"))
        #expect(try Self.orderStatus(stack, reference: reference) == "expired")
        #expect(try stack.query("SELECT status FROM payment").first?[0].string == "abandoned")
        try waitUntil { chidi.received.contains { OrderingTests.text($0).contains("has expired") } }

        // The customer had the page open and paid anyway: the money is not lost, and a person decides whether
        // the kitchen still makes it (hours may have passed).
        #expect(
            try stack.postPaystack(PaystackEvents.chargeSuccess(reference: reference, amount: 500_000)).status == 200)
        try waitUntil { chidi.received.contains { OrderingTests.text($0).contains("checking it before confirming") } }
        #expect(try Self.orderStatus(stack, reference: reference) == "payment_review")
        try waitUntil { !Self.texts(stack, to: Stack.staffNumbers[0]).isEmpty }
        #expect(Self.texts(stack, to: Stack.staffNumbers[0]).first?.contains("after its payment link expired") == true)
        #expect(try stack.query("SELECT outcome FROM paymentEvent").map { $0[0].string } == ["review"])
        let code = String(reference.dropLast(2))
        #expect(
            try stack.whatsorder("orders confirm \(code)").output == "\(code): payment review → paid; customer told.")
        try waitUntil { chidi.received.contains { OrderingTests.text($0).contains("Payment received") } }
        #expect(try Self.orderStatus(stack, reference: reference) == "paid")
    }

    @Test func badSignaturesAndOtherMethodsAreRefusedThroughNginx() throws {
        let stack = try Stack(mode: .cgi)
        defer { stack.stop() }
        let (_, reference) = try Self.placeOrder(stack, phone: "2348030000401")
        let body = PaystackEvents.chargeSuccess(reference: reference, amount: 500_000)
        let forged = paystackSignatureHeader(body: body, secret: "sk_test_not_ours")
        #expect(try stack.postPaystack(body, signature: forged).status == 401)
        #expect(try stack.postPaystack(body, signature: "").status == 401)
        let get = try CurlTransport().perform(HTTPRequest(method: "GET", url: stack.paystackURL))
        #expect(get.status == 405)
        #expect(try stack.count("paymentEvent") == 0)
        #expect(try Self.orderStatus(stack, reference: reference) == "awaiting_payment")
        // Without the trailing slash, and with the timestamped signature form.
        let now = Int64(Date().timeIntervalSince1970)
        let header = paystackTimestampedSignatureHeader(
            body: body, secret: Stack.paystackSecret, timestamp: now, keyID: "key-1")
        let response = try CurlTransport().perform(
            HTTPRequest(
                method: "POST", url: String(stack.paystackURL.dropLast()),
                headers: [("Content-Type", "application/json"), ("X-Paystack-Signature", header)], body: body))
        #expect(response.status == 200)
        #expect(try Self.orderStatus(stack, reference: reference) == "paid")
    }
}

/// The page a customer's browser lands on after paying, in each status, rendered by a real headless Chromium
/// through nginx. Screenshots go to `$TEST_OUTPUT_DIR/payment-return-e2e/` (default under /tmp).
@Suite(.serialized) struct PaymentReturnBrowserTests {
    static var outputDirectory: String {
        let base = ProcessInfo.processInfo.environment["TEST_OUTPUT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        return (base ?? "/tmp/whatsorder-test-output") + "/payment-return-e2e"
    }

    @Test func eachStatusInARealBrowser() throws {
        #expect(Chromium.executable != nil, "chromium is not installed: run scripts/install-deps")
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        let paid = try PaymentTests.placeOrder(stack, phone: "2348030000501").reference
        let waiting = try PaymentTests.placeOrder(stack, phone: "2348030000502").reference
        let short = try PaymentTests.placeOrder(stack, phone: "2348030000503").reference
        let (cancelling, cancelled) = try PaymentTests.placeOrder(stack, phone: "2348030000504")
        _ = try cancelling.say("cancel")
        _ = try cancelling.say("yes")
        #expect(try stack.postPaystack(PaystackEvents.chargeSuccess(reference: paid, amount: 500_000)).status == 200)
        #expect(try stack.postPaystack(PaystackEvents.chargeSuccess(reference: short, amount: 400_000)).status == 200)
        try FileManager.default.createDirectory(atPath: Self.outputDirectory, withIntermediateDirectories: true)

        let hostile = "\"><script>alert(1)</script>"
        let cases: [(name: String, reference: String, status: Int, headline: String)] = [
            ("paid", paid, 200, "Payment received"),
            ("confirming", waiting, 200, "Confirming your payment"),
            ("review", short, 200, "checking your payment"),
            ("cancelled", cancelled, 200, "Order cancelled"),
            ("not-found", "WO-NOTHERE-1", 404, "find that payment"),
            ("hostile", hostile, 404, "find that payment"),
        ]
        for item in cases {
            let query =
                "reference=" + (item.reference.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            let url = stack.paymentReturnURL + "?" + query
            let response = try CurlTransport().perform(HTTPRequest(method: "GET", url: url))
            #expect(response.status == item.status, "\(item.name)")
            let dom = try Chromium.dumpDOM(url: url)
            #expect(dom.contains(item.headline), "\(item.name): \(dom.prefix(400))")
            #expect(!dom.contains("<script"), "\(item.name)")
            let code = String(item.reference.dropLast(2))
            if item.status == 200 { #expect(dom.contains(code), "\(item.name)") }
            let path = Self.outputDirectory + "/\(item.name).png"
            try Chromium.screenshot(url: url, to: path)
            let png = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Array(png.prefix(8)) == Chromium.pngSignature)
            #expect(png.count > 1_000)
        }
        // Reading the page never paid anything.
        #expect(try PaymentTests.orderStatus(stack, reference: waiting) == "awaiting_payment")
    }
}
