import Domain

/// The settings staff change while the restaurant runs (`whatsorder settings set`, the board's Settings): stored
/// in the database over the configuration file's first values, and seen by every handler on its next request.
/// Each is stored as the configuration file would write it (money in minor units), whatever staff typed.
public enum SettingKey: String, CaseIterable, Equatable, Sendable {
    case restaurantName = "RESTAURANT_NAME"
    case openingHours = "OPENING_HOURS"
    case closedNote = "CLOSED_NOTE"
    case deliveryFee = "DELIVERY_FEE"
    case minimumOrder = "MIN_ORDER_AMOUNT"
    case preparationMinutes = "PREPARATION_MINUTES"
    case restaurantAddress = "RESTAURANT_ADDRESS"
    case restaurantPhone = "RESTAURANT_PHONE"
    case restaurantLocation = "RESTAURANT_LOCATION"

    /// What staff are asked for, in a few words.
    public var meaning: String {
        switch self {
        case .restaurantName: "the name customers are greeted with"
        case .openingHours: "when checkout is open (Mon-Fri 09:00-21:00; Sat-Sun 10:00-22:00); empty: always"
        case .closedNote: "set: checkout is closed now and customers are told this; empty: open as the hours say"
        case .deliveryFee: "added to delivery orders (1500, ₦1,500.00)"
        case .minimumOrder: "the smallest subtotal that can be checked out (3000, ₦3,000)"
        case .preparationMinutes: "how long a paid order usually takes, in minutes"
        case .restaurantAddress: "told to customers who ask where you are"
        case .restaurantPhone: "told to customers who ask for your number"
        case .restaurantLocation: "lat,lng of the restaurant, sent as a map pin (6.4281,3.4216)"
        }
    }

    public struct Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// What to store for what staff typed, or why it cannot be.
    public func canonical(_ typed: String, symbol: String, code: String) throws -> String {
        let text = typed.trimmingSpaces
        switch self {
        case .restaurantName:
            guard !text.isEmpty, text.count <= 60 else { throw Invalid(message: "a name of 1 to 60 characters") }
            return text
        case .openingHours:
            do {
                _ = try OpeningHours.parse(text)
            } catch {
                throw Invalid(message: "\(error)")
            }
            return text
        case .closedNote, .restaurantAddress, .restaurantPhone:
            guard text.count <= 200 else { throw Invalid(message: "at most 200 characters") }
            return text
        case .deliveryFee, .minimumOrder:
            guard let amount = Kobo.parse(text.isEmpty ? "0" : text, symbol: symbol, code: code) else {
                throw Invalid(message: "\"\(text)\" is not an amount (write 1500, 1,500 or \(symbol)1,500.00)")
            }
            return "\(amount.rawValue)"
        case .preparationMinutes:
            guard let minutes = Int(text), (0...(24 * 60)).contains(minutes) else {
                throw Invalid(message: "a number of minutes from 0 to 1440")
            }
            return "\(minutes)"
        case .restaurantLocation:
            guard text.isEmpty || Coordinates(parsing: text) != nil else {
                throw Invalid(message: "\"\(text)\" is not lat,lng (like 6.4281,3.4216)")
            }
            return text
        }
    }

    /// A stored value as staff read it: money with its symbol, an empty value said in words.
    public func display(_ stored: String, symbol: String) -> String {
        switch self {
        case .deliveryFee, .minimumOrder: Kobo(Int(stored) ?? 0).formatted(symbol: symbol)
        case .closedNote: stored.isEmpty ? "(open as the hours say)" : stored
        case .openingHours: stored.isEmpty ? "(always open)" : stored
        case .preparationMinutes: "\(stored) min"
        default: stored.isEmpty ? "(none)" : stored
        }
    }
}

extension Settings {
    /// These settings with stored values in place of the configuration's. A value that does not read (written
    /// around the command that checks it) is passed over: the configuration's stands.
    public func applying(_ stored: [String: String]) -> Settings {
        var settings = self
        for key in SettingKey.allCases {
            guard let value = stored[key.rawValue] else { continue }
            switch key {
            case .restaurantName: if !value.isEmpty { settings.restaurantName = value }
            case .openingHours: if let hours = try? OpeningHours.parse(value) { settings.openingHours = hours }
            case .closedNote: settings.closedNote = value
            case .deliveryFee: if let kobo = Int(value), kobo >= 0 { settings.deliveryFee = Kobo(kobo) }
            case .minimumOrder: if let kobo = Int(value), kobo >= 0 { settings.minimumOrder = Kobo(kobo) }
            case .preparationMinutes:
                if let minutes = Int(value), (0...(24 * 60)).contains(minutes) { settings.preparationMinutes = minutes }
            case .restaurantAddress: settings.restaurantAddress = value
            case .restaurantPhone: settings.restaurantPhone = value
            case .restaurantLocation:
                let pin = Coordinates(parsing: value)
                settings.restaurantLocation = value.isEmpty ? nil : pin ?? settings.restaurantLocation
            }
        }
        return settings
    }
}
