import CurlHTTP
import Domain
import Foundation
import Gateway
import Paystack
import Storage
import TestSupport
import Testing

@testable import App

/// The sender's refund step against a Paystack stand-in on 127.0.0.1, through real libcurl: the request as
/// Paystack documents it, and what each kind of answer leaves behind.
@Suite(.serialized) struct RefundSenderTests {
    /// A paid pickup order (₦5,000) and a refund of `amount` that staff asked for; returns the sender to run.
    func paidAndRefunding(
        _ amount: Kobo?,
        handler: @escaping @Sendable (StubHTTPServer.RecordedRequest, Int) -> StubHTTPServer.StubResponse
    ) throws -> (SenderHarness, OutboxSender, OrderCode) {
        let setup = try SenderHarness(handler: handler)
        // The staff numbers wrote this morning: alerts to them go out as text.
        for number in staffNumbers {
            _ = try setup.harness.store.recordStaffInbound(
                providerID: "wamid.morning.\(number)", number: number, replyTo: nil, summary: "hi",
                now: setup.now - 3_600_000)
        }
        PaymentLinkTests.order(setup)
        var conversation = ConversationRunner.testing
        conversation.staffNumbers = staffNumbers
        let order = try #require(try setup.harness.store.orders().first)
        let webhook = PaystackWebhook(
            settings: .init(secrets: [paystackSecret]), payments: PaymentDesk(conversation: conversation, mode: .test),
            now: { 1_764_000_000_000 }, store: { setup.harness.store }, wakeSender: {}, log: .silent)
        let body = PaystackEvents.chargeSuccess(reference: order.code.rawValue + "-1", amount: 500_000)
        let params = [
            "REQUEST_METHOD": "POST", "CONTENT_LENGTH": "\(body.count)",
            "HTTP_X_PAYSTACK_SIGNATURE": paystackSignatureHeader(body: body, secret: paystackSecret),
        ]
        #expect(webhook.handle(.init(params: params, body: body)).response.status == 200)
        let desk = OrderDesk(conversation: conversation, template: nil, mode: .test)
        let requested = try desk.refund(
            order.code, amount: amount, reason: "cold food", store: setup.harness.store, now: setup.now)
        #expect(requested == .requested(amount ?? 500_000, reference: order.code.rawValue + "-1"))
        var sender = setup.sender
        sender.conversation = conversation
        sender.settings.paystackAPIURL = setup.stub.baseURL + "/paystack"
        sender.settings.paystackSecretKey = "sk_test_unit"
        return (setup, sender, order.code)
    }

    static func handler(
        refund: @escaping @Sendable (StubHTTPServer.RecordedRequest, Int) -> StubHTTPServer.StubResponse
    )
        -> @Sendable (StubHTTPServer.RecordedRequest, Int) -> StubHTTPServer.StubResponse
    {
        { request, sequence in
            if request.path.hasSuffix("/transaction/initialize") { return PaystackStub.initialized(sequence) }
            if request.path.hasSuffix("/refund") { return refund(request, sequence) }
            return GraphStub.accepted(wamid: "wamid.S\(sequence)")
        }
    }

    func staffTexts(_ stub: StubHTTPServer) -> [String] {
        stub.requests.filter { $0.path.hasSuffix("/messages") }.compactMap { request in
            let json = request.json as? [String: Any]
            guard json?["to"] as? String == "+" + staffNumbers[0] else { return nil }
            return (json?["text"] as? [String: Any])?["body"] as? String
        }
    }

    @Test func aRefundIsPostedAsPaystackDocumentsAndTheCustomerIsToldOnceItIsAccepted() throws {
        let (setup, sender, code) = try paidAndRefunding(
            200_000, handler: Self.handler { request, sequence in PaystackStub.refundQueued(request, id: sequence) })
        _ = try sender.deliverDue()
        let requests = setup.stub.requests.filter { $0.path == "/paystack/refund" }
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.header("authorization") == "Bearer sk_test_unit")
        #expect(request.header("content-type") == "application/json")
        let json = try #require(request.json as? [String: Any])
        #expect(json["transaction"] as? String == code.rawValue + "-1")
        #expect(json["amount"] as? Int == 200_000)
        #expect(json["currency"] as? String == "NGN")
        #expect(json["merchant_note"] as? String == "\(code): cold food")
        let refund = try #require(try setup.harness.store.refunds().first)
        #expect(refund.status == .pending)
        #expect(PaymentLinkTests.sentTexts(setup.stub).last?.contains("Paystack is refunding ₦2,000") == true)
        // Sent once: another pass finds nothing to do.
        _ = try sender.deliverDue()
        #expect(setup.stub.requests.filter { $0.path == "/paystack/refund" }.count == 1)
    }

    @Test func aRefusedRefundIsFailedAndStaffAreToldWhy() throws {
        let (setup, sender, _) = try paidAndRefunding(
            nil,
            handler: Self.handler { _, _ in PaystackStub.refundRefused(message: "Transaction has been fully reversed") }
        )
        _ = try sender.deliverDue()
        let refund = try #require(try setup.harness.store.refunds().first)
        #expect(refund.status == .failed)
        #expect(refund.lastError == "Transaction has been fully reversed")
        #expect(staffTexts(setup.stub).last?.contains("Paystack REFUSED the refund of ₦5,000") == true)
        #expect(PaymentLinkTests.sentTexts(setup.stub).allSatisfy { !$0.contains("Paystack is refunding") })
    }

    @Test func aRefundASenderDiedSendingIsNeverSentAgainBlindly() throws {
        let (setup, sender, _) = try paidAndRefunding(
            nil, handler: Self.handler { request, sequence in PaystackStub.refundQueued(request, id: sequence) })
        // As a sender killed after marking the row and before Paystack's answer leaves it.
        try setup.harness.store.database.query("UPDATE refund SET status = 'unknown'")
        _ = try sender.deliverDue()
        #expect(setup.stub.requests.filter { $0.path == "/paystack/refund" }.isEmpty)
        #expect(try setup.harness.store.refunds().first?.status == .unknown)
        #expect(staffTexts(setup.stub).last?.contains("may or may not have reached Paystack") == true)
    }

    @Test func aRateLimitedRefundIsRetriedUnderTheSameRow() throws {
        let calls = Locked(0)
        let (setup, sender, _) = try paidAndRefunding(
            nil,
            handler: Self.handler { request, sequence in
                calls.mutate { $0 += 1 }
                return calls.value == 1
                    ? .init(status: 429, body: #"{"status":false,"message":"Too many requests"}"#)
                    : PaystackStub.refundQueued(request, id: sequence)
            })
        _ = try sender.deliverDue()
        #expect(try setup.harness.store.refunds().first?.status == .requested)
        setup.advance(10 * 60_000)
        _ = try sender.deliverDue()
        #expect(setup.stub.requests.filter { $0.path == "/paystack/refund" }.count == 2)
        #expect(try setup.harness.store.refunds().map(\.status) == [.pending])
    }
}
