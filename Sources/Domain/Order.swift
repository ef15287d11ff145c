/// One line of a cart or an order: the item, how many, and the unit price when it was added (or, on an order,
/// when the order was confirmed). The name is kept so a line still reads well after the menu changes.
public struct OrderLine: Hashable, Codable, Sendable {
    public var itemID: Int64
    public var name: String
    public var unitPrice: Kobo
    public var quantity: Int

    public init(itemID: Int64, name: String, unitPrice: Kobo, quantity: Int) {
        self.itemID = itemID
        self.name = name
        self.unitPrice = unitPrice
        self.quantity = quantity
    }

    public var total: Kobo { unitPrice * quantity }
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
