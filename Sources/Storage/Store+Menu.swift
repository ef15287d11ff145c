import Domain

/// Staff's changes to the menu. Every write bumps `menuRevision` (triggers), so running workers see it on their
/// next request.
extension Store {
    public struct MenuImportResult: Equatable, Sendable {
        public var categoriesAdded: Int
        public var itemsAdded: Int
        public var itemsUpdated: Int
    }

    /// Adds or updates every entry (matched by item name), creating categories in the order they first appear, in
    /// one transaction: a failure leaves the menu as it was. Items not in the file are left alone.
    public func importMenu(_ entries: [MenuImport.Entry]) throws -> MenuImportResult {
        try database.immediateTransaction {
            var result = MenuImportResult(categoriesAdded: 0, itemsAdded: 0, itemsUpdated: 0)
            for entry in entries {
                result.categoriesAdded += try ensureCategory(entry.category)
                // "jollof rice" in a file updates "Jollof Rice": the stored spelling is kept for the conflict.
                let existing = try database.query(
                    "SELECT name FROM menuItem WHERE name = ? COLLATE NOCASE", [entry.name]
                ).first?[0].string
                // Aliases change only when the file has the column (`coalesce` keeps them otherwise).
                let aliases = entry.aliases.map(MenuImport.aliasesText)
                try database.query(
                    """
                    INSERT INTO menuItem (categoryID, name, description, priceKobo, available, position, aliases)
                    SELECT c.id, ?, ?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM menuItem), coalesce(?, '')
                    FROM menuCategory c WHERE c.name = ?
                    ON CONFLICT(name) DO UPDATE SET categoryID = excluded.categoryID,
                        description = excluded.description, priceKobo = excluded.priceKobo,
                        available = excluded.available,
                        aliases = CASE WHEN ? IS NULL THEN menuItem.aliases ELSE excluded.aliases END
                    """,
                    [
                        existing ?? entry.name, entry.description, entry.price.rawValue, entry.available,
                        aliases, entry.category, aliases,
                    ])
                if existing == nil { result.itemsAdded += 1 } else { result.itemsUpdated += 1 }
            }
            return result
        }
    }

    /// 1 when the category was created, 0 when it existed.
    private func ensureCategory(_ name: String) throws -> Int {
        try database.query(
            """
            INSERT INTO menuCategory (name, position)
            SELECT ?, coalesce(max(position), 0) + 1 FROM menuCategory WHERE true
            ON CONFLICT(name) DO NOTHING
            """,
            [name])
        return database.changes
    }

    public enum MenuChange: Equatable, Sendable {
        case price(Kobo)
        case available(Bool)
        case aliases([String])
        case remove
    }

    /// Changes one item; false when no item has that id.
    @discardableResult
    public func changeMenuItem(id: Int64, _ change: MenuChange) throws -> Bool {
        try database.immediateTransaction {
            switch change {
            case .price(let price):
                try database.query("UPDATE menuItem SET priceKobo = ? WHERE id = ?", [price.rawValue, id])
            case .available(let available):
                try database.query("UPDATE menuItem SET available = ? WHERE id = ?", [available, id])
            case .aliases(let aliases):
                try database.query(
                    "UPDATE menuItem SET aliases = ? WHERE id = ?", [MenuImport.aliasesText(aliases), id])
            case .remove:
                // Orders keep their own copy of each line (name and price), so nothing points here.
                try database.query("DELETE FROM menuItem WHERE id = ?", [id])
            }
            return database.changes == 1
        }
    }
}
