import FoundationEssentials

extension Store {
    /// What `prune` removed, table by table.
    public struct PruneReport: Equatable, Sendable {
        public var keptBodies = 0
        public var outboxRows = 0
        public var outboundMessages = 0
        public var relays = 0
        public var messageStatuses = 0
        public var inboundMessages = 0
        public var chatMessages = 0
        public var staffMessages = 0

        public init() {}

        public var total: Int {
            keptBodies + outboxRows + outboundMessages + relays + messageStatuses + inboundMessages + chatMessages
                + staffMessages
        }
    }

    /// The shortest window `prune` takes: Meta redelivers a message for up to 7 days, and the id of an inbound
    /// message is what makes a redelivery a duplicate, so it is kept for longer than that.
    public static let shortestRetentionDays = 8

    /// Removes what no one needs once it is older than `cutoff` (Unix ms): bodies kept for inspection, finished
    /// outbox rows with what Meta said of them, the statuses and texts of messages, handoff threads and staff
    /// messages. Orders, their lines, payments, payment events, refunds, customers and their conversation state are
    /// never touched: they are the restaurant's books and what a returning customer is remembered by.
    ///
    /// Works in batches of `batch` rows, each its own write transaction, so handlers wait for one batch at most.
    public func prune(olderThan cutoff: Int64, batch: Int = 2000) throws -> PruneReport {
        var report = PruneReport()
        report.keptBodies = try deleteInBatches(
            from: "keptBody", where: "coalesce(lastReceivedAt, receivedAt) < ?", [cutoff], batch: batch)
        // A refund's request is the audit of money leaving: its outbox row stays with it.
        // `+status`: not the due-rows index, which would read every sent row of the year for each batch; the walk
        // goes by id. (PostgreSQL has no unary + on text, and its planner needs no such hint.)
        let finished = """
            \(database.dialect == .sqlite ? "+" : "")status IN ('sent', 'failed') AND createdAt < ?
                AND NOT EXISTS (SELECT 1 FROM refund WHERE refund.outboxID = outbox.id)
            """
        var relays = 0
        var outboundMessages = 0
        report.outboxRows = try deleteInBatches(from: "outbox", where: finished, [cutoff], batch: batch) { range in
            // What points at the rows goes first: foreign keys are enforced.
            let rows = "SELECT id FROM outbox WHERE id BETWEEN ? AND ? AND \(finished)"
            relays += try database.query(
                "DELETE FROM relay WHERE outboxID IN (\(rows)) RETURNING 1", [range.first, range.last, cutoff]
            ).count
            outboundMessages += try database.query(
                "DELETE FROM outboundMessage WHERE outboxID IN (\(rows)) RETURNING 1",
                [range.first, range.last, cutoff]
            ).count
        }
        report.relays = relays
        report.outboundMessages = outboundMessages
        report.messageStatuses = try deleteInBatches(
            from: "messageStatus", where: "receivedAt < ?", [cutoff], batch: batch)
        // A message a reply still waits on keeps its row until the reply is finished and pruned.
        report.inboundMessages = try deleteInBatches(
            from: "inboundMessage",
            where:
                "receivedAt < ? AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.inboundMessageID = inboundMessage.id)",
            [cutoff], batch: batch)
        report.chatMessages = try deleteInBatches(from: "chatMessage", where: "createdAt < ?", [cutoff], batch: batch)
        report.staffMessages = try deleteInBatches(
            from: "staffInbound", where: "receivedAt < ?", [cutoff], batch: batch)
        return report
    }

    /// Deletes the rows of `table` matching `condition`, oldest id first, about `batch` at a time; `before` runs in
    /// each batch's transaction with its range of ids, for rows that point at them. A batch is a range of ids with the
    /// condition again, so every statement is one prepared statement with bound values.
    private func deleteInBatches(
        from table: String, where condition: String, _ arguments: [any SQLBindable], batch: Int,
        before: ((first: Int64, last: Int64)) throws -> Void = { _ in }
    ) throws -> Int {
        var deleted = 0
        var after: Int64 = 0
        while true {
            let count = try database.immediateTransaction {
                let ids = try database.query(
                    "SELECT id FROM \(table) WHERE id > ? AND \(condition) ORDER BY id LIMIT ?",
                    [after] + arguments + [batch]
                ).compactMap { $0[0].int64 }
                guard let first = ids.first, let last = ids.last else { return 0 }
                after = last
                try before((first, last))
                try database.query(
                    "DELETE FROM \(table) WHERE id BETWEEN ? AND ? AND \(condition)", [first, last] + arguments)
                return ids.count
            }
            deleted += count
            if count < batch { return deleted }
        }
    }

    /// Gives the pages freed by `prune` back to the file system. Rewrites the whole file, so it needs as much free
    /// space again and holds the write lock while it runs: for a quiet hour, not for every prune.
    public func vacuum() throws {
        try database.execute("VACUUM")
        // In WAL mode the rewritten file goes through the WAL first: fold it back so the space is really returned.
        if database.dialect == .sqlite { try database.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}
