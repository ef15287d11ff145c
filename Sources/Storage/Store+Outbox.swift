import Domain

/// The outbox: work the handlers committed and the sender performs. Rows move
/// `pending → sending → sent | failed`, or back to `pending` with a later `nextAttemptAt` after a transient error.
extension Store {
    public struct OutboxItem: Equatable, Sendable {
        public var id: Int64
        public var kind: String
        public var customerID: CustomerID?
        public var payload: [UInt8]
        /// Attempts including the one this claim starts.
        public var attempts: Int
        /// Unix milliseconds: when the handler queued it (retries stop a day later).
        public var createdAt: Int64
    }

    /// Claims due rows for one sender, atomically: a row is `sending` under a lease, so a second sender (the
    /// daemon and a handler's fallback `outbox send --once` can overlap) never takes it. A sender that died
    /// mid-send leaves the lease to expire and the row comes back, so a crash costs at most one duplicate, which
    /// is counted in `uncertainSends`.
    /// Only a customer's oldest unfinished row is due: replies leave in the order they were written.
    ///
    /// `onlyKind` / `exceptKind` split the claim by kind, so WhatsApp sends (paced, paused in an outage) and
    /// Paystack calls (neither) each have their own room.
    public func claimDueOutbox(
        now: Int64, leaseMilliseconds: Int64, limit: Int, customer: CustomerID? = nil, owner: String? = nil,
        onlyKind: String? = nil, exceptKind: String? = nil
    ) throws -> [OutboxItem] {
        guard limit > 0 else { return [] }
        // A parameter that may be NULL is CAST, so PostgreSQL knows its type when it is.
        // A locking transaction: on PostgreSQL read committed, the queue pattern several senders on several boxes
        // share. A row another sender is claiming is skipped, not waited for; one it has just claimed is seen
        // again as it is now and no longer matches. A customer's later row is not taken while an earlier one is
        // unfinished, locked or not, so replies still leave in order.
        let postgres = database.dialect == .postgres
        let claim = {
            try self.database.query(
                postgres ? Self.claimPostgres : Self.claimSQLite,
                [now, leaseMilliseconds, customer?.rawValue, limit, owner, onlyKind, exceptKind]
            ).map { row in
                OutboxItem(
                    id: row[0].int64 ?? 0, kind: row[1].string ?? "", customerID: row[2].int64.map(CustomerID.init),
                    payload: row[3].bytes ?? [], attempts: Int(row[4].int64 ?? 0), createdAt: row[5].int64 ?? 0)
            }.sorted { $0.id < $1.id }
        }
        return try database.lockingTransaction(claim)
    }

    /// Written once per dialect: a statement's text is its cache key.
    private static let claimSQLite = claim(sending: "(status = 'sending')", lock: "")
    private static let claimPostgres = claim(sending: "(status = 'sending')::int", lock: "FOR UPDATE SKIP LOCKED")
    private static func claim(sending: String, lock: String) -> String {
        """
        UPDATE outbox SET status = 'sending', leaseUntil = ?1 + ?2, attempts = attempts + 1,
            uncertainSends = uncertainSends + \(sending),
            leasedBy = ?5
        WHERE id IN (
            SELECT o.id FROM outbox o
            WHERE ((o.status = 'pending' AND o.nextAttemptAt <= ?1) OR (o.status = 'sending' AND o.leaseUntil < ?1))
              AND (CAST(?3 AS BIGINT) IS NULL OR o.customerID = ?3)
              AND (CAST(?6 AS TEXT) IS NULL OR o.kind = ?6) AND (CAST(?7 AS TEXT) IS NULL OR o.kind <> ?7)
              AND NOT EXISTS (
                  SELECT 1 FROM outbox p
                  WHERE p.customerID = o.customerID AND p.id < o.id AND p.status IN ('pending', 'sending'))
              AND (o.staffNumber IS NULL OR NOT EXISTS (
                  SELECT 1 FROM outbox p
                  WHERE p.staffNumber = o.staffNumber AND p.id < o.id AND p.status IN ('pending', 'sending')
                    AND p.staffNumber IS NOT NULL))
            ORDER BY o.id LIMIT ?4 \(lock))
        RETURNING id, kind, customerID, payload, attempts, createdAt
        """
    }

    /// The rows of senders that are no longer running (`isRunning` says, from the owner each claim recorded) are
    /// due again now, not when their lease runs out. The next claim takes them and counts each as a possible
    /// duplicate: the dead sender may have sent it. Returns how many rows came back.
    @discardableResult
    public func reclaimLeases(isRunning: (String) -> Bool) throws -> Int {
        let owners = try database.query(
            "SELECT DISTINCT leasedBy FROM outbox WHERE status = 'sending' AND leasedBy IS NOT NULL"
        ).compactMap { $0[0].string }
        var reclaimed = 0
        for owner in owners where !isRunning(owner) {
            try database.query(
                "UPDATE outbox SET leaseUntil = 0 WHERE status = 'sending' AND leasedBy = ?", [owner])
            reclaimed += database.changes
        }
        return reclaimed
    }

