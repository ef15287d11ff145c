import FoundationEssentials
import HTTPClient
import JSON

// Spec: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview
// NB: one POST can carry several entries, changes, messages and statuses; Meta retries the whole body for
// days after any non-200, so decoding never lets one odd item fail the rest.

/// A webhook POST body, flattened over every `entry[].changes[]`.
public struct WebhookNotification: Equatable, Sendable {
    /// `whatsapp_business_account` for WhatsApp; nil when absent.
    public var object: String?
    /// Every change of every entry, in body order.
    public var changes: [Change]
    /// The body was not well-formed Unicode (bytes that are not UTF-8, or half of a `\uD83D\uDE00` pair) and was
    /// decoded with U+FFFD in their place; the caller keeps the original bytes.
    public var replacedIllFormedText: Bool

    /// Creates a notification from already decoded parts.
    public init(object: String? = nil, changes: [Change] = [], replacedIllFormedText: Bool = false) {
        self.object = object
        self.changes = changes
        self.replacedIllFormedText = replacedIllFormedText
    }
}

/// One `entry[].changes[]` item; route on `field` and ignore the fields we do not handle.
public struct Change: Equatable, Sendable {
    /// `messages`, `message_template_status_update`, `account_update`, …
    public var field: String
    /// The decoded value; nil when `field` is not `messages` or the value is not an object.
    public var value: ChangeValue?

    /// Creates a change.
    public init(field: String, value: ChangeValue? = nil) {
        self.field = field
        self.value = value
    }
}

/// The `value` of a `messages` change: inbound messages, status updates and system errors.
public struct ChangeValue: Equatable, Sendable {
    /// `metadata.phone_number_id`: the business number's id, used in send URLs.
    public var phoneNumberID: String?
    /// `metadata.display_phone_number`: the business number, digits only.
    public var displayPhoneNumber: String?
    /// The senders' profiles (absent for `system` messages and usually for statuses).
    public var contacts: [Contact]
    /// Every message that had at least an id.
    public var messages: [InboundMessage]
    /// Messages we could not decode at all (e.g. no id); counted so the caller can log them.
    public var undecodableMessages: Int
    /// Every status update that had an id and a status.
    public var statuses: [StatusUpdate]
    /// Status updates we could not decode at all.
    public var undecodableStatuses: Int
    /// `value.errors[]`: a system-level problem with the webhook itself (e.g. 131000).
    public var errors: [GraphError]

    /// Creates a change value.
    public init(
        phoneNumberID: String? = nil, displayPhoneNumber: String? = nil, contacts: [Contact] = [],
        messages: [InboundMessage] = [], undecodableMessages: Int = 0, statuses: [StatusUpdate] = [],
        undecodableStatuses: Int = 0, errors: [GraphError] = []
    ) {
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
        self.contacts = contacts
        self.messages = messages
        self.undecodableMessages = undecodableMessages
        self.statuses = statuses
        self.undecodableStatuses = undecodableStatuses
        self.errors = errors
    }
}

/// A sender as listed in `contacts[]`; since the 2026 BSUID rollout `waID` may be absent.
public struct Contact: Equatable, Sendable {
    /// `wa_id`: usually the phone number as digits.
    public var waID: String?
    /// `user_id`: the business-scoped user ID (BSUID), e.g. `US.13491208655302741918`.
    public var userID: String?
    /// `profile.name`: the WhatsApp display name.
    public var name: String?

    /// Creates a contact.
    public init(waID: String? = nil, userID: String? = nil, name: String? = nil) {
        self.waID = waID
        self.userID = userID
        self.name = name
    }
}

/// One inbound `messages[]` item.
public struct InboundMessage: Equatable, Sendable {
    /// The `wamid.…`: the dedupe key, since Meta delivers at least once.
    public var id: String
    /// The sender's wa_id; absent for username (BSUID-only) users.
    public var from: String?
    /// `from_user_id`: the sender's BSUID.
    public var fromUserID: String?
    /// Unix seconds; accept string or number. Nil when absent or not a plausible time (`plausibleTimestamp`).
    public var timestamp: Int64?
    /// `context.id`: the message this one quotes or answers.
    public var replyTo: String?
    /// What the user sent.
    public var content: Content

