import Conversation
import Domain
import Storage
import WhatsApp

/// Staff talking with a customer who asked for a person: from their own phone (a reply to a relayed message), the
/// command line (`chat send`, `chat resume`) and the board's Chats view all come here, so the customer hears the
/// same way and the thread records the same lines.
public struct ChatDesk: Sendable {
    public var conversation: ConversationRunner

    public init(conversation: ConversationRunner) {
        self.conversation = conversation
    }

    public enum Result: Equatable, Sendable {
        /// Queued for the customer; the number of outbox rows.
        case sent(Int)
        case refused(String)
    }

    /// Staff's words to the customer, inside the caller's transaction. Only within WhatsApp's 24-hour window: a
    /// free-form message outside it would be refused by Meta.
    public func send(_ text: String, to customer: CustomerID, by who: String, store: Store, now: Int64) throws
        -> Result
    {
        let text = text.trimmingSpaces
        guard !text.isEmpty else { return .refused("the message is empty") }
        guard let last = try store.lastInboundAt(customer), now - last <= OrderDesk.window else {
            return .refused("the customer last wrote more than 24 hours ago: WhatsApp only delivers templates now")
        }
        let rows = try step(.staffSent(text), customer: customer, store: store, now: now)
        try store.addChatMessage(customer: customer, author: .staff, who: who, body: text, now: now)
        return .sent(rows)
    }

    /// The bot has the chat again.
    public func resume(_ customer: CustomerID, by who: String, store: Store, now: Int64) throws -> Int {
        let rows = try step(.staffHandedBack, customer: customer, store: store, now: now)
        try store.addChatMessage(customer: customer, author: .bot, who: who, body: "handed back to the bot", now: now)
        return rows
    }

    /// A person takes the chat from the bot.
    public func pause(_ customer: CustomerID, by who: String, store: Store, now: Int64) throws -> Int {
        let rows = try step(.staffTookOver, customer: customer, store: store, now: now)
        try store.addChatMessage(customer: customer, author: .bot, who: who, body: "taken over by staff", now: now)
        return rows
    }

    func step(_ event: Event, customer: CustomerID, store: Store, now: Int64) throws -> Int {
        try store.stepConversation(of: customer, now: now, step: try conversation.stepping(event, in: store, now: now))
    }

    // MARK: - A staff number writing to the business

    /// What became of a staff member's message.
    public enum StaffOutcome: String, Equatable, Sendable {
        case duplicate
        /// A reply to a relayed message, passed to that customer.
        case relayed
        /// Something the bot could not pass on; the staff member was told why.
        case explained
        /// A reaction or a notice: nothing to do.
        case ignored
        /// A plain message from a number told how things work within the day: it only keeps the window open.
        case noted
    }

    /// A message from one of the restaurant's own numbers. Never a customer: it is recorded (which keeps the
    /// number's 24-hour window open for alerts) and, when it replies to a relayed message, goes to that customer.
    public func staffWrote(
        _ message: InboundMessage, number: String, summary: String?, store: Store, now: Int64
    ) throws -> (outcome: StaffOutcome, outboxRows: Int) {
        try store.writeTransaction {
            guard
                let id = try store.recordStaffInbound(
                    providerID: message.id, number: number, replyTo: message.replyTo, summary: summary, now: now)
            else { return (.duplicate, 0) }
            switch message.content {
            case .reaction, .system:
                try store.setStaffInboundOutcome(id: id, outcome: StaffOutcome.ignored.rawValue, customer: nil)
                return (.ignored, 0)
            default: break
            }
            let customer = try message.replyTo.flatMap { try store.relayedCustomer(wamid: $0) }
            let explanation: String
            if let customer {
                if case .text(let body) = message.content {
                    switch try send(body, to: customer, by: "+\(number)", store: store, now: now) {
                    case .sent(let rows):
                        try store.setStaffInboundOutcome(
                            id: id, outcome: StaffOutcome.relayed.rawValue, customer: customer)
                        return (.relayed, rows)
                    case .refused(let why): explanation = "Not sent: \(why). Call them instead."
                    }
                } else {
                    explanation = "Only text reaches the customer from here: write your answer as a message."
                }
            } else if message.replyTo != nil {
                explanation =
                    "I can't tell which customer that answers. Reply (swipe right) to a 💬 or 🙋 message from me, or "
                    + "use: whatsorder chat send NUMBER \"…\""
            } else {
                // A plain message keeps the number's alert window open (docs/templates.md suggests a daily "hi"):
                // it is explained once a day, not answered every time.
                if try store.staffExplained(number, since: now - 20 * 3_600_000) {
                    try store.setStaffInboundOutcome(id: id, outcome: StaffOutcome.noted.rawValue, customer: nil)
                    return (.noted, 0)
                }
                explanation =
                    "✓ Noted: alerts reach this number as messages for the next 24 hours. This is a staff number, so "
                    + "I don't take orders from it. To answer a customer who asked for a person, reply (swipe "
                    + "right) to their 💬 or 🙋 message."
            }
            let entries = conversation.staffEntries(.staffHelp(explanation)).filter { $0.staffNumber == number }
            try store.enqueue(entries, now: now)
            try store.setStaffInboundOutcome(id: id, outcome: StaffOutcome.explained.rawValue, customer: customer)
            return (.explained, entries.count)
        }
    }
}