    /// Queues one row. An unsendable entry is stored already failed, with its reason. A staff entry outside its
    /// number's 24-hour window is its template instead, or stored unsent without one.
    func insertOutbox(_ entry: OutboxEntry, customer: CustomerID?, inboundID: Int64?, now: Int64) throws {
        var entry = entry
        if let number = entry.staffNumber, entry.unsendable == nil, try !staffWindowOpen(number, now: now) {
            if let template = entry.fallback {
                entry = OutboxEntry(
                    kind: entry.kind, payload: template, staffNumber: number, relayOf: entry.relayOf)
            } else {
                entry.unsendable = Self.staffNotTold
            }
        }
        let id = try insertOutboxRow(entry, customer: customer, inboundID: inboundID, now: now)
        if let relayOf = entry.relayOf {
            try database.query("INSERT INTO relay (outboxID, customerID) VALUES (?, ?)", [id, relayOf.rawValue])
        }
    }

    /// Why a staff alert was not sent: WhatsApp takes only templates outside the number's window.
    public static let staffNotTold =
        "not sent: this staff number has not written to the business in 24 hours and TEMPLATE_STAFF_ALERT is not set"

    private func insertOutboxRow(_ entry: OutboxEntry, customer: CustomerID?, inboundID: Int64?, now: Int64) throws
        -> Int64
    {
        let rows: [SQLRow]
        if let reason = entry.unsendable {
            rows = try database.query(
                """
                INSERT INTO outbox (kind, customerID, inboundMessageID, payload, status, nextAttemptAt, lastError,
                    createdAt, staffNumber)
                VALUES (?, ?, ?, ?, 'failed', ?, ?, ?, ?) RETURNING id
                """,
                [
                    entry.kind, customer?.rawValue, inboundID, SQLValue.blob(entry.payload), now, reason, now,
                    entry.staffNumber,
                ])
        } else if let fallback = entry.fallback {
            rows = try database.query(
                """
                INSERT INTO outbox (kind, customerID, inboundMessageID, payload, fallbackPayload, nextAttemptAt,
                    createdAt, staffNumber)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    entry.kind, customer?.rawValue, inboundID, SQLValue.blob(entry.payload), SQLValue.blob(fallback),
                    now, now, entry.staffNumber,
                ])
        } else {
            rows = try database.query(
                """
                INSERT INTO outbox (kind, customerID, inboundMessageID, payload, nextAttemptAt, createdAt, staffNumber)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [entry.kind, customer?.rawValue, inboundID, SQLValue.blob(entry.payload), now, now, entry.staffNumber])
        }
        guard let id = rows.first?[0].int64 else {
            throw StorageError(code: 1, message: "outbox insert returned no id")
        }
        return id
    }

    /// Meta said the window is closed (131047): the row's template replaces its message and goes out next.
    /// False when the row had no template to fall back on.
    public func switchOutboxToFallback(id: Int64, error: String, now: Int64) throws -> Bool {
        try database.query(
            """
            UPDATE outbox SET payload = fallbackPayload, fallbackPayload = NULL, status = 'pending', nextAttemptAt = ?,
                leaseUntil = NULL, lastError = ?, errorCode = 131047
            WHERE id = ? AND fallbackPayload IS NOT NULL
            """,
            [now, error, id])
        return database.changes == 1
    }

    /// The earliest time any pending row becomes due, so a sender can sleep exactly that long.
    public func nextOutboxDue() throws -> Int64? {
        try database.query(
            """
            SELECT min(CASE WHEN status = 'pending' THEN nextAttemptAt ELSE leaseUntil END)
            FROM outbox WHERE status IN ('pending', 'sending')
            """
        ).first?[0].int64
    }

    /// A send Meta accepted: the row is done and the wamid is stored so status webhooks can find it. Statuses that
    /// arrived before this (Meta's `sent` can beat its own HTTP answer) are applied now.
    public func markOutboxSent(id: Int64, wamid: String?, now: Int64) throws {
        try database.immediateTransaction {
            try database.query(
                "UPDATE outbox SET status = 'sent', sentAt = ?, leaseUntil = NULL, lastError = NULL WHERE id = ?",
                [now, id])
            guard let wamid else { return }
            let parked = try database.query(
                "SELECT status, statusRank, occurredAt, errorCode, errorTitle FROM messageStatus WHERE wamid = ? "
                    + "ORDER BY statusRank DESC LIMIT 1", [wamid]
            ).first
            // Nothing but a second answer for this row, or a wamid Meta already gave another row, can conflict:
            // either way the send happened, and the first record stands (a second would stop the sender).
            try database.query(
                """
                INSERT INTO outboundMessage
                    (outboxID, wamid, customerID, status, statusRank, statusAt, errorCode, errorTitle, createdAt)
                SELECT id, ?, customerID, ?, ?, ?, ?, ?, ? FROM outbox WHERE id = ?
                ON CONFLICT DO NOTHING
                """,
                [
                    wamid, parked?[0].string ?? "accepted", parked?[1].int64 ?? 0, parked?[2].int64 ?? now,
                    parked?[3] ?? .null, parked?[4] ?? .null, now, id,
                ])
        }
    }

