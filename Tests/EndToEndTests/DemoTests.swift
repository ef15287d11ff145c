import CurlHTTP
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing

/// `whatsorder demo` against a freshly started dev-mode stack, in both modes: the whole product with no outside
/// service (issue 6).
@Suite(.serialized) struct DemoTests {
    @Test(arguments: Stack.Mode.allCases)
    func theDemoOrdersAndPaysAgainstAFreshStack(mode: Stack.Mode) throws {
        let stack = try Stack(mode: mode, dev: true)
        defer { stack.stop() }
        let output = try shell(
            "cgi-bin/whatsorder demo --url http://127.0.0.1:\(stack.port) --as 2348095550001 --config \(stack.configPath)"
                + " 2>&1",
            in: Stack.root)
        #expect(output.contains("Demo passed: ordered, paid and confirmed."), "\(output)")
        #expect(output.contains("Payment received"))
        #expect(output.contains("Paid with Paystack reference"))
        let orders = try stack.query("SELECT status FROM customerOrder")
        #expect(orders.map { $0[0].string } == ["paid"])
        // The stand-in recorded what the sender delivered, in Meta's format.
        #expect(try stack.query("SELECT outcome FROM paymentEvent").map { $0[0].string } == ["confirmed"])
    }

    @Test func aDemoAgainstAStackWithoutDevModeFailsClearly() throws {
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        let result = try shell(
            "cgi-bin/whatsorder demo --url http://127.0.0.1:\(stack.port) --config \(stack.configPath) 2>&1;"
                + " echo \"exit=$?\"",
            in: Stack.root)
        #expect(result.contains("exit=69"))
        #expect(result.contains("make run"))
    }

    @Test func theFakeCheckoutExistsOnlyInDevMode() throws {
        let stack = try Stack(mode: .fastcgi, sender: false)
        defer { stack.stop() }
        for path in ["/dev/checkout/WO-X-1", "/dev/graph/messages", "/dev/paystack/transaction/verify/WO-X-1"] {
            let response = try CurlTransport().perform(
                HTTPRequest(method: "GET", url: "http://127.0.0.1:\(stack.port)\(path)"))
            #expect(response.status == 404, "\(path)")
        }
        // The production site has no such location, and does not name the program.
        let production = try String(contentsOfFile: Stack.root + "/nginx/whatsorder.conf", encoding: .utf8)
        #expect(!production.contains("/dev/"))
        #expect(!production.contains("dev-capture"))
        #expect(!production.contains("dev.conf"))
    }
}
