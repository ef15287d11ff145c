import App
import Conversation
import Domain
import FoundationEssentials
import Gateway
import HTTPClient
import Paystack
import Storage
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The one place where live values are built: configuration, clock, store, logger, sender wake-up.
/// A handler executable owns one `HandlerRuntime` for its whole life (one request in CGI, many in FastCGI).
public final class HandlerRuntime: @unchecked Sendable {
    private let environment: [String: String]
    /// Built on the first request and kept: configuration is read once per process (design.md §3). A runtime
    /// serves the one endpoint its executable is for.
    private var handler: ((Request) -> Outcome)?
    private var store: Store?
    /// A threaded worker's shared transactions (WhatsApp endpoint only; see `whatsAppWebhook`).
    private var groupCommit: GroupCommit?
    private let threaded: Bool
    /// Guards building `handler` when requests arrive on several threads at once.
    private let building = Mutex(())

    /// `threaded`: requests arrive on several threads at once (`--threads N`), so the WhatsApp endpoint's database
    /// work goes through one `GroupCommit` instead of a connection per call.
    /// `preloaded`: the configuration as the process environment gives it, already read at start
    /// (`PostgresHandoff`); used for the first request unless that request's params name another file.
    public init(
        environment: [String: String] = currentEnvironment(), threaded: Bool = false, preloaded: Config? = nil
    ) {
        self.environment = environment
        self.threaded = threaded
        self.preloaded = preloaded
    }

    private var preloaded: Config?

    /// Serves one request of the WhatsApp endpoint. Configuration is read on the first request, because under
    /// FastCGI `WHATSORDER_CONFIG` may arrive as a request param rather than in the process environment.
    public func whatsAppWebhook(_ request: Request) -> Outcome {
        serve(request, component: "whatsapp-webhook") { config, log in
            // PostgreSQL takes concurrent writers itself: each thread has its own connection instead.
            if threaded && !config.usesPostgres {
                groupCommit = GroupCommit(
                    open: { try Live.openStore(config) },
                    failed: { error in log.error("batch not committed", ["error": "\(error)"]) })
            }
            return WhatsAppWebhook(
                settings: WhatsAppWebhook.Settings(
                    verifyToken: config["WHATSAPP_VERIFY_TOKEN"], appSecret: config["WHATSAPP_APP_SECRET"],
                    phoneNumberID: config["WHATSAPP_PHONE_NUMBER_ID"]),
                conversation: try Live.conversationRunner(config), now: Live.nowMilliseconds,
                store: { [unowned self] in try self.openStore(config) }, groupCommit: groupCommit,
                wakeSender: SenderWakeup(config: config, log: log).wake, log: log
            ).handle
        }
    }

    /// Serves one request of the Paystack endpoint.
    public func paystackWebhook(_ request: Request) -> Outcome {
        serve(request, component: "paystack-webhook") { config, log in
            PaystackWebhook(
                settings: PaystackWebhook.Settings(secrets: config.paystackSignatureSecrets),
                payments: try Live.paymentDesk(config), now: Live.nowMilliseconds,
                store: { [unowned self] in try self.openStore(config) },
                wakeSender: SenderWakeup(config: config, log: log).wake, log: log
            ).handle
        }
    }

    /// Serves the page a customer's browser lands on after paying.
    public func paymentReturn(_ request: Request) -> Outcome {
        serve(request, component: "payment-return") { config, log in
            PaymentReturn(
                restaurantName: config["RESTAURANT_NAME"],
                chatURL: PaymentReturnPage.chatURL(businessNumber: config["WHATSAPP_BUSINESS_NUMBER"]),
                store: { [unowned self] in try self.openStore(config) }, log: log
            ).handle
        }
    }

    /// Serves the staff's order board (behind nginx's basic auth).
    public func orderBoard(_ request: Request) -> Outcome {
        serve(request, component: "order-board") { config, log in
            OrderBoard(
                settings: OrderBoard.Settings(
                    secret: config["STAFF_SECRET"], restaurantName: config["RESTAURANT_NAME"],
                    currencySymbol: config["CURRENCY_SYMBOL"], currencyCode: config["CURRENCY_CODE"],
                    configured: Dictionary(
                        uniqueKeysWithValues: SettingKey.allCases.map { ($0.rawValue, config[$0.rawValue]) })),
                desk: try Live.orderDesk(config), now: Live.nowMilliseconds,
                store: { [unowned self] in try self.openStore(config) },
                wakeSender: SenderWakeup(config: config, log: log).wake, log: log
            ).handle
        }
    }

