import Conversation
import Domain
import Gateway
import Storage
import WhatsApp

/// `GET|POST /webhooks/whatsapp/`: Meta's verify handshake, and inbound messages and statuses.
/// Answers 200 only once every message in the body is committed (or was already), so Meta's retries are the
/// safety net for anything that failed before its commit.
public struct WhatsAppWebhook {
    public struct Settings: Sendable {
        public var verifyToken: String
        public var appSecret: String
        /// `WHATSAPP_PHONE_NUMBER_ID`: the one business number we answer for. An app can be subscribed to other
        /// numbers' accounts, and a signed message for one of them must not be answered from ours.
        public var phoneNumberID: String

        public init(verifyToken: String, appSecret: String, phoneNumberID: String) {
            self.verifyToken = verifyToken
            self.appSecret = appSecret
            self.phoneNumberID = phoneNumberID
        }
    }

    public var settings: Settings
    public var conversation: ConversationRunner
    /// Unix milliseconds.
    public var now: @Sendable () -> Int64
    /// The process's store; opened lazily, kept open by a FastCGI worker, closed by a CGI process at exit.
    public var store: () throws -> Store
    /// A threaded FastCGI worker's shared transactions; nil when the process serves one request at a time.
    public var groupCommit: GroupCommit?
    public var wakeSender: @Sendable () -> Void
    public var log: Logger

    public init(
        settings: Settings, conversation: ConversationRunner, now: @escaping @Sendable () -> Int64,
        store: @escaping () throws -> Store, groupCommit: GroupCommit? = nil,
        wakeSender: @escaping @Sendable () -> Void, log: Logger
    ) {
        self.settings = settings
        self.conversation = conversation
        self.now = now
        self.store = store
        self.groupCommit = groupCommit
        self.wakeSender = wakeSender
        self.log = log
    }

    public func handle(_ request: Request) -> Outcome {
        switch request.method {
        case "GET": return Outcome(verify(request))
        case "POST": return receive(request)
        default: return Outcome(.methodNotAllowed(allow: ["GET", "POST"]))
        }
    }

    // MARK: - GET: the subscription handshake

    func verify(_ request: Request) -> Response {
        let query = request.query
        guard !settings.verifyToken.isEmpty else {
            log.error("verify handshake refused: WHATSAPP_VERIFY_TOKEN is not set")
            return .text(403, "forbidden")
        }
        let tokenMatches = constantTimeEquals(query["hub.verify_token"] ?? "", settings.verifyToken)
        guard query["hub.mode"] == "subscribe", let challenge = query["hub.challenge"], !challenge.isEmpty, tokenMatches
        else {
            // NB: with the right token, not a word: under fcgiwrap -f nginx follows every stderr line of a handler
            // with the request line, and this request's query string is the token.
            if !tokenMatches { log.warning("verify handshake refused: wrong token") }
            return .text(403, "forbidden")
        }
        // Meta compares the body with its challenge byte for byte: no newline, no quotes.
        return Response(
            status: 200, headers: [.init("Content-Type", "text/plain; charset=utf-8")], body: Array(challenge.utf8))
    }

    // MARK: - POST: notifications

    func receive(_ request: Request) -> Outcome {
        guard !settings.appSecret.isEmpty else {
            // NB: fail closed, but with a status Meta retries: nothing is lost while the secret gets configured.
            log.error("POST refused: WHATSAPP_APP_SECRET is not set")
            return Outcome(.text(503, "not configured"))
        }
        guard !settings.phoneNumberID.isEmpty else {
            // Without it no message can be told to be ours; held by Meta's retries like a missing secret.
            log.error("POST refused: WHATSAPP_PHONE_NUMBER_ID is not set")
            return Outcome(.text(503, "not configured"))
        }
        let verdict = verifyMetaSignature(
            body: request.body, header: request.header("X-Hub-Signature-256"), appSecret: settings.appSecret)
        guard verdict == .valid else {
            log.warning("signature rejected", ["reason": "\(verdict)", "bytes": "\(request.body.count)"])
            return Outcome(.text(401, "invalid signature"))
        }
        let received = now()
        // Decoding needs no database, so a threaded worker does it before joining a batch.
        let notification = Result { try WebhookNotification.decode(request.body) }
        guard let groupCommit else {
            guard let store = currentStore(self.store, log: log) else {
                return Outcome(.text(503, "storage unavailable"))
            }
            return apply(notification, body: request.body, to: store, at: received)
        }
        var outcome = Outcome(.text(503, "storage unavailable"))
        let commit = groupCommit.run { store in
            guard currentStore({ store }, log: log) != nil else { return false }
            outcome = apply(notification, body: request.body, to: store, at: received)
            return outcome.afterResponse != nil
        }
        guard commit.committed else { return Outcome(.text(503, "storage unavailable")) }
        // One wake-up covers the whole batch: the sender looks for due rows after it wakes, and all are committed.
        outcome.afterResponse = commit.actsForBatch ? wakeSender : nil
        return outcome
    }

