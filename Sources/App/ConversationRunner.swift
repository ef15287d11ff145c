import Conversation
import Domain
import Paystack
import Storage
import Synchronization
import WhatsApp

/// Turns the reducer's effects into outbox rows and records. The wire shapes (and Meta's length limits) belong to
/// the provider modules; what to say belongs to Conversation; this file only connects them.
public enum OutboxKind {
    public static let whatsAppMessage = "whatsapp.message"
    public static let paystackInitialize = "paystack.initialize"
}

/// Runs one conversation step for a customer: builds the context from the process's settings, calls the reducer,
/// and renders its effects. The webhook (messages) and the sender (Paystack's answers) share it, so both kinds
/// of step see the same settings and leave the same kinds of rows.
public struct ConversationRunner: Sendable {
    public var settings: Settings
    /// `PAYSTACK_CALLBACK_URL`.
    public var paymentCallbackURL: String
    /// A fresh id (letters and digits) from the injected generator; becomes an order code when a step needs one.
    public var newID: @Sendable () -> String
    /// The restaurant's offset from UTC at a moment (Unix ms), from `TIME_ZONE`; its opening hours are wall-clock.
    public var utcOffset: @Sendable (Int64) -> Int
    /// `STAFF_WHATSAPP_NUMBERS`, digits only: who hears about paid orders and customers asking for a person.
    public var staffNumbers: [String]
    /// `TEMPLATE_STAFF_ALERT` (with `TEMPLATE_LANGUAGE`): what a staff number gets when it has not written to the
    /// business in 24 hours, with the alert flattened to one line as its one parameter. nil: such alerts are
    /// recorded as not sent (`whatsorder outbox status` names them).
    public var staffAlertTemplate: OrderDesk.Template?
    /// `WHATSAPP_CATALOG_ID`: the catalog product messages show dishes from (empty when there is none).
    public var catalogID: String

    public init(
        settings: Settings, paymentCallbackURL: String, newID: @escaping @Sendable () -> String,
        utcOffset: @escaping @Sendable (Int64) -> Int = { _ in 0 }, staffNumbers: [String] = [],
        staffAlertTemplate: OrderDesk.Template? = nil, catalogID: String = ""
    ) {
        self.catalogID = catalogID
        self.settings = settings
        self.paymentCallbackURL = paymentCallbackURL
        self.newID = newID
        self.utcOffset = utcOffset
        self.staffNumbers = staffNumbers
        self.staffAlertTemplate = staffAlertTemplate
    }

    /// The reader of typed text for the current menu, built when the menu changes (a FastCGI worker keeps it).
    let readers = ReaderCache()

    /// One step. `settings`: the restaurant's settings as they are now (`Store.current`); the process's own
    /// (from the configuration) when nil.
    public func step(
        _ event: Event, snapshot: Store.Snapshot, customer: Store.CustomerRecord, menu: Menu, now: Int64,
        settings current: Settings? = nil
    ) -> Store.StepResult {
        let context = Context(
            settings: current ?? settings, menu: menu, customerName: customer.name, customerKey: "\(customer.id)",
            now: now,
            previousMessageAt: snapshot.lastInboundAt, newID: newID(), utcOffsetSeconds: utcOffset(now),
            reader: readers.reader(for: menu))
        let transition = reduce(snapshot.state, event, context)
        let recipient = Self.recipient(customer)
        var result = Store.StepResult(state: transition.state, outbox: [])
        for effect in transition.effects {
            switch effect {
            case .reply(let reply):
                result.outbox.append(
                    Store.OutboxEntry(
                        kind: OutboxKind.whatsAppMessage,
                        payload: messageRequestBody(
                            to: recipient, message: outboundMessage(for: reply, catalogID: catalogID))))
            case .placeOrder(let order):
                result.records.append(.placeOrder(order, currency: settings.currencyCode))
            case .cancelOrder(let code):
                result.records.append(.cancelOrder(code))
            case .replaceOrder(let code, let replacement):
                result.records.append(.replaceOrder(code, by: replacement))
            case .initializePayment(let payment):
                result.records.append(.paymentAttempt(payment))
                let request = InitializeRequest(
                    reference: payment.reference, amount: payment.amount, currency: payment.currency,
                    email: payment.email, orderCode: payment.order.rawValue, callbackURL: paymentCallbackURL,
                    items: payment.lines.map(\.summary).joined(separator: "; "))
                result.outbox.append(Store.OutboxEntry(kind: OutboxKind.paystackInitialize, payload: request.body))
            case .notifyStaff(let alert):
                let notice: StaffNotice =
                    switch alert {
                    case .personRequested: .personRequested(customer: StaffNotice.Customer(customer))
                    }
                result.outbox += staffEntries(notice, relayOf: customer.id)
            case .relayToStaff(let relayed):
                let notice = StaffNotice.relayed(
                    customer: StaffNotice.Customer(customer), order: relayed.order, text: relayed.text)
                result.outbox += staffEntries(notice, relayOf: customer.id)
                result.records.append(.chat(author: .customer, body: relayed.text))
            case .noteInThread(let note):
                result.records.append(.chat(author: .bot, body: note))
            }
        }
        return result
    }