    /// A row done without a wamid (a Paystack call). Joins the caller's transaction.
    public func completeOutboxRow(id: Int64, now: Int64) throws {
        try database.query(
            "UPDATE outbox SET status = 'sent', sentAt = ?, leaseUntil = NULL, lastError = NULL WHERE id = ?",
            [now, id])
    }

    /// A transient failure: try again at `nextAttemptAt`. `uncertain` when the request may have reached Meta.
    public func rescheduleOutbox(id: Int64, nextAttemptAt: Int64, error: String, code: Int?, uncertain: Bool = false)
        throws
    {
        try database.query(
            """
            UPDATE outbox SET status = 'pending', nextAttemptAt = ?, leaseUntil = NULL, lastError = ?, errorCode = ?,
                uncertainSends = uncertainSends + ?
            WHERE id = ?
            """,
            [nextAttemptAt, error, code, uncertain ? 1 : 0, id])
    }

    /// Gives back claimed rows that were never attempted (a pass stopped at an outage), as if never claimed.
    public func releaseOutbox(ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try database.immediateTransaction {
            for id in ids {
                try database.query(
                    "UPDATE outbox SET status = 'pending', leaseUntil = NULL, attempts = attempts - 1 "
                        + "WHERE id = ? AND status = 'sending'", [id])
            }
        }
    }

    /// Meta is failing for everyone: every message due before `until` waits until then, so the backlog does not
    /// hammer Meta one row at a time and every sender (the daemon, a handler's `--once`) sees the same pause.
    /// `probe`, the row whose failure said so, is left at its own retry time before `until`: it alone asks Meta
    /// whether it is back, and its success brings the rest forward (`resumeOutbox`).
    public func holdOutbox(kind: String, until: Int64, except probe: Int64? = nil) throws {
        try database.immediateTransaction {
            try database.query(
                """
                UPDATE outbox SET nextAttemptAt = ?1
                WHERE kind = ?2 AND status = 'pending' AND nextAttemptAt < ?1 AND id IS DISTINCT FROM CAST(?3 AS BIGINT)
                """,
                [until, kind, probe])
        }
    }

    /// Meta answers again: messages held back or backing off after transient errors become due now, so the backlog
    /// drains at once instead of each row waiting out its own backoff. A per-recipient limit (131056) keeps its wait.
    public func resumeOutbox(kind: String, now: Int64, except code: Int) throws {
        try database.immediateTransaction {
            try database.query(
                """
                UPDATE outbox SET nextAttemptAt = ?1
                WHERE kind = ?2 AND status = 'pending' AND nextAttemptAt > ?1 AND errorCode IS DISTINCT FROM CAST(?3 AS BIGINT)
                """,
                [now, kind, code])
        }
    }

    /// A failure retrying cannot fix (Meta said so, or attempts ran out). Kept with Meta's trace id for support.
    public func failOutbox(id: Int64, error: String, code: Int?, fbtraceID: String?) throws {
        try database.query(
            """
            UPDATE outbox SET status = 'failed', leaseUntil = NULL, lastError = ?, errorCode = ?, fbtraceID = ?,
                sentAt = NULL
            WHERE id = ?
            """,
            [error, code, fbtraceID, id])
    }

    public struct OutboxRow: Equatable, Sendable {
        public var id: Int64
        public var kind: String
        public var status: String
        public var attempts: Int
        public var lastError: String?
        public var errorCode: Int?
        public var fbtraceID: String?
        public var uncertainSends: Int = 0
    }

    /// Every outbox row, oldest first: for operators and tests.
    public func outboxRows() throws -> [OutboxRow] {
        try database.query(
            "SELECT id, kind, status, attempts, lastError, errorCode, fbtraceID, uncertainSends FROM outbox ORDER BY id"
        ).map { row in
            OutboxRow(
                id: row[0].int64 ?? 0, kind: row[1].string ?? "", status: row[2].string ?? "",
                attempts: Int(row[3].int64 ?? 0), lastError: row[4].string, errorCode: row[5].int64.map(Int.init),
                fbtraceID: row[6].string, uncertainSends: Int(row[7].int64 ?? 0))
        }
    }

    /// Sent rows that may also have gone out once before: the duplicates a customer may have seen.
    public func possibleDuplicateSends() throws -> Int {
        Int(
            try database.query("SELECT coalesce(sum(uncertainSends), 0) FROM outbox WHERE status = 'sent'").first?[0]
                .int64 ?? 0)
    }

    /// How many rows wait in each status: `whatsorder` prints it, tests assert on it.
    public func outboxCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try database.query("SELECT status, count(*) FROM outbox GROUP BY status") {
            counts[row[0].string ?? ""] = Int(row[1].int64 ?? 0)
        }
        return counts
    }

    /// Copies what the WAL holds into the database without waiting for anyone: writers go on meanwhile, and once it
    /// is all copied the next writer starts the WAL from its beginning. Cheap when there is nothing to copy.
    public func foldWAL() throws {
        if database.dialect == .sqlite { try database.query("PRAGMA wal_checkpoint(PASSIVE)") }
    }
}