    /// Creates an inbound message.
    public init(
        id: String, from: String? = nil, fromUserID: String? = nil, timestamp: Int64? = nil,
        replyTo: String? = nil, content: Content
    ) {
        self.id = id
        self.from = from
        self.fromUserID = fromUserID
        self.timestamp = plausibleTimestamp(timestamp)
        self.replyTo = replyTo
        self.content = content
    }
}

/// The body of an inbound message, by its `type`.
public enum Content: Equatable, Sendable {
    /// `text.body`.
    case text(String)
    /// A tap on an interactive reply button (`interactive.button_reply`).
    case buttonReply(id: String, title: String)
    /// A pick from an interactive list (`interactive.list_reply`).
    case listReply(id: String, title: String, description: String?)
    /// A tap on a template quick-reply button (type `button`), not an interactive button.
    case templateButton(payload: String, text: String)
    /// A shared location or place.
    case location(Location)
    /// A reaction to `messageID`; `emoji` is nil when the reaction was removed (`""` or missing).
    case reaction(messageID: String?, emoji: String?)
    /// `image`, `audio`, `video`, `document` or `sticker`; the media itself is fetched separately.
    case media(kind: String, caption: String?)
    /// A cart sent from a catalog, single- or multi-product message (`type` `order`).
    case order(CatalogOrder)
    /// Shared contact cards.
    case contacts(count: Int)
    /// `user_changed_number` (new number in `newWaID`) or `customer_identity_changed`.
    case system(kind: String?, body: String?, newWaID: String?)
    /// `unsupported`, `unknown`, `revoke`, `edit`, any type we do not know, or one whose body is missing (`type` is
    /// `""` when absent); `errorCode` is the first `errors[].code` (131051 for unsupported types).
    case unsupported(type: String, errorCode: Int?)
}

/// A `location` message.
public struct Location: Equatable, Sendable {
    /// Degrees north.
    public var latitude: Double
    /// Degrees east.
    public var longitude: Double
    /// The place's name when the user picked a place.
    public var name: String?
    /// The place's address when the user picked a place.
    public var address: String?
    /// A maps link when the user picked a place.
    public var url: String?

    /// Creates a location.
    public init(
        latitude: Double, longitude: Double, name: String? = nil, address: String? = nil, url: String? = nil
    ) {
        self.latitude = latitude
        self.longitude = longitude
        self.name = name
        self.address = address
        self.url = url
    }
}

/// An `order` message: the cart a customer sent from the business's catalog.
///
/// Spec: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/order
/// Read leniently, like the rest: a line is kept when it names a product, so the cart is never silently shorter than
/// what the customer sent; a line that names none is only counted. Nothing here is trusted for money: the app
/// prices the cart from its own menu by `productRetailerID`.
public struct CatalogOrder: Equatable, Sendable {
    /// `order.catalog_id`: the catalog the products came from.
    public var catalogID: String?
    /// `order.text`: what the customer typed with the cart; nil when absent or empty.
    public var text: String?
    /// `order.product_items[]` that name a product, in the order sent.
    public var items: [Item]
    /// Lines that were not objects or had no usable `product_retailer_id`, and so were left out of `items`.
    public var unreadableItems: Int

    /// Creates an order.
    public init(catalogID: String? = nil, text: String? = nil, items: [Item] = [], unreadableItems: Int = 0) {
        self.catalogID = catalogID
        self.text = text
        self.items = items
        self.unreadableItems = unreadableItems
    }

    /// The largest quantity a line keeps; more reads as this. Far above any real cart (the app refuses long before),
    /// and low enough that `quantity × price in minor units` cannot overflow.
    public static let maximumQuantity = 1_000_000

