import Conversation
import Domain

/// Who wrote a line of a handoff's thread.
public enum ChatAuthor: String, Equatable, Sendable {
    case customer
    case staff
    /// What happened around it: asked for a person, went back to the bot.
    case bot
}

/// Staff on WhatsApp: their own messages (each once, by Meta's id), their 24-hour windows, the customers their
/// relayed messages speak for, and the handoff threads.
extension Store {
    /// WhatsApp's customer service window (apis.md A4), for customers and staff numbers alike: free text only
    /// within 24 hours of the number's last message to the business.
    public static let window: Int64 = 24 * 3_600_000

    /// Records a staff member's message; false when Meta delivered it before (the UNIQUE id decides).
    public func recordStaffInbound(
        providerID: String, number: String, replyTo: String?, summary: String?, now: Int64
    ) throws -> Int64? {
        try database.query(
            """
            INSERT INTO staffInbound (providerID, number, replyTo, summary, receivedAt) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(providerID) DO NOTHING RETURNING id
            """,
            [providerID, number, replyTo, summary.map { String($0.prefix(1000)) }, now]
        ).first?[0].int64
    }

    public func setStaffInboundOutcome(id: Int64, outcome: String, customer: CustomerID?) throws {
        try database.query(
            "UPDATE staffInbound SET outcome = ?, customerID = ? WHERE id = ?", [outcome, customer?.rawValue, id])
    }

    /// Whether `number` was answered with how things work since `since` (Unix ms).
    public func staffExplained(_ number: String, since: Int64) throws -> Bool {
        !(try database.query(
            "SELECT 1 FROM staffInbound WHERE number = ? AND outcome = 'explained' AND replyTo IS NULL AND receivedAt >= ?",
            [number, since])).isEmpty
    }

    /// When `number` last wrote to the business (Unix ms), if ever.
    public func staffLastInbound(_ number: String) throws -> Int64? {
        try database.query("SELECT max(receivedAt) FROM staffInbound WHERE number = ?", [number]).first?[0].int64
    }

    func staffWindowOpen(_ number: String, now: Int64) throws -> Bool {
        guard let last = try staffLastInbound(number) else { return false }
        return now - last <= Self.window
    }

    /// The customer a message we sent to staff speaks for, by the wamid Meta gave it (a reply's `context.id`).
    public func relayedCustomer(wamid: String) throws -> CustomerID? {
        try database.query(
            """
            SELECT r.customerID FROM outboundMessage m JOIN relay r ON r.outboxID = m.outboxID WHERE m.wamid = ?
            """,
            [wamid]
        ).first?[0].int64.map(CustomerID.init(rawValue:))
    }

    public func addChatMessage(customer: CustomerID, author: ChatAuthor, who: String?, body: String, now: Int64)
        throws
    {
        try database.query(
            "INSERT INTO chatMessage (customerID, author, who, body, createdAt) VALUES (?, ?, ?, ?, ?)",
            [customer.rawValue, author.rawValue, who, String(body.prefix(4000)), now])
    }

    public struct ChatLine: Equatable, Sendable {
        public var author: ChatAuthor
        public var who: String?
        public var body: String
        public var at: Int64
    }

    /// A customer's handoff thread, oldest first (the last `limit` lines).
    public func chatThread(_ customer: CustomerID, limit: Int = 50) throws -> [ChatLine] {
        try database.query(
            """
            SELECT author, who, body, createdAt FROM (
                SELECT id, author, who, body, createdAt FROM chatMessage WHERE customerID = ? ORDER BY id DESC LIMIT ?
            ) AS recent ORDER BY id
            """,
            [customer.rawValue, limit]
        ).map {
            ChatLine(
                author: ChatAuthor(rawValue: $0[0].string ?? "") ?? .bot, who: $0[1].string, body: $0[2].string ?? "",
                at: $0[3].int64 ?? 0)
        }
    }

    /// Until when a person has the customer's chat, if they have it at `now`.
    public func handoffUntil(_ customer: CustomerID, now: Int64) throws -> Int64? {
        try storedConversation(customer)?.state.handoffUntil.flatMap { $0 > now ? $0 : nil }
    }

    public struct ChatSummary: Equatable, Sendable {
        public var customer: CustomerRecord
        /// The newest line of the thread.
        public var last: ChatLine
        /// A person has the chat until then (from the conversation's state), if still with one.
        public var handoffUntil: Int64?
        /// The customer spoke last and nobody from the restaurant has answered since.
        public var waiting: Bool { last.author == .customer || (last.author == .bot && handoffUntil != nil) }
    }

    /// Threads with something in the last `since` ms, newest first: with a person now, or recently.
    public func chatThreads(now: Int64, since: Int64 = 24 * 3_600_000) throws -> [ChatSummary] {
        let rows = try database.query(
            """
            SELECT m.customerID, m.author, m.who, m.body, m.createdAt FROM chatMessage m
            WHERE m.id IN (SELECT max(id) FROM chatMessage WHERE createdAt >= ? GROUP BY customerID)
            ORDER BY m.id DESC
            """,
            [now - since])
        return try rows.compactMap { row in
            let id = CustomerID(rawValue: row[0].int64 ?? 0)
            guard let customer = try customerRecord(id) else { return nil }
            let until = try handoffUntil(id, now: now)
            return ChatSummary(
                customer: customer,
                last: ChatLine(
                    author: ChatAuthor(rawValue: row[1].string ?? "") ?? .bot, who: row[2].string,
                    body: row[3].string ?? "", at: row[4].int64 ?? 0),
                handoffUntil: until)
        }
    }

    /// Staff alerts stored unsent because the number's window was closed and no template was configured.
    /// The message bodies as queued (the recipient is inside): App reads them.
    public func untoldStaff(since: Int64) throws -> [(at: Int64, payload: [UInt8])] {
        try database.query(
            """
            SELECT payload, createdAt FROM outbox
            WHERE customerID IS NULL AND status = 'failed' AND lastError = ? AND createdAt >= ? ORDER BY id
            """,
            [Self.staffNotTold, since]
        ).map { (at: $0[1].int64 ?? 0, payload: $0[0].bytes ?? []) }
    }
}
