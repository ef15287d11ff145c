import Domain
import Foundation
import Gateway
import Paystack
import Storage
import TestSupport
import Testing

@testable import App

let paystackSecret = "sk_test_unit_secret"
let staffNumbers = ["2348099990000", "2348099990001"]

/// A customer with one placed, unpaid pickup order (2 × Jollof, ₦5,000), and the Paystack endpoint over the same
/// store. Real SQLite (in memory); only the clock is fixed.
final class PaymentHarness: @unchecked Sendable {
    let chat: Harness
    var store: Store { chat.store }
    var desk: PaymentDesk = {
        var conversation = ConversationRunner.testing
        conversation.staffNumbers = staffNumbers
        return PaymentDesk(conversation: conversation, mode: .test)
    }()
    var secrets = [paystackSecret]
    var now: Int64 = 1_764_000_000_000
    let order: Store.OrderRow
    var reference: String { order.code.rawValue + "-1" }

    init(customer: String = "2348012345678") throws {
        chat = try Harness()
        for (index, text) in ["hi", "2 jollof", "checkout", "pickup", "skip", "confirm"].enumerated() {
            _ = chat.post(textMessage(id: "wamid.O\(index)", from: customer, text: text, sentAt: 1_764_000_000))
        }
        order = try #require(try chat.store.orders().first)
    }

    var webhook: PaystackWebhook {
        let store = self.store
        let now = self.now
        return PaystackWebhook(
            settings: .init(secrets: secrets), payments: desk, now: { now }, store: { store }, wakeSender: {},
            log: .silent)
    }

    @discardableResult
    func post(_ body: [UInt8], signature: String? = nil, method: String = "POST") -> Response {
        var params = ["REQUEST_METHOD": method, "CONTENT_LENGTH": "\(body.count)"]
        params["HTTP_X_PAYSTACK_SIGNATURE"] = signature ?? paystackSignatureHeader(body: body, secret: paystackSecret)
        return webhook.handle(Request(params: params, body: body)).response
    }

    var status: String { (try? store.orders().first?.status) ?? "?" }

    /// WhatsApp messages queued so far: recipient and text.
    func messages() throws -> [(to: String, text: String)] {
        try store.database.query("SELECT payload FROM outbox WHERE kind = 'whatsapp.message' ORDER BY id").compactMap {
            guard let bytes = $0[0].bytes,
                let json = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
            else { return nil }
            let text =
                (json["text"] as? [String: Any])?["body"] as? String
                ?? ((json["interactive"] as? [String: Any])?["body"] as? [String: Any])?["text"] as? String ?? ""
            return (json["to"] as? String ?? "", text)
        }
    }

    func messages(to number: String) throws -> [String] {
        try messages().filter { $0.to == "+" + number }.map(\.text)
    }

    func outcomes() throws -> [String] { try store.paymentEvents().map(\.outcome) }
}

@Suite struct PaystackWebhookTests {
    @Test func aFullPaymentConfirmsTheOrderOnceAndTellsCustomerAndStaff() throws {
        let setup = try PaymentHarness()
        let body = PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000)
        #expect(setup.post(body).status == 200)
        #expect(setup.status == "paid")
        let confirmation = try #require(try setup.messages(to: "2348012345678").last)
        #expect(confirmation.contains("Payment received"))
        #expect(confirmation.contains(setup.order.code.rawValue))
        #expect(confirmation.contains("2 × Jollof Rice & Chicken"))
        #expect(confirmation.contains("₦5,000"))
        for number in staffNumbers {
            let notices = try setup.messages(to: number)
            #expect(notices.count == 1)
            #expect(notices.first?.contains("New paid order *\(setup.order.code)*") == true)
            #expect(notices.first?.contains("PICKUP") == true)
            #expect(notices.first?.contains("+2348012345678") == true)
        }
        let before = try setup.messages().count

