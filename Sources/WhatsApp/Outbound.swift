import HTTPClient
import JSON

// Spec: https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages
// and …/messages/interactive-list-messages, …/messages/interactive-reply-buttons-messages,
// …/whatsapp/catalogs/single-product-messages and …/whatsapp/catalogs/multi-product-messages.

/// Who a message goes to.
public enum Recipient: Equatable, Sendable, Codable {
    /// A WhatsApp id (digits of the phone number); sent as `"to": "+<digits>"`.
    case waID(String)
    /// A business-scoped user ID, for customers known only by BSUID; sent as `"recipient": "<BSUID>"`.
    case userID(String)
}

/// One row of an interactive list.
public struct ListRow: Equatable, Sendable, Codable {
    /// Comes back as `list_reply.id` when picked.
    public var id: String
    /// The row's label.
    public var title: String
    /// A second, greyed line.
    public var description: String?

    /// Creates a row.
    public init(id: String, title: String, description: String? = nil) {
        self.id = id
        self.title = title
        self.description = description
    }
}

/// A titled group of rows in an interactive list.
public struct ListSection: Equatable, Sendable, Codable {
    /// The section's heading; always sent, since Meta requires it once there are two sections.
    public var title: String
    /// The rows; at most `MessageLimits.rowsTotal` across all sections.
    public var rows: [ListRow]

    /// Creates a section.
    public init(title: String, rows: [ListRow]) {
        self.title = title
        self.rows = rows
    }
}

/// One interactive reply button.
public struct ReplyButton: Equatable, Sendable, Codable {
    /// Comes back as `button_reply.id` when tapped.
    public var id: String
    /// The button's label; unique within a message.
    public var title: String

    /// Creates a button.
    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// The header of an interactive message.
///
/// Meta takes a text header on every interactive type that has one, and a media header only on reply buttons
/// (…/interactive-reply-buttons-messages; Meta's Node SDK, HeaderObject: "image can be used with reply buttons"), so
/// lists and product lists take a `String` and only `.buttons` takes this.
public enum MessageHeader: Equatable, Sendable, Codable {
    /// `{"type":"text","text":…}`, at most `MessageLimits.header` long.
    case text(String)
    /// `{"type":"image","image":{"link":…}}`: a public https URL Meta fetches (and caches for 10 minutes per URL).
    case image(link: String)

    // NB: `.buttons(header:)` was a `String?`: a text header is still written as a bare string, so values encoded
    // before the image header existed decode unchanged, and text headers encode as they always did.

    /// Reads a bare string as `.text`, and `{"image":{"link":…}}` as `.image`.
    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self = .text(text)
            return
        }
        let image = try decoder.container(keyedBy: CodingKeys.self).nestedContainer(
            keyedBy: ImageKeys.self, forKey: .image)
        self = .image(link: try image.decode(String.self, forKey: .link))
    }

    /// Writes `.text` as a bare string and `.image` as `{"image":{"link":…}}`.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .text(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .image(let link):
            var container = encoder.container(keyedBy: CodingKeys.self)
            var image = container.nestedContainer(keyedBy: ImageKeys.self, forKey: .image)
            try image.encode(link, forKey: .link)
        }
    }

    private enum CodingKeys: String, CodingKey { case image }
    private enum ImageKeys: String, CodingKey { case link }
}

/// A titled group of catalog products in a multi-product message.
public struct ProductSection: Equatable, Sendable, Codable {
    /// The section's heading, at most `MessageLimits.sectionTitle` long; always sent.
    public var title: String
    /// Catalog retailer ids (`product_retailer_id`), as the catalog holds them; at most
    /// `MessageLimits.productsTotal` across all sections.
    public var productRetailerIDs: [String]

    /// Creates a section.
    public init(title: String, productRetailerIDs: [String]) {
        self.title = title
        self.productRetailerIDs = productRetailerIDs
    }
}

