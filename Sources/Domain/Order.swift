/// One line of a cart or an order: the item, its options, how many, and the unit price (options included) when it
/// was added (or, on an order, when the order was confirmed). The names are kept so a line still reads well after
/// the menu changes. The same item with other options or another note is another line.
public struct OrderLine: Hashable, Codable, Sendable {
    public var itemID: Int64
    public var name: String
    public var unitPrice: Kobo
    public var quantity: Int
    public var options: [ChosenOption]
    /// What the customer asked of this line (`no pepper`).
    public var note: String?

    public init(
        itemID: Int64, name: String, unitPrice: Kobo, quantity: Int, options: [ChosenOption] = [], note: String? = nil
    ) {
        self.itemID = itemID
        self.name = name
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.options = options
        self.note = note
    }

    public var total: Kobo { unitPrice * quantity }

    /// Which line this is, for taps and edits: the item id alone for a plain line (as before options existed, so
    /// older buttons still work), else the item with its options (by id, whatever order they were picked in) and a
    /// short digest of the note.
    public var key: String {
        var key = String(itemID)
        for id in options.map(\.id).sorted() { key += "-\(id)" }
        if let note, !note.isEmpty { key += "~" + String(Self.digest(note), radix: 36) }
        return key
    }

    /// `2 × Jollof Rice (Beef, Plantain) · no pepper`: the line as the kitchen reads it, on one line.
    public var summary: String {
        "\(quantity) × \(title)" + (note.map { " · \($0)" } ?? "")
    }

    /// The item's name with its options: `Jollof Rice (Beef, Plantain)`.
    public var title: String {
        options.isEmpty ? name : "\(name) (\(options.map(\.name).joined(separator: ", ")))"
    }

    /// FNV-1a of the folded note, cut to 24 bits: enough to tell one line's note from another's in a tap id.
    static func digest(_ text: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in text.lowercased().utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash & 0xFF_FFFF
    }

    enum CodingKeys: String, CodingKey {
        case itemID, name, unitPrice, quantity, options, note
    }

    // Lines are stored in conversation state: lines written before options existed must still decode, and a plain
    // line must still encode as it did.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        itemID = try container.decode(Int64.self, forKey: .itemID)
        name = try container.decode(String.self, forKey: .name)
        unitPrice = try container.decode(Kobo.self, forKey: .unitPrice)
        quantity = try container.decode(Int.self, forKey: .quantity)
        options = try container.decodeIfPresent([ChosenOption].self, forKey: .options) ?? []
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(itemID, forKey: .itemID)
        try container.encode(name, forKey: .name)
        try container.encode(unitPrice, forKey: .unitPrice)
        try container.encode(quantity, forKey: .quantity)
        if !options.isEmpty { try container.encode(options, forKey: .options) }
        try container.encodeIfPresent(note, forKey: .note)
    }
}

/// Where an order goes. A delivery address is what the customer typed, or a shared pin (with whatever name and
/// address WhatsApp attached to it), or both.
public enum Fulfilment: Hashable, Codable, Sendable {
    case pickup
    case delivery(Address)

    public var isDelivery: Bool {
        if case .delivery = self { return true }
        return false
    }
}

public struct Address: Hashable, Codable, Sendable {
    public var text: String?
    public var latitude: Double?
    public var longitude: Double?
    /// A pin's place name, when WhatsApp sent one.
    public var placeName: String?

    public init(text: String? = nil, latitude: Double? = nil, longitude: Double? = nil, placeName: String? = nil) {
        self.text = text
        self.latitude = latitude
        self.longitude = longitude
        self.placeName = placeName
    }

    /// How the address reads in a summary: the words, else the place, else the coordinates.
    public var display: String {
        var parts: [String] = []
        if let placeName, !placeName.isEmpty { parts.append(placeName) }
        if let text, !text.isEmpty { parts.append(text) }
        if parts.isEmpty, let latitude, let longitude {
            parts.append("pin at \(latitude), \(longitude)")
        }
        return parts.joined(separator: ", ")
    }
}

/// A point on the map.
public struct Coordinates: Equatable, Sendable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// `lat,lng` as `RESTAURANT_LOCATION` writes it: "6.4281,3.4216".
    public init?(parsing text: String) {
        let parts = text.split(separator: ",").map { $0.trimmingSpaces }
        guard parts.count == 2, let latitude = Double(parts[0]), let longitude = Double(parts[1]),
            (-90...90).contains(latitude), (-180...180).contains(longitude)
        else { return nil }
        self.init(latitude: latitude, longitude: longitude)
    }
}

/// An order's life as customers and staff see it. The raw values are the database's (a CHECK lists them).
public enum OrderStatus: String, Hashable, Codable, Sendable, CaseIterable {
    case awaitingPayment = "awaiting_payment"
    /// The payment link outlived `PAYMENT_LINK_TTL` unpaid; `pay` makes a fresh one and the order waits again.
    case expired
    case paid
    /// Money arrived but something did not match (amount, currency, mode, a cancelled order): a person decides.
    case paymentReview = "payment_review"
    case preparing
    case ready
    case outForDelivery = "out_for_delivery"
    case completed
    case cancelled
    case refunded

    /// Paid and past it: the kitchen's states. A payment for an order in one of these is a second payment.
    public var isPaid: Bool {
        switch self {
        case .paid, .preparing, .ready, .outForDelivery, .completed: true
        case .awaitingPayment, .expired, .paymentReview, .cancelled, .refunded: false
        }
    }
}

/// Our order number, shown to customers and staff (`WO-7K3F9Q`); letters and digits only, so it can be part of a
/// Paystack reference.
public struct OrderCode: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The reference of payment attempt `attempt` (1, 2, …): unique per attempt, so a retried link can never
    /// charge an earlier attempt's transaction twice. Paystack allows letters, digits, `-`, `.` and `=`.
    public func paymentReference(attempt: Int) -> String { "\(rawValue)-\(attempt)" }
}
