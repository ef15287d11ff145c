import Conversation

/// What staff set over the configuration file (`SettingKey`), one row per key.
extension Store {
    /// Stored values by key, as written (canonical: `SettingKey.canonical` checked them).
    public func storedSettings() throws -> [String: String] {
        var values: [String: String] = [:]
        for row in try database.query("SELECT key, value FROM setting") {
            if let key = row[0].string { values[key] = row[1].string ?? "" }
        }
        return values
    }

    public struct SettingChange: Equatable, Sendable {
        public var key: SettingKey
        public var value: String
        public var updatedBy: String?
        public var updatedAt: Int64
    }

    public func settingChanges() throws -> [SettingChange] {
        try database.query("SELECT key, value, updatedBy, updatedAt FROM setting ORDER BY key").compactMap { row in
            guard let key = row[0].string.flatMap(SettingKey.init(rawValue:)) else { return nil }
            return SettingChange(
                key: key, value: row[1].string ?? "", updatedBy: row[2].string, updatedAt: row[3].int64 ?? 0)
        }
    }

    /// Stores a value; every handler's next request sees it (the menu revision moves with it).
    public func setSetting(_ key: SettingKey, to value: String, by who: String?, now: Int64) throws {
        try database.query(
            """
            INSERT INTO setting (key, value, updatedBy, updatedAt) VALUES (?, ?, ?, ?)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value, updatedBy = excluded.updatedBy,
                updatedAt = excluded.updatedAt
            """,
            [key.rawValue, value, who, now])
    }

    /// Back to the configuration file's value.
    public func unsetSetting(_ key: SettingKey) throws {
        try database.query("DELETE FROM setting WHERE key = ?", [key.rawValue])
    }
}
