/// What the catalog holds by our last sync (`whatsorder catalog sync`), per catalog: the item data Meta accepted.
extension Store {
    /// Retailer id → the item data last accepted, for one catalog.
    public func syncedCatalog(_ catalogID: String) throws -> [String: String] {
        var synced: [String: String] = [:]
        for row in try database.query(
            "SELECT retailerID, data FROM catalogItem WHERE catalogID = ?", [catalogID])
        {
            synced[row[0].string ?? ""] = row[1].string ?? ""
        }
        return synced
    }

    /// Records what Meta accepted: items sent (with their data) and items deleted, in one transaction.
    public func recordCatalogSync(
        _ catalogID: String, sent: [(retailerID: String, data: String)], deleted: [String], now: Int64
    ) throws {
        try database.immediateTransaction {
            for item in sent {
                try database.query(
                    """
                    INSERT INTO catalogItem (catalogID, retailerID, data, syncedAt) VALUES (?, ?, ?, ?)
                    ON CONFLICT(catalogID, retailerID) DO UPDATE SET data = excluded.data, syncedAt = excluded.syncedAt
                    """,
                    [catalogID, item.retailerID, item.data, now])
            }
            for retailerID in deleted {
                try database.query(
                    "DELETE FROM catalogItem WHERE catalogID = ? AND retailerID = ?", [catalogID, retailerID])
            }
        }
    }
}