        // Paystack retries until it sees a 200, and may deliver twice anyway: the replay changes nothing.
        #expect(setup.post(body).status == 200)
        #expect(try setup.messages().count == before)
        #expect(try setup.outcomes() == ["confirmed"])
        #expect(try setup.store.payments().map(\.status) == ["paid"])
        #expect(try setup.store.orders().first?.paidReference == setup.reference)
    }

    @Test func oneKoboShortGoesToReviewAndIsNeverConfirmed() throws {
        let setup = try PaymentHarness()
        #expect(setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 499_999)).status == 200)
        #expect(setup.status == "payment_review")
        let customer = try setup.messages(to: "2348012345678")
        #expect(customer.last?.contains("checking it before confirming") == true)
        #expect(!customer.contains { $0.contains("Payment received") })
        #expect(!customer.last!.contains("4,999"))
        let staff = try setup.messages(to: staffNumbers[0])
        #expect(staff.count == 1)
        #expect(staff.first?.contains("Payment to check") == true)
        #expect(staff.first?.contains("₦4,999.99") == true)
        #expect(try setup.outcomes() == ["review"])
        #expect(try setup.store.orders().first?.attention?.contains("order total is ₦5,000") == true)
    }

    @Test func anotherCurrencyGoesToReview() throws {
        let setup = try PaymentHarness()
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000, currency: "GHS"))
        #expect(setup.status == "payment_review")
        #expect(try setup.store.orders().first?.attention?.contains("paid in GHS") == true)
    }

    @Test func aTestModePaymentNeverPaysALiveOrder() throws {
        var setup = try PaymentHarness()
        setup.desk.mode = .live
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000, domain: "test"))
        #expect(setup.status == "payment_review")
        #expect(try setup.store.orders().first?.attention?.contains("test-mode payment") == true)
    }

    @Test func anUnknownReferenceIsRecordedAndAnswered200() throws {
        let setup = try PaymentHarness()
        let before = try setup.messages().count
        #expect(setup.post(PaystackEvents.chargeSuccess(reference: "T12345-elsewhere", amount: 500_000)).status == 200)
        #expect(try setup.outcomes() == ["unknown_reference"])
        #expect(try setup.messages().count == before)
        #expect(setup.status == "awaiting_payment")
    }

    @Test func signaturesAreCheckedBeforeAnythingIsRead() throws {
        let setup = try PaymentHarness()
        let body = PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000)
        let wrongKey = paystackSignatureHeader(body: body, secret: "sk_test_someone_else")
        #expect(setup.post(body, signature: wrongKey).status == 401)
        #expect(setup.post(body, signature: "").status == 401)
        var flipped = body
        flipped[flipped.count / 2] ^= 0x01
        #expect(
            setup.post(flipped, signature: paystackSignatureHeader(body: body, secret: paystackSecret)).status == 401)
        #expect(try setup.outcomes().isEmpty)
        #expect(setup.status == "awaiting_payment")

        // The timestamped form, within five minutes of our clock, and stale.
        let seconds = setup.now / 1000
        let fresh = paystackTimestampedSignatureHeader(
            body: body, secret: paystackSecret, timestamp: seconds - 299, keyID: "k1")
        let stale = paystackTimestampedSignatureHeader(
            body: body, secret: paystackSecret, timestamp: seconds - 301, keyID: "k1")
        #expect(setup.post(body, signature: stale).status == 401)
        #expect(setup.status == "awaiting_payment")
        #expect(setup.post(body, signature: fresh).status == 200)
        #expect(setup.status == "paid")
    }

    @Test func aRotatedSecretIsStillAccepted() throws {
        var setup = try PaymentHarness()
        setup.secrets = ["sk_test_new_key", paystackSecret]
        #expect(setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000)).status == 200)
        #expect(setup.status == "paid")
    }

    @Test func noSecretConfiguredFailsClosedWithAStatusPaystackRetries() throws {
        var setup = try PaymentHarness()
        setup.secrets = [""]
        #expect(setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000)).status == 503)
        #expect(setup.status == "awaiting_payment")
    }

    @Test func aSignedButBrokenBodyIsKeptAndAnswered200() throws {
        let setup = try PaymentHarness()
        #expect(setup.post(Array(#"{"event":"charge.success","data":{"reference":"#.utf8)).status == 200)
        #expect(try setup.chat.count("keptBody") == 1)
        #expect(setup.status == "awaiting_payment")
    }

    /// Issue 18, finding 3: a signed body that cannot be used, replayed, is one kept row with a count of copies,
    /// not a row per replay; a different body is a row of its own.
    @Test func aReplayedUnusableBodyIsKeptOnce() throws {
        var setup = try PaymentHarness()
        let broken = Array(#"{"event":"charge.success","data":{"reference":"#.utf8)
        for step in 0..<5 {
            setup.now += Int64(step) * 1000
            #expect(setup.post(broken).status == 200)
        }
        #expect(setup.post(broken + Array(" ".utf8)).status == 200)
        let rows = try setup.store.database.query("SELECT copies, receivedAt, lastReceivedAt FROM keptBody ORDER BY id")
        #expect(rows.map { $0[0].int64 } == [5, 1])
        #expect(rows.first?[1].int64 == 1_764_000_000_000)
        #expect(rows.first?[2].int64 == setup.now)
    }

    /// Issue 18, finding 7: a refund event without a `domain` (in dollars or in naira) changes nothing: the naira order
    /// stays paid and the customer is not told of a refund. The mode must be stated, as for a charge.
    @Test func aRefundInAnotherCurrencyWithoutADomainRefundsNothing() throws {
        let setup = try PaymentHarness()
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000))
        let told = try setup.messages().count
        let usd = Array(
            #"""
            {"event":"refund.processed","data":{"status":"processed","transaction_reference":"\#(setup.reference)","refund_reference":"RF1","amount":"500000","currency":"USD","processor":"mpgs_zen","integration":412829}}
            """#.utf8)
        #expect(setup.post(usd).status == 200)
        #expect(setup.status == "paid")
        #expect(try setup.store.refunds().isEmpty)
        #expect(try setup.messages().count == told)
        #expect(try setup.store.orders().first?.attention == nil)
        // Nor does one in naira that does not say which mode it is from.
        let unstated = String(decoding: usd, as: UTF8.self).replacingOccurrences(of: "USD", with: "NGN")
            .replacingOccurrences(of: "RF1", with: "RF2")
        #expect(setup.post(Array(unstated.utf8)).status == 200)
        #expect(setup.status == "paid")
        #expect(try setup.store.refunds().isEmpty)
        #expect(try setup.messages().count == told)
        #expect(try setup.store.paymentEvents().map(\.detail).suffix(2) == ["no-mode event", "no-mode event"])
    }

    /// A key that is neither `sk_test_` nor `sk_live_` vouches for no mode: a refund event is recorded and ignored,
    /// as a charge would be.
    @Test func aKeyOfNoModeActsOnNoRefund() throws {
        var setup = try PaymentHarness()
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000))
        #expect(setup.status == "paid")
        setup.desk.mode = nil
        setup.post(PaystackEvents.refundProcessed(reference: setup.reference, amount: 500_000))
        #expect(setup.status == "paid")
        #expect(try setup.store.refunds().isEmpty)
        #expect(try setup.store.paymentEvents().last?.detail == "test-mode event")
    }

    @Test func onlyPostIsAllowed() throws {
        let setup = try PaymentHarness()
        let response = setup.post([], method: "GET")
        #expect(response.status == 405)
        #expect(response.headers.contains { $0.name == "Allow" && $0.value == "POST" })
    }

    @Test func aPaymentForACancelledOrderWaitsForStaff() throws {
        let setup = try PaymentHarness()
        _ = setup.chat.post(textMessage(id: "wamid.X1", text: "cancel", sentAt: 1_764_000_000))
        _ = setup.chat.post(textMessage(id: "wamid.X2", text: "yes", sentAt: 1_764_000_000))
        #expect(setup.status == "cancelled")
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000))
        #expect(setup.status == "payment_review")
        #expect(try setup.store.orders().first?.attention?.contains("after the order was cancelled") == true)
        #expect(try setup.messages(to: staffNumbers[0]).first?.contains("NOT confirmed") == true)
    }

    @Test func aFullRefundMarksTheOrderRefundedAndTellsTheCustomer() throws {
        let setup = try PaymentHarness()
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000))
        setup.post(PaystackEvents.refundProcessed(reference: setup.reference, amount: 500_000))
        #expect(setup.status == "refunded")
        #expect(try setup.messages(to: "2348012345678").last?.contains("refunded ₦5,000") == true)
        // Replayed: recorded once.
        setup.post(PaystackEvents.refundProcessed(reference: setup.reference, amount: 500_000))
        #expect(try setup.outcomes() == ["confirmed", "recorded"])
    }

    @Test func aDisputeIsNotedOnTheOrderAndStaffAreTold() throws {
        let setup = try PaymentHarness()
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000))
        setup.post(PaystackEvents.disputeCreated(reference: setup.reference, amount: 500_000))
        #expect(setup.status == "paid")
        #expect(try setup.store.orders().first?.attention?.contains("disputed") == true)
        #expect(try setup.messages(to: staffNumbers[0]).last?.contains("disputed the payment (chargeback") == true)
    }
}
