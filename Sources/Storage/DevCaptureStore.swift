import Domain

/// Dev mode's own database (never the product's): what the stand-in for Meta was sent, and the stand-in
/// Paystack's payments. Its schema is made on open; it holds nothing worth migrating.
public final class DevCaptureStore: @unchecked Sendable {
    let database: Database

    public init(path: String) throws {
        database = try Database(location: .path(path), create: true)
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS devMessage (id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, body BLOB NOT NULL,
                at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS devPayment (reference TEXT PRIMARY KEY, amount INTEGER NOT NULL,
                currency TEXT NOT NULL, email TEXT NOT NULL, paid INTEGER NOT NULL DEFAULT 0, at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS devCatalogItem (catalogID TEXT NOT NULL, retailerID TEXT NOT NULL,
                data TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (catalogID, retailerID));
            """)
    }

    /// Keeps a message "sent to Meta"; returns its id (the stand-in's wamid number).
    public func recordMessage(recipient: String, body: [UInt8], at: Int64) throws -> Int64 {
        try database.query(
            "INSERT INTO devMessage (recipient, body, at) VALUES (?, ?, ?) RETURNING id",
            [recipient, SQLValue.blob(body), at]
        ).first?[0].int64 ?? 0
    }

    /// Messages after `after`, oldest first, for one recipient or all.
    public func messages(to recipient: String?, after: Int64) throws -> [(id: Int64, body: [UInt8])] {
        try database.query(
            "SELECT id, body FROM devMessage WHERE (?1 IS NULL OR recipient = ?1) AND id > ?2 ORDER BY id",
            [recipient, after]
        ).map { ($0[0].int64 ?? 0, $0[1].bytes ?? []) }
    }

    public struct Payment: Equatable, Sendable {
        public var amount: Kobo
        public var currency: String
        public var email: String
        public var paid: Bool
    }

    /// A new checkout; false when the reference was used before (Paystack refuses a duplicate reference).
    public func createPayment(reference: String, amount: Kobo, currency: String, email: String, at: Int64) throws
        -> Bool
    {
        try database.query(
            """
            INSERT INTO devPayment (reference, amount, currency, email, at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(reference) DO NOTHING
            """,
            [reference, amount.rawValue, currency, email, at])
        return database.changes == 1
    }

    public func payment(reference: String) throws -> Payment? {
        try database.query(
            "SELECT amount, currency, email, paid FROM devPayment WHERE reference = ?", [reference]
        ).first.map {
            Payment(
                amount: Kobo(Int($0[0].int64 ?? 0)), currency: $0[1].string ?? "", email: $0[2].string ?? "",
                paid: $0[3].int64 == 1)
        }
    }

    public func markPaid(reference: String) throws {
        try database.query("UPDATE devPayment SET paid = 1 WHERE reference = ?", [reference])
    }

    // MARK: - The catalog stand-in

    /// Creates or replaces a catalog item (`data`: the batch request's item JSON as sent).
    public func putCatalogItem(catalogID: String, retailerID: String, data: String, at: Int64) throws {
        try database.query(
            """
            INSERT INTO devCatalogItem (catalogID, retailerID, data, at) VALUES (?, ?, ?, ?)
            ON CONFLICT(catalogID, retailerID) DO UPDATE SET data = excluded.data, at = excluded.at
            """,
            [catalogID, retailerID, data, at])
    }

    public func deleteCatalogItem(catalogID: String, retailerID: String) throws {
        try database.query(
            "DELETE FROM devCatalogItem WHERE catalogID = ? AND retailerID = ?", [catalogID, retailerID])
    }

    /// Every item of a catalog (every catalog when nil), by retailer id: (catalog, retailer id, item JSON).
    public func catalogItems(_ catalogID: String?) throws -> [(catalogID: String, retailerID: String, data: String)] {
        try database.query(
            """
            SELECT catalogID, retailerID, data FROM devCatalogItem WHERE (?1 IS NULL OR catalogID = ?1)
            ORDER BY catalogID, length(retailerID), retailerID
            """,
            [catalogID]
        ).map { ($0[0].string ?? "", $0[1].string ?? "", $0[2].string ?? "") }
    }
}
