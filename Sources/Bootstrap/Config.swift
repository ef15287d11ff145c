import Domain
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The configuration of design.md §3: an env-style file named by `WHATSORDER_CONFIG`, overridden by real
/// environment variables of the same name. Read once per process. Key names are a contract: keep them.
public struct Config: Sendable {
    /// Every key we read, with its default, whether it is a secret, and what it means. `config check` prints
    /// this table, and docs/configuration.md mirrors it.
    public struct Key: Sendable {
        public var name: String
        public var defaultValue: String
        public var secret: Bool
        public var meaning: String
    }

    public static let keys: [Key] = [
        Key(
            name: "DATABASE_URL", defaultValue: "sqlite:var/whatsorder.sqlite3", secret: false,
            meaning: "sqlite:PATH (relative to the working directory) or sqlite:///ABS/PATH"),
        Key(
            name: "WHATSAPP_VERIFY_TOKEN", defaultValue: "", secret: true,
            meaning: "token typed into Meta's dashboard for the GET handshake"),
        Key(
            name: "WHATSAPP_APP_SECRET", defaultValue: "", secret: true,
            meaning: "key for X-Hub-Signature-256; when empty every POST is refused"),
        Key(name: "WHATSAPP_ACCESS_TOKEN", defaultValue: "", secret: true, meaning: "Bearer token for the Graph API"),
        Key(
            name: "WHATSAPP_PHONE_NUMBER_ID", defaultValue: "", secret: false,
            meaning: "sender id in /{version}/{id}/messages"),
        Key(
            name: "WHATSAPP_GRAPH_URL", defaultValue: "https://graph.facebook.com", secret: false,
            meaning: "Graph API base URL"),
        Key(name: "WHATSAPP_API_VERSION", defaultValue: "v25.0", secret: false, meaning: "Graph API version segment"),
        Key(
            name: "WHATSAPP_CATALOG_ID", defaultValue: "", secret: false,
            meaning: "the Meta catalog `catalog sync` fills; set, the welcome offers it and carts are orders"),
        Key(
            name: "PAYSTACK_SECRET_KEY", defaultValue: "", secret: true,
            meaning: "sk_test_… or sk_live_…: API bearer and webhook signature key"),
        Key(
            name: "PAYSTACK_PUBLIC_KEY", defaultValue: "", secret: false,
            meaning: "accepted for compatibility; unused by the backend"),
        Key(
            name: "PAYSTACK_API_URL", defaultValue: "https://api.paystack.co", secret: false,
            meaning: "Paystack API base URL"),
        Key(
            name: "PAYSTACK_CALLBACK_URL", defaultValue: "", secret: false,
            meaning: "where Paystack sends the customer's browser after paying"),
        Key(name: "CURRENCY_CODE", defaultValue: "NGN", secret: false, meaning: "ISO 4217 code of every price"),
        Key(name: "CURRENCY_SYMBOL", defaultValue: "₦", secret: false, meaning: "symbol shown before prices"),
        Key(
            name: "STAFF_WHATSAPP_NUMBERS", defaultValue: "", secret: false,
            meaning: "comma-separated numbers told about every paid order"),
        Key(
            name: "TIME_ZONE", defaultValue: "Africa/Lagos", secret: false,
            meaning: "for opening hours and times shown to people"),
        Key(name: "LOG_LEVEL", defaultValue: "info", secret: false, meaning: "debug, info, warning or error"),
        Key(
            name: "OUTBOX_SOCKET", defaultValue: "var/run/sender.sock", secret: false,
            meaning: "where a running `whatsorder sender` listens for wake-ups"),
        Key(
            name: "WHATSORDER_URL", defaultValue: "http://127.0.0.1:8080", secret: false,
            meaning: "where this machine reaches the stack: `whatsorder demo` and `simulate` talk to it there"),
        Key(
            name: "WHATSORDER_BIN", defaultValue: "", secret: false,
            meaning: "the command handlers start when no sender listens (default: whatsorder beside the handler)"),
        Key(
            name: "RESTAURANT_NAME", defaultValue: "our restaurant", secret: false,
            meaning: "the name the bot greets customers with"),
        Key(
            name: "DELIVERY_FEE", defaultValue: "0", secret: false,
            meaning: "added to delivery orders, in minor units (kobo)"),
        Key(
            name: "MIN_ORDER_AMOUNT", defaultValue: "0", secret: false,
            meaning: "the smallest subtotal that can be checked out, in minor units (kobo)"),
        Key(
            name: "LATE_MESSAGE_AGE", defaultValue: "3600", secret: false,
            meaning: "seconds after which a redelivered message is recorded but not acted on"),
        Key(
            name: "CONVERSATION_IDLE_TIMEOUT", defaultValue: "21600", secret: false,
            meaning: "seconds of quiet after which a conversation starts again at the welcome (the cart is kept)"),
        Key(
            name: "PAYSTACK_EMAIL_DOMAIN", defaultValue: "example.com", secret: false,
            meaning: "domain of the placeholder receipt email (customer-<id>@domain) for customers who skip it"),
        Key(
            name: "PAYSTACK_WEBHOOK_SECRETS", defaultValue: "", secret: true,
            meaning: "comma-separated older secret keys still accepted for webhook signatures during a key rotation"),
        Key(
            name: "PAYMENT_LINK_TTL", defaultValue: "1800", secret: false,
            meaning: "seconds after which an unpaid payment link expires (the customer types pay for a fresh one)"),
        Key(
            name: "PAYMENT_RECONCILE_AGE", defaultValue: "120", secret: false,
            meaning: "seconds a payment is left to Paystack's webhook before `payments reconcile` verifies it"),
        Key(
            name: "WHATSAPP_BUSINESS_NUMBER", defaultValue: "", secret: false,
            meaning: "the restaurant's WhatsApp number in international form; the payment page links to wa.me/<it>"),
        Key(
            name: "OPENING_HOURS", defaultValue: "", secret: false,
            meaning:
                "when checkout is open, in TIME_ZONE, e.g. Mon-Fri 09:00-21:00; Sat-Sun 10:00-22:00 (empty: always)"),
        Key(
            name: "CLOSED_NOTE", defaultValue: "", secret: false,
            meaning: "when set, checkout is closed whatever the hours say, and customers are told this"),
        Key(
            name: "HANDOFF_TIMEOUT", defaultValue: "3600", secret: false,
            meaning:
                "seconds a person keeps a chat (after `agent`, `chat pause` or their last `chat send`) before the bot answers again"
        ),
        Key(
            name: "STAFF_SECRET", defaultValue: "", secret: true,
            meaning: "keys the order board's CSRF tokens (any long random string); empty refuses every board POST"),
        Key(
            name: "STAFF_HTPASSWD", defaultValue: "/etc/whatsorder/staff.htpasswd", secret: false,
            meaning: "the board's users for nginx auth_basic, written by `whatsorder staff add-user`"),
        Key(
            name: "TEMPLATE_ORDER_UPDATE", defaultValue: "", secret: false,
            meaning:
                "approved utility template for status updates outside the 24-hour window ({{1}} order, {{2}} status)"),
        Key(
            name: "TEMPLATE_STAFF_ALERT", defaultValue: "", secret: false,
            meaning:
                "approved utility template for alerts to a staff number silent for 24 hours ({{1}} the alert)"),
        Key(
            name: "TEMPLATE_LANGUAGE", defaultValue: "en", secret: false,
            meaning: "the language code the template was approved in (en, en_US, …)"),
        Key(
            name: "SEND_CONCURRENCY", defaultValue: "64", secret: false,
            meaning:
                "WhatsApp sends in flight at once (one per customer at most); at least rate × Meta's round trip"),
        Key(
            name: "SEND_RATE_LIMIT", defaultValue: "80", secret: false,
            meaning: "WhatsApp messages a second at most (Meta's default tier is 80; 1000 for upgraded numbers)"),
        Key(
            name: "SENDER_LOG_FILE", defaultValue: "", secret: false,
            meaning: "where a handler's fallback `outbox send --once` writes its log (default: discarded)"),
        Key(
            name: "RECEIPT_EMAIL", defaultValue: "never", secret: false,
            meaning:
                "ask: ask for a receipt email at checkout; never: don't (Paystack gets the remembered or a generated one)"
        ),
        Key(
            name: "RESTAURANT_ADDRESS", defaultValue: "", secret: false,
            meaning: "the restaurant's street address, told to customers who ask where it is and to pickup customers"),
        Key(
            name: "RESTAURANT_PHONE", defaultValue: "", secret: false,
            meaning: "the number customers may call, told to those who ask"),
        Key(
            name: "RESTAURANT_LOCATION", defaultValue: "", secret: false,
            meaning:
                "lat,lng of the restaurant, sent as a map pin to pickup customers and on request (e.g. 6.4281,3.4216)"),
        Key(
            name: "PREPARATION_MINUTES", defaultValue: "30", secret: false,
            meaning: "how long an order usually takes once paid; customers who ask are told when it should be ready"),
    ]

