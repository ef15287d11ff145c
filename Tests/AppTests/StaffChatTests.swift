import Conversation
import Domain
import Foundation
import Storage
import TestSupport
import Testing

@testable import App

/// The handoff inbox through the webhook: a customer's messages relayed to the staff numbers, a staff member's
/// reply on their phone (`context.id`) going to that customer, the thread both ways, staff numbers never treated
/// as customers, and alerts that respect each staff number's own 24-hour window.
@Suite struct StaffChatTests {
    static let customer = "2348012345678"
    static let sentAt = 1_764_000_000

    /// Queued WhatsApp messages: recipient, text (or the template's name), outbox status and error.
    func messages(_ store: Store) throws -> [(to: String, text: String, status: String, error: String?)] {
        try store.database.query(
            "SELECT payload, status, lastError FROM outbox WHERE kind = 'whatsapp.message' ORDER BY id"
        ).compactMap { row in
            guard let json = try JSONSerialization.jsonObject(with: Data(row[0].bytes ?? [])) as? [String: Any]
            else { return nil }
            let text =
                (json["text"] as? [String: Any])?["body"] as? String
                ?? ((json["interactive"] as? [String: Any])?["body"] as? [String: Any])?["text"] as? String
                ?? ((json["template"] as? [String: Any])?["name"] as? String).map { "template:" + $0 } ?? ""
            return (json["to"] as? String ?? "", text, row[1].string ?? "", row[2].string)
        }
    }

    func texts(_ store: Store, to number: String) throws -> [String] {
        try messages(store).filter { $0.to == "+" + number }.map(\.text)
    }

    /// Marks every queued row sent with wamid `wamid.OUT<id>`, as the sender does when Meta accepts it.
    func sendAll(_ store: Store) throws {
        for row in try store.database.query("SELECT id FROM outbox WHERE status = 'pending'") {
            let id = row[0].int64 ?? 0
            try store.markOutboxSent(id: id, wamid: "wamid.OUT\(id)", now: 1_764_000_000_000)
        }
    }

    /// The wamid of the newest message to `number` that speaks for a customer.
    func relayWamid(_ store: Store, to number: String) throws -> String {
        let rows = try store.database.query(
            """
            SELECT m.wamid, o.payload FROM outboundMessage m JOIN relay r ON r.outboxID = m.outboxID
            JOIN outbox o ON o.id = m.outboxID ORDER BY m.id DESC
            """)
        let row = try #require(rows.first { String(decoding: $0[1].bytes ?? [], as: UTF8.self).contains(number) })
        return try #require(row[0].string)
    }

    /// Staff have written to the business recently: their windows are open.
    func staffWrote(_ harness: Harness) {
        for (index, number) in staffNumbers.enumerated() {
            _ = harness.post(
                textMessage(id: "wamid.STAFF.hello\(index)", from: number, text: "morning", sentAt: Self.sentAt))
        }
    }

    @Test func aCustomersMessagesReachStaffAndAStaffReplyReachesTheCustomer() throws {
        let harness = try Harness(staffNumbers: staffNumbers)
        let store = harness.store
        staffWrote(harness)
        for (index, text) in ["hi", "2 jollof", "agent"].enumerated() {
            _ = harness.post(textMessage(id: "wamid.C\(index)", from: Self.customer, text: text, sentAt: Self.sentAt))
        }
        #expect(try texts(store, to: staffNumbers[0]).last?.contains("asked to talk to a person") == true)
        _ = harness.post(
            textMessage(id: "wamid.C3", from: Self.customer, text: "abeg add extra pepper", sentAt: Self.sentAt))
        _ = harness.post(
            imageMessage(id: "wamid.C4", from: Self.customer, caption: "like this one", sentAt: Self.sentAt))
        for number in staffNumbers {
            let relayed = try texts(store, to: number).suffix(2)
            #expect(relayed.first?.hasPrefix("💬 Ada (+2348012345678): abeg add extra pepper") == true)
            #expect(relayed.last?.hasPrefix("💬 Ada (+2348012345678): [image] like this one") == true)
        }
        // Acknowledged once for the whole handoff, not once a message.
        let told = try texts(store, to: Self.customer)
        #expect(told.filter { $0.contains("Passed to") }.count == 1)

        try sendAll(store)
        let wamid = try relayWamid(store, to: staffNumbers[1])
        _ = harness.post(
            replyMessage(
                id: "wamid.STAFF.R1", from: staffNumbers[1], to: wamid, text: "Yes o! Extra pepper is on us.",
                sentAt: Self.sentAt))
        #expect(try texts(store, to: Self.customer).last == "Yes o! Extra pepper is on us.")
        let customer = try #require(try store.customer(CustomerIdentity(waID: Self.customer, userID: nil)))
        let thread = try store.chatThread(customer.id)
        #expect(
            thread.map(\.author) == [.bot, .customer, .customer, .staff])
        #expect(thread.last?.who == "+" + staffNumbers[1])
        #expect(thread[2].body == "[image] like this one")
        let summaries = try store.chatThreads(now: 1_764_000_060_000)
        #expect(summaries.map(\.customer.id) == [customer.id])
        #expect(summaries.first?.waiting == false)

