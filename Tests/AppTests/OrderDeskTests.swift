import Domain
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing
import WhatsApp

@testable import App

/// Staff moving a paid order on, and how the customer hears of it inside and outside WhatsApp's 24-hour window.
@Suite struct OrderDeskTests {
    static let template = OrderDesk.Template(name: "order_update", language: "en")

    /// A paid pickup order; the customer's last message was at the harness's clock.
    func paidOrder() throws -> PaymentHarness {
        let setup = try PaymentHarness()
        setup.post(PaystackEvents.chargeSuccess(reference: setup.reference, amount: 500_000))
        #expect(setup.status == "paid")
        return setup
    }

    func lastOutbox(_ store: Store) throws -> (payload: [UInt8], fallback: [UInt8]?, status: String, error: String?) {
        let row = try #require(
            try store.database.query(
                "SELECT payload, fallbackPayload, status, lastError FROM outbox WHERE customerID IS NOT NULL "
                    + "ORDER BY id DESC LIMIT 1"
            ).first)
        return (row[0].bytes ?? [], row[1].bytes, row[2].string ?? "", row[3].string)
    }

    func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func insideTheWindowEachStepIsAMessageWithItsTemplateAsFallback() throws {
        let setup = try paidOrder()
        let desk = OrderDesk(conversation: .testing, template: Self.template)
        let code = setup.order.code
        var seen: [String] = []
        var previous = OrderStatus.paid
        for expected in [OrderStatus.preparing, .ready, .completed] {
            let result = try desk.apply(.advance, to: code, store: setup.store, now: setup.now + 60_000)
            #expect(result == .moved(from: previous, to: expected, message: .text))
            previous = expected
            #expect(setup.status == expected.rawValue)
            let row = try lastOutbox(setup.store)
            #expect(row.status == "pending")
            seen.append(try json(row.payload).text)
            let fallback = try json(try #require(row.fallback))
            let template = try #require(fallback["template"] as? [String: Any])
            #expect(template["name"] as? String == "order_update")
            let parameters = ((template["components"] as? [[String: Any]])?.first?["parameters"] as? [[String: Any]])
            #expect(parameters?.compactMap { $0["text"] as? String } == [code.rawValue, expected.label])
        }
        #expect(seen[0].contains("The kitchen has started on order *\(code)*"))
        #expect(seen[1].contains("is ready! Come and collect it at Mama Put"))
        #expect(seen[2].contains("is complete"))
        #expect(
            try desk.apply(.advance, to: code, store: setup.store, now: setup.now)
                == .refused("the order is already completed"))
        #expect(
            try desk.apply(.cancel, to: code, store: setup.store, now: setup.now)
                == .refused("a completed order cannot be cancelled"))
    }

    @Test func outsideTheWindowTheTemplateIsSent() throws {
        let setup = try paidOrder()
        let desk = OrderDesk(conversation: .testing, template: Self.template)
        let later = setup.now + OrderDesk.window + 60_000
        #expect(
            try desk.apply(.advance, to: setup.order.code, store: setup.store, now: later)
                == .moved(from: .paid, to: .preparing, message: .template))
        let row = try lastOutbox(setup.store)
        #expect(try json(row.payload)["type"] as? String == "template")
        #expect(row.fallback == nil)
    }

    @Test func outsideTheWindowWithoutATemplateNothingIsSentAndTheReasonIsKept() throws {
        let setup = try paidOrder()
        let desk = OrderDesk(conversation: .testing, template: nil)
        let later = setup.now + OrderDesk.window + 60_000
        #expect(
            try desk.apply(.advance, to: setup.order.code, store: setup.store, now: later)
                == .moved(from: .paid, to: .preparing, message: .notSent(OrderDesk.noTemplate)))
        let row = try lastOutbox(setup.store)
        #expect(row.status == "failed")
        #expect(row.error?.contains("TEMPLATE_ORDER_UPDATE is not set") == true)
        #expect(setup.status == "preparing")
    }

    @Test func metaAnswering131047SwitchesTheRowToItsTemplate() throws {
        let setup = try paidOrder()
        let desk = OrderDesk(conversation: .testing, template: Self.template)
        _ = try desk.apply(.advance, to: setup.order.code, store: setup.store, now: setup.now + 60_000)
        let sent = Locked<[[String: Any]]>([])
        let transport = HTTPTransport { request in
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]) ?? [:]
            sent.mutate { $0.append(body) }
            if body.text.contains("kitchen has started") {
                return HTTPResponse(
                    status: 400,
                    body: Array(
                        #"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"fbtrace_id":"AbC"}}"#
                            .utf8))
            }
            return HTTPResponse(
                status: 200,
                body: Array(#"{"messaging_product":"whatsapp","messages":[{"id":"wamid.T\#(sent.value.count)"}]}"#.utf8)
            )
        }
        let sender = OutboxSender(
            settings: .init(
                graphURL: "http://graph.invalid", apiVersion: "v25.0", phoneNumberID: "1", accessToken: "t"),
            conversation: .testing, store: setup.store, transport: transport, now: { setup.now + 120_000 },
            random: { 0.5 }, log: .silent)
        _ = try sender.deliverDue()
        let templates = sent.value.filter { $0["type"] as? String == "template" }
        #expect(templates.count == 1)
        #expect(sent.value.filter { $0.text.contains("kitchen has started") }.count == 1)
        let row = try lastOutbox(setup.store)
        #expect(row.status == "sent")
        #expect(try json(row.payload)["type"] as? String == "template")
    }

    @Test func cancellingAPaidOrderTellsTheCustomerAboutTheRefundAndNotesItForStaff() throws {
        let setup = try paidOrder()
        let desk = OrderDesk(conversation: .testing, template: nil)
        let result = try desk.apply(
            .cancel, to: setup.order.code, reason: "we ran out of jollof", store: setup.store, now: setup.now + 1)
        #expect(result == .moved(from: .paid, to: .cancelled, message: .text))
        let text = try json(lastOutbox(setup.store).payload).text
        #expect(text.contains("Reason: we ran out of jollof."))
        #expect(text.contains("refunded"))
        #expect(
            try setup.store.orders().first?.attention?.contains(
                "cancelled by staff: we ran out of jollof (paid: refund it on Paystack)") == true)
        #expect(
            try desk.apply(.advance, to: OrderCode(rawValue: "WO-NOTHERE"), store: setup.store, now: 1) == .notFound)
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The text of a text message body.
    var text: String { (self["text"] as? [String: Any])?["body"] as? String ?? "" }
}
