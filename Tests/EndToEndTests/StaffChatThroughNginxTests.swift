import CurlHTTP
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing

/// The handoff inbox through nginx with the installed binaries: a customer's words relayed to the staff phones, a
/// staff member's WhatsApp reply (`context.id`) reaching the customer, the thread on the command line and on the
/// board (Chromium), and alerts to a staff number outside its 24-hour window sent as the approved template.
@Suite(.serialized) struct StaffChatThroughNginxTests {
    typealias Customer = OrderingTests.Customer

    /// The wamid Meta gave the newest relayed message to `number` (what a reply's `context.id` carries).
    func relayedWamid(_ stack: Stack, to number: String) throws -> String? {
        try stack.query(
            """
            SELECT m.wamid FROM outboundMessage m JOIN relay r ON r.outboxID = m.outboxID
            JOIN outbox o ON o.id = m.outboxID WHERE instr(o.payload, '\(number)') > 0 ORDER BY m.id DESC LIMIT 1
            """
        ).first?[0].string
    }

    @Test(arguments: Stack.Mode.allCases)
    func aCustomerAndAStaffPhoneTalkThroughTheBusinessNumber(mode: Stack.Mode) throws {
        let stack = try Stack(mode: mode)
        defer { stack.stop() }
        let ada = Customer(stack: stack, phone: "2348030000901")
        _ = try ada.say("hi")
        _ = try ada.say("agent")
        let acknowledged = try ada.say("abeg the rice wey I order yesterday no get pepper")
        #expect(OrderingTests.text(acknowledged[0]).contains("Passed to Mama Put Kitchen"))
        let staff = Stack.staffNumbers[0]
        try waitUntil {
            PaymentTests.texts(stack, to: staff).contains { $0.contains("💬 Ada (+2348030000901): abeg the rice") }
        }
        // A second message is passed on without another acknowledgement.
        #expect(
            try stack.post(textMessage(id: "wamid.ada.2", from: "2348030000901", text: "you dey there?")).status == 200)
        try waitUntil { PaymentTests.texts(stack, to: staff).contains { $0.contains("you dey there?") } }
        #expect(ada.received.filter { OrderingTests.text($0).contains("Passed to") }.count == 1)

        try waitUntil { try relayedWamid(stack, to: staff) != nil }
        let wamid = try #require(try relayedWamid(stack, to: staff))
        let reply = replyMessage(
            id: "wamid.staff.reply.\(mode.rawValue)", from: staff, to: wamid,
            text: "So sorry Ada! Bola here, we go fix am.")
        #expect(try stack.post(reply).status == 200)
        try waitUntil { ada.received.contains { OrderingTests.text($0) == "So sorry Ada! Bola here, we go fix am." } }
        // The staff number is not a customer: no conversation, no menu sent to it.
        #expect(try stack.query("SELECT count(*) FROM customer WHERE waID = '\(staff)'").first?[0].int64 == 0)

        let list = try stack.whatsorder("chat list")
        #expect(list.code == 0)
        #expect(list.output.contains("+2348030000901"))
        #expect(list.output.contains("with a person"))
        let shown = try stack.whatsorder("chat show 2348030000901").output
        #expect(shown.contains("Ada: abeg the rice wey I order yesterday no get pepper"))
        #expect(shown.contains("staff +\(staff): So sorry Ada!"))

        let back = try ada.say("bot")
        #expect(OrderingTests.text(back[0]).contains("You're back with the Mama Put Kitchen assistant"))
        #expect(try stack.whatsorder("chat list").output.contains("with the bot"))
    }

    @Test func anAlertToAStaffNumberOutsideItsWindowIsTheTemplate() throws {
        let stack = try Stack(
            mode: .fastcgi, staffWrote: false, extraConfig: "TEMPLATE_STAFF_ALERT=staff_alert\nTEMPLATE_LANGUAGE=en_US")
        defer { stack.stop() }
        let ada = Customer(stack: stack, phone: "2348030000902")
        _ = try ada.say("agent")
        try waitUntil {
            stack.graph.requests.filter { ($0.json as? [String: Any])?["type"] as? String == "template" }.count == 2
        }
        let sent = stack.graph.requests.compactMap { $0.json as? [String: Any] }
            .filter { $0["type"] as? String == "template" }
        #expect(Set(sent.compactMap { $0["to"] as? String }) == Set(Stack.staffNumbers.map { "+" + $0 }))
        let template = try #require(sent.first?["template"] as? [String: Any])
        #expect(template["name"] as? String == "staff_alert")
        #expect((template["language"] as? [String: Any])?["code"] as? String == "en_US")
        let parameter =
            ((template["components"] as? [[String: Any]])?.first?["parameters"] as? [[String: Any]])?.first?["text"]
            as? String
        #expect(parameter?.contains("asked to talk to a person") == true)
        #expect(parameter?.contains("\n") == false)

        // Once a staff member writes, free text reaches them again.
        #expect(
            try stack.post(textMessage(id: "wamid.staff.hi", from: Stack.staffNumbers[0], text: "hi")).status == 200)
        _ = try ada.say("hello? anybody?")
        try waitUntil {
            PaymentTests.texts(stack, to: Stack.staffNumbers[0]).contains { $0.contains("hello? anybody?") }
        }
    }

    @Test func withoutATemplateStaffOutsideTheirWindowAreListedAsNotTold() throws {
        let stack = try Stack(mode: .cgi, staffWrote: false)
        defer { stack.stop() }
        let ada = Customer(stack: stack, phone: "2348030000903")
        _ = try ada.say("agent")
        let status = try stack.whatsorder("outbox status").output
        #expect(status.contains("Staff NOT told"))
        for number in Stack.staffNumbers { #expect(status.contains("+\(number)")) }
        #expect(status.contains("asked to talk to a person"))
        #expect(PaymentTests.texts(stack, to: Stack.staffNumbers[0]).isEmpty)
    }
}