    /// One `product_items[]` line.
    public struct Item: Equatable, Sendable {
        /// `product_retailer_id`: the product's id in the catalog (our menu item's retailer id); never empty.
        public var productRetailerID: String
        /// `quantity`, from 0 to `CatalogOrder.maximumQuantity`. 0 means it was absent, negative, fractional or not a
        /// number that fits: the line is kept so the app can ask about it rather than guess.
        public var quantity: Int
        /// `item_price` as decimal text ("7.99", "2500"), read exactly (never through a `Double`) for logs and
        /// comparisons; not the price we charge. Nil when absent or not a decimal number.
        public var itemPrice: String?
        /// `currency`, e.g. `NGN`.
        public var currency: String?

        /// Creates a line.
        public init(productRetailerID: String, quantity: Int, itemPrice: String? = nil, currency: String? = nil) {
            self.productRetailerID = productRetailerID
            self.quantity = quantity
            self.itemPrice = itemPrice
            self.currency = currency
        }
    }
}

/// A line's quantity as `CatalogOrder.Item.quantity` keeps it (see there).
func orderQuantity(_ quantity: Int64?) -> Int {
    guard let quantity, quantity > 0 else { return 0 }
    return Int(min(quantity, Int64(CatalogOrder.maximumQuantity)))
}

/// A price sent as a string ("7.99"): digits with at most one inner `.` and an optional leading `-`, as canonical
/// decimal text. Stricter than `Decimal(string:)`, which also takes "1." or "7.99abc".
func decimalText(fromString text: String) -> String? {
    var digits = 0
    var dots = 0
    for (offset, byte) in text.utf8.enumerated() {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
        case UInt8(ascii: "-") where offset == 0: continue
        case UInt8(ascii: ".") where digits > 0 && dots == 0:
            dots += 1
            digits = 0
        default: return nil
        }
    }
    guard digits > 0 else { return nil }
    return Decimal(string: text).map { "\($0)" }
}

/// `statuses[].status`; apply them monotonically, since they arrive out of order.
public enum DeliveryStatus: Equatable, Sendable {
    /// Accepted by WhatsApp's servers.
    case sent
    /// Reached the user's device.
    case delivered
    /// Opened by the user (implies delivered).
    case read
    /// First playback of a voice message.
    case played
    /// Not delivered; see the status's `errors`.
    case failed
    /// A status this code does not know yet.
    case other(String)
}

/// One `statuses[]` item: news about a message we sent.
public struct StatusUpdate: Equatable, Sendable {
    /// The wamid our send call returned.
    public var id: String
    /// What happened to it.
    public var status: DeliveryStatus
    /// Unix seconds; accept string or number. Nil when absent or not a plausible time (`plausibleTimestamp`).
    public var timestamp: Int64?
    /// The user's wa_id (or a group id).
    public var recipientID: String?
    /// Why it failed (only for `.failed`).
    public var errors: [GraphError]

    /// Creates a status update.
    public init(
        id: String, status: DeliveryStatus, timestamp: Int64? = nil, recipientID: String? = nil,
        errors: [GraphError] = []
    ) {
        self.id = id
        self.status = status
        self.timestamp = plausibleTimestamp(timestamp)
        self.recipientID = recipientID
        self.errors = errors
    }
}

/// A Graph API error object as it appears in webhooks: `{code, title, message, error_data.details}`.
public struct GraphError: Equatable, Sendable {
    /// The error code to branch on (e.g. 131026, 131047).
    public var code: Int
    /// A short title; older payloads carry only `code` and `title`.
    public var title: String?
    /// Usually the same as the title.
    public var message: String?
    /// `error_data.details`, or the legacy top-level `details`.
    public var details: String?

    /// Creates an error.
    public init(code: Int, title: String? = nil, message: String? = nil, details: String? = nil) {
        self.code = code
        self.title = title
        self.message = message
        self.details = details
    }
}