    /// Dev mode's stand-in for Meta and Paystack (`/dev/`, local stack only). `transport` posts the fake
    /// checkout's signed event to our own webhook.
    public func devCapture(_ request: Request, transport: HTTPTransport) -> Outcome {
        serve(request, component: "dev-capture") { config, log in
            // Beside the SQLite database, or on PostgreSQL beside the configuration file (dev mode's own record).
            let path = try config.database().sqlitePath ?? config.source ?? "whatsorder.env"
            let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
                .joined(separator: "/")
            let capturePath = (directory.isEmpty ? "" : directory + "/") + "dev-capture.sqlite3"
            var database: DevCaptureStore?
            return DevCapture(
                settings: DevCapture.Settings(
                    paystackSecret: config["PAYSTACK_SECRET_KEY"], callbackURL: config["PAYSTACK_CALLBACK_URL"]),
                database: {
                    if let database { return database }
                    let opened = try DevCaptureStore(path: capturePath)
                    database = opened
                    return opened
                },
                transport: transport, now: Live.nowMilliseconds, log: log
            ).handle
        }
    }

    private func serve(
        _ request: Request, component: String, build: (Config, Logger) throws -> (Request) -> Outcome
    ) -> Outcome {
        let made: ((Request) -> Outcome)? = building.withLock { _ in
            if let handler { return handler }
            do {
                // The file the process environment names wins over a param's, so the preloaded one is the same
                // configuration unless only the request names a file.
                let usable =
                    environment["WHATSORDER_CONFIG"] != nil || request.params["WHATSORDER_CONFIG"] == nil
                let config =
                    try (usable ? preloaded : nil) ?? Config.load(environment: environment, params: request.params)
                preloaded = nil
                handler = try build(config, Live.stderrLogger(config: config, component: component))
            } catch {
                // Not kept: the next request reads the configuration again, so fixing the file needs no restart.
                // Not logged for the verify handshake: nginx would add its request line, and the query string
                // carries the token (the next POST logs the same error).
                if request.query["hub.verify_token"] == nil {
                    Live.stderrLogger(level: .error, component: component).error(
                        "configuration", ["error": "\(error)"])
                }
            }
            return handler
        }
        guard let made else { return Outcome(.text(503, "not configured")) }
        return made(request)
    }

    private func openStore(_ config: Config) throws -> Store {
        if threaded && config.usesPostgres { return try threadStore(config) }
        if let store { return store }
        let opened = try Live.openStore(config)
        store = opened
        return opened
    }

    /// A threaded worker on PostgreSQL: a connection per thread, kept for the thread's life (the worker's threads
    /// live as long as the process).
    private var threadStores: [pthread_t: Store] = [:]
    private let threadStoresLock = Mutex(())

    private func threadStore(_ config: Config) throws -> Store {
        let thread = pthread_self()
        if let known = threadStoresLock.withLock({ _ in threadStores[thread] }) { return known }
        let opened = try Live.openStore(config)
        threadStoresLock.withLock { _ in threadStores[thread] = opened }
        return opened
    }

    /// Closes the database before exit, so the last connection checkpoints and removes the WAL.
    public func close() {
        store?.close()
        store = nil
        groupCommit?.close()
        threadStoresLock.withLock { _ in
            for store in threadStores.values { store.close() }
            threadStores.removeAll()
        }
    }
}

public enum Live {
    /// Opens a PostgreSQL store. Set once, first thing in `main`, by the executables that link libpq
    /// (`whatsorder`, `handlers-postgres`); nil in the static handlers, which hand a PostgreSQL deployment's
    /// requests to `handlers-postgres` instead (`PostgresHandoff`).
    nonisolated(unsafe) public static var openPostgres: ((String) throws -> Store)?

    /// The store `DATABASE_URL` names. `create` (a SQLite file that does not exist yet) is for `migrate` only.
    public static func openStore(_ config: Config, create: Bool = false) throws -> Store {
        switch try config.database() {
        case .sqlite(let path):
            return try Store.open(path: path, create: create)
        case .postgres(let url):
            guard let openPostgres else {
                throw ConfigError(message: "DATABASE_URL names PostgreSQL, which this executable does not link")
            }
            return try openPostgres(url)
        }
    }

    @Sendable public static func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public static func stderrLogger(config: Config, component: String) -> Logger {
        stderrLogger(level: Logger.Level(name: config.logLevel) ?? .info, component: component)
    }

