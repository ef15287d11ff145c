import Foundation
import TestSupport
import Testing
import WhatsApp

/// Every inbound-message and status fixture; a new file in `Fixtures/` is picked up without editing this test.
private let webhookFixtures = fixtureNames(withExtension: "json", in: Bundle.module).filter { name in
    ["message_", "meta_docs_message", "status_", "meta_docs_status"].contains { name.hasPrefix($0) }
}

private func decodeFixture(_ name: String) throws -> WebhookNotification {
    try WebhookNotification.decode(fixture(name))
}

/// The value of the only change in a fixture; every fixture here has one entry with one change.
private func onlyValue(_ name: String) throws -> ChangeValue {
    let notification = try decodeFixture(name)
    try #require(notification.changes.count == 1)
    #expect(notification.changes[0].field == "messages")
    return try #require(notification.changes[0].value)
}

private func onlyMessage(_ name: String) throws -> InboundMessage {
    let value = try onlyValue(name)
    try #require(value.messages.count == 1)
    #expect(value.undecodableMessages == 0)
    return value.messages[0]
}

private func onlyStatus(_ name: String) throws -> StatusUpdate {
    let value = try onlyValue(name)
    try #require(value.statuses.count == 1)
    #expect(value.undecodableStatuses == 0)
    return value.statuses[0]
}

private func decode(_ text: String) throws -> WebhookNotification {
    try WebhookNotification.decode(Array(text.utf8))
}

/// The value of a body with one entry holding one `messages` change around `value`.
private func decodeValue(_ value: String) throws -> ChangeValue {
    let notification = try decode(#"{"entry":[{"changes":[{"field":"messages","value":"# + value + "}]}]}")
    return try #require(notification.changes.first?.value)
}

// MARK: - Every fixture

@Test func fixtureListIsNotEmpty() {
    #expect(webhookFixtures.count >= 30)
}

@Test(arguments: webhookFixtures)
func everyWebhookFixtureDecodes(name: String) throws {
    let notification = try decodeFixture(name)
    #expect(notification.object == "whatsapp_business_account")
    let values = notification.changes.compactMap(\.value)
    #expect(!values.isEmpty)
    #expect(values.reduce(0) { $0 + $1.messages.count + $1.statuses.count } >= 1)
    #expect(values.allSatisfy { $0.undecodableMessages == 0 && $0.undecodableStatuses == 0 })
}

// MARK: - Messages

@Test func textMessageWithContact() throws {
    let value = try onlyValue("message_text.json")
    #expect(value.phoneNumberID == "1122334455667")
    #expect(value.displayPhoneNumber == "972123456789")
    #expect(value.contacts == [Contact(waID: "972987654321", userID: "US.13491208655302741918", name: "Test Name")])
    #expect(
        value.messages == [
            InboundMessage(
                id: "wamid.xyzxyz", from: "972987654321", timestamp: 1_697_043_223, content: .text("Body Text"))
        ])
    #expect(value.statuses.isEmpty)
    #expect(value.errors.isEmpty)
}

@Test func textFromMetaDocs() throws {
    let message = try onlyMessage("meta_docs_message_text.json")
    #expect(message.id == "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=")
    #expect(message.content == .text("Does it come in another color?"))
    #expect(message.timestamp == 1_749_416_383)
}

@Test func bsuidOnlySenderHasNoFrom() throws {
    let value = try onlyValue("message_text_bsuid_only_no_from.json")
    #expect(value.contacts == [Contact(waID: nil, userID: "BSUID_123", name: "NAME")])
    let message = try #require(value.messages.first)
    #expect(message.from == nil)
    #expect(message.id == "wamid.ID")
    #expect(message.content == .text("MESSAGE_BODY"))
}

@Test func replyCarriesTheQuotedMessageID() throws {
    let message = try onlyMessage("message_text_reply_with_context.json")
    #expect(message.replyTo == "wamid.xyzxyz==")
    #expect(message.content == .text("replied text"))
}