/// A webhook body that is not JSON, or not the `{"entry": [...]}` envelope at all.
public struct WebhookDecodingError: Error, CustomStringConvertible, Sendable {
    /// A stable short code: `not-json` or `not-envelope`.
    public var code: String
    /// What the decoder saw; never contains payload text beyond a character or a type name.
    public var detail: String

    /// Creates a decoding error.
    public init(code: String, detail: String) {
        self.code = code
        self.detail = detail
    }

    /// For the log, e.g. `webhook body not-json: … - while decoding a WhatsApp notification`.
    public var description: String { "webhook body \(code): \(detail) - while decoding a WhatsApp notification" }
}

extension WebhookNotification {
    /// Decodes a webhook POST body leniently. Throws only when the body is not JSON or not an object whose
    /// `entry` (when present) is an array; `{}` decodes to a notification without changes.
    public static func decode(_ body: [UInt8]) throws -> WebhookNotification {
        let repaired = replacingIllFormedText(body)
        let json: JSONValue
        do {
            json = try JSONValue.parse(repaired ?? body)
        } catch {
            throw WebhookDecodingError(code: "not-json", detail: "\(error)")
        }
        guard json.isObject else { throw WebhookDecodingError(code: "not-envelope", detail: "not an object") }
        var changes: [Change] = []
        // A non-array `entry` is the one shape error reported: it means this is not a Meta webhook at all.
        if let entry = json["entry"], !entry.isNull {
            guard let entries = entry.array else {
                throw WebhookDecodingError(code: "not-envelope", detail: "entry: not an array")
            }
            for entry in entries where entry.isObject { changes += entry.elements("changes", Self.change) }
        }
        return WebhookNotification(
            object: json.string("object"), changes: changes, replacedIllFormedText: repaired != nil)
    }

    /// The same, through Foundation's `JSONDecoder`: what `decode` was before it read the bytes itself, kept as
    /// the reference it must agree with (WebhookTests, the fuzzer's whatsapp-webhook target).
    @_spi(Reference) public static func decodeWithJSONDecoder(_ body: [UInt8]) throws -> WebhookNotification {
        let repaired = replacingIllFormedText(body)
        do {
            var notification = try JSONDecoder().decode(DecodedNotification.self, from: Data(repaired ?? body))
                .notification
            notification.replacedIllFormedText = repaired != nil
            return notification
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw WebhookDecodingError(code: "not-json", detail: decodingDetail(context))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw WebhookDecodingError(code: "not-envelope", detail: decodingDetail(context))
        } catch {
            throw WebhookDecodingError(code: "not-envelope", detail: "\(error)")
        }
    }
}

// NB: JSONDecoder refuses a string holding bytes that are not UTF-8 or an unpaired surrogate escape (a client that
// cut an emoji in half), and the lenient readers then see no string: a customer's text would read as an unsupported
// message. Replaced with U+FFFD (as a browser shows them), the text still reaches the conversation.

/// `body` with every ill-formed UTF-8 sequence and every unpaired `\uD800`–`\uDFFF` escape replaced by U+FFFD;
/// nil when there was nothing to replace (the usual case costs one validation and one scan for backslashes).
func replacingIllFormedText(_ body: [UInt8]) -> [UInt8]? {
    let unpaired = unpairedSurrogateEscapes(in: body)
    let isUTF8 = String(validating: body, as: UTF8.self) != nil
    guard !unpaired.isEmpty || !isUTF8 else { return nil }
    var text: [UInt8] = []
    text.reserveCapacity(body.count)
    var start = 0
    for offset in unpaired {
        text += body[start..<offset]
        text += #"\ufffd"#.utf8
        start = offset + 6
    }
    text += body[start...]
    return isUTF8 ? text : Array(String(decoding: text, as: UTF8.self).utf8)
}

