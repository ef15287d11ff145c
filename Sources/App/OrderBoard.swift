import Conversation
import Crypto
import Domain
import Gateway
import HTTPClient
import Storage

/// `/staff/`: today's orders for the kitchen, behind nginx's basic auth. GET shows the board; POST
/// `/staff/orders/<code>/advance` or `/cancel` moves an order through the same `OrderDesk` as the command line
/// (so the customer is told the same way), then redirects back. Every POST carries a CSRF token tied to the
/// signed-in user and the day.
public struct OrderBoard {
    public struct Settings: Sendable {
        /// `STAFF_SECRET`: keys the CSRF tokens. Empty refuses every POST (fail closed).
        public var secret: String
        public var restaurantName: String
        public var currencySymbol: String
        public var currencyCode: String
        /// The configuration file's values of the settings staff can change (`SettingKey`), as it writes them.
        public var configured: [String: String]

        public init(
            secret: String, restaurantName: String, currencySymbol: String, currencyCode: String = "NGN",
            configured: [String: String] = [:]
        ) {
            self.secret = secret
            self.restaurantName = restaurantName
            self.currencySymbol = currencySymbol
            self.currencyCode = currencyCode
            self.configured = configured
        }
    }

    public var settings: Settings
    public var desk: OrderDesk
    public var now: @Sendable () -> Int64
    public var store: () throws -> Store
    public var wakeSender: @Sendable () -> Void
    public var log: Logger

    public init(
        settings: Settings, desk: OrderDesk, now: @escaping @Sendable () -> Int64, store: @escaping () throws -> Store,
        wakeSender: @escaping @Sendable () -> Void, log: Logger
    ) {
        self.settings = settings
        self.desk = desk
        self.now = now
        self.store = store
        self.wakeSender = wakeSender
        self.log = log
    }

