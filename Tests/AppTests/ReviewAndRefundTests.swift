import Domain
import Foundation
import Paystack
import Storage
import TestSupport
import Testing

@testable import App

/// Payments a person decides on (`orders confirm`), money going back (`orders refund`, a cancelled paid order, a
/// second payment), and Paystack's refund events settling it. Real SQLite; Paystack's events in its wire format.
@Suite struct ReviewAndRefundTests {
    static let customer = "2348012345678"

    static var desk: OrderDesk {
        var conversation = ConversationRunner.testing
        conversation.staffNumbers = staffNumbers
        return OrderDesk(conversation: conversation, template: nil, mode: .test)
    }

    func paid() throws -> PaymentHarness {
        let setup = try PaymentHarness()
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000))
        #expect(setup.status == "paid")
        return setup
    }

    /// A second payment link for the order, as `pay` makes one: the customer may pay both.
    func secondAttempt(_ setup: PaymentHarness) throws -> String {
        let second = setup.order.code.rawValue + "-2"
        try setup.store.database.query(
            """
            INSERT INTO payment (reference, orderID, amountKobo, currency, email, status, createdAt, updatedAt)
            SELECT ?, id, totalKobo, currency, email, 'link_sent', 0, 0 FROM customerOrder
            """, [second])
        return second
    }

    /// The refund requests queued for Paystack: the outbox body of each.
    func refundBodies(_ store: Store) throws -> [[String: Any]] {
        try store.database.query("SELECT payload FROM outbox WHERE kind = 'paystack.refund' ORDER BY id").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0[0].bytes ?? [])) as? [String: Any])
        }
    }

    func status(_ store: Store, _ code: OrderCode) throws -> OrderStatus? {
        try store.payableOrder(code: code)?.status
    }

    // MARK: - One unpaid order at a time, and payments a person confirms

    @Test func aPaymentThroughAReplacedOrdersLinkGoesToStaffWhoConfirmIt() throws {
        let setup = try PaymentHarness()
        let old = setup.order.code
        for (index, text) in ["1 zobo", "checkout", "replace it", "pickup", "confirm"].enumerated() {
            _ = setup.chat.post(textMessage(id: "wamid.R\(index)", text: text, sentAt: 1_764_000_000))
        }
        let orders = try setup.store.orders()
        #expect(orders.map(\.status) == ["cancelled", "awaiting_payment"])
        let new = orders[1].code
        #expect(
            try setup.store.database.query(
                "SELECT status, supersededBy FROM payment WHERE reference = ?", [setup.reference]
            )
            .first.map { [$0[0].string, $0[1].string] } == ["abandoned", new.rawValue])
        #expect(
            try setup.messages(to: Self.customer).last?.contains("Order *\(old)* is cancelled in its place") == true)

        // The old link was still open in the customer's browser, and they paid it.
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000))
        #expect(try status(setup.store, old) == .paymentReview)
        #expect(try status(setup.store, new) == .awaitingPayment)
        let attention = try setup.store.payableOrder(code: old)?.attention ?? ""
        #expect(attention.contains("after the customer replaced it with order \(new)"))
        let notice = try #require(try setup.messages(to: staffNumbers[0]).last)
        #expect(notice.contains("NOT confirmed"))
        #expect(notice.contains("whatsorder orders confirm \(old)"))
        #expect(try setup.messages(to: Self.customer).last?.contains("checking it before confirming") == true)

        let result = try Self.desk.confirm(old, store: setup.store, now: setup.now + 60_000)
        #expect(result == .moved(from: .paymentReview, to: .paid, message: .text))
        let order = try #require(try setup.store.payableOrder(code: old))
        #expect(order.status == .paid)
        #expect(order.paidReference == setup.reference)
        #expect(try setup.messages(to: Self.customer).last?.contains("Payment received") == true)
        let kitchen = try #require(try setup.messages(to: staffNumbers[1]).last)
        #expect(kitchen.contains("New paid order *\(old)*"))
        #expect(kitchen.contains("Confirmed by staff after a payment check"))
        #expect(try setup.store.payments().first { $0.reference == setup.reference }?.status == "paid")

        guard case .refused(let why) = try Self.desk.confirm(old, store: setup.store, now: setup.now) else {
            Issue.record("a second confirm must be refused")
            return
        }
        #expect(why.contains("already paid"))
    }

    @Test func aPaymentAfterTheLinkExpiredWaitsForStaff() throws {
        let setup = try PaymentHarness()
        let order = try #require(try setup.store.payableOrder(code: setup.order.code))
        #expect(try setup.store.transitionOrder(id: order.id, to: .expired, from: [.awaitingPayment], now: 1))
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000))
        #expect(setup.status == "payment_review")
        #expect(try setup.outcomes() == ["review"])
        #expect(try setup.messages(to: staffNumbers[1]).last?.contains("after its payment link expired") == true)
        #expect(try setup.messages(to: Self.customer).last?.contains("checking it before confirming") == true)
        #expect(
            try Self.desk.confirm(order.code, store: setup.store, now: setup.now)
                == .moved(from: .paymentReview, to: .paid, message: .text))
    }

    @Test func aConfirmOfAnOrderWithNoPaymentIsRefused() throws {
        let setup = try PaymentHarness()
        let code = setup.order.code
        guard case .refused(let unpaid) = try Self.desk.confirm(code, store: setup.store, now: setup.now) else {
            Issue.record("confirming an unpaid order must be refused")
            return
        }
        #expect(unpaid.contains("no payment has come in"))
        // In review because Paystack said the charge was abandoned: no money came, so nothing can be confirmed.
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000, status: "abandoned"))
        #expect(setup.status == "payment_review")
        guard case .refused(let none) = try Self.desk.confirm(code, store: setup.store, now: setup.now) else {
            Issue.record("confirming without a successful charge must be refused")
            return
        }
        #expect(none.contains("nothing to confirm"))
        #expect(setup.status == "payment_review")
        // A live-mode payment cannot be confirmed with a test key (nor the other way round).
        #expect(
            try OrderDesk(conversation: .testing, template: nil, mode: .live).confirm(code, store: setup.store, now: 1)
                != .moved(from: .paymentReview, to: .paid, message: .text))
        #expect(try Self.desk.confirm(OrderCode(rawValue: "WO-NOSUCH"), store: setup.store, now: 1) == .notFound)
    }

    // MARK: - Refunds staff ask for

    @Test func aRefundLargerThanThePaymentIsRefusedAndPartsAddUpToNoMoreThanWasPaid() throws {
        let setup = try paid()
        let code = setup.order.code
        let desk = Self.desk
        let now = setup.now
        guard
            case .refused(let tooMuch) = try desk.refund(
                code, amount: 600_000, reason: "x", store: setup.store, now: now)
        else {
            Issue.record("a refund larger than the payment must be refused")
            return
        }
        #expect(tooMuch.contains("more than the ₦5,000 left to refund"))
        #expect(
            try desk.refund(code, amount: nil, reason: "  ", store: setup.store, now: now)
                == .refused("a reason is required"))
        #expect(
            try desk.refund(code, amount: 0, reason: "x", store: setup.store, now: now)
                != .requested(0, reference: setup.reference))
        #expect(
            try desk.refund(code, amount: 150_000, reason: "no plantain", store: setup.store, now: now)
                == .requested(150_000, reference: setup.reference))
        guard case .refused = try desk.refund(code, amount: 400_000, reason: "x", store: setup.store, now: now) else {
            Issue.record("only ₦3,500 is left")
            return
        }
        #expect(
            try desk.refund(code, amount: nil, reason: "cold food", store: setup.store, now: now)
                == .requested(350_000, reference: setup.reference))
        guard case .refused(let nothing) = try desk.refund(code, amount: nil, reason: "x", store: setup.store, now: now)
        else {
            Issue.record("nothing is left to refund")
            return
        }
        #expect(nothing.contains("nothing is left to refund"))
        let bodies = try refundBodies(setup.store)
        #expect(bodies.map { $0["transaction"] as? String } == [setup.reference, setup.reference])
        #expect(bodies.map { $0["amount"] as? Int } == [150_000, 350_000])
        #expect(bodies.first?["currency"] as? String == "NGN")
        #expect((bodies.first?["merchant_note"] as? String)?.contains("no plantain") == true)
        #expect(try setup.store.refunds().map(\.status) == [.requested, .requested])
        #expect(try setup.store.refunds().map(\.requestedBy) == ["staff", "staff"])
    }

    @Test func refundEventsSettleRefundsAndOnlyAWholeRefundRefundsTheOrder() throws {
        let setup = try paid()
        let code = setup.order.code
        _ = try Self.desk.refund(code, amount: 150_000, reason: "no plantain", store: setup.store, now: setup.now)
        setup.post(PaystackEvents.refundProcessed(reference: setup.reference, amount: 150_000))
        #expect(setup.status == "paid")
        #expect(try setup.store.refunds().map(\.status) == [.processed])
        #expect(try setup.messages(to: Self.customer).last?.contains("refunded ₦1,500") == true)
        #expect(try setup.messages(to: staffNumbers[0]).last?.contains("partly refunded (₦1,500)") == true)

        _ = try Self.desk.refund(code, amount: nil, reason: "cold food", store: setup.store, now: setup.now)
        setup.post(PaystackEvents.refundProcessed(reference: setup.reference, amount: 350_000))
        #expect(setup.status == "refunded")
        #expect(try setup.store.refunds().map(\.status) == [.processed, .processed])
        // Replayed: nothing more.
        let before = try setup.messages().count
        setup.post(PaystackEvents.refundProcessed(reference: setup.reference, amount: 350_000))
        #expect(try setup.messages().count == before)
    }

    @Test func aFailedRefundTellsStaffAndTheCustomerAndTheMoneyCanBeRefundedAgain() throws {
        let setup = try paid()
        let code = setup.order.code
        _ = try Self.desk.refund(code, amount: nil, reason: "cold food", store: setup.store, now: setup.now)
        setup.post(PaystackEvents.refundFailed(reference: setup.reference, amount: 500_000))
        #expect(try setup.store.refunds().map(\.status) == [.failed])
        #expect(setup.status == "paid")
        #expect(try setup.messages(to: staffNumbers[0]).last?.contains("FAILED at Paystack") == true)
        #expect(try setup.messages(to: Self.customer).last?.contains("did not go through") == true)
        #expect(
            try Self.desk.refund(code, amount: nil, reason: "again", store: setup.store, now: setup.now)
                == .requested(500_000, reference: setup.reference))
    }

    @Test func aRefundMadeOnTheDashboardIsRecordedSoWhatIsLeftStaysTrue() throws {
        let setup = try paid()
        setup.post(PaystackEvents.refundProcessed(reference: setup.reference, amount: 200_000))
        #expect(try setup.store.refunds().map(\.requestedBy) == ["paystack"])
        guard
            case .refused = try Self.desk.refund(
                setup.order.code, amount: 400_000, reason: "x", store: setup.store, now: setup.now)
        else {
            Issue.record("₦2,000 of ₦5,000 is already refunded")
            return
        }
    }

    // MARK: - Cancelling with money taken, and paying twice

    @Test func cancellingAPaidOrderRefundsItAndSaysSo() throws {
        let setup = try paid()
        let result = try Self.desk.apply(
            .cancel, to: setup.order.code, reason: "we ran out of rice", store: setup.store, now: setup.now)
        #expect(result == .moved(from: .paid, to: .cancelled, message: .text))
        let told = try #require(try setup.messages(to: Self.customer).last)
        #expect(told.contains("Your payment of ₦5,000 is being refunded"))
        #expect(!told.contains("Nothing was charged"))
        #expect(try setup.store.refunds().map(\.requestedBy) == ["cancel"])
        #expect(try refundBodies(setup.store).first?["amount"] as? Int == 500_000)
        setup.post(PaystackEvents.refundProcessed(reference: setup.reference, amount: 500_000))
        #expect(setup.status == "refunded")
    }

    @Test func cancellingAnOrderUnderReviewNeverSaysNothingWasCharged() throws {
        let setup = try PaymentHarness()
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 499_999))
        #expect(setup.status == "payment_review")
        _ = try Self.desk.apply(
            .cancel, to: setup.order.code, reason: "wrong amount", store: setup.store, now: setup.now)
        let told = try #require(try setup.messages(to: Self.customer).last)
        #expect(!told.contains("Nothing was charged"))
        #expect(told.contains("₦4,999.99 is being refunded"))
        #expect(try refundBodies(setup.store).first?["amount"] as? Int == 499_999)
    }

    @Test func cancellingAnUnpaidOrderSaysNothingWasCharged() throws {
        let setup = try PaymentHarness()
        _ = try Self.desk.apply(.cancel, to: setup.order.code, reason: "closed", store: setup.store, now: setup.now)
        #expect(try setup.messages(to: Self.customer).last?.contains("Nothing was charged") == true)
        #expect(try setup.store.refunds().isEmpty)
    }

    @Test func aSecondPaymentForAPaidOrderIsRefundedAutomaticallyAndEveryoneIsTold() throws {
        let setup = try paid()
        let second = try secondAttempt(setup)
        setup.post(PaystackEvents.chargeSuccess(reference: second, amount: 500_000, id: 302962))
        #expect(setup.status == "paid")
        #expect(try setup.outcomes() == ["confirmed", "second_payment"])
        let refunds = try setup.store.refunds()
        #expect(refunds.map(\.reference) == [second])
        #expect(refunds.map(\.requestedBy) == ["second-payment"])
        #expect(try refundBodies(setup.store).first?["amount"] as? Int == 500_000)
        let told = try #require(try setup.messages(to: Self.customer).last)
        #expect(told.contains("another payment of ₦5,000"))
        #expect(told.contains("is being refunded"))
        let staff = try #require(try setup.messages(to: staffNumbers[0]).last)
        #expect(staff.contains("paid a second time"))
        #expect(staff.contains("stays confirmed"))
        #expect(!staff.contains("NOT confirmed"))
        // The refund of the second payment leaves the order paid.
        setup.post(PaystackEvents.refundProcessed(reference: second, amount: 500_000))
        #expect(setup.status == "paid")
    }

    @Test func anOddExtraPaymentForAPaidOrderGoesToStaffAndTheOrderStaysConfirmed() throws {
        let setup = try paid()
        let second = try secondAttempt(setup)
        setup.post(PaystackEvents.chargeSuccess(reference: second, amount: 120_000, id: 302963))
        #expect(setup.status == "paid")
        #expect(try setup.store.refunds().isEmpty)
        let staff = try #require(try setup.messages(to: staffNumbers[0]).last)
        #expect(staff.contains("The order stays confirmed"))
        #expect(staff.contains("whatsorder orders refund \(setup.order.code)"))
        #expect(!staff.contains("NOT confirmed"))
        #expect(try setup.messages(to: Self.customer).last?.contains("checking the extra payment") == true)
    }
}
