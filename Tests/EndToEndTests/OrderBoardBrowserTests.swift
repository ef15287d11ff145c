import CurlHTTP
import Foundation
import HTTPClient
import Paystack
import TestSupport
import Testing

/// The order board through nginx: basic auth, CSRF, and a real headless Chromium clicking "advance".
/// Screenshots go to `$TEST_OUTPUT_DIR/order-board/` (default under /tmp).
@Suite(.serialized) struct OrderBoardBrowserTests {
    static let password = "correct horse battery"

    static var outputDirectory: String {
        let base = ProcessInfo.processInfo.environment["TEST_OUTPUT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        return (base ?? "/tmp/whatsorder-test-output") + "/order-board"
    }

    func get(_ url: String, auth: String?) throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = []
        if let auth { headers.append(("Authorization", auth)) }
        return try CurlTransport().perform(HTTPRequest(method: "GET", url: url, headers: headers))
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    @Test func staffSignInSeeTheOrderAndAdvanceItInABrowser() throws {
        #expect(Chromium.executable != nil, "chromium is not installed: run scripts/install-deps")
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        let added = try shell(
            "printf '%s\\n' '\(Self.password)' | cgi-bin/whatsorder staff add-user bola --config \(stack.configPath)",
            in: Stack.root)
        #expect(added.contains("Added bola"))
        let hash = try String(contentsOfFile: stack.directory + "/staff.htpasswd", encoding: .utf8)
        #expect(hash.hasPrefix("bola:$6$"))
        #expect(!hash.contains(Self.password))

        let (ada, reference) = try PaymentTests.placeOrder(stack, phone: "2348030000801")
        let code = String(reference.dropLast(2))
        #expect(
            try stack.postPaystack(PaystackEvents.chargeSuccess(reference: reference, amount: 500_000)).status == 200)

        let board = "http://127.0.0.1:\(stack.port)/staff/"
        #expect(try get(board, auth: nil).status == 401)
        #expect(try get(board, auth: Self.basic("bola", "wrong password")).status == 401)
        let auth = Self.basic("bola", Self.password)
        let page = try get(board, auth: auth)
        #expect(page.status == 200)
        #expect(String(decoding: page.body, as: UTF8.self).contains(code))

        // A forged form (another site, a replayed request without the token) is refused.
        let forged = try CurlTransport().perform(
            HTTPRequest(
                method: "POST", url: board + "orders/\(code)/advance",
                headers: [("Authorization", auth), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("csrf=0000".utf8)))
        #expect(forged.status == 403)
        #expect(try PaymentTests.orderStatus(stack, reference: reference) == "paid")

        try FileManager.default.createDirectory(atPath: Self.outputDirectory, withIntermediateDirectories: true)
        let before = Self.outputDirectory + "/board-before.png"
        let after = Self.outputDirectory + "/board-after.png"
        let html = try Chromium.click(
            url: board, authorization: auth, selector: "[id='\(code)'] button.advance", before: before, after: after)
        #expect(html.contains("\(code): paid → preparing; customer told."))
        #expect(try PaymentTests.orderStatus(stack, reference: reference) == "preparing")
        try waitUntil { ada.received.contains { OrderingTests.text($0).contains("kitchen has started") } }
        for path in [before, after] {
            let png = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Array(png.prefix(8)) == Chromium.pngSignature)
            #expect(png.count > 5_000)
        }
    }
}

extension OrderBoardBrowserTests {
    /// The board's money controls: a payment under review confirmed with one click, then part of it refunded with
    /// a reason typed into the card's form; the refund goes to the Paystack stand-in. Screenshots
    /// `review-before.png`, `review-after.png`, `refund-before.png` and `refund-after.png`.
    @Test func staffConfirmAPaymentUnderReviewAndRefundPartOfItInABrowser() throws {
        #expect(Chromium.executable != nil, "chromium is not installed: run scripts/install-deps")
        let stack = try Stack(mode: .cgi)
        defer { stack.stop() }
        _ = try shell(
            "printf '%s\\n' '\(Self.password)' | cgi-bin/whatsorder staff add-user bola --config \(stack.configPath)",
            in: Stack.root)
        let (ada, reference) = try PaymentTests.placeOrder(stack, phone: "2348030000811")
        let code = String(reference.dropLast(2))
        // One naira short: the order waits for a person.
        #expect(
            try stack.postPaystack(PaystackEvents.chargeSuccess(reference: reference, amount: 499_900)).status == 200)
        #expect(try PaymentTests.orderStatus(stack, reference: reference) == "payment_review")

        let board = "http://127.0.0.1:\(stack.port)/staff/"
        let auth = Self.basic("bola", Self.password)
        let page = String(decoding: try get(board, auth: auth).body, as: UTF8.self)
        #expect(page.contains("/staff/orders/\(code)/confirm"))
        #expect(page.contains("/staff/orders/\(code)/refund"))

        // The browser asks for a reason, but only the server's check counts: a form posted without one refunds
        // nothing.
        let csrf = try #require(
            page.range(of: #"name="csrf" value=""#).map { String(page[$0.upperBound...].prefix(64)) })
        let bare = try CurlTransport().perform(
            HTTPRequest(
                method: "POST", url: board + "orders/\(code)/refund",
                headers: [("Authorization", auth), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("csrf=\(csrf)&reason=&amount=".utf8)))
        #expect(bare.status == 303)
        #expect(try stack.count("refund") == 0)

        try FileManager.default.createDirectory(atPath: Self.outputDirectory, withIntermediateDirectories: true)
        let confirmed = try Chromium.click(
            url: board, authorization: auth, selector: "[id='\(code)'] button.advance",
            before: Self.outputDirectory + "/review-before.png", after: Self.outputDirectory + "/review-after.png")
        #expect(confirmed.contains("\(code): payment review → paid; customer told."))
        #expect(try PaymentTests.orderStatus(stack, reference: reference) == "paid")
        try waitUntil { ada.received.contains { OrderingTests.text($0).contains("Order *\(code)* is confirmed") } }

        let refunded = try Chromium.click(
            url: board, authorization: auth, selector: "[id='\(code)'] form.refund button",
            before: Self.outputDirectory + "/refund-before.png", after: Self.outputDirectory + "/refund-after.png",
            typing: [
                ("[id='\(code)'] form.refund input[name=amount]", "1000"),
                ("[id='\(code)'] form.refund input[name=reason]", "no plantain in the bag"),
            ])
        #expect(refunded.contains("\(code): refund of ₦1,000 sent to Paystack."))
        try waitUntil { stack.graph.requests.contains { $0.path == "/paystack/refund" } }
        let request = try #require(
            stack.graph.requests.first { $0.path == "/paystack/refund" }?.json as? [String: Any])
        #expect(request["amount"] as? Int == 100_000)
        #expect((request["merchant_note"] as? String)?.contains("no plantain in the bag") == true)
        try waitUntil { ada.received.contains { OrderingTests.text($0).contains("Paystack is refunding ₦1,000") } }
    }
}