/// Where each `\uXXXX` escape of a surrogate that is not part of a high-low pair starts. Escapes are walked from
/// backslash to backslash, so the `\\` of an escaped backslash is never read as the start of one.
func unpairedSurrogateEscapes(in body: [UInt8]) -> [Int] {
    var offsets: [Int] = []
    var index = 0
    while index < body.count, let backslash = body[index...].firstIndex(of: UInt8(ascii: "\\")) {
        guard let unit = escapedCodeUnit(body, at: backslash) else {
            index = backslash + 2
            continue
        }
        if (0xD800...0xDBFF).contains(unit), let low = escapedCodeUnit(body, at: backslash + 6),
            (0xDC00...0xDFFF).contains(low)
        {
            index = backslash + 12
            continue
        }
        if (0xD800...0xDFFF).contains(unit) { offsets.append(backslash) }
        index = backslash + 6
    }
    return offsets
}

/// The code unit of the `\uXXXX` escape starting at `offset`, or nil when none starts there.
private func escapedCodeUnit(_ body: [UInt8], at offset: Int) -> UInt16? {
    guard offset + 6 <= body.count, body[offset] == UInt8(ascii: "\\"), body[offset + 1] == UInt8(ascii: "u") else {
        return nil
    }
    guard let pair = Hex.decode(body[(offset + 2)..<(offset + 6)]) else { return nil }
    return UInt16(pair[0]) << 8 | UInt16(pair[1])
}

private func decodingDetail(_ context: DecodingError.Context) -> String {
    let path = context.codingPath.map(\.stringValue).joined(separator: ".")
    let underlying = context.underlyingError.map { " (\($0))" } ?? ""
    let what = context.debugDescription + underlying
    return path.isEmpty ? what : "\(path): \(what)"
}

// MARK: - Wire shapes, read from a JSONValue
// NB: the same reads as the JSONDecoder shapes below, field for field: a change to one is made to both, and
// DecoderAgreementTests and the fuzzer hold them together.

extension WebhookNotification {
    fileprivate static func change(_ json: JSONValue) -> Change? {
        guard json.isObject, let field = json.string("field") else { return nil }
        let value = field == "messages" ? json.object("value").map(changeValue) : nil
        return Change(field: field, value: value)
    }

    fileprivate static func changeValue(_ json: JSONValue) -> ChangeValue {
        let metadata = json.object("metadata")
        let messages = json.array("messages", message)
        let statuses = json.array("statuses", status)
        return ChangeValue(
            phoneNumberID: metadata?.string("phone_number_id"),
            displayPhoneNumber: metadata?.string("display_phone_number"),
            contacts: json.elements("contacts", contact),
            messages: messages?.elements ?? [], undecodableMessages: messages?.failures ?? 0,
            statuses: statuses?.elements ?? [], undecodableStatuses: statuses?.failures ?? 0,
            errors: json.elements("errors", graphError))
    }

    fileprivate static func contact(_ json: JSONValue) -> Contact? {
        guard json.isObject else { return nil }
        return Contact(
            waID: json.string("wa_id"), userID: json.string("user_id"), name: json.object("profile")?.string("name"))
    }

    fileprivate static func message(_ json: JSONValue) -> InboundMessage? {
        guard json.isObject, let id = json.string("id"), !id.isEmpty else { return nil }
        return InboundMessage(
            id: id, from: json.string("from"), fromUserID: json.string("from_user_id"),
            timestamp: json.int64("timestamp"), replyTo: json.object("context")?.string("id"),
            content: content(json))
    }