    /// The step `Store.stepConversation` runs for `event`: the reducer with the menu and the restaurant's settings as
    /// `store` has them now (one revision integer read). `adjust` may change the rendered result (the 24-hour
    /// window's templates).
    public func stepping(
        _ event: Event, in store: Store, now: Int64,
        adjust: @escaping (Store.Snapshot, Store.CustomerRecord, inout Store.StepResult) -> Void = { _, _, _ in }
    ) throws -> Store.Step {
        let (menu, settings) = try store.current(base: self.settings)
        return { snapshot, customer in
            var result = step(event, snapshot: snapshot, customer: customer, menu: menu, now: now, settings: settings)
            adjust(snapshot, customer, &result)
            return result
        }
    }

    /// `STAFF_WHATSAPP_NUMBERS` as WhatsApp ids: "+234 801-234 5678, 2348099999999" → two digit strings.
    public static func staffNumbers(from setting: String) -> [String] {
        setting.split(separator: ",").map { String($0.unicodeScalars.filter { ("0"..."9").contains($0) }) }
            .filter { !$0.isEmpty }
    }

    /// One message per staff number, kept out of the customer's queue, each with the alert template to send
    /// instead when that number's 24-hour window is closed. `relayOf`: the customer a reply to it answers.
    func staffEntries(_ notice: StaffNotice, relayOf: CustomerID? = nil) -> [Store.OutboxEntry] {
        let text = notice.text(settings: settings)
        return staffNumbers.map { number in
            Store.OutboxEntry(
                kind: OutboxKind.whatsAppMessage,
                payload: messageRequestBody(to: .waID(number), message: .text(body: text, previewURL: false)),
                fallback: staffAlertTemplate.map {
                    messageRequestBody(
                        to: .waID(number),
                        message: .template(
                            name: $0.name, language: $0.language, bodyParameters: [Self.templateParameter(text)]))
                },
                staffNumber: number, relayOf: relayOf)
        }
    }

    /// A template parameter may hold no newline, no tab and no run of more than four spaces (Meta refuses the
    /// send: 132018), and is kept short: the alert's lines joined with " · ".
    static func templateParameter(_ text: String) -> String {
        let flat = text.split(whereSeparator: { $0 == "\n" || $0 == "\t" || $0 == "\r" })
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            .filter { !$0.isEmpty }.joined(separator: " · ")
        return flat.count > 900 ? String(flat.prefix(899)) + "…" : flat
    }

    /// Where a customer's messages go: the phone number when Meta gave one, else the business-scoped user id.
    static func recipient(_ customer: Store.CustomerRecord) -> Recipient {
        if let waID = customer.identity.waID { .waID(waID) } else { .userID(customer.identity.userID ?? "") }
    }
}

/// The WhatsApp message for a reply. Product replies name our item ids as the catalog's retailer ids
/// (`whatsorder catalog sync` puts them there).
func outboundMessage(for reply: Reply, catalogID: String = "") -> OutboundMessage {
    switch reply {
    case .text(let body):
        return .text(body: body, previewURL: false)
    case .list(let list):
        return .list(
            header: list.header, body: list.body, footer: list.footer, button: list.button,
            sections: list.sections.map { section in
                ListSection(
                    title: section.title,
                    rows: section.rows.map { ListRow(id: $0.id, title: $0.title, description: $0.description) })
            })
    case .buttons(let buttons):
        return .buttons(
            header: buttons.imageURL.map { .image(link: $0) }, body: buttons.body, footer: nil,
            buttons: buttons.buttons.map { ReplyButton(id: $0.id, title: $0.title) })
    case .link(let link):
        return .link(body: link.body, buttonTitle: link.buttonTitle, url: link.url)
    case .location(let pin):
        return .location(latitude: pin.latitude, longitude: pin.longitude, name: pin.name, address: pin.address)
    case .products(let products):
        return .productList(
            header: products.header, body: products.body, footer: nil, catalogID: catalogID,
            sections: products.sections.map { section in
                ProductSection(title: section.title, productRetailerIDs: section.itemIDs.map { String($0) })
            })
    case .product(let product):
        return .product(
            body: product.body, footer: nil, catalogID: catalogID, productRetailerID: String(product.itemID))
    }
}

/// Ids for order codes: eight characters from an alphabet without look-alikes (no 0/O, 1/I/L), so a code read
/// out over the phone is not misheard. 31^8 ≈ 8.5e11 codes; the UNIQUE column catches the rare collision.
public enum OrderIDs {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    /// One draw gives all eight characters (31^8 < 2^64): every conversation step makes an id, and each draw from
    /// the system generator is a `getrandom` call.
    public static func make(using random: () -> UInt64) -> String {
        var value = random()
        var characters: [Character] = []
        for _ in 0..<8 {
            characters.append(alphabet[Int(value % UInt64(alphabet.count))])
            value /= UInt64(alphabet.count)
        }
        return String(characters)
    }
}

extension StaffNotice.Customer {
    /// How staff see a customer: the profile name and the number to reach them on (Meta's user id without one).
    init(_ record: Store.CustomerRecord?) {
        self.init(name: record?.name, number: record?.identity.waID ?? record?.identity.userID ?? "unknown")
    }
}

/// One reader per menu, shared by a worker's threads: building one costs more than reading a message with it.
final class ReaderCache: Sendable {
    private let current = Mutex<Reader?>(nil)

    func reader(for menu: Menu) -> Reader {
        current.withLock { current in
            if let current, current.menu == menu { return current }
            let built = Reader(menu: menu)
            current = built
            return built
        }
    }
}
