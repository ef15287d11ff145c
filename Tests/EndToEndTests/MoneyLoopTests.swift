import Foundation
import HTTPClient
import Paystack
import Storage
import TestSupport
import Testing

/// The money loops staff close, through nginx in both modes with the installed binaries: a payment through a
/// replaced order's link confirmed by `orders confirm`, a refund sent to the Paystack stand-in and settled by its
/// `refund.processed` event, and a cancelled paid order that tells the customer the truth.
@Suite(.serialized) struct MoneyLoopTests {
    typealias Customer = OrderingTests.Customer

    func whatsorder(_ stack: Stack, _ arguments: String) throws -> (code: Int32, output: String) {
        try stack.whatsorder(arguments)
    }

    func refundRequests(_ stack: Stack) -> [[String: Any]] {
        stack.graph.requests.filter { $0.path == "/paystack/refund" }.compactMap { $0.json as? [String: Any] }
    }

    /// A customer whose ₦5,000 pickup order Paystack reported paid, and who has their receipt.
    func paidOrder(_ stack: Stack, phone: String) throws -> (Customer, reference: String, code: String) {
        let (customer, reference) = try PaymentTests.placeOrder(stack, phone: phone)
        #expect(
            try stack.postPaystack(PaystackEvents.chargeSuccess(reference: reference, amount: 500_000)).status == 200)
        try waitUntil { said(customer, "Payment received") }
        return (customer, reference, String(reference.dropLast(2)))
    }

    func said(_ customer: Customer, _ words: String) -> Bool {
        customer.received.contains { OrderingTests.text($0).contains(words) }
    }

    @Test(arguments: Stack.Mode.allCases)
    func aPaymentThroughAReplacedOrdersLinkIsConfirmedByStaff(mode: Stack.Mode) throws {
        let stack = try Stack(mode: mode)
        defer { stack.stop() }
        let (ada, oldReference) = try PaymentTests.placeOrder(stack, phone: "2348030000801")
        let old = String(oldReference.dropLast(2))
        _ = try ada.say("1 zobo")
        let asked = try ada.say("checkout")
        #expect(OrderingTests.text(asked[0]).contains("Order *\(old)* (₦5,000) is still waiting for payment"))
        for text in ["replace am", "pickup"] { _ = try ada.say(text) }
        _ = try ada.say("confirm", expecting: 2)
        #expect(said(ada, "Order *\(old)* is cancelled in its place"))
        #expect(
            try stack.query("SELECT status FROM customerOrder ORDER BY id").map { $0[0].string }
                == ["cancelled", "awaiting_payment"])

        // The old link was still open, and Paystack took the money.
        #expect(
            try stack.postPaystack(PaystackEvents.chargeSuccess(reference: oldReference, amount: 500_000)).status
                == 200)
        try waitUntil {
            PaymentTests.texts(stack, to: Stack.staffNumbers[0]).contains { $0.contains("Payment to check") }
        }
        let notice = try #require(PaymentTests.texts(stack, to: Stack.staffNumbers[0]).last)
        #expect(notice.contains("replaced it with order WO-"))
        #expect(notice.contains("whatsorder orders confirm \(old)"))
        try waitUntil { said(ada, "checking it before confirming") }

        let confirmed = try whatsorder(stack, "orders confirm \(old)")
        #expect(confirmed.code == 0)
        #expect(confirmed.output == "\(old): payment review → paid; customer told.")
        try waitUntil { said(ada, "Order *\(old)* is confirmed") }
        try waitUntil {
            PaymentTests.texts(stack, to: Stack.staffNumbers[1]).contains { $0.contains("Confirmed by staff") }
        }
        #expect(try stack.query("SELECT status FROM customerOrder ORDER BY id").first?[0].string == "paid")
        let again = try whatsorder(stack, "orders confirm \(old)")
        #expect(again.code == 65)
        #expect(again.output.contains("already paid"))
    }

    @Test(arguments: Stack.Mode.allCases)
    func aRefundGoesToPaystackAndItsEventSettlesIt(mode: Stack.Mode) throws {
        let stack = try Stack(mode: mode)
        defer { stack.stop() }
        let (bisi, reference, code) = try paidOrder(stack, phone: "2348030000802")

        let tooMuch = try whatsorder(stack, "orders refund \(code) --amount 6000 --reason 'cold food'")
        #expect(tooMuch.code == 65)
        #expect(tooMuch.output.contains("more than the ₦5,000 left to refund"))
        #expect(try whatsorder(stack, "orders refund \(code) --reason ''").code == 65)
        let refunded = try whatsorder(stack, "orders refund \(code) --amount 1,500 --reason 'plantain was missing'")
        #expect(refunded.code == 0)
        #expect(refunded.output.contains("refund of ₦1,500 from payment \(reference) queued"))

        try waitUntil { !refundRequests(stack).isEmpty }
        let request = try #require(refundRequests(stack).first)
        #expect(request["transaction"] as? String == reference)
        #expect(request["amount"] as? Int == 150_000)
        #expect((request["merchant_note"] as? String)?.contains("plantain was missing") == true)
        try waitUntil { said(bisi, "Paystack is refunding ₦1,500") }
        try waitUntil { try stack.query("SELECT status FROM refund").first?[0].string == "pending" }

        let event = PaystackEvents.refundProcessed(reference: reference, amount: 150_000)
        #expect(try stack.postPaystack(event).status == 200)
        try waitUntil { said(bisi, "Paystack has refunded ₦1,500") }
        #expect(try stack.query("SELECT status FROM refund").first?[0].string == "processed")
        #expect(try PaymentTests.orderStatus(stack, reference: reference) == "paid")
        let shown = try whatsorder(stack, "orders show \(code)").output
        #expect(shown.contains("Refund of ₦1,500 from \(reference): processed"))
    }

    @Test(arguments: Stack.Mode.allCases)
    func cancellingAPaidOrderRefundsItAndTellsTheTruth(mode: Stack.Mode) throws {
        let stack = try Stack(mode: mode)
        defer { stack.stop() }
        let (chidi, reference, code) = try paidOrder(stack, phone: "2348030000803")

        let cancelled = try whatsorder(stack, "orders cancel \(code) --reason 'we ran out of rice'")
        #expect(cancelled.output == "\(code): paid → cancelled; customer told.")
        try waitUntil { said(chidi, "has cancelled order *\(code)*") }
        let told = try #require(chidi.received.map(OrderingTests.text).last { $0.contains("has cancelled") })
        #expect(told.contains("Your payment of ₦5,000 is being refunded"))
        #expect(!told.contains("Nothing was charged"))
        try waitUntil { !refundRequests(stack).isEmpty }
        #expect(refundRequests(stack).first?["amount"] as? Int == 500_000)

        #expect(
            try stack.postPaystack(PaystackEvents.refundProcessed(reference: reference, amount: 500_000)).status == 200)
        try waitUntil { said(chidi, "Paystack has refunded ₦5,000") }
        #expect(try PaymentTests.orderStatus(stack, reference: reference) == "refunded")
    }
}
