import Foundation
import Gateway
import TestSupport
import Testing

@testable import App

/// The page Paystack's checkout sends the customer's browser back to.
@Suite struct PaymentReturnPageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var status: PaymentReturnPage.Status
        var code: Int
        var headline: String
        var order: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "paid", status: .paid(order: "WO-1042"), code: 200, headline: "Payment received", order: "WO-1042"),
        Case(
            name: "confirming", status: .confirming(order: "WO-1043"), code: 200, headline: "Confirming your payment",
            order: "WO-1043"),
        Case(
            name: "review", status: .review(order: "WO-1044"), code: 200, headline: "We're checking your payment",
            order: "WO-1044"),
        Case(
            name: "cancelled", status: .cancelled(order: "WO-1045"), code: 200, headline: "Order cancelled",
            order: "WO-1045"),
        Case(name: "not-found", status: .notFound, code: 404, headline: "We couldn't find that payment", order: nil),
    ]

    static let chat = "https://wa.me/2348012345678"

    static func page(_ status: PaymentReturnPage.Status, chatURL: String? = chat) -> Response {
        PaymentReturnPage.response(.init(status: status, restaurantName: "Mama Put Kitchen", chatURL: chatURL))
    }

    static func header(_ response: Response, _ name: String) -> String? {
        response.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    @Test(arguments: cases) func eachStatusSaysWhatHappened(_ test: Case) {
        let response = Self.page(test.status)
        let body = response.bodyText
        #expect(response.status == test.code)
        #expect(body.hasPrefix("<!doctype html>\n<html lang=\"en\">"))
        #expect(body.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(body.contains("<title>\(test.headline) · Mama Put Kitchen</title>"))
        #expect(body.contains("<h1>\(test.headline)</h1>"))
        #expect(body.contains("<p class=\"brand\">Mama Put Kitchen</p>"))
        if let order = test.order {
            #expect(body.contains("<p class=\"order\">Order <strong>\(order)</strong></p>"))
        } else {
            #expect(!body.contains("class=\"order\""))
        }
        #expect(body.contains("http-equiv=\"refresh\"") == (test.name == "confirming"))
        #expect(body.contains("<a class=\"button\" href=\"\(Self.chat)\" rel=\"noreferrer\">Back to WhatsApp</a>"))
        // No external assets and nothing executable: the CSP would block them anyway, and a page that needs them
        // would render broken.
        for forbidden in ["<script", "<link", "<img", "src=", "url(", "javascript:"] {
            #expect(!body.contains(forbidden), "\(forbidden)")
        }
        #expect(response.body.count < 6_000)
    }

    @Test(arguments: cases) func withoutABusinessNumberThereIsNoChatLink(_ test: Case) {
        let body = Self.page(test.status, chatURL: nil).bodyText
        #expect(!body.contains("<a "))
        #expect(!body.contains("wa.me"))
        #expect(body.contains("go back to your WhatsApp chat with Mama Put Kitchen."))
    }

    @Test func onlyConfirmingRefreshesItself() {
        let body = Self.page(.confirming(order: "WO-1")).bodyText
        #expect(body.contains("<meta http-equiv=\"refresh\" content=\"10\">"))
        #expect(body.contains("WhatsApp message"))
    }

    @Test(arguments: cases) func headersKeepThePageOutOfCachesFramesAndReferers(_ test: Case) {
        let response = Self.page(test.status)
        #expect(Self.header(response, "Content-Type") == "text/html; charset=utf-8")
        #expect(Self.header(response, "Cache-Control") == "no-store")
        #expect(Self.header(response, "X-Content-Type-Options") == "nosniff")
        #expect(Self.header(response, "Referrer-Policy") == "no-referrer")
        #expect(Self.header(response, "X-Frame-Options") == "DENY")
        let policy = Self.header(response, "Content-Security-Policy") ?? ""
        #expect(policy.hasPrefix("default-src 'none'; style-src 'sha256-"))
        #expect(!policy.contains("script-src") && !policy.contains("unsafe"))
        #expect(policy.contains("frame-ancestors 'none'"))
        let wire = String(decoding: response.serialized(), as: UTF8.self)
        #expect(wire.hasPrefix("Status: \(test.code) \(Response.reason(test.code))\r\n"))
    }

    /// The policy allows the stylesheet by hash; a stale hash would leave every phone with an unstyled page.
    @Test func thePolicyHashMatchesTheStylesheetAsServed() throws {
        let body = Self.page(.paid(order: "WO-1")).bodyText
        let start = try #require(body.range(of: "<style>"))
        let end = try #require(body.range(of: "</style>"))
        let css = String(body[start.upperBound..<end.lowerBound])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("whatsorder-csp-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try css.write(to: directory.appendingPathComponent("style.css"), atomically: true, encoding: .utf8)
        let digest = try shell("openssl dgst -sha256 -binary style.css | base64 -w0", in: directory.path)
        #expect(PaymentReturnPage.cssHash == "sha256-\(digest)")
        #expect(Self.header(Self.page(.notFound), "Content-Security-Policy")?.contains("'sha256-\(digest)'") == true)
    }

    @Test func hostileNamesAndOrderNumbersAreEscapedEverywhere() {
        let hostile = "<script>alert(1)</script>\"'&</title>"
        let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&lt;/title&gt;"
        for status in [PaymentReturnPage.Status.review(order: hostile), .paid(order: hostile), .notFound] {
            for chatURL in [nil, "https://wa.me/1\"><script>alert(1)</script>"] {
                let response = PaymentReturnPage.response(
                    .init(status: status, restaurantName: "Mama's " + hostile, chatURL: chatURL))
                let body = response.bodyText
                #expect(!body.contains("<script"))
                #expect(!body.contains("alert(1)</script>"))
                #expect(body.components(separatedBy: "</title>").count == 2, "exactly one title end")
                #expect(body.contains("<title>"))
                #expect(body.contains("<p class=\"brand\">Mama&#39;s \(escaped)</p>"))
                if status != .notFound {
                    #expect(body.contains("<strong>\(escaped)</strong>"))
                }
                if chatURL != nil {
                    #expect(body.contains("href=\"https://wa.me/1&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
                }
            }
        }
        let review = Self.page(.review(order: "WO-1")).bodyText
        #expect(review.contains("Someone from Mama Put Kitchen will contact you on WhatsApp"))
    }

    @Test func escapeReplacesExactlyTheFiveSpecialCharacters() {
        #expect(PaymentReturnPage.escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&#39;f")
        #expect(PaymentReturnPage.escape("Ọbẹ̀ ata · ₦5,000\r\n") == "Ọbẹ̀ ata · ₦5,000\r\n")
        #expect(PaymentReturnPage.escape("&amp;") == "&amp;amp;")
        #expect(PaymentReturnPage.escape("") == "")
    }

    @Test func chatURLKeepsOnlyTheDigitsOfTheBusinessNumber() {
        #expect(PaymentReturnPage.chatURL(businessNumber: "+234 801 234 5678") == "https://wa.me/2348012345678")
        #expect(PaymentReturnPage.chatURL(businessNumber: "+1 (555) 010-0199") == "https://wa.me/15550100199")
        #expect(PaymentReturnPage.chatURL(businessNumber: "") == nil)
        #expect(PaymentReturnPage.chatURL(businessNumber: "abc") == nil)
        #expect(PaymentReturnPage.chatURL(businessNumber: "١٢٣") == nil)
    }

    /// Renders every status in a real browser at a phone's size, for a person to look at, and checks that the
    /// browser's parse of the hostile page holds no script. Not skipped without Chromium: CI installs it, and a
    /// silently skipped check is worse than a failing one.
    @Test func chromiumRendersEveryStatusOnAPhone() throws {
        try #require(
            Chromium.executable != nil, "Chromium is not installed (/usr/bin/chromium): run scripts/install-deps")
        let environment = ProcessInfo.processInfo.environment
        let output =
            environment["TEST_OUTPUT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "/tmp/whatsorder-test-output/payment-return"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let pages = FileManager.default.temporaryDirectory.appendingPathComponent("whatsorder-return-\(UUID())")
        try FileManager.default.createDirectory(at: pages, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: pages) }

        let hostile = PaymentReturnPage.Model(
            status: .review(order: "<script>alert(1)</script>\"'&</title>"),
            restaurantName: "Mama's <script>alert(1)</script> \"Grill\" & Bar</title>", chatURL: nil)
        var models = Self.cases.map {
            (
                $0.name,
                PaymentReturnPage.Model(status: $0.status, restaurantName: "Mama Put Kitchen", chatURL: Self.chat)
            )
        }
        models.append(("hostile", hostile))
        for (name, model) in models {
            let html = pages.appendingPathComponent("\(name).html")
            try Data(PaymentReturnPage.response(model).body).write(to: html)
            let png = "\(output)/\(name).png"
            try Chromium.screenshot(url: html.absoluteString, to: png)
            let bytes = try #require(FileManager.default.contents(atPath: png), "\(png)")
            #expect(Array(bytes.prefix(8)) == Chromium.pngSignature, "\(png)")
            #expect(bytes.count > 1024, "\(png) is \(bytes.count) bytes")
        }

        let dom = try Chromium.dumpDOM(url: pages.appendingPathComponent("hostile.html").absoluteString)
        #expect(!dom.lowercased().contains("<script"))
        #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(dom.contains("<h1>We're checking your payment</h1>"))
    }
}