@Test func interactiveButtonReply() throws {
    let message = try onlyMessage("message_interactive_button_reply.json")
    #expect(message.content == .buttonReply(id: "callback_data", title: "title"))
    #expect(message.replyTo == "wamid.xyzxyz")
    let docs = try onlyMessage("meta_docs_message_interactive_button_reply.json")
    #expect(docs.content == .buttonReply(id: "change-button", title: "Change"))
}

@Test func interactiveListReplyWithDescription() throws {
    let message = try onlyMessage("meta_docs_message_interactive_list_reply.json")
    #expect(
        message.content
            == .listReply(id: "priority_express", title: "Priority Mail Express", description: "Next Day to 2 Days"))
    let other = try onlyMessage("message_interactive_list_reply.json")
    #expect(other.content == .listReply(id: "callback_data", title: "title", description: "description"))
}

@Test func templateQuickReplyIsAButtonNotAnInteractiveReply() throws {
    let message = try onlyMessage("message_button_template_quick_reply.json")
    #expect(message.content == .templateButton(payload: "callback_data", text: "title"))
    #expect(message.replyTo == "wamid.xyzxyz==")
}

@Test func numericTimestampIsAccepted() throws {
    let message = try onlyMessage("message_button_with_referral_and_referred_product.json")
    #expect(message.timestamp == 1_669_233_778)
    #expect(message.content == .templateButton(payload: "No-Button-Payload", text: "No"))
    #expect(message.from == "16315551234")
}

@Test func namedPlaceLocation() throws {
    let message = try onlyMessage("message_location_named_place.json")
    let expected = Location(
        latitude: 37.4611978, longitude: -122.2164385, name: "Facebook HQ",
        address: "1 Hacker Way, Menlo Park, CA 94025", url: "https://maps.google.com/?cid=2000000000000000000")
    #expect(message.content == .location(expected))
}

@Test func currentLocationHasOnlyCoordinates() throws {
    let message = try onlyMessage("message_location_current.json")
    #expect(message.content == .location(Location(latitude: 12.25089, longitude: 43.90539)))
    #expect(message.replyTo == nil)
}

@Test func reactionWithEscapedEmoji() throws {
    let message = try onlyMessage("message_reaction_raw_unicode_escapes.json")
    #expect(message.content == .reaction(messageID: "wamid.xxxxxxxx", emoji: "👍🏻"))
    let other = try onlyMessage("message_reaction.json")
    #expect(other.content == .reaction(messageID: "wamid.yzxyzx=", emoji: "😮"))
}

@Test func removedReactionHasNoEmoji() throws {
    let message = try onlyMessage("message_reaction_removed_empty_emoji.json")
    #expect(message.content == .reaction(messageID: "wamid.yzxyzx=", emoji: nil))
    let missing = try decodeValue(
        #"{"messages":[{"id":"wamid.R","type":"reaction","reaction":{"message_id":"wamid.X"}}]}"#)
    #expect(missing.messages.map(\.content) == [.reaction(messageID: "wamid.X", emoji: nil)])
}

@Test func unsupportedTypeCarriesItsErrorCode() throws {
    let message = try onlyMessage("message_unsupported.json")
    #expect(message.content == .unsupported(type: "unsupported", errorCode: 131_051))
}

@Test func legacyUnknownType() throws {
    let message = try onlyMessage("message_unknown_type_legacy_errors.json")
    #expect(message.content == .unsupported(type: "unknown", errorCode: 131_051))
    #expect(message.from == "PHONE_NUMBER")
}

@Test func valueErrorsAreDecoded() throws {
    let value = try onlyValue("message_interactive_with_value_errors.json")
    #expect(
        value.errors == [
            GraphError(
                code: 131_000, title: "Something went wrong", message: "Something went wrong",
                details: "Unsupported webhook payload")
        ])
    // The message itself has no `interactive` object.
    #expect(value.messages.map(\.content) == [.unsupported(type: "interactive", errorCode: nil)])
}