    fileprivate static func content(_ json: JSONValue) -> Content {
        let type = json.string("type") ?? ""
        let unsupported = Content.unsupported(type: type, errorCode: json.elements("errors", graphError).first?.code)
        let body = json.object(type)
        switch type {
        case "text":
            return body?.string("body").map(Content.text) ?? unsupported
        case "interactive":
            return body.flatMap(interactive) ?? unsupported
        case "button":
            guard let payload = body?.string("payload") else { return unsupported }
            return .templateButton(payload: payload, text: body?.string("text") ?? "")
        case "location":
            guard let body, let latitude = body.double("latitude"), let longitude = body.double("longitude") else {
                return unsupported
            }
            return .location(
                Location(
                    latitude: latitude, longitude: longitude, name: body.string("name"),
                    address: body.string("address"), url: body.string("url")))
        case "reaction":
            let emoji = body?.string("emoji")
            return .reaction(messageID: body?.string("message_id"), emoji: emoji?.isEmpty == false ? emoji : nil)
        case _ where mediaKinds.contains(type):
            return .media(kind: type, caption: body?.string("caption"))
        case "order":
            let lines = body?.array("product_items", orderItem)
            return .order(
                CatalogOrder(
                    catalogID: body?.string("catalog_id"), text: nonEmpty(body?.string("text")),
                    items: lines?.elements ?? [], unreadableItems: lines?.failures ?? 0))
        case "contacts":
            // NB: for this type `contacts` is the message's own array of cards, not `value.contacts`.
            return .contacts(count: json.elements("contacts") { $0 }.count)
        case "system":
            return .system(kind: body?.string("type"), body: body?.string("body"), newWaID: body?.string("wa_id"))
        default:
            return unsupported
        }
    }

    fileprivate static func interactive(_ json: JSONValue) -> Content? {
        switch json.string("type") {
        case "button_reply":
            guard let reply = json.object("button_reply"), let id = reply.string("id") else { return nil }
            return .buttonReply(id: id, title: reply.string("title") ?? "")
        case "list_reply":
            guard let reply = json.object("list_reply"), let id = reply.string("id") else { return nil }
            return .listReply(id: id, title: reply.string("title") ?? "", description: reply.string("description"))
        default:
            return nil
        }
    }

    fileprivate static func orderItem(_ json: JSONValue) -> CatalogOrder.Item? {
        guard json.isObject, let retailerID = json.string("product_retailer_id"), !retailerID.isEmpty else {
            return nil
        }
        return CatalogOrder.Item(
            productRetailerID: retailerID, quantity: orderQuantity(json.int64("quantity")),
            itemPrice: json["item_price"].flatMap(decimalText), currency: json.string("currency"))
    }

    /// A number's exact decimal text, read from its bytes as `JSONDecoder` reads a `Decimal`.
    private static func decimalText(_ value: JSONValue) -> String? {
        switch value {
        // `double` checks JSON's number grammar and range; every value a Decimal holds is inside a Double's.
        case .number(let raw) where value.double != nil:
            return Decimal(string: String(decoding: raw, as: UTF8.self)).map { "\($0)" }
        case .string:
            return value.string.flatMap(decimalText(fromString:))
        default:
            return nil
        }
    }

    fileprivate static func status(_ json: JSONValue) -> StatusUpdate? {
        guard json.isObject, let id = json.string("id"), !id.isEmpty, let status = json.string("status") else {
            return nil
        }
        return StatusUpdate(
            id: id, status: DeliveryStatus(wire: status), timestamp: json.int64("timestamp"),
            recipientID: json.string("recipient_id"), errors: json.elements("errors", graphError))
    }

    fileprivate static func graphError(_ json: JSONValue) -> GraphError? {
        guard json.isObject, let code = json.int("code") else { return nil }
        return GraphError(
            code: code, title: json.string("title"), message: json.string("message"),
            details: json.object("error_data")?.string("details") ?? json.string("details"))
    }
}

// MARK: - Wire shapes, through JSONDecoder (the reference)

private struct DecodedNotification: Decodable {
    var notification: WebhookNotification

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        // A non-array `entry` is the one shape error we report: it means this is not a Meta webhook at all.
        let entries = try json.decodeIfPresent(LenientArray<DecodedEntry>.self, forKey: "entry")
        let changes = entries?.elements.flatMap(\.changes) ?? []
        notification = WebhookNotification(object: json.string("object"), changes: changes)
    }
}

private struct DecodedEntry: Decodable {
    var changes: [Change]

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        changes = json.elements(DecodedChange.self, "changes").map(\.change)
    }
}