    /// Everything the body asks of the database: its messages, their statuses, the body itself when it could not
    /// all be used.
    func apply(
        _ decoded: Result<WebhookNotification, any Error>, body: [UInt8], to store: Store, at received: Int64
    ) -> Outcome {
        let notification: WebhookNotification
        switch decoded {
        case .success(let value): notification = value
        case .failure(let error): return keep(body, reason: "undecodable: \(error)", in: store, at: received)
        }
        guard notification.object == Self.whatsAppObject else {
            // Signed with our secret, so an app subscribed to other products (a Page, Instagram): nothing to answer.
            let object = notification.object.map { Self.quoted($0) } ?? "absent"
            return keep(body, reason: "object \(object), not \(Self.whatsAppObject)", in: store, at: received)
        }
        var report = Report()
        if notification.replacedIllFormedText {
            // The messages are answered with U+FFFD in their text; the bytes as Meta sent them are kept.
            report.unusable.append("ill-formed Unicode replaced with U+FFFD")
        }
        for change in notification.changes where change.field == "messages" {
            guard let value = change.value else {
                report.unusable.append("a messages change without a usable value")
                continue
            }
            guard isOurs(value) else {
                let number = value.phoneNumberID.map { Self.quoted($0) } ?? "absent"
                report.unusable.append("for business number \(number), not ours: not answered")
                continue
            }
            for message in value.messages {
                do {
                    try handle(message, contacts: value.contacts, store: store, at: received, report: &report)
                } catch {
                    // Earlier messages are committed; Meta's retry brings this one (and dedupes the rest).
                    log.error("message not recorded", ["id": message.id, "error": "\(error)"])
                    return Outcome(.text(503, "storage unavailable"))
                }
            }
            if value.undecodableMessages > 0 {
                report.unusable.append("\(value.undecodableMessages) undecodable messages")
            }
            if value.undecodableStatuses > 0 {
                report.unusable.append("\(value.undecodableStatuses) undecodable statuses")
            }
            for error in value.errors { report.unusable.append("value error \(error.code)") }
        }
        // Statuses after messages, each on its own: one unknown wamid must never fail the batch.
        for change in notification.changes where change.field == "messages" {
            guard let value = change.value, isOurs(value) else { continue }
            for status in value.statuses {
                record(status, store: store, at: received)
            }
        }
        if !report.unusable.isEmpty {
            let outcome = keep(body, reason: report.unusable.joined(separator: "; "), in: store, at: received)
            if outcome.response.status != 200 { return outcome }
        }
        log.debug("notification handled", ["new": "\(report.handled)", "duplicates": "\(report.duplicates)"])
        let wake = report.outboxRows > 0 ? wakeSender : nil
        return Outcome(.text(200, "ok"), afterResponse: wake)
    }

    static let whatsAppObject = "whatsapp_business_account"

    /// The change is about our business number. Fails closed: a change that names no number is not ours.
    func isOurs(_ value: ChangeValue) -> Bool {
        value.phoneNumberID == settings.phoneNumberID
    }