@Test func mediaKinds() throws {
    #expect(try onlyMessage("message_image.json").content == .media(kind: "image", caption: nil))
    #expect(try onlyMessage("message_image_with_url.json").content == .media(kind: "image", caption: nil))
    #expect(try onlyMessage("message_audio_voice.json").content == .media(kind: "audio", caption: nil))
    #expect(try onlyMessage("message_sticker_static.json").content == .media(kind: "sticker", caption: nil))
    let captioned = try decodeValue(
        #"{"messages":[{"id":"wamid.D","type":"document","document":{"id":"1","caption":"menu.pdf"}}]}"#)
    #expect(captioned.messages.map(\.content) == [.media(kind: "document", caption: "menu.pdf")])
}

// MARK: - Orders

@Test func orderKeepsEveryLine() throws {
    let order = CatalogOrder(
        catalogID: "354160437058781", text: nil,
        items: [
            CatalogOrder.Item(productRetailerID: "HAMBURGER", quantity: 3, itemPrice: "30", currency: "ILS"),
            CatalogOrder.Item(productRetailerID: "FRENCH_FRIES", quantity: 2, itemPrice: "35", currency: "ILS"),
            CatalogOrder.Item(productRetailerID: "SODA", quantity: 2, itemPrice: "10", currency: "ILS"),
        ])
    // pywa's sample sends `"text": ""`: no note is no text.
    #expect(try onlyMessage("message_order.json").content == .order(order))
}

@Test func orderFromMetaDocsKeepsItsDecimalPriceExactly() throws {
    let message = try onlyMessage("meta_docs_message_order.json")
    #expect(message.from == "16505551234")
    #expect(message.timestamp == 1_739_321_024)
    #expect(
        message.content
            == .order(
                CatalogOrder(
                    catalogID: "194836987003835", text: "Love these!",
                    items: [
                        CatalogOrder.Item(
                            productRetailerID: "di9ozbzfi4", quantity: 2, itemPrice: "7.99", currency: "USD")
                    ])))
    #expect(message.content.wireType == "order")
}

/// A line that names a product is kept, whatever its quantity says (0 when it says nothing usable, so the app asks
/// instead of guessing); a line that names none cannot be matched to the menu and is only counted.
@Test func malformedOrderLinesAreKeptWithQuantityZeroOrCounted() throws {
    let message = try onlyMessage("message_order_malformed.json")
    let expected = CatalogOrder(
        catalogID: "194836987003835", text: nil,
        items: [
            // No quantity at all.
            CatalogOrder.Item(productRetailerID: "jollof-rice", quantity: 0, itemPrice: "2500", currency: "NGN"),
            // Digits in a string read as the number, as timestamps do; "500.00" keeps its value, not its zeros.
            CatalogOrder.Item(productRetailerID: "fried-plantain", quantity: 3, itemPrice: "500", currency: "NGN"),
            CatalogOrder.Item(productRetailerID: "zobo", quantity: 0, itemPrice: nil, currency: "NGN"),
            CatalogOrder.Item(
                productRetailerID: "egusi-soup", quantity: CatalogOrder.maximumQuantity, itemPrice: "3000.5",
                currency: "NGN"),
            CatalogOrder.Item(productRetailerID: "puff-puff", quantity: 0, itemPrice: "200", currency: nil),
            CatalogOrder.Item(productRetailerID: "chapman", quantity: 0, itemPrice: "1200", currency: "NGN"),
        ],
        unreadableItems: 3)
    #expect(message.content == .order(expected))
}

