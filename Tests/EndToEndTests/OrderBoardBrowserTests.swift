import CurlHTTP
import Foundation
import HTTPClient
import Paystack
import Storage
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

    /// The board's user `bola`, added the way the README says.
    static func addBola(_ stack: Stack) throws {
        let added = try shell(
            "printf '%s\\n' '\(Self.password)' | cgi-bin/whatsorder staff add-user bola --config \(stack.configPath)",
            in: Stack.root)
        #expect(added.contains("Added bola"))
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
        try Self.addBola(stack)
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

extension OrderBoardBrowserTests {
    /// The board's Chats view: the waiting thread opened from the list, an answer typed and sent, the bot
    /// resumed. Screenshots `chats-list.png`, `chat-thread.png`, `chat-sent.png` and `chat-resumed.png`.
    @Test func staffAnswerACustomerAndResumeTheBotFromTheChatsView() throws {
        #expect(Chromium.executable != nil, "chromium is not installed: run scripts/install-deps")
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        try Self.addBola(stack)
        let tayo = OrderingTests.Customer(stack: stack, phone: "2348030000821")
        _ = try tayo.say("agent")
        _ = try tayo.say("Abeg, can you deliver to Yaba by 7pm?")
        let auth = Self.basic("bola", Self.password)
        let chats = "http://127.0.0.1:\(stack.port)/staff/chats"
        let list = String(decoding: try get(chats, auth: auth).body, as: UTF8.self)
        #expect(list.contains("1 waiting"))
        #expect(list.contains("Abeg, can you deliver to Yaba by 7pm?"))

        try FileManager.default.createDirectory(atPath: Self.outputDirectory, withIntermediateDirectories: true)
        let thread = try Chromium.click(
            url: chats, authorization: auth, selector: "a[href='/staff/chats/2348030000821']",
            before: Self.outputDirectory + "/chats-list.png", after: Self.outputDirectory + "/chat-thread.png")
        #expect(thread.contains("asked to talk to a person"))
        #expect(thread.contains("Abeg, can you deliver to Yaba by 7pm?"))

        let sent = try Chromium.click(
            url: chats + "/2348030000821", authorization: auth, selector: "form.reply button",
            before: Self.outputDirectory + "/chat-typed.png", after: Self.outputDirectory + "/chat-sent.png",
            typing: [("form.reply textarea", "Yes! Before 7pm. Bola")])
        #expect(sent.contains("Sent to +2348030000821."))
        try waitUntil { tayo.received.contains { OrderingTests.text($0) == "Yes! Before 7pm. Bola" } }
        #expect(try stack.whatsorder("chat show 2348030000821").output.contains("staff bola: Yes! Before 7pm. Bola"))

        let resumed = try Chromium.click(
            url: chats + "/2348030000821", authorization: auth, selector: "form[action$='/resume'] button",
            before: Self.outputDirectory + "/chat-before-resume.png",
            after: Self.outputDirectory + "/chat-resumed.png")
        #expect(resumed.contains("The bot answers +2348030000821 again"))
        try waitUntil { tayo.received.contains { OrderingTests.text($0).contains("You're back with") } }
        let menu = try tayo.say("menu")
        #expect(OrderingTests.offers(menu[0]).contains("category:1"))
    }
}

extension OrderBoardBrowserTests {
    /// The board's Settings: "closed now" typed and saved in a browser closes checkout for the next message, and a
    /// bad value saves nothing. Screenshots `settings-typed.png` and `settings-saved.png`.
    @Test func staffCloseForTheDayFromTheSettingsPanel() throws {
        #expect(Chromium.executable != nil, "chromium is not installed: run scripts/install-deps")
        let stack = try Stack(mode: .cgi)
        defer { stack.stop() }
        try Self.addBola(stack)
        let auth = Self.basic("bola", Self.password)
        let page = "http://127.0.0.1:\(stack.port)/staff/settings"
        let html = String(decoding: try get(page, auth: auth).body, as: UTF8.self)
        #expect(html.contains("name=\"CLOSED_NOTE\""))
        #expect(html.contains("value=\"500.00\"") || html.contains("value=\"500\""))

        try FileManager.default.createDirectory(atPath: Self.outputDirectory, withIntermediateDirectories: true)
        let saved = try Chromium.click(
            url: page, authorization: auth, selector: "form.settings button",
            before: Self.outputDirectory + "/settings-typed.png", after: Self.outputDirectory + "/settings-saved.png",
            typing: [("#CLOSED_NOTE", "closed today: the generator is down")])
        #expect(saved.contains("Saved CLOSED_NOTE = closed today: the generator is down"))
        #expect(try stack.whatsorder("settings show").output.contains("by bola"))

        let ada = OrderingTests.Customer(stack: stack, phone: "2348030000831")
        _ = try ada.say("2 jollof")
        #expect(OrderingTests.text(try ada.say("checkout")[0]).contains("the generator is down"))

        // All or nothing: a bad fee next to a good note saves neither.
        let refused = try Chromium.click(
            url: page, authorization: auth, selector: "form.settings button",
            before: Self.outputDirectory + "/settings-bad.png", after: Self.outputDirectory + "/settings-refused.png",
            typing: [("#DELIVERY_FEE", "abc"), ("#RESTAURANT_PHONE", "0801 234 5678")])
        #expect(refused.contains("Nothing saved: DELIVERY_FEE"))
        #expect(try stack.query("SELECT count(*) FROM setting").first?[0].int64 == 1)
    }
}