private struct DecodedChange: Decodable {
    var change: Change

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        guard let field = json.string("field") else {
            throw DecodingError.dataCorruptedError(forKey: "field", in: json, debugDescription: "change without field")
        }
        let value = field == "messages" ? json.object("value").map(decodeChangeValue) : nil
        change = Change(field: field, value: value)
    }
}

private func decodeChangeValue(_ json: JSONObject) -> ChangeValue {
    let metadata = json.object("metadata")
    let messages = json.array(DecodedMessage.self, "messages")
    let statuses = json.array(DecodedStatus.self, "statuses")
    return ChangeValue(
        phoneNumberID: metadata?.string("phone_number_id"),
        displayPhoneNumber: metadata?.string("display_phone_number"),
        contacts: json.elements(DecodedContact.self, "contacts").map(\.contact),
        messages: messages?.elements.map(\.message) ?? [],
        undecodableMessages: messages?.failures ?? 0,
        statuses: statuses?.elements.map(\.status) ?? [],
        undecodableStatuses: statuses?.failures ?? 0,
        errors: json.elements(DecodedGraphError.self, "errors").map(\.error))
}

private struct DecodedContact: Decodable {
    var contact: Contact

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        contact = Contact(
            waID: json.string("wa_id"), userID: json.string("user_id"), name: json.object("profile")?.string("name"))
    }
}

private struct DecodedMessage: Decodable {
    var message: InboundMessage

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        guard let id = json.string("id"), !id.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: "id", in: json, debugDescription: "message without id")
        }
        message = InboundMessage(
            id: id, from: json.string("from"), fromUserID: json.string("from_user_id"),
            timestamp: json.int64("timestamp"), replyTo: json.object("context")?.string("id"),
            content: decodeContent(json))
    }
}

private let mediaKinds: Set<String> = ["image", "audio", "video", "document", "sticker"]

private func decodeContent(_ json: JSONObject) -> Content {
    let type = json.string("type") ?? ""
    let unsupported = Content.unsupported(
        type: type, errorCode: json.elements(DecodedGraphError.self, "errors").first?.error.code)
    let body = json.object(JSONKey(stringValue: type))
    switch type {
    case "text":
        return body?.string("body").map(Content.text) ?? unsupported
    case "interactive":
        return body.flatMap(decodeInteractive) ?? unsupported
    case "button":
        guard let payload = body?.string("payload") else { return unsupported }
        return .templateButton(payload: payload, text: body?.string("text") ?? "")
    case "location":
        guard let body, let latitude = body.double("latitude"), let longitude = body.double("longitude") else {
            return unsupported
        }
        return .location(
            Location(
                latitude: latitude, longitude: longitude, name: body.string("name"), address: body.string("address"),
                url: body.string("url")))
    case "reaction":
        let emoji = body?.string("emoji")
        return .reaction(messageID: body?.string("message_id"), emoji: emoji?.isEmpty == false ? emoji : nil)
    case _ where mediaKinds.contains(type):
        return .media(kind: type, caption: body?.string("caption"))
    case "order":
        let lines = body?.array(DecodedOrderItem.self, "product_items")
        return .order(
            CatalogOrder(
                catalogID: body?.string("catalog_id"), text: nonEmpty(body?.string("text")),
                items: lines?.elements.map(\.item) ?? [], unreadableItems: lines?.failures ?? 0))
    case "contacts":
        // NB: for this type `contacts` is the message's own array of cards, not `value.contacts`.
        return .contacts(count: json.elements(DecodedAnything.self, "contacts").count)
    case "system":
        return .system(kind: body?.string("type"), body: body?.string("body"), newWaID: body?.string("wa_id"))
    default:
        return unsupported
    }
}