    public func handle(_ request: Request) -> Outcome {
        // nginx authenticates; a board reached without a user is a broken deployment, not an open door.
        guard let user = request.params["REMOTE_USER"], !user.isEmpty else {
            log.error("order board reached without REMOTE_USER: is auth_basic on /staff/?")
            return Outcome(.text(403, "forbidden"))
        }
        guard let store = currentStore(self.store, log: log) else { return Outcome(.text(503, "storage unavailable")) }
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("GET", 1), ("HEAD", 1):
            return Outcome(page(request: request, user: user, store: store))
        case ("POST", 4) where parts[1] == "orders" && ["advance", "cancel", "confirm", "refund"].contains(parts[3]):
            return post(request, code: OrderCode(rawValue: parts[2]), action: parts[3], user: user, store: store)
        case ("GET", 2) where parts[1] == "chats", ("HEAD", 2) where parts[1] == "chats":
            return Outcome(chats(request: request, user: user, store: store))
        case ("GET", 3) where parts[1] == "chats", ("HEAD", 3) where parts[1] == "chats":
            return Outcome(chat(parts[2], request: request, user: user, store: store))
        case ("GET", 2) where parts[1] == "settings", ("HEAD", 2) where parts[1] == "settings":
            return Outcome(settingsPage(request: request, user: user, store: store))
        case ("POST", 2) where parts[1] == "settings":
            return settingsPost(request, user: user, store: store)
        case ("POST", 4) where parts[1] == "chats" && ["send", "resume"].contains(parts[3]):
            return chatPost(request, number: parts[2], action: parts[3], user: user, store: store)
        // HEAD is GET without the body: an unknown path is as unknown to it.
        case ("GET", _), ("HEAD", _), ("POST", _): return Outcome(.text(404, "not found"))
        default: return Outcome(.methodNotAllowed(allow: ["GET", "HEAD", "POST"]))
        }
    }

    // MARK: - The board

    func page(request: Request, user: String, store: Store) -> Response {
        let at = now()
        let offset = desk.conversation.utcOffset(at)
        // Today on the restaurant's clock, and anything older that still needs the kitchen or a person.
        let midnight = (at / 1000 + Int64(offset)) / 86_400 * 86_400 - Int64(offset)
        let orders: [OrderBoardPage.Card]
        do {
            orders = try store.payableOrders(
                since: midnight * 1000, orStillIn: [.paid, .preparing, .ready, .outForDelivery, .paymentReview]
            ).map { order in
                let customer = try store.customerRecord(order.customer)
                return OrderBoardPage.Card(
                    order: order, customerName: customer?.name,
                    customerNumber: customer?.identity.waID ?? customer?.identity.userID ?? "",
                    placedMinute: Int((order.createdAt / 1000 + Int64(offset)) % 86_400 / 60))
            }
        } catch {
            log.error("board not read", ["error": "\(error)"])
            return .text(503, "storage unavailable")
        }
        return OrderBoardPage.response(model(request: request, user: user, store: store, at: at, cards: orders))
    }

    func model(request: Request, user: String, store: Store, at: Int64, cards: [OrderBoardPage.Card] = [])
        -> OrderBoardPage.Model
    {
        let waiting = (try? store.chatThreads(now: at).filter { $0.handoffUntil != nil && $0.waiting }.count) ?? 0
        // The name as staff last set it, else the configuration's.
        let stored = (try? store.storedSettings()[SettingKey.restaurantName.rawValue]) ?? nil
        let name = stored.flatMap { $0.isEmpty ? nil : $0 } ?? settings.restaurantName
        return OrderBoardPage.Model(
            restaurantName: name, user: user, csrf: csrfToken(user: user, at: at), cards: cards,
            symbol: settings.currencySymbol, notice: request.query["notice"], waitingChats: waiting)
    }

    // MARK: - Settings

    /// Each setting as it is now: stored by staff, else the configuration's.
    func effectiveSettings(_ store: Store) throws -> [(key: SettingKey, value: String, stored: Bool)] {
        let stored = try store.storedSettings()
        return SettingKey.allCases.map { key in
            if let value = stored[key.rawValue] { return (key, value, true) }
            return (key, settings.configured[key.rawValue] ?? "", false)
        }
    }

    func settingsPage(request: Request, user: String, store: Store) -> Response {
        do {
            let model = model(request: request, user: user, store: store, at: now())
            let body = SettingsPage.form(try effectiveSettings(store), symbol: settings.currencySymbol, model: model)
            return OrderBoardPage.page(OrderBoardPage.shell(body, model: model, title: "settings", refresh: nil))
        } catch {
            log.error("settings not read", ["error": "\(error)"])
            return .text(503, "storage unavailable")
        }
    }

    /// Every changed field is checked first and the form is applied whole or not at all, like a menu import.
    func settingsPost(_ request: Request, user: String, store: Store) -> Outcome {
        let form = Query.parse(String(decoding: request.body, as: UTF8.self))
        guard !settings.secret.isEmpty, validCSRF(form["csrf"] ?? "", user: user, at: now()) else {
            log.warning("settings POST without a valid CSRF token", ["user": user])
            return Outcome(.text(403, "forbidden"))
        }
        let notice: String
        do {
            notice = try store.writeTransaction {
                var changes: [(SettingKey, String)] = []
                var problems: [String] = []
                for current in try effectiveSettings(store) {
                    guard let typed = form[current.key.rawValue] else { continue }
                    do {
                        let value = try current.key.canonical(
                            typed, symbol: settings.currencySymbol, code: settings.currencyCode)
                        if value != current.value { changes.append((current.key, value)) }
                    } catch {
                        problems.append("\(current.key.rawValue): \(error)")
                    }
                }
                guard problems.isEmpty else {
                    return "Nothing saved: " + problems.joined(separator: "; ") + "."
                }
                for (key, value) in changes { try store.setSetting(key, to: value, by: user, now: now()) }
                if changes.isEmpty { return "Nothing changed." }
                log.info("settings changed", ["by": user, "keys": changes.map(\.0.rawValue).joined(separator: ",")])
                return "Saved "
                    + changes.map { "\($0.0.rawValue) = \($0.0.display($0.1, symbol: settings.currencySymbol))" }
                    .joined(separator: "; ") + ". Customers see it from their next message."
            }
        } catch {
            log.error("settings not saved", ["error": "\(error)"])
            return Outcome(.text(503, "storage unavailable"))
        }
        return redirect(notice: notice, to: "/staff/settings")
    }

    // MARK: - Chats

    /// "14:05" on the restaurant's clock.
    func clock(_ milliseconds: Int64) -> String {
        let offset = Int64(desk.conversation.utcOffset(milliseconds))
        let minute = Int((milliseconds / 1000 + offset) % 86_400 / 60)
        return OrderBoardPage.format2(minute / 60) + ":" + OrderBoardPage.format2(minute % 60)
    }

    func chats(request: Request, user: String, store: Store) -> Response {
        let at = now()
        do {
            let model = model(request: request, user: user, store: store, at: at)
            let body = ChatPages.list(try store.chatThreads(now: at), clock: clock, model: model)
            return OrderBoardPage.page(
                OrderBoardPage.shell(body, model: model, title: "chats", refresh: "/staff/chats"))
        } catch {
            log.error("chats not read", ["error": "\(error)"])
            return .text(503, "storage unavailable")
        }
    }

    func chat(_ number: String, request: Request, user: String, store: Store) -> Response {
        let at = now()
        do {
            guard let customer = try chatCustomer(number, store: store) else { return .text(404, "no such customer") }
            let model = model(request: request, user: user, store: store, at: at)
            let until = try store.handoffUntil(customer.id, now: at)
            let thread = ChatPages.Thread(
                number: customer.identity.waID ?? number, name: customer.name,
                lines: try store.chatThread(customer.id), withPerson: until != nil)
            let body = ChatPages.thread(thread, clock: clock, model: model)
            // No refresh: it would throw away an answer half typed. Sending or reloading shows what is new.
            return OrderBoardPage.page(OrderBoardPage.shell(body, model: model, title: "chats", refresh: nil))
        } catch {
            log.error("chat not read", ["error": "\(error)"])
            return .text(503, "storage unavailable")
        }
    }

    func chatCustomer(_ number: String, store: Store) throws -> Store.CustomerRecord? {
        let digits = String(number.unicodeScalars.filter { ("0"..."9").contains($0) })
        guard !digits.isEmpty else { return nil }
        return try store.customer(CustomerIdentity(waID: digits, userID: nil))
    }

    func chatPost(_ request: Request, number: String, action: String, user: String, store: Store) -> Outcome {
        let form = Query.parse(String(decoding: request.body, as: UTF8.self))
        guard !settings.secret.isEmpty, validCSRF(form["csrf"] ?? "", user: user, at: now()) else {
            log.warning("chat POST without a valid CSRF token", ["user": user])
            return Outcome(.text(403, "forbidden"))
        }
        let at = now()
        let notice: String
        // Only digits go back into the redirect's Location.
        let number = String(number.unicodeScalars.filter { ("0"..."9").contains($0) })
        do {
            guard let customer = try chatCustomer(number, store: store) else {
                return Outcome(.text(404, "no such customer"))
            }
            let chat = ChatDesk(conversation: desk.conversation)
            notice = try store.writeTransaction {
                if action == "resume" {
                    _ = try chat.resume(customer.id, by: user, store: store, now: at)
                    return "The bot answers +\(number) again; they were told."
                }
                switch try chat.send(form["text"] ?? "", to: customer.id, by: user, store: store, now: at) {
                case .sent: return "Sent to +\(number)."
                case .refused(let why): return "Not sent: \(why)."
                }
            }
        } catch {
            log.error("chat not sent", ["error": "\(error)"])
            return Outcome(.text(503, "storage unavailable"))
        }
        return redirect(notice: notice, to: "/staff/chats/\(number)")
    }

    // MARK: - Moves

    func post(_ request: Request, code: OrderCode, action: String, user: String, store: Store) -> Outcome {
        let form = Query.parse(String(decoding: request.body, as: UTF8.self))
        guard !settings.secret.isEmpty, validCSRF(form["csrf"] ?? "", user: user, at: now()) else {
            log.warning("order board POST without a valid CSRF token", ["user": user])
            return Outcome(.text(403, "forbidden"))
        }
        let notice: String
        let at = now()
        do {
            if action == "refund" {
                notice = try refund(code, form: form, user: user, store: store, now: at)
                return redirect(notice: notice)
            }
            let result: OrderDesk.Result =
                switch action {
                case "confirm": try desk.confirm(code, store: store, now: at)
                case "advance": try desk.apply(.advance, to: code, store: store, now: at)
                default: try desk.apply(.cancel, to: code, reason: form["reason"], store: store, now: at)
                }
            switch result {
            case .moved(let from, let to, let message):
                log.info("order moved", ["order": code.rawValue, "to": to.rawValue, "by": user])
                var told = "customer told"
                if case .notSent = message { told = "customer NOT told (outside the 24-hour window, no template)" }
                notice = "\(code): \(from.label) → \(to.label); \(told)."
            case .refused(let why): notice = "\(code): \(why)."
            case .notFound: notice = "No order \(code)."
            }
        } catch {
            log.error("order not moved", ["order": code.rawValue, "error": "\(error)"])
            return Outcome(.text(503, "storage unavailable"))
        }
        return redirect(notice: notice)
    }

    /// Post/Redirect/Get: a reload of the board never repeats the move.
    func redirect(notice: String, to path: String = "/staff/") -> Outcome {
        let location = path + "?notice=" + Percent.encode(notice)
        return Outcome(
            Response(status: 303, headers: [Response.Header("Location", location)], body: []), afterResponse: wakeSender
        )
    }

    /// The Refund form: a reason always (the browser asks for one, but only this check counts), an amount when
    /// not everything goes back.
    func refund(_ code: OrderCode, form: [String: String], user: String, store: Store, now at: Int64) throws -> String {
        let reason = (form["reason"] ?? "").trimmingSpaces
        guard !reason.isEmpty else { return "\(code): a refund needs a reason; nothing was refunded." }
        var amount: Kobo?
        if let text = form["amount"]?.trimmingSpaces, !text.isEmpty {
            guard let parsed = Kobo.parse(text, symbol: settings.currencySymbol, code: "") else {
                return "\(code): \"\(text)\" is not an amount; nothing was refunded."
            }
            amount = parsed
        }
        switch try desk.refund(code, amount: amount, reason: reason, store: store, now: at) {
        case .requested(let amount, _):
            log.info("refund requested", ["order": code.rawValue, "by": user])
            return "\(code): refund of \(amount.formatted(symbol: settings.currencySymbol)) sent to Paystack."
        case .refused(let why): return "\(code): \(why); nothing was refunded."
        case .notFound: return "No order \(code)."
        }
    }

    /// Hex HMAC-SHA256 of the user and the day: valid for the day it was made and the next (a board left open
    /// over midnight still works), useless to anyone without `STAFF_SECRET` and for any other user.
    func csrfToken(user: String, at: Int64, daysAgo: Int64 = 0) -> String {
        let day = at / 86_400_000 - daysAgo
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(user)\n\(day)".utf8), using: SymmetricKey(data: Array(settings.secret.utf8)))
        return Hex.lowercase(mac)
    }

    func validCSRF(_ token: String, user: String, at: Int64) -> Bool {
        (0...1).map { constantTimeEquals(token, csrfToken(user: user, at: at, daysAgo: Int64($0))) }.contains(true)
    }
}