    public static func stderrLogger(level: Logger.Level, component: String) -> Logger {
        Logger(level: level, component: component) { line in
            let bytes = Array((line + "\n").utf8)
            bytes.withUnsafeBytes { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
        }
    }

    /// The conversation's settings from configuration, with the live id generator.
    public static func conversationRunner(_ config: Config) throws -> ConversationRunner {
        ConversationRunner(
            settings: Settings(
                restaurantName: config["RESTAURANT_NAME"], currencyCode: config["CURRENCY_CODE"],
                currencySymbol: config["CURRENCY_SYMBOL"], deliveryFee: Kobo(try config.count("DELIVERY_FEE")),
                minimumOrder: Kobo(try config.count("MIN_ORDER_AMOUNT")),
                lateAfter: Int64(try config.count("LATE_MESSAGE_AGE")) * 1000,
                idleAfter: Int64(try config.count("CONVERSATION_IDLE_TIMEOUT")) * 1000,
                placeholderEmailDomain: config["PAYSTACK_EMAIL_DOMAIN"],
                openingHours: try OpeningHours.parse(config["OPENING_HOURS"]), closedNote: config["CLOSED_NOTE"],
                handoffTimeout: Int64(try config.count("HANDOFF_TIMEOUT")) * 1000,
                asksReceiptEmail: try config.asksReceiptEmail, restaurantAddress: config["RESTAURANT_ADDRESS"],
                restaurantPhone: config["RESTAURANT_PHONE"], restaurantLocation: try config.restaurantLocation,
                preparationMinutes: min(try config.count("PREPARATION_MINUTES"), 24 * 60),
                hasCatalog: !config["WHATSAPP_CATALOG_ID"].isEmpty),
            paymentCallbackURL: config["PAYSTACK_CALLBACK_URL"],
            newID: { OrderIDs.make { UInt64.random(in: 0...UInt64.max) } },
            utcOffset: try utcOffset(zone: config["TIME_ZONE"]),
            staffNumbers: ConversationRunner.staffNumbers(from: config["STAFF_WHATSAPP_NUMBERS"]),
            staffAlertTemplate: config["TEMPLATE_STAFF_ALERT"].isEmpty
                ? nil : OrderDesk.Template(name: config["TEMPLATE_STAFF_ALERT"], language: config["TEMPLATE_LANGUAGE"]),
            catalogID: config["WHATSAPP_CATALOG_ID"])
    }

    /// The offset of `zone` (an IANA name such as Africa/Lagos) from UTC at a moment, from the system's tz
    /// database through the C library: the handlers carry no ICU. The zone is set once for the process.
    public static func utcOffset(zone: String) throws -> @Sendable (Int64) -> Int {
        guard !zone.isEmpty, !zone.contains(".."), access("/usr/share/zoneinfo/" + zone, R_OK) == 0 || zone == "UTC"
        else {
            throw ConfigError(message: "TIME_ZONE \"\(zone)\" is not a zone in /usr/share/zoneinfo (e.g. Africa/Lagos)")
        }
        setenv("TZ", ":" + zone, 1)
        tzset()
        return { milliseconds in
            var seconds = time_t(milliseconds / 1000)
            var parts = tm()
            guard localtime_r(&seconds, &parts) != nil else { return 0 }
            return Int(parts.tm_gmtoff)
        }
    }

    /// Paystack's verdicts applied to orders: the webhook and reconcile share it.
    public static func paymentDesk(_ config: Config) throws -> PaymentDesk {
        PaymentDesk(
            conversation: try conversationRunner(config), mode: paystackMode(secretKey: config["PAYSTACK_SECRET_KEY"]))
    }

    /// Staff's moves on orders, with the template for customers outside WhatsApp's 24-hour window.
    public static func orderDesk(_ config: Config) throws -> OrderDesk {
        let name = config["TEMPLATE_ORDER_UPDATE"]
        return OrderDesk(
            conversation: try conversationRunner(config),
            template: name.isEmpty ? nil : OrderDesk.Template(name: name, language: config["TEMPLATE_LANGUAGE"]),
            mode: paystackMode(secretKey: config["PAYSTACK_SECRET_KEY"]))
    }

    /// Uniform in 0..<1 from the system generator; only jitter uses it.
    public static func random() -> Double { Double.random(in: 0..<1) }
}

/// The process environment as the configuration reads it: `WHATSORDER_CONFIG` and the configuration keys
/// (design.md §3). Handlers read request data from their request, never from here.
/// NB: looked up name by name, not copied whole: under fcgiwrap a CGI process's environment also holds every
/// request header (`HTTP_*`), which is the request's business, not the configuration's.
public func currentEnvironment() -> [String: String] {
    configurationEnvironment { name in getenv(name).map { String(cString: $0) } }
}

/// The variables `Config.load` reads, from `lookup`.
func configurationEnvironment(_ lookup: (String) -> String?) -> [String: String] {
    var values: [String: String] = [:]
    for name in ["WHATSORDER_CONFIG"] + Config.keys.map(\.name) {
        if let value = lookup(name) { values[name] = value }
    }
    return values
}