/// A message we can send inside the 24-hour customer service window.
public enum OutboundMessage: Equatable, Sendable, Codable {
    /// Plain text; `previewURL` asks the client to render a link preview.
    case text(body: String, previewURL: Bool)
    /// An interactive list opened by one `button`.
    case list(header: String?, body: String, footer: String?, button: String, sections: [ListSection])
    /// Up to three interactive reply buttons, under a text or image header.
    case buttons(header: MessageHeader?, body: String, footer: String?, buttons: [ReplyButton])
    /// A multi-product message (interactive `product_list`): up to 30 products of one catalog in up to 10 sections.
    /// Meta requires the header, a text one.
    case productList(header: String, body: String, footer: String?, catalogID: String, sections: [ProductSection])
    /// A single-product message (interactive `product`): one catalog product, shown by WhatsApp from the catalog
    /// (name, image, price), so it has no header of its own.
    case product(body: String?, footer: String?, catalogID: String, productRetailerID: String)
    /// One button that opens `url` (an interactive `cta_url` message).
    case link(body: String, buttonTitle: String, url: String)
    /// A pin (spec: …/messages/location-messages): the restaurant, for customers who pick up or ask where it is.
    case location(latitude: Double, longitude: Double, name: String, address: String)
    /// An approved template, the only kind Meta delivers outside the 24-hour window (apis.md A4): `name` and
    /// `language` must match the approved template exactly, and the body takes its `{{n}}` values in order.
    case template(name: String, language: String, bodyParameters: [String])
}

/// Meta's length and count limits for the messages we send (apis.md A3).
///
/// Lengths are counted here in UTF-16 code units: Meta says "characters" without defining them, and UTF-16 is
/// never shorter than a count of Characters or Unicode scalars, so a string within these limits fits any of them.
public enum MessageLimits {
    /// `text.body`.
    public static let textBody = 4096
    /// `interactive.body.text`; the current list page says 4096, older docs 1024, so stay at 1024.
    public static let interactiveBody = 1024
    /// `interactive.header.text`.
    public static let header = 60
    /// `interactive.footer.text`.
    public static let footer = 60
    /// `action.button` of a list.
    public static let listButton = 20
    /// `sections[].title`.
    public static let sectionTitle = 24
    /// Sections per list or multi-product message.
    public static let sections = 10
    /// Rows per list, counted across all sections (a 3×10 list is rejected).
    public static let rowsTotal = 10
    /// `rows[].title`.
    public static let rowTitle = 24
    /// `rows[].description`.
    public static let rowDescription = 72
    /// `rows[].id`.
    public static let rowID = 200
    /// `action.parameters.display_text` of a CTA URL button.
    public static let ctaDisplayText = 20
    /// Products in a multi-product message, counted across all sections.
    public static let productsTotal = 30
    /// Reply buttons per message.
    public static let buttons = 3
    /// `buttons[].reply.title`.
    public static let buttonTitle = 20
    /// `buttons[].reply.id`.
    public static let buttonID = 256
    /// A template body parameter of type text.
    public static let templateParameter = 1024
    /// A location's name and address: Meta states no limit; a pin's labels are short, so keep them so.
    public static let locationText = 1024
}

