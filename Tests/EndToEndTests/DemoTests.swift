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
        // No --url: the stack's own address comes from the configuration (issue 18, finding 9).
        let output = try shell(
            "cgi-bin/whatsorder demo --as 2348095550001 --config \(stack.configPath) 2>&1", in: Stack.root)
        #expect(output.contains("Demo passed: ordered, paid and confirmed."), "\(output)")
        #expect(output.contains("Payment received"))
        #expect(output.contains("Paid with Paystack reference"))
        let orders = try stack.query("SELECT status FROM customerOrder")
        #expect(orders.map { $0[0].string } == ["paid"])
        // The stand-in recorded what the sender delivered, in Meta's format.
        #expect(try stack.query("SELECT outcome FROM paymentEvent").map { $0[0].string } == ["confirmed"])
    }

    /// Issue 18, finding 7: the stand-in answers only requests addressed to this machine by name, not a page's
    /// rebinding of its own host name to 127.0.0.1.
    @Test func theStandInAnswersOnlyThisMachinesNames() throws {
        let stack = try Stack(mode: .fastcgi, sender: false, dev: true)
        defer { stack.stop() }
        func status(host: String) throws -> Int {
            try CurlTransport().perform(
                HTTPRequest(
                    method: "GET", url: "http://127.0.0.1:\(stack.port)/dev/graph/messages",
                    headers: [("Host", host)])
            ).status
        }
        #expect(try status(host: "127.0.0.1:\(stack.port)") == 200)
        #expect(try status(host: "localhost:\(stack.port)") == 200)
        #expect(try status(host: "attacker.example:\(stack.port)") == 421)
        #expect(try status(host: "127.0.0.1.attacker.example") == 421)
    }

    /// Issue 18, finding 9: with no configuration anywhere, a command says so instead of working on ./var.
    @Test func noConfigurationIsAClearError() throws {
        let empty = NSTemporaryDirectory() + "whatsorder-noconfig-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let result = try shell(
            "cd \(empty) && env -u WHATSORDER_CONFIG -u DATABASE_URL \(Stack.root)/cgi-bin/whatsorder orders list 2>&1;"
                + " echo \"exit=$?\"; ls -A", in: empty)
        #expect(result.contains("exit=78"), "\(result)")
        #expect(result.contains("no configuration"))
        #expect(!result.contains("var"), "nothing created in the working directory")
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