@Test func orderQuantitiesBeyondInt64ReadAsZeroAndPricesNeverGoThroughADouble() throws {
    let value = try decodeValue(
        #"""
        {"messages":[{"id":"wamid.O","type":"order","order":{"product_items":[
          {"product_retailer_id":"a","quantity":9223372036854775808,"item_price":0.1},
          {"product_retailer_id":"b","quantity":2.0,"item_price":123456789012345678.25},
          {"product_retailer_id":"c","quantity":"1e3","item_price":1e3},
          {"product_retailer_id":"d","quantity":1e3,"item_price":"1."}
        ]}}]}
        """#)
    let order = try #require(value.messages.first.map(\.content))
    guard case .order(let cart) = order else {
        Issue.record("not an order: \(order)")
        return
    }
    #expect(cart.items.map(\.quantity) == [0, 2, 0, 1000])
    // A Double would say 0.1000000000000000055… and 123456789012345680.
    #expect(cart.items.map(\.itemPrice) == ["0.1", "123456789012345678.25", "1000", nil])
}

@Test func orderWithoutLinesOrBody() throws {
    let value = try decodeValue(
        #"""
        {"messages":[
          {"id":"wamid.1","type":"order"},
          {"id":"wamid.2","type":"order","order":{"catalog_id":"9","product_items":"x"}}
        ]}
        """#)
    #expect(
        value.messages.map(\.content) == [
            .order(CatalogOrder()), .order(CatalogOrder(catalogID: "9", unreadableItems: 1)),
        ])
}

@Test func systemNumberChangeHasNoContacts() throws {
    let value = try onlyValue("message_system_user_changed_number.json")
    #expect(value.contacts.isEmpty)
    let message = try #require(value.messages.first)
    #expect(message.from == "972987654321")
    #expect(
        message.content
            == .system(
                kind: "user_changed_number", body: "User A changed from 972987654321 to 972912345678",
                newWaID: "972912345678"))
}

@Test func adReferralTextIsStillText() throws {
    #expect(try onlyMessage("message_text_from_ad_referral.json").content == .text("BODY"))
}

@Test func sharedContactsAndOtherTypes() throws {
    let value = try decodeValue(
        #"""
        {"messages":[
          {"id":"wamid.1","type":"contacts","contacts":[{"name":{"first_name":"A"}},{"name":{"first_name":"B"}}]},
          {"id":"wamid.2","type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"response_json":"{}"}}},
          {"id":"wamid.3","type":"revoke"},
          {"id":"wamid.4","type":"poll_vote","errors":[{"code":131051,"title":"Unsupported"}]},
          {"id":"wamid.5"},
          {"id":"wamid.6","type":"text"}
        ]}
        """#)
    let contents = value.messages.map(\.content)
    #expect(
        contents == [
            .contacts(count: 2),
            .unsupported(type: "interactive", errorCode: nil),
            .unsupported(type: "revoke", errorCode: nil),
            .unsupported(type: "poll_vote", errorCode: 131_051),
            .unsupported(type: "", errorCode: nil),
            .unsupported(type: "text", errorCode: nil),
        ])
}

// MARK: - Statuses

@Test func failedStatusWithErrorDetails() throws {
    let status = try onlyStatus("status_failed_131026_undeliverable.json")
    #expect(
        status
            == StatusUpdate(
                id: "wamid.HBgLMzI0NzY3NTUzNzYVAgARGBIzOTI2MzFGRjdBRjA4M0Y2RDQA", status: .failed,
                timestamp: 1_698_231_447, recipientID: "REDACTED",
                errors: [
                    GraphError(
                        code: 131_026, title: "Receiver is incapable of receiving this message",
                        message: "Receiver is incapable of receiving this message", details: "Message Undeliverable.")
                ]))
}

@Test func readStatus() throws {
    let status = try onlyStatus("status_read.json")
    #expect(
        status == StatusUpdate(id: "wamid.xyzxyz", status: .read, timestamp: 1_689_380_458, recipientID: "972987654321")
    )
}

@Test func statusErrorsWithOnlyCodeAndTitle() throws {
    let status = try onlyStatus("status_failed_131053_minimal_errors.json")
    #expect(status.status == .failed)
    #expect(status.errors == [GraphError(code: 131_053, title: "ERROR_TITLE")])
}

@Test func sentAndDeliveredStatuses() throws {
    #expect(try onlyStatus("status_sent.json").status == .sent)
    #expect(try onlyStatus("meta_docs_status_sent_v24_no_conversation_no_pricing.json").status == .sent)
    #expect(try onlyStatus("status_delivered.json").status == .delivered)
    #expect(try onlyStatus("meta_docs_status_failed_131049.json").errors.map(\.code) == [131_049])
}

@Test func unknownStatusIsKept() throws {
    let value = try decodeValue(#"{"statuses":[{"id":"wamid.S","status":"deleted","timestamp":7}]}"#)
    #expect(value.statuses == [StatusUpdate(id: "wamid.S", status: .other("deleted"), timestamp: 7)])
}

// MARK: - Envelope and leniency

@Test func brokenJSONThrows() {
    for body in ["{\"entry\": [", "", "not json", "{\"entry\":[]}}"] {
        #expect(throws: WebhookDecodingError.self, "\(body)") { try decode(body) }
    }
    do {
        _ = try decode("{\"entry\": [")
        Issue.record("expected a throw")
    } catch {
        #expect((error as? WebhookDecodingError)?.code == "not-json")
    }
}

@Test func emptyObjectIsANotificationWithoutChanges() throws {
    #expect(try decode("{}") == WebhookNotification(object: nil, changes: []))
    #expect(try decode(#"{"object":"page","entry":[]}"#) == WebhookNotification(object: "page", changes: []))
}

@Test func nonArrayEntryOrNonObjectBodyIsNotTheEnvelope() {
    for body in [#"{"entry":"x"}"#, #"{"entry":{}}"#, "[]", "\"x\"", "42", "null"] {
        do {
            _ = try decode(body)
            Issue.record("expected \(body) to throw")
        } catch {
            #expect((error as? WebhookDecodingError)?.code == "not-envelope", "\(body): \(error)")
        }
    }
}

@Test func messageWithoutIDIsCountedNotFatal() throws {
    let value = try decodeValue(
        #"""
        {
          "messages":[
            {"from":"1","type":"text","text":{"body":"lost"}},
            {"id":"wamid.OK","type":"text","text":{"body":"hi"}}
          ],
          "statuses":[{"id":"wamid.S1"},{"id":"wamid.S2","status":"read"},42]
        }
        """#)
    #expect(value.messages == [InboundMessage(id: "wamid.OK", content: .text("hi"))])
    #expect(value.undecodableMessages == 1)
    #expect(value.statuses == [StatusUpdate(id: "wamid.S2", status: .read)])
    #expect(value.undecodableStatuses == 2)
}

@Test func wrongTypedFieldsReadAsAbsent() throws {
    let notification = try decode(
        #"""
        {"entry":[{"changes":[{"field":"messages","value":{
          "metadata":"x","contacts":{},"errors":[{"title":"no code"}],
          "messages":{"id":"wamid.1"},
          "statuses":[{"id":"wamid.S","status":"sent","timestamp":"soon","recipient_id":5}]
        }}]}]}
        """#)
    let value = try #require(notification.changes.first?.value)
    #expect(value.phoneNumberID == nil)
    #expect(value.contacts.isEmpty)
    #expect(value.errors.isEmpty)
    #expect(value.messages.isEmpty)
    #expect(value.undecodableMessages == 1)
    #expect(value.statuses == [StatusUpdate(id: "wamid.S", status: .sent)])
}

@Test func everyEntryAndChangeIsRead() throws {
    let notification = try decode(
        #"""
        {"object":"whatsapp_business_account","entry":[
          {"id":"A","changes":[
            {"field":"messages","value":{"messages":[{"id":"wamid.1","type":"text","text":{"body":"one"}}]}},
            {"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}},
            {"value":{"messages":[]}}
          ]},
          "not an entry",
          {"id":"B","changes":[
            {"field":"messages","value":{"statuses":[{"id":"wamid.2","status":"delivered","timestamp":"1700000000"}]}},
            {"field":"messages","value":"not an object"}
          ]}
        ]}
        """#)
    #expect(notification.object == "whatsapp_business_account")
    #expect(notification.changes.map(\.field) == ["messages", "account_update", "messages", "messages"])
    #expect(notification.changes[0].value?.messages.map(\.id) == ["wamid.1"])
    #expect(notification.changes[1].value == nil)
    #expect(
        notification.changes[2].value?.statuses == [
            StatusUpdate(id: "wamid.2", status: .delivered, timestamp: 1_700_000_000)
        ])
    #expect(notification.changes[3].value == nil)
}

@Test func decodingErrorDescriptionNamesTheProblem() {
    let error = WebhookDecodingError(code: "not-json", detail: "unexpected end")
    #expect(error.description == "webhook body not-json: unexpected end - while decoding a WhatsApp notification")
}

// MARK: - Text that is not well-formed

/// A text message whose body is `text` spliced in as raw bytes (no JSON escaping).
private func textBody(_ text: [UInt8]) -> [UInt8] {
    Array(#"{"entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"wamid.T","from":"1","#.utf8)
        + Array(#""type":"text","text":{"body":""#.utf8) + text + Array(#""}}]}}]}]}"#.utf8)
}

private func decodedText(_ text: [UInt8]) throws -> (String?, Bool) {
    let notification = try WebhookNotification.decode(textBody(text))
    guard case .text(let body) = notification.changes.first?.value?.messages.first?.content else {
        return (nil, notification.replacedIllFormedText)
    }
    return (body, notification.replacedIllFormedText)
}

@Test func bytesThatAreNotUTF8BecomeReplacementCharacters() throws {
    // A stray continuation byte, a truncated sequence, an encoded surrogate (CESU-8) and bytes UTF-8 never uses.
    let (text, replaced) = try decodedText([0x61, 0x80, 0x62, 0xC3, 0x20, 0xED, 0xA0, 0x80, 0xFF, 0xFE])
    #expect(text == "a\u{FFFD}b\u{FFFD} \u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}")
    #expect(replaced)
}

@Test func anUnpairedSurrogateEscapeBecomesAReplacementCharacter() throws {
    let (text, replaced) = try decodedText(Array(#"x\ud83d y \ude00 \uDBFF\u0041 \ud83d\ude00"#.utf8))
    #expect(text == "x\u{FFFD} y \u{FFFD} \u{FFFD}A 😀")
    #expect(replaced)
}

@Test func wellFormedTextIsLeftAlone() throws {
    // An escaped backslash before `ud83d` is text, not an escape; a pair and raw UTF-8 are fine as they are.
    let (text, replaced) = try decodedText(Array(#"\\ud83d \ud83d\ude00 ₦ é\\"#.utf8))
    #expect(text == #"\ud83d 😀 ₦ é\"#)
    #expect(!replaced)
}

/// Found by fuzz/ (kept in fuzz/regressions/whatsapp-webhook): coordinates sent as strings that overflow or are
/// not numbers never become a pin, which could not be stored and would fail every redelivery with a 503.
@Test func coordinatesThatAreNotFiniteNumbersAreNoPin() throws {
    for value in ["3e947", "1e999", "-1e999", "nan", "inf"] {
        let body = Array(
            #"{"entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"08","from":"1","type":"location","location":{"latitude":"6","longitude":"\#(value)"}}]}}]}]}"#
                .utf8)
        let notification = try WebhookNotification.decode(body)
        for change in notification.changes {
            for message in change.value?.messages ?? [] {
                if case .location(let location) = message.content {
                    Issue.record("\(value) became a pin at \(location.latitude),\(location.longitude)")
                }
            }
        }
    }
}
