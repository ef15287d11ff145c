import CurlHTTP
import Domain
import Foundation
import Storage
import TestSupport
import Testing

@testable import App

/// The sender's Paystack step: initialize, then the answer fed back into the conversation.
@Suite(.serialized) struct PaymentLinkTests {
    /// Posts the messages that take a new customer from "hi" to a confirmed pickup order.
    static func order(_ setup: SenderHarness) {
        for (index, text) in ["hi", "2 jollof", "checkout", "pickup", "skip", "confirm"].enumerated() {
            _ = setup.harness.post(textMessage(id: "wamid.P\(index)", text: text, sentAt: 1_764_000_000))
        }
    }

    static func sentTexts(_ stub: StubHTTPServer) -> [String] {
        stub.requests.filter { $0.path.hasSuffix("/messages") }.compactMap { request in
            let json = request.json as? [String: Any]
            return ((json?["text"] as? [String: Any])?["body"] as? String)
                ?? ((json?["interactive"] as? [String: Any])?["body"] as? [String: Any])?["text"] as? String
        }
    }

    @Test func paystackRefusesThenPayGetsALinkOnANewReference() throws {
        let refusals = Locked(1)
        let setup = try SenderHarness { request, sequence in
            if request.path.hasSuffix("/transaction/initialize") {
                if refusals.value > 0 {
                    refusals.mutate { $0 -= 1 }
                    return PaystackStub.refused()
                }
                return PaystackStub.initialized(sequence)
            }
            return GraphStub.accepted(wamid: "wamid.S\(sequence)")
        }
        Self.order(setup)
        var sender = setup.sender
        sender.settings.paystackAPIURL = setup.stub.baseURL + "/paystack"
        sender.settings.paystackSecretKey = "sk_test_unit"
        _ = try sender.deliverDue()
        let failed = try setup.harness.store.payments()
        #expect(failed.map(\.status) == ["failed"])
        #expect(Self.sentTexts(setup.stub).last?.contains("couldn't get a payment link") == true)

        _ = setup.harness.post(textMessage(id: "wamid.P9", text: "pay", sentAt: 1_764_000_000))
        _ = try sender.deliverDue()
        let payments = try setup.harness.store.payments()
        #expect(payments.map(\.status) == ["failed", "link_sent"])
        #expect(
            payments.map(\.reference) == [payments[0].orderCode.rawValue + "-1", payments[0].orderCode.rawValue + "-2"])
        let initializes = setup.stub.requests.filter { $0.path == "/paystack/transaction/initialize" }
        #expect(initializes.count == 2)
        #expect(initializes.map { ($0.json as? [String: Any])?["amount"] as? Int } == [500_000, 500_000])
        #expect(initializes.last?.header("authorization") == "Bearer sk_test_unit")
        let link = try #require(setup.stub.requests.last { $0.path.hasSuffix("/messages") }?.json as? [String: Any])
        let interactive = link["interactive"] as? [String: Any]
        #expect(interactive?["type"] as? String == "cta_url")
        #expect(try setup.harness.store.orders().map(\.status) == ["awaiting_payment"])
    }

    @Test func aCancelledOrderIsNeverSentToPaystack() throws {
        let setup = try SenderHarness { request, sequence in
            if request.path.hasSuffix("/transaction/initialize") { return PaystackStub.initialized(sequence) }
            return GraphStub.accepted(wamid: "wamid.S\(sequence)")
        }
        Self.order(setup)
        _ = setup.harness.post(textMessage(id: "wamid.C1", text: "cancel", sentAt: 1_764_000_000))
        _ = setup.harness.post(textMessage(id: "wamid.C2", text: "yes", sentAt: 1_764_000_000))
        var sender = setup.sender
        sender.settings.paystackAPIURL = setup.stub.baseURL + "/paystack"
        sender.settings.paystackSecretKey = "sk_test_unit"
        _ = try sender.deliverDue()
        #expect(setup.stub.requests.filter { $0.path.hasSuffix("/transaction/initialize") }.isEmpty)
        #expect(try setup.harness.store.orders().map(\.status) == ["cancelled"])
        #expect(try setup.harness.store.payments().map(\.status) == ["abandoned"])
    }
}