    public static let defaultFile = "/etc/whatsorder/whatsorder.env"

    public var values: [String: String]
    /// The file that was read, if any (for `config check`).
    public var source: String?

    public init(values: [String: String], source: String? = nil) {
        self.values = values
        self.source = source
    }

    public subscript(_ name: String) -> String {
        if let value = values[name] { return value }
        return Config.keys.first { $0.name == name }?.defaultValue ?? ""
    }

    /// Loads the file (a missing default file is fine; a missing named file is an error), then overlays the
    /// environment. `fileOverride` is `--config FILE`; `params` are a FastCGI request's params, which may name
    /// the file when the process environment does not.
    public static func load(
        fileOverride: String? = nil, environment: [String: String], params: [String: String] = [:]
    ) throws -> Config {
        let named = fileOverride ?? environment["WHATSORDER_CONFIG"] ?? params["WHATSORDER_CONFIG"]
        let path = named ?? defaultFile
        var values: [String: String] = [:]
        var source: String?
        if let text = try readFile(path) {
            values = try parseEnvFile(text, path: path)
            source = path
        } else if named != nil {
            throw ConfigError(message: "configuration file \(path) cannot be read")
        }
        for key in keys {
            if let value = environment[key.name] { values[key.name] = value }
        }
        return Config(values: values, source: source)
    }

