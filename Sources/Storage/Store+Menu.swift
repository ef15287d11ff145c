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
                        aliases = CASE WHEN CAST(? AS TEXT) IS NULL THEN menuItem.aliases ELSE excluded.aliases END
                    """,
                    [
                        existing ?? entry.name, entry.description, entry.price.rawValue, entry.available,
                        aliases, entry.category, aliases,
                    ])
                if existing == nil { result.itemsAdded += 1 } else { result.itemsUpdated += 1 }
                let itemID = try database.query(
                    "SELECT id FROM menuItem WHERE name = ? COLLATE NOCASE", [existing ?? entry.name]
                ).first?[0].int64
                guard let itemID else { continue }
                if let image = entry.imageURL {
                    try database.query(
                        "UPDATE menuItem SET imageURL = ? WHERE id = ?", [image.isEmpty ? nil : image, itemID])
                }
                if let groups = entry.optionGroups { try setOptionGroups(groups, itemID: itemID) }
            }
            return result
        }
    }

    /// Makes the item's groups `groups`, keeping the ids of groups and options whose names stay (a cart holding
    /// them stays good) and removing the rest. Runs inside the caller's transaction.
    private func setOptionGroups(_ groups: [OptionSpec.Group], itemID: Int64) throws {
        // Mark every group and option as going; those written again below are kept.
        try database.query("UPDATE optionGroup SET position = -1 WHERE itemID = ?", [itemID])
        try database.query(
            "UPDATE menuOption SET position = -1 WHERE groupID IN (SELECT id FROM optionGroup WHERE itemID = ?)",
            [itemID])
        for (groupPosition, group) in groups.enumerated() {
            let groupID = try database.query(
                """
                INSERT INTO optionGroup (itemID, name, position, minimum, maximum) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(itemID, name) DO UPDATE SET name = excluded.name, position = excluded.position,
                    minimum = excluded.minimum, maximum = excluded.maximum
                RETURNING id
                """,
                [itemID, group.name, groupPosition + 1, group.minimum, group.maximum]
            ).first?[0].int64
            guard let groupID else { throw StorageError(code: 1, message: "option group upsert returned no row") }
            for (position, option) in group.options.enumerated() {
                try database.query(
                    """
                    INSERT INTO menuOption (groupID, name, position, priceKobo, available) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(groupID, name) DO UPDATE SET name = excluded.name, position = excluded.position,
                        priceKobo = excluded.priceKobo, available = excluded.available
                    """,
                    [groupID, option.name, position + 1, option.price.rawValue, option.available])
            }
        }
        try database.query(
            "DELETE FROM menuOption WHERE position < 0 AND groupID IN (SELECT id FROM optionGroup WHERE itemID = ?)",
            [itemID])
        try database.query("DELETE FROM optionGroup WHERE position < 0 AND itemID = ?", [itemID])
    }

    /// Sets one item's option groups (`menu options ITEM --set …`); false when no item has that id.
    @discardableResult
    public func setOptions(itemID: Int64, _ groups: [OptionSpec.Group]) throws -> Bool {
        try database.immediateTransaction {
            guard !(try database.query("SELECT 1 FROM menuItem WHERE id = ?", [itemID])).isEmpty else { return false }
            try setOptionGroups(groups, itemID: itemID)
            return true
        }
    }

    /// An option's sold-out switch; false when the item has no option of that id.
    @discardableResult
    public func setOptionAvailable(itemID: Int64, optionID: Int64, _ available: Bool) throws -> Bool {
        try database.immediateTransaction {
            try database.query(
                """
                UPDATE menuOption SET available = ?
                WHERE id = ? AND groupID IN (SELECT id FROM optionGroup WHERE itemID = ?)
                """,
                [available, optionID, itemID])
            return database.changes == 1
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
        /// nil: no picture.
        case image(String?)
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
            case .image(let url):
                try database.query("UPDATE menuItem SET imageURL = ? WHERE id = ?", [url, id])
            case .remove:
                // Orders keep their own copy of each line (name and price), so nothing points here.
                try database.query("DELETE FROM menuItem WHERE id = ?", [id])
            }
            return database.changes == 1
        }
    }
}
