import HTTPClient
import JSON

// Spec: https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/send-messages
// and …/messages/interactive-list-messages, …/messages/interactive-reply-buttons-messages.

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

/// A message we can send inside the 24-hour customer service window.
public enum OutboundMessage: Equatable, Sendable, Codable {
    /// Plain text; `previewURL` asks the client to render a link preview.
    case text(body: String, previewURL: Bool)
    /// An interactive list opened by one `button`.
    case list(header: String?, body: String, footer: String?, button: String, sections: [ListSection])
    /// Up to three interactive reply buttons.
    case buttons(header: String?, body: String, footer: String?, buttons: [ReplyButton])
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
    /// Sections per list.
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
/// beyond 10 in total and buttons beyond 3 are dropped; button titles made unique if clamping made two equal.
///
/// Ids are cut without "…", as they are not shown; empty headers and footers are left out. `replyTo` quotes an
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
        members.append(("interactive", interactive("list", header: header, body: body, footer: footer, action: action)))
    case .buttons(let header, let body, let footer, let buttons):
        members.append(("type", .string("interactive")))
        let action = JSONBody.object([("buttons", .array(wireButtons(buttons)))])
        members.append(
            ("interactive", interactive("button", header: header, body: body, footer: footer, action: action)))
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
    var base = graphURL
    while base.hasSuffix("/") { base.removeLast() }
    return HTTPRequest(
        method: "POST", url: "\(base)/\(apiVersion)/\(phoneNumberID)/messages",
        headers: [("Authorization", "Bearer \(accessToken)"), ("Content-Type", "application/json")],
        body: body)
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

private func interactive(_ type: String, header: String?, body: String, footer: String?, action: JSONBody)
    -> JSONBody
{
    .object([
        ("type", .string(type)),
        (
            "header",
            nonEmpty(header).map {
                .object([("type", .string("text")), ("text", .string(clamped($0, to: MessageLimits.header)))])
            }
        ),
        ("body", .object([("text", .string(clamped(body, to: MessageLimits.interactiveBody)))])),
        ("footer", nonEmpty(footer).map { .object([("text", .string(clamped($0, to: MessageLimits.footer)))]) }),
        ("action", action),
    ])
}

/// `text` unless it is nil or empty.
func nonEmpty(_ text: String?) -> String? {
    text?.isEmpty == false ? text : nil
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