        // The same reply delivered again changes nothing.
        let before = try messages(store).count
        _ = harness.post(
            replyMessage(
                id: "wamid.STAFF.R1", from: staffNumbers[1], to: wamid, text: "Yes o! Extra pepper is on us.",
                sentAt: Self.sentAt))
        #expect(try messages(store).count == before)
    }

    @Test func staffNumbersAreNeverCustomersAndAreToldWhatTheBotCannotPassOn() throws {
        let harness = try Harness(staffNumbers: staffNumbers)
        let store = harness.store
        _ = harness.post(textMessage(id: "wamid.S1", from: staffNumbers[0], text: "2 jollof", sentAt: Self.sentAt))
        #expect(try store.customer(CustomerIdentity(waID: staffNumbers[0], userID: nil)) == nil)
        #expect(try harness.count("conversation") == 0)
        let help = try texts(store, to: staffNumbers[0])
        #expect(help.count == 1)
        #expect(help.first?.contains("This is a staff number") == true)
        #expect(try texts(store, to: staffNumbers[1]).isEmpty)
        // The morning "hi" that keeps the window open is explained once a day, not answered every time.
        _ = harness.post(textMessage(id: "wamid.S1b", from: staffNumbers[0], text: "hi", sentAt: Self.sentAt))
        #expect(try texts(store, to: staffNumbers[0]).count == 1)

        // A reply to something that speaks for no customer (a new-order alert, or an unknown id).
        _ = harness.post(
            replyMessage(id: "wamid.S2", from: staffNumbers[0], to: "wamid.NOT.OURS", text: "ok", sentAt: Self.sentAt))
        #expect(try texts(store, to: staffNumbers[0]).last?.contains("I can't tell which customer") == true)
        #expect(
            try store.database.query("SELECT outcome FROM staffInbound ORDER BY id").map { $0[0].string }
                == ["explained", "noted", "explained"])
    }

    @Test func alertsToAStaffNumberOutsideItsWindowUseTheTemplateOrAreRecordedUnsent() throws {
        // No staff number has written yet: both windows are closed.
        let withTemplate = try Harness(
            staffNumbers: staffNumbers, staffAlertTemplate: OrderDesk.Template(name: "staff_alert", language: "en"))
        _ = withTemplate.post(textMessage(id: "wamid.T1", from: Self.customer, text: "agent", sentAt: Self.sentAt))
        let templated = try messages(withTemplate.store).filter { $0.to != "+" + Self.customer }
        #expect(templated.map(\.text) == ["template:staff_alert", "template:staff_alert"])
        let payload = try #require(
            try withTemplate.store.database.query(
                "SELECT payload FROM outbox WHERE customerID IS NULL ORDER BY id LIMIT 1"
            ).first?[0].bytes)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        let parameter =
            (((json["template"] as? [String: Any])?["components"] as? [[String: Any]])?.first?["parameters"]
            as? [[String: Any]])?.first?["text"] as? String
        #expect(parameter?.contains("asked to talk to a person") == true)
        #expect(parameter?.contains("\n") == false)

        let without = try Harness(staffNumbers: staffNumbers)
        // One staff member wrote this morning: only the other is outside the window.
        _ = without.post(textMessage(id: "wamid.W0", from: staffNumbers[0], text: "hi", sentAt: Self.sentAt))
        _ = without.post(textMessage(id: "wamid.W1", from: Self.customer, text: "agent", sentAt: Self.sentAt))
        let rows = try messages(without.store).filter { $0.text.contains("asked to talk to a person") }
        #expect(rows.map(\.to) == staffNumbers.map { "+" + $0 })
        #expect(rows.map(\.status) == ["pending", "failed"])
        #expect(rows.last?.error == Store.staffNotTold)
        #expect(try without.store.untoldStaff(since: 0).count == 1)
    }
}