private func decodeInteractive(_ json: JSONObject) -> Content? {
    switch json.string("type") {
    case "button_reply":
        guard let reply = json.object("button_reply"), let id = reply.string("id") else { return nil }
        return .buttonReply(id: id, title: reply.string("title") ?? "")
    case "list_reply":
        guard let reply = json.object("list_reply"), let id = reply.string("id") else { return nil }
        return .listReply(id: id, title: reply.string("title") ?? "", description: reply.string("description"))
    default:
        // nfm_reply (Flows) and anything newer: the caller answers "please use the buttons".
        return nil
    }
}

private struct DecodedOrderItem: Decodable {
    var item: CatalogOrder.Item

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        guard let retailerID = json.string("product_retailer_id"), !retailerID.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: "product_retailer_id", in: json, debugDescription: "order line without a product")
        }
        // A number is read as `Decimal`, the one type JSONDecoder reads from the number's digits, not via a Double.
        let price =
            (try? json.decodeIfPresent(Decimal.self, forKey: "item_price")).flatMap { $0.map { "\($0)" } }
            ?? json.string("item_price").flatMap(decimalText(fromString:))
        item = CatalogOrder.Item(
            productRetailerID: retailerID, quantity: orderQuantity(json.int64("quantity")), itemPrice: price,
            currency: json.string("currency"))
    }
}

private struct DecodedStatus: Decodable {
    var status: StatusUpdate

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        guard let id = json.string("id"), !id.isEmpty, let status = json.string("status") else {
            throw DecodingError.dataCorruptedError(forKey: "id", in: json, debugDescription: "status without id")
        }
        self.status = StatusUpdate(
            id: id, status: DeliveryStatus(wire: status), timestamp: json.int64("timestamp"),
            recipientID: json.string("recipient_id"),
            errors: json.elements(DecodedGraphError.self, "errors").map(\.error))
    }
}

extension DeliveryStatus {
    fileprivate init(wire: String) {
        switch wire {
        case "sent": self = .sent
        case "delivered": self = .delivered
        case "read": self = .read
        case "played": self = .played
        case "failed": self = .failed
        default: self = .other(wire)
        }
    }
}

private struct DecodedGraphError: Decodable {
    var error: GraphError

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        guard let code = json.int("code") else {
            throw DecodingError.dataCorruptedError(forKey: "code", in: json, debugDescription: "error without code")
        }
        error = GraphError(
            code: code, title: json.string("title"), message: json.string("message"),
            details: json.object("error_data")?.string("details") ?? json.string("details"))
    }
}

/// Any JSON value; used where only the number of items matters.
private struct DecodedAnything: Decodable {
    init(from decoder: any Decoder) throws {}
}

extension DeliveryStatus {
    /// The status as Meta spells it (`sent`, `delivered`, …), for storing and logging.
    public var wireName: String {
        switch self {
        case .sent: return "sent"
        case .delivered: return "delivered"
        case .read: return "read"
        case .played: return "played"
        case .failed: return "failed"
        case .other(let name): return name
        }
    }
}

extension Content {
    /// The message's type as Meta names it, with interactive replies told apart (`button_reply`, `list_reply`).
    public var wireType: String {
        switch self {
        case .text: return "text"
        case .buttonReply: return "button_reply"
        case .listReply: return "list_reply"
        case .templateButton: return "button"
        case .location: return "location"
        case .reaction: return "reaction"
        case .media(let kind, _): return kind
        case .order: return "order"
        case .contacts: return "contacts"
        case .system: return "system"
        case .unsupported(let type, _): return type
        }
    }
}

/// The timestamp WhatsApp would send, or nil: Unix seconds from 1970 to 10^10 (the year 2286). Anything else is no
/// time at all and reads as absent, so later arithmetic (milliseconds, an age) cannot overflow: a signed message
/// with `"timestamp":"9223372036854776"` once trapped in `timestamp * 1000` and took the worker's other requests
/// down with it, again on every redelivery.
public func plausibleTimestamp(_ seconds: Int64?) -> Int64? {
    guard let seconds, (0...10_000_000_000).contains(seconds) else { return nil }
    return seconds
}