    /// A value from the body, short and quoted, for a kept body's reason.
    static func quoted(_ text: String) -> String {
        "\"" + String(text.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 }.prefix(40)) + "\""
    }

    struct Report {
        var handled = 0
        var duplicates = 0
        var outboxRows = 0
        var unusable: [String] = []
    }

    func handle(
        _ message: InboundMessage, contacts: [Contact], store: Store, at received: Int64, report: inout Report
    ) throws {
        let contact =
            contacts.first { $0.waID != nil && $0.waID == message.from }
            ?? contacts.first { $0.userID != nil && $0.userID == message.fromUserID }
            ?? (contacts.count == 1 ? contacts.first : nil)
        let identity = CustomerIdentity(
            waID: message.from ?? contact?.waID, userID: message.fromUserID ?? contact?.userID)
        guard !identity.isEmpty else {
            report.unusable.append("message \(message.id) has no sender")
            return
        }
        // The restaurant's own numbers are staff, never customers: no cart, no bot.
        if let number = identity.waID, conversation.staffNumbers.contains(number) {
            let (outcome, rows) = try ChatDesk(conversation: conversation).staffWrote(
                message, number: number, summary: Self.summary(message.content), store: store, now: received)
            if outcome == .duplicate { report.duplicates += 1 } else { report.handled += 1 }
            report.outboxRows += rows
            return
        }
        let input = Self.input(for: message.content)
        let record = Store.InboundRecord(
            providerID: message.id, identity: identity, customerName: contact?.name,
            type: message.content.wireType, sentAt: message.timestamp.map { $0 * 1000 },
            summary: Self.summary(message.content))
        var current: (menu: Menu, settings: Conversation.Settings)?
        let sentAt = record.sentAt
        let result = try store.recordInbound(record, now: received) { snapshot, customer in
            guard let input else { return Store.StepResult(state: snapshot.state, outbox: []) }
            let now = try current ?? store.current(base: conversation.settings)
            current = now
            return conversation.step(
                .customerSent(input, sentAt: sentAt), snapshot: snapshot, customer: customer, menu: now.menu,
                now: received, settings: now.settings)
        }
        switch result {
        case .duplicate:
            report.duplicates += 1
        case .handled(_, let rows):
            report.handled += 1
            report.outboxRows += rows
        }
    }

    func record(_ status: StatusUpdate, store: Store, at received: Int64) {
        let error = status.errors.first
        do {
            try store.recordStatus(
                wamid: status.id, status: status.status.wireName, occurredAt: status.timestamp.map { $0 * 1000 },
                errorCode: error?.code,
                errorTitle: error?.title, errorDetails: error?.details, now: received)
        } catch {
            log.warning("status not recorded", ["wamid": status.id, "error": "\(error)"])
        }
    }

    func keep(_ body: [UInt8], reason: String, in store: Store, at received: Int64) -> Outcome {
        do {
            try store.keepBody(source: "whatsapp", reason: reason, body: body, now: received)
            log.warning("body kept for inspection", ["reason": reason])
            return Outcome(.text(200, "ok"))
        } catch {
            log.error("could not keep body", ["error": "\(error)"])
            return Outcome(.text(503, "storage unavailable"))
        }
    }

    /// What the conversation sees. Reactions and system notices are recorded but are not something to answer.
    static func input(for content: Content) -> Input? {
        switch content {
        case .text(let body): return .text(body)
        case .buttonReply(let id, let title): return .choice(id: id, title: title)
        case .listReply(let id, let title, _): return .choice(id: id, title: title)
        case .templateButton(let payload, let text): return .choice(id: payload, title: text)
        case .location(let location):
            return .location(
                latitude: location.latitude, longitude: location.longitude, name: location.name,
                address: location.address)
        case .reaction, .system: return nil
        case .media(let kind, let caption): return .unsupported(kind: kind, caption: caption)
        case .order(let order):
            // A line Meta sent without a product id still counts: the conversation says one was left out.
            let unreadable = Array(
                repeating: CatalogCart.Line(retailerID: "", quantity: 0), count: order.unreadableItems)
            return .cart(
                CatalogCart(
                    lines: order.items.map {
                        CatalogCart.Line(
                            retailerID: $0.productRetailerID, quantity: $0.quantity, price: $0.itemPrice,
                            currency: $0.currency)
                    } + unreadable,
                    text: order.text))
        case .contacts: return .unsupported(kind: "contacts")
        case .unsupported(let type, _): return .unsupported(kind: type)
        }
    }

    /// What staff see of a message when they look at a conversation: its text, the choice tapped, the place.
    static func summary(_ content: Content) -> String? {
        let text: String?
        switch content {
        case .text(let body): text = body
        case .buttonReply(let id, let title), .listReply(let id, let title, _): text = "\(title) [\(id)]"
        case .templateButton(let payload, let text): return "\(text) [\(payload)]"
        case .location(let location):
            text =
                "\(location.latitude),\(location.longitude)"
                + [location.name, location.address].compactMap { $0 }.map { " \($0)" }.joined()
        case .reaction(_, let emoji): text = emoji
        case .media(_, let caption): text = caption
        case .system(_, let body, _): text = body
        case .order(let order):
            text =
                "[cart] " + order.items.map { "\($0.quantity) × \($0.productRetailerID)" }.joined(separator: ", ")
                + (order.text.map { " · \($0)" } ?? "")
        case .contacts, .unsupported: text = nil
        }
        // Enough for a person to read; the whole body of a 4,096-character message is not worth a row's weight.
        return text.map { String($0.prefix(1000)) }
    }
}

/// Compares two strings without stopping at the first difference, so timing does not reveal the token.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let left = Array(a.utf8)
    let right = Array(b.utf8)
    var difference = UInt8(left.count == right.count ? 0 : 1)
    for index in 0..<max(left.count, right.count) {
        let x = index < left.count ? left[index] : 0
        let y = index < right.count ? right[index] : 0
        difference |= x ^ y
    }
    return difference == 0
}

/// The process's store when its schema is current, else nil (logged): a handler then answers 503, which Meta and
/// Paystack retry, until `whatsorder migrate` has run. Handlers never migrate.
func currentStore(_ open: () throws -> Store, log: Logger) -> Store? {
    do {
        let store = try open()
        if case .behind(let missing) = try store.schemaStatus() {
            log.error("schema is behind; run `whatsorder migrate`", ["missing": missing.joined(separator: ",")])
            return nil
        }
        return store
    } catch {
        log.error("storage unavailable", ["error": "\(error)"])
        return nil
    }
}
