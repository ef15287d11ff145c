/// Our own key for a customer; WhatsApp's identifiers are attributes of it, since they can change.
public struct CustomerID: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// How WhatsApp names a customer: the phone-number `wa_id`, the business-scoped user id (BSUID), or both.
/// Meta's 2026 username rollout means either may be missing, never both.
public struct CustomerIdentity: Hashable, Codable, Sendable {
    public var waID: String?
    public var userID: String?

    public init(waID: String?, userID: String?) {
        self.waID = waID?.isEmpty == true ? nil : waID
        self.userID = userID?.isEmpty == true ? nil : userID
    }

    public var isEmpty: Bool { waID == nil && userID == nil }

    /// A log-safe form: enough to correlate lines, never the whole phone number.
    public var redacted: String {
        if let waID { return "wa:…" + String(waID.suffix(4)) }
        if let userID { return "bsuid:…" + String(userID.suffix(4)) }
        return "unknown"
    }
}