/// The request body JSON bytes. Clamps every field to Meta's limits so Meta never rejects a reply for length:
/// strings are shortened on a grapheme (Character) boundary with a trailing "…" counted inside the limit; rows
/// beyond 10 in total, products beyond 30 in total, sections beyond 10 and buttons beyond 3 are dropped; button
/// titles made unique if clamping made two equal.
///
/// Ids are cut without "…", as they are not shown; catalog ids, retailer ids and links are never cut (a cut one
/// names something else). Empty headers, footers and optional bodies are left out. `replyTo` quotes an
/// inbound message (`context.message_id`). Keys are sorted and `/` is not escaped, so equal input gives equal bytes.
public func messageRequestBody(to recipient: Recipient, message: OutboundMessage, replyTo: String? = nil) -> [UInt8] {
    var members: [(String, JSONBody?)] = [
        ("messaging_product", .string("whatsapp")),
        ("recipient_type", .string("individual")),
        ("context", replyTo.map { .object([("message_id", .string($0))]) }),
    ]
    switch recipient {
    case .waID(let waID):
        // NB: without "+", Meta prepends the business number's country code and can mis-deliver.
        members.append(("to", .string(waID.hasPrefix("+") ? waID : "+" + waID)))
    case .userID(let userID):
        // [unverified] Meta's 2026 BSUID send field, as announced for users without a visible phone number.
        members.append(("recipient", .string(userID)))
    }
    switch message {
    case .text(let body, let previewURL):
        members.append(("type", .string("text")))
        members.append(
            (
                "text",
                .object([
                    ("body", .string(clamped(body, to: MessageLimits.textBody))), ("preview_url", .bool(previewURL)),
                ])
            ))
    case .list(let header, let body, let footer, let button, let sections):
        members.append(("type", .string("interactive")))
        let action = JSONBody.object([
            ("button", .string(clamped(button, to: MessageLimits.listButton))),
            ("sections", .array(wireSections(sections))),
        ])
        members.append(
            (
                "interactive",
                interactive("list", header: header.map(MessageHeader.text), body: body, footer: footer, action: action)
            ))
    case .buttons(let header, let body, let footer, let buttons):
        members.append(("type", .string("interactive")))
        let action = JSONBody.object([("buttons", .array(wireButtons(buttons)))])
        members.append(
            ("interactive", interactive("button", header: header, body: body, footer: footer, action: action)))
    case .productList(let header, let body, let footer, let catalogID, let sections):
        members.append(("type", .string("interactive")))
        let action = JSONBody.object([
            ("catalog_id", .string(catalogID)), ("sections", .array(wireProductSections(sections))),
        ])
        members.append(
            (
                "interactive",
                interactive("product_list", header: .text(header), body: body, footer: footer, action: action)
            ))
    case .product(let body, let footer, let catalogID, let productRetailerID):
        members.append(("type", .string("interactive")))
        let action = JSONBody.object([
            ("catalog_id", .string(catalogID)), ("product_retailer_id", .string(productRetailerID)),
        ])
        members.append(
            (
                "interactive",
                interactive("product", header: nil, body: nonEmpty(body), footer: footer, action: action)
            ))
    case .link(let body, let buttonTitle, let url):
        // Spec: …/messages/interactive-cta-url-messages. The URL is never clamped: a cut link is a broken one.
        members.append(("type", .string("interactive")))
        let action = JSONBody.object([
            ("name", .string("cta_url")),
            (
                "parameters",
                .object([
                    ("display_text", .string(clamped(buttonTitle, to: MessageLimits.ctaDisplayText))),
                    ("url", .string(url)),
                ])
            ),
        ])
        members.append(("interactive", interactive("cta_url", header: nil, body: body, footer: nil, action: action)))
    case .location(let latitude, let longitude, let name, let address):
        members.append(("type", .string("location")))
        members.append(
            (
                "location",
                .object([
                    ("latitude", .number(latitude)), ("longitude", .number(longitude)),
                    ("name", nonEmpty(name).map { .string(clamped($0, to: MessageLimits.locationText)) }),
                    ("address", nonEmpty(address).map { .string(clamped($0, to: MessageLimits.locationText)) }),
                ])
            ))
    case .template(let name, let language, let parameters):
        members.append(("type", .string("template")))
        let body = JSONBody.object([
            ("type", .string("body")),
            (
                "parameters",
                .array(
                    parameters.map {
                        .object([
                            ("type", .string("text")),
                            ("text", .string(clamped($0, to: MessageLimits.templateParameter))),
                        ])
                    })
            ),
        ])
        members.append(
            (
                "template",
                .object([
                    ("name", .string(name)),
                    ("language", .object([("code", .string(language)), ("policy", .string("deterministic"))])),
                    ("components", parameters.isEmpty ? nil : .array([body])),
                ])
            ))
    }
    return JSONBody.object(members).bytes
}

/// POST, headers Authorization: Bearer …, Content-Type: application/json.
///
/// The URL is `{graphURL}/{apiVersion}/{phoneNumberID}/messages`, e.g. `https://graph.facebook.com/v25.0/…`.
public func sendMessageRequest(
    graphURL: String, apiVersion: String, phoneNumberID: String, accessToken: String, body: [UInt8]
) -> HTTPRequest {
    HTTPRequest(
        method: "POST", url: graphEndpoint(graphURL, apiVersion, "\(phoneNumberID)/messages"),
        headers: [("Authorization", "Bearer \(accessToken)"), ("Content-Type", "application/json")],
        body: body)
}

/// `{graphURL}/{apiVersion}/{path}`, whatever slashes `graphURL` ends with.
func graphEndpoint(_ graphURL: String, _ apiVersion: String, _ path: String) -> String {
    var base = graphURL
    while base.hasSuffix("/") { base.removeLast() }
    return "\(base)/\(apiVersion)/\(path)"
}

// MARK: - Clamping

/// `text` cut to at most `limit` UTF-16 code units on a Character boundary, ending in "…" when it was cut.
func clamped(_ text: String, to limit: Int) -> String {
    guard text.utf16.count > limit else { return text }
    guard limit > 0 else { return "" }
    // "…" (U+2026) is one UTF-16 code unit.
    var kept = prefix(text, fitting: limit - 1)
    while let last = kept.last, last.isWhitespace { kept.removeLast() }
    return kept + "…"
}

/// An id cut to at most `limit` UTF-16 code units on a Character boundary, without an ellipsis.
func clampedID(_ id: String, to limit: Int) -> String {
    id.utf16.count > limit ? prefix(id, fitting: limit) : id
}