    /// `KEY=value` lines; `#` comments and blank lines ignored; `export ` accepted; values may be single- or
    /// double-quoted (double quotes understand `\"`, `\\` and `\n`); unquoted values end at ` #`.
    public static func parseEnvFile(_ text: String, path: String = "config") throws -> [String: String] {
        var values: [String: String] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            line = line.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.first == "#" { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).drop { $0 == " " } }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigError(message: "\(path):\(offset + 1): expected KEY=value")
            }
            let key = line[..<equals].trimmingSpaces
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigError(message: "\(path):\(offset + 1): invalid key")
            }
            var value = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            if value.first == "\"" || value.first == "'" {
                let quote = value.removeFirst()
                var result = ""
                var closed = false
                var iterator = value.makeIterator()
                while let character = iterator.next() {
                    if character == quote {
                        closed = true
                        break
                    }
                    if quote == "\"" && character == "\\", let next = iterator.next() {
                        result.append(next == "n" ? "\n" : next)
                    } else {
                        result.append(character)
                    }
                }
                guard closed else { throw ConfigError(message: "\(path):\(offset + 1): unterminated quote") }
                values[key] = result
            } else {
                var text = ""
                var previous: Character = " "
                for character in value {
                    if character == "#" && (previous == " " || previous == "\t") { break }
                    text.append(character)
                    previous = character
                }
                values[key] = text.trimmingSpaces
            }
        }
        return values
    }

    static func readFile(_ path: String) throws -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Typed views

    /// Where the data lives: a SQLite file, or a PostgreSQL server.
    public enum DatabaseLocation: Equatable, Sendable {
        case sqlite(path: String)
        /// The URL as libpq reads it (`postgres://user:password@host:port/db?sslmode=…`).
        case postgres(url: String)

        public var sqlitePath: String? {
            if case .sqlite(let path) = self { return path }
            return nil
        }
    }

    /// What `DATABASE_URL` names.
    public func database() throws -> DatabaseLocation {
        usesPostgres ? .postgres(url: self["DATABASE_URL"]) : .sqlite(path: try databasePath())
    }

    /// True when `DATABASE_URL` names a PostgreSQL server.
    public var usesPostgres: Bool {
        let url = self["DATABASE_URL"]
        return url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    /// The SQLite path a `DATABASE_URL` names; an error for any other database.
    public func databasePath() throws -> String {
        let url = self["DATABASE_URL"]
        if usesPostgres {
            throw ConfigError(message: "DATABASE_URL names a PostgreSQL server: this needs a SQLite file")
        }
        if url.hasPrefix("sqlite:///") { return String(url.dropFirst("sqlite://".count)) }
        if url.hasPrefix("sqlite://") {
            throw ConfigError(message: "DATABASE_URL: use sqlite:PATH or sqlite:///ABSOLUTE/PATH")
        }
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            if !path.isEmpty { return path }
        }
        let scheme = url.split(separator: ":").first.map(String.init) ?? url
        throw ConfigError(
            message: "DATABASE_URL scheme \"\(scheme)\" is not supported (sqlite:, postgres:// or postgresql://)")
    }

    public var logLevel: String { self["LOG_LEVEL"] }

    /// Every key a Paystack signature may be made with: the current secret key first, then rotated-out ones.
    public var paystackSignatureSecrets: [String] {
        ([self["PAYSTACK_SECRET_KEY"]]
            + self["PAYSTACK_WEBHOOK_SECRETS"].split(separator: ",").map { $0.trimmingSpaces })
            .filter { !$0.isEmpty }
    }

    /// The largest count a setting may hold. A trillion kobo (₦10 billion) or seconds (31,000 years) is more than
    /// any setting needs, and keeps the arithmetic done with it (seconds × 1000, fee + total) far from overflowing.
    static let largestCount = 1_000_000_000_000

    /// A whole, non-negative number up to `largestCount`, or a clear error naming the key.
    public func count(_ name: String) throws -> Int {
        let raw = self[name].trimmingSpaces
        guard let value = Int(raw), value >= 0, value <= Config.largestCount else {
            throw ConfigError(
                message: "\(name) must be a whole number of minor units or seconds up to 10^12, not \"\(raw)\"")
        }
        return value
    }

    /// `SEND_CONCURRENCY` (1–1,024) and `SEND_RATE_LIMIT` (1–1,000,000 a second; stand-ins on no tier use the top),
    /// refused by name when out of range:
    /// a sender with no room to send would queue replies forever.
    public func sendLimits() throws -> (concurrency: Int, ratePerSecond: Int) {
        func bounded(_ name: String, _ range: ClosedRange<Int>) throws -> Int {
            let raw = self[name].trimmingSpaces
            guard let value = Int(raw), range.contains(value) else {
                throw ConfigError(
                    message:
                        "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(raw)\""
                )
            }
            return value
        }
        return (try bounded("SEND_CONCURRENCY", 1...1024), try bounded("SEND_RATE_LIMIT", 1...1_000_000))
    }

    /// `RECEIPT_EMAIL`: true for `ask`, false for `never`; anything else is refused by name.
    public var asksReceiptEmail: Bool {
        get throws {
            switch self["RECEIPT_EMAIL"].trimmingSpaces.lowercased() {
            case "ask": return true
            case "never", "": return false
            case let other: throw ConfigError(message: "RECEIPT_EMAIL must be ask or never, not \"\(other)\"")
            }
        }
    }

    /// `RESTAURANT_LOCATION` as coordinates, nil when empty; a value that is not `lat,lng` is refused by name.
    public var restaurantLocation: Coordinates? {
        get throws {
            let raw = self["RESTAURANT_LOCATION"].trimmingSpaces
            if raw.isEmpty { return nil }
            guard let location = Coordinates(parsing: raw) else {
                throw ConfigError(message: "RESTAURANT_LOCATION must be lat,lng (e.g. 6.4281,3.4216), not \"\(raw)\"")
            }
            return location
        }
    }

    /// What `config check` prints: every key, secrets masked to their length and last two characters at most.
    public func maskedReport() -> [(key: String, value: String, origin: String)] {
        Config.keys.map { key in
            let present = values[key.name]
            let value = present ?? key.defaultValue
            let shown =
                key.secret ? Config.mask(value) : key.name == "DATABASE_URL" ? Config.maskPassword(value) : value
            return (key.name, shown, present == nil ? "default" : "set")
        }
    }

    /// A database URL with its password, if it has one, masked: `postgres://app:******@db/whatsorder`.
    public static func maskPassword(_ url: String) -> String {
        let parts = url.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        // ["postgres:", "", "user:password@host:port/db…"]
        guard parts.count == 3, parts[0].hasSuffix(":"), parts[1].isEmpty else { return url }
        let authority = parts[2].prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return url
        }
        return String(url[..<url.index(after: colon)]) + "******" + String(url[at...])
    }

    public static func mask(_ secret: String) -> String {
        if secret.isEmpty { return "" }
        if secret.count < 12 { return "****** (\(secret.count) chars)" }
        return "******" + secret.suffix(2) + " (\(secret.count) chars)"
    }

    /// Keys a mode cannot run without.
    public enum Mode: String, CaseIterable, Sendable {
        case webhook, sender, payments, all
    }

    public func missingKeys(for mode: Mode) -> [String] {
        let webhook = ["WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_PHONE_NUMBER_ID"]
        let sender = ["WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"]
        let payments = ["PAYSTACK_SECRET_KEY"]
        let required: [String]
        switch mode {
        case .webhook: required = webhook
        case .sender: required = sender
        case .payments: required = payments
        case .all: required = webhook + sender + payments
        }
        var seen: Set<String> = []
        return required.filter { self[$0].isEmpty && seen.insert($0).inserted }
    }
}

public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
