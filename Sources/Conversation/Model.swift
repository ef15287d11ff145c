import Domain

/// Where a customer's conversation stands. Persisted as JSON with a version, so it must stay `Codable` and
/// old rows must keep decoding: add fields with defaults, never rename.
public struct State: Codable, Equatable, Sendable {
    public var step: Step

    public init(step: Step = .new) {
        self.step = step
    }

    public enum Step: String, Codable, Equatable, Sendable {
        /// Never greeted.
        case new
        /// Shown the categories; waiting for a pick.
        case choosingCategory
    }
}

/// Something that happened to a conversation. Provider payloads are translated into these at the edge.
public enum Event: Equatable, Sendable {
    case customerSent(Input)
}

/// What a customer sent, with WhatsApp's wire shapes already removed.
public enum Input: Equatable, Sendable {
    case text(String)
    /// A tapped list row or reply button: our own id comes back.
    case choice(id: String, title: String)
    case location(latitude: Double, longitude: Double, name: String?, address: String?)
    /// Media, stickers, contacts, polls and anything else the bot cannot read.
    case unsupported(kind: String)
}

/// Everything a step may consult. The reducer reads no clock, database or network: it all arrives here.
public struct Context: Equatable, Sendable {
    public var restaurantName: String
    public var currencySymbol: String
    public var menu: Menu
    /// The WhatsApp profile name, when Meta sent one.
    public var customerName: String?

    public init(restaurantName: String, currencySymbol: String, menu: Menu, customerName: String?) {
        self.restaurantName = restaurantName
        self.currencySymbol = currencySymbol
        self.menu = menu
        self.customerName = customerName
    }
}

/// Work the reducer asks for. Stored in the outbox in the same transaction as the new state.
public enum Effect: Equatable, Codable, Sendable {
    case reply(Reply)
}

/// A message for the customer, independent of WhatsApp's JSON. Ids come back as `Input.choice`.
public enum Reply: Equatable, Codable, Sendable {
    case text(String)
    case list(ListReply)
    case buttons(ButtonsReply)
}

public struct ListReply: Equatable, Codable, Sendable {
    public var header: String?
    public var body: String
    public var footer: String?
    public var button: String
    public var sections: [Section]

    public struct Section: Equatable, Codable, Sendable {
        public var title: String
        public var rows: [Row]
        public init(title: String, rows: [Row]) {
            self.title = title
            self.rows = rows
        }
    }

    public struct Row: Equatable, Codable, Sendable {
        public var id: String
        public var title: String
        public var description: String?
        public init(id: String, title: String, description: String? = nil) {
            self.id = id
            self.title = title
            self.description = description
        }
    }

    public init(header: String? = nil, body: String, footer: String? = nil, button: String, sections: [Section]) {
        self.header = header
        self.body = body
        self.footer = footer
        self.button = button
        self.sections = sections
    }
}

public struct ButtonsReply: Equatable, Codable, Sendable {
    public var body: String
    public var buttons: [Button]

    public struct Button: Equatable, Codable, Sendable {
        public var id: String
        public var title: String
        public init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }

    public init(body: String, buttons: [Button]) {
        self.body = body
        self.buttons = buttons
    }
}

/// The result of one step.
public struct Transition: Equatable, Sendable {
    public var state: State
    public var effects: [Effect]

    public init(state: State, effects: [Effect]) {
        self.state = state
        self.effects = effects
    }
}