/// The longest run of whole Characters from the start of `text` within `budget` UTF-16 code units.
private func prefix(_ text: String, fitting budget: Int) -> String {
    var used = 0
    var end = text.startIndex
    for index in text.indices {
        let size = text[index].utf16.count
        guard used + size <= budget else { break }
        used += size
        end = text.index(after: index)
    }
    return String(text[..<end])
}

/// An interactive object; a nil `body` is left out (only a single-product message may have none).
private func interactive(
    _ type: String, header: MessageHeader?, body: String?, footer: String?, action: JSONBody
) -> JSONBody {
    .object([
        ("type", .string(type)),
        ("header", header.flatMap(wireHeader)),
        ("body", body.map { .object([("text", .string(clamped($0, to: MessageLimits.interactiveBody)))]) }),
        ("footer", nonEmpty(footer).map { .object([("text", .string(clamped($0, to: MessageLimits.footer)))]) }),
        ("action", action),
    ])
}

/// `text` unless it is nil or empty.
func nonEmpty(_ text: String?) -> String? {
    text?.isEmpty == false ? text : nil
}

/// A header object, or nil for an empty text or link (Meta would refuse either).
private func wireHeader(_ header: MessageHeader) -> JSONBody? {
    switch header {
    case .text(let text):
        return nonEmpty(text).map {
            .object([("type", .string("text")), ("text", .string(clamped($0, to: MessageLimits.header)))])
        }
    case .image(let link):
        // The link is never clamped: a cut URL is a broken image.
        return nonEmpty(link).map {
            .object([("type", .string("image")), ("image", .object([("link", .string($0))]))])
        }
    }
}

/// Sections of product items: at most 30 products in total and 10 sections. An empty retailer id names no product
/// and is dropped, and so is a section left without products (an empty list section is refused; assumed the same).
private func wireProductSections(_ sections: [ProductSection]) -> [JSONBody] {
    var remaining = MessageLimits.productsTotal
    var result: [JSONBody] = []
    for section in sections where remaining > 0 && result.count < MessageLimits.sections {
        let ids = section.productRetailerIDs.filter { !$0.isEmpty }.prefix(remaining)
        guard !ids.isEmpty else { continue }
        remaining -= ids.count
        result.append(
            .object([
                ("title", .string(clamped(section.title, to: MessageLimits.sectionTitle))),
                ("product_items", .array(ids.map { .object([("product_retailer_id", .string($0))]) })),
            ]))
    }
    return result
}

private func wireSections(_ sections: [ListSection]) -> [JSONBody] {
    var remaining = MessageLimits.rowsTotal
    var result: [JSONBody] = []
    // Two long names cut to the same 24 characters ("Grandma's Special Ofada…") would be two rows a customer
    // cannot tell apart: each title is made unique, as button titles are.
    var seen: Set<String> = []
    for section in sections where remaining > 0 && result.count < MessageLimits.sections {
        let rows = section.rows.prefix(remaining).map { row -> JSONBody in
            let title = uniqueTitle(row.title, avoiding: seen, limit: MessageLimits.rowTitle)
            seen.insert(title)
            return .object([
                ("id", .string(clampedID(row.id, to: MessageLimits.rowID))),
                ("title", .string(title)),
                ("description", row.description.map { .string(clamped($0, to: MessageLimits.rowDescription)) }),
            ])
        }
        // A section without rows would be rejected.
        guard !rows.isEmpty else { continue }
        remaining -= rows.count
        result.append(
            .object([
                ("title", .string(clamped(section.title, to: MessageLimits.sectionTitle))), ("rows", .array(rows)),
            ]))
    }
    return result
}

private func wireButtons(_ buttons: [ReplyButton]) -> [JSONBody] {
    var seen: Set<String> = []
    return buttons.prefix(MessageLimits.buttons).map { button in
        let title = uniqueTitle(button.title, avoiding: seen, limit: MessageLimits.buttonTitle)
        seen.insert(title)
        return .object([
            ("type", .string("reply")),
            (
                "reply",
                .object([("id", .string(clampedID(button.id, to: MessageLimits.buttonID))), ("title", .string(title))])
            ),
        ])
    }
}

/// The clamped title, or a numbered variant of it ("Pay with card … 2") when that is already taken, since Meta
/// rejects a message whose button titles repeat, and repeated row titles cannot be told apart.
private func uniqueTitle(_ title: String, avoiding seen: Set<String>, limit: Int) -> String {
    var candidate = clamped(title, to: limit)
    var number = 2
    while seen.contains(candidate) {
        let suffix = " \(number)"
        candidate = clamped(title, to: limit - suffix.utf16.count) + suffix
        number += 1
    }
    return candidate
}
