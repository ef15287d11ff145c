import Foundation
import HTTPClient
import TestSupport
import Testing
import WhatsApp

private let graphURL = "https://graph.facebook.com"
private let customer = Recipient.waID("2348031234567")

/// The request as it would leave the process: method, URL, sorted headers with the token redacted, pretty body.
private func render(_ request: HTTPRequest) throws -> String {
    let headers = request.headers
        .map { header in
            header.name == "Authorization" ? "\(header.name): Bearer <redacted>" : "\(header.name): \(header.value)"
        }
        .sorted()
    return "\(request.method) \(request.url)\n" + headers.joined(separator: "\n") + "\n\n"
        + (try JSON(bytes: request.body)).pretty + "\n"
}

private func request(to recipient: Recipient = customer, _ message: OutboundMessage, replyTo: String? = nil)
    -> HTTPRequest
{
    sendMessageRequest(
        graphURL: graphURL, apiVersion: "v25.0", phoneNumberID: "1122334455667", accessToken: "EAAG-secret-token",
        body: messageRequestBody(to: recipient, message: message, replyTo: replyTo))
}

private func body(_ message: OutboundMessage, to recipient: Recipient = customer) throws -> JSON {
    try JSON(bytes: messageRequestBody(to: recipient, message: message))
}

private func rows(_ count: Int, prefix: String = "r") -> [ListRow] {
    (1...count).map { ListRow(id: "\(prefix)\($0)", title: "Row \($0)") }
}

// MARK: - Goldens

@Test func textRequestGolden() throws {
    let message = OutboundMessage.text(
        body: "Your order #1234 is ready. Track it: https://example.com/t/1234", previewURL: true)
    assertGolden(try render(request(message, replyTo: "wamid.HBgLMjM0ODAzMTIzNDU2NxUCABIYFDNBMjQ=")), named: "text")
}

/// Outside the 24-hour window only an approved template gets through (apis.md A4): name, language with the
/// deterministic policy, and the body's parameters in order.
@Test func templateRequestGolden() throws {
    let message = OutboundMessage.template(
        name: "order_update", language: "en", bodyParameters: ["WO-7K3F9Q2M", "ready for pickup"])
    assertGolden(try render(request(message)), named: "template")
}

@Test func listRequestGolden() throws {
    let message = OutboundMessage.list(
        header: "Mama Put Kitchen", body: "What would you like today?", footer: "Prices include VAT",
        button: "See menu",
        sections: [
            ListSection(
                title: "Rice",
                rows: [
                    ListRow(id: "item:jollof", title: "Jollof rice", description: "₦2,500 · with plantain"),
                    ListRow(id: "item:fried-rice", title: "Fried rice"),
                ]),
            ListSection(title: "Soups", rows: [ListRow(id: "item:egusi", title: "Egusi & pounded yam")]),
        ])
    assertGolden(try render(request(message)), named: "list")
}

@Test func buttonsRequestGolden() throws {
    let message = OutboundMessage.buttons(
        header: .text("Order #1234"), body: "Total ₦7,500. How would you like to pay?", footer: nil,
        buttons: [
            ReplyButton(id: "pay:card", title: "Card"), ReplyButton(id: "pay:transfer", title: "Bank transfer"),
            ReplyButton(id: "cancel", title: "Cancel order"),
        ])
    assertGolden(try render(request(message)), named: "buttons")
}

/// Reply buttons under a picture of the dish; the link is sent as given, never clamped.
@Test func buttonsWithImageHeaderGolden() throws {
    let message = OutboundMessage.buttons(
        header: .image(link: "https://example.com/menu/jollof.jpg?v=3"), body: "Jollof rice, ₦2,500. Add it?",
        footer: "Mama Put Kitchen",
        buttons: [ReplyButton(id: "add:jollof", title: "Add to cart"), ReplyButton(id: "menu", title: "Back to menu")])
    assertGolden(try render(request(message)), named: "buttons_image_header")
}

@Test func productListRequestGolden() throws {
    let message = OutboundMessage.productList(
        header: "Mama Put Kitchen", body: "Tap a dish to see it, add to your cart and send it.",
        footer: "Open till 10pm",
        catalogID: "194836987003835",
        sections: [
            ProductSection(title: "Rice", productRetailerIDs: ["jollof-rice", "fried-rice"]),
            ProductSection(title: "Soups", productRetailerIDs: ["egusi-soup"]),
        ])
    assertGolden(try render(request(message)), named: "product_list")
}

@Test func singleProductRequestGolden() throws {
    let message = OutboundMessage.product(
        body: "Today's special", footer: nil, catalogID: "194836987003835", productRetailerID: "jollof-rice")
    assertGolden(try render(request(message)), named: "product")
}

@Test func bsuidRecipientGolden() throws {
    let message = OutboundMessage.text(body: "Welcome back!", previewURL: false)
    assertGolden(try render(request(to: .userID("US.13491208655302741918"), message)), named: "bsuid_text")
}

// MARK: - Exact bytes

@Test func bodyIsCompactSortedAndLeavesSlashesAlone() {
    let bytes = messageRequestBody(to: .waID("+2348031234567"), message: .text(body: "a/b ä", previewURL: false))
    let expected =
        #"{"messaging_product":"whatsapp","recipient_type":"individual","#
        + #""text":{"body":"a/b ä","preview_url":false},"to":"+2348031234567","type":"text"}"#
    #expect(String(decoding: bytes, as: UTF8.self) == expected)
}

@Test func recipientPlusIsAddedOnce() throws {
    #expect(try body(.text(body: "x", previewURL: false), to: .waID("234803"))["to"] == .string("+234803"))
    #expect(try body(.text(body: "x", previewURL: false), to: .waID("+234803"))["to"] == .string("+234803"))
    let bsuid = try body(.text(body: "x", previewURL: false), to: .userID("NG.123"))
    #expect(bsuid["recipient"] == .string("NG.123"))
    #expect(bsuid["to"] == nil)
}

@Test func noContextWithoutReplyTo() throws {
    #expect(try body(.text(body: "x", previewURL: false))["context"] == nil)
}

@Test func emptyHeaderAndFooterAreLeftOut() throws {
    let json = try body(
        .buttons(header: .text(""), body: "Pick", footer: "", buttons: [ReplyButton(id: "a", title: "A")]))
    #expect(json["interactive"]?["header"] == nil)
    #expect(json["interactive"]?["footer"] == nil)
    #expect(json["interactive"]?["body"]?["text"] == .string("Pick"))
}

// MARK: - Clamping

@Test func longRowTitleIsCutTo24EndingInEllipsis() throws {
    let title = String(repeating: "abcde", count: 5)
    #expect(title.count == 25)
    let json = try body(
        .list(
            header: nil, body: "b", footer: nil, button: "Menu",
            sections: [ListSection(title: "S", rows: [ListRow(id: "1", title: title)])]))
    let clamped = try #require(json["interactive"]?["action"]?["sections"]?[0]?["rows"]?[0]?["title"]?.string)
    #expect(clamped.count == MessageLimits.rowTitle)
    #expect(clamped == String(title.prefix(23)) + "…")
}

@Test func cutDropsTrailingSpaceBeforeEllipsis() throws {
    // Characters 22 and 23 are spaces: without the trim the title would end in "egusi  …".
    let json = try body(
        .list(
            header: nil, body: "b", footer: nil, button: "Menu",
            sections: [ListSection(title: "S", rows: [ListRow(id: "1", title: "Pounded yam and egusi  soup")])]))
    let title = json["interactive"]?["action"]?["sections"]?[0]?["rows"]?[0]?["title"]
    #expect(title == .string("Pounded yam and egusi…"))
}

@Test func rowsBeyondTenInTotalAreDropped() throws {
    let json = try body(
        .list(
            header: nil, body: "b", footer: nil, button: "Menu",
            sections: [
                ListSection(title: "A", rows: rows(7, prefix: "a")),
                ListSection(title: "B", rows: rows(5, prefix: "b")),
                ListSection(title: "C", rows: rows(2, prefix: "c")),
            ]))
    let sections = try #require(json["interactive"]?["action"]?["sections"])
    #expect(sections.count == 2)
    #expect(sections[0]?["rows"]?.count == 7)
    #expect(sections[1]?["rows"]?.count == 3)
    #expect(sections[1]?["rows"]?[2]?["id"] == .string("b3"))
}

@Test func twelveRowsInOneSectionBecomeTen() throws {
    let json = try body(
        .list(header: nil, body: "b", footer: nil, button: "Menu", sections: [ListSection(title: "A", rows: rows(12))]))
    #expect(json["interactive"]?["action"]?["sections"]?[0]?["rows"]?.count == MessageLimits.rowsTotal)
}

@Test func fourButtonsBecomeThree() throws {
    let buttons = (1...4).map { ReplyButton(id: "b\($0)", title: "Button \($0)") }
    let json = try body(.buttons(header: nil, body: "b", footer: nil, buttons: buttons))
    let wire = try #require(json["interactive"]?["action"]?["buttons"])
    #expect(wire.count == MessageLimits.buttons)
    #expect(wire[2]?["reply"]?["id"] == .string("b3"))
    #expect(wire[0]?["type"] == .string("reply"))
}

@Test func longInteractiveBodyIsCutTo1024() throws {
    let json = try body(
        .buttons(
            header: nil, body: String(repeating: "x", count: 1500), footer: nil,
            buttons: [ReplyButton(id: "a", title: "A")]))
    let text = try #require(json["interactive"]?["body"]?["text"]?.string)
    #expect(text.count == MessageLimits.interactiveBody)
    #expect(text.hasSuffix("x…"))
}

@Test func longTextBodyIsCutTo4096() throws {
    let json = try body(.text(body: String(repeating: "y", count: 5000), previewURL: false))
    let text = try #require(json["text"]?["body"]?.string)
    #expect(text.count == MessageLimits.textBody)
    #expect(text.hasSuffix("…"))
}

@Test func textWithinLimitsIsUntouched() throws {
    let exact = String(repeating: "z", count: MessageLimits.textBody)
    #expect(try body(.text(body: exact, previewURL: false))["text"]?["body"] == .string(exact))
}

@Test func truncationNeverSplitsAGrapheme() throws {
    // 👍🏻 is one Character of two scalars (four UTF-16 units); 👨‍👩‍👧 is one of five scalars.
    for unit in ["👍🏻", "👨‍👩‍👧", "🇳🇬", "é"] {
        let title = String(repeating: unit, count: 30)
        let json = try body(
            .list(
                header: nil, body: "b", footer: nil, button: "Menu",
                sections: [ListSection(title: "S", rows: [ListRow(id: "1", title: title)])]))
        let clamped = try #require(json["interactive"]?["action"]?["sections"]?[0]?["rows"]?[0]?["title"]?.string)
        #expect(clamped.hasSuffix("…"), "\(unit)")
        #expect(clamped.dropLast().allSatisfy { String($0) == unit }, "\(unit)")
        #expect(clamped.utf16.count <= MessageLimits.rowTitle, "\(unit)")
        #expect(clamped.utf16.count + unit.utf16.count > MessageLimits.rowTitle, "\(unit): as long as it can be")
    }
}

@Test func everyListFieldIsClamped() throws {
    let long = String(repeating: "m", count: 300)
    let json = try body(
        .list(
            header: long, body: long, footer: long, button: long,
            sections: [ListSection(title: long, rows: [ListRow(id: long, title: long, description: long)])]))
    let interactive = try #require(json["interactive"])
    #expect(interactive["header"]?["text"]?.string?.count == MessageLimits.header)
    #expect(interactive["footer"]?["text"]?.string?.count == MessageLimits.footer)
    #expect(interactive["action"]?["button"]?.string?.count == MessageLimits.listButton)
    let section = try #require(interactive["action"]?["sections"]?[0])
    #expect(section["title"]?.string?.count == MessageLimits.sectionTitle)
    #expect(section["rows"]?[0]?["description"]?.string?.count == MessageLimits.rowDescription)
    // Ids are cut without an ellipsis: they are matched, not read.
    #expect(section["rows"]?[0]?["id"] == .string(String(repeating: "m", count: MessageLimits.rowID)))
}

@Test func buttonIDIsCutTo256() throws {
    let json = try body(
        .buttons(
            header: nil, body: "b", footer: nil,
            buttons: [ReplyButton(id: String(repeating: "i", count: 300), title: "A")]))
    #expect(json["interactive"]?["action"]?["buttons"]?[0]?["reply"]?["id"]?.string?.count == MessageLimits.buttonID)
}

@Test func buttonTitlesStayUniqueAfterClamping() throws {
    let buttons = [
        ReplyButton(id: "a", title: "Pay with card ending 4242"),
        ReplyButton(id: "b", title: "Pay with card ending 1881"),
        ReplyButton(id: "c", title: "Pay with card ending 0005"),
    ]
    let json = try body(.buttons(header: nil, body: "b", footer: nil, buttons: buttons))
    let titles = try (0..<3).map { index in
        try #require(json["interactive"]?["action"]?["buttons"]?[index]?["reply"]?["title"]?.string)
    }
    #expect(titles == ["Pay with card endin…", "Pay with card end… 2", "Pay with card end… 3"])
    #expect(titles.allSatisfy { $0.count <= MessageLimits.buttonTitle })
}

@Test func rowTitlesStayUniqueAfterClampingAcrossSections() throws {
    let long = "Grandma's Special Ofada Rice with Ayamase Sauce"
    let sections = [
        ListSection(title: "One", rows: [ListRow(id: "a", title: long + " (small)")]),
        ListSection(title: "Two", rows: [ListRow(id: "b", title: long + " (large)"), ListRow(id: "c", title: "Zobo")]),
    ]
    let json = try body(.list(header: nil, body: "b", footer: nil, button: "Choose", sections: sections))
    let titles = try [(0, 0), (1, 0), (1, 1)].map { section, row in
        try #require(json["interactive"]?["action"]?["sections"]?[section]?["rows"]?[row]?["title"]?.string)
    }
    #expect(titles == ["Grandma's Special Ofada…", "Grandma's Special Ofa… 2", "Zobo"])
    #expect(titles.allSatisfy { $0.utf16.count <= MessageLimits.rowTitle })
}

@Test func aLocationCarriesItsCoordinatesAsNumbers() throws {
    let json = try body(.location(latitude: 6.4281, longitude: 3.4216, name: "Mama Put", address: "12 Akin Adesola St"))
    #expect(json["type"]?.string == "location")
    #expect(json["location"]?["latitude"]?.double == 6.4281)
    #expect(json["location"]?["longitude"]?.double == 3.4216)
    #expect(json["location"]?["name"]?.string == "Mama Put")
    #expect(json["location"]?["address"]?.string == "12 Akin Adesola St")
    let bare = try body(.location(latitude: -1.5, longitude: 36.0, name: "", address: ""))
    #expect(bare["location"]?["name"] == nil)
}

@Test func productsBeyondThirtyInTotalAreDropped() throws {
    let ids = { (prefix: String, count: Int) in (1...count).map { "\(prefix)\($0)" } }
    let json = try body(
        .productList(
            header: "Menu", body: "b", footer: nil, catalogID: "1",
            sections: [
                ProductSection(title: "A", productRetailerIDs: ids("a", 20)),
                ProductSection(title: "B", productRetailerIDs: ids("b", 15)),
                ProductSection(title: "C", productRetailerIDs: ids("c", 5)),
            ]))
    let sections = try #require(json["interactive"]?["action"]?["sections"])
    #expect(sections.count == 2)
    #expect(sections[0]?["product_items"]?.count == 20)
    #expect(sections[1]?["product_items"]?.count == MessageLimits.productsTotal - 20)
    #expect(sections[1]?["product_items"]?[9]?["product_retailer_id"] == .string("b10"))
}

@Test func productSectionsBeyondTenAndEmptyOnesAreDropped() throws {
    var sections = (1...12).map { ProductSection(title: "S\($0)", productRetailerIDs: ["p\($0)"]) }
    sections.insert(ProductSection(title: "Empty", productRetailerIDs: ["", ""]), at: 1)
    let json = try body(.productList(header: "Menu", body: "b", footer: nil, catalogID: "1", sections: sections))
    let wire = try #require(json["interactive"]?["action"]?["sections"])
    #expect(wire.count == MessageLimits.sections)
    #expect(wire[1]?["title"] == .string("S2"))
    #expect(wire[9]?["title"] == .string("S10"))
}

@Test func productListFieldsAreClampedButIdsAreNot() throws {
    let long = String(repeating: "k", count: 300)
    let json = try body(
        .productList(
            header: long, body: long, footer: long, catalogID: long,
            sections: [ProductSection(title: long, productRetailerIDs: [long])]))
    let interactive = try #require(json["interactive"])
    #expect(interactive["type"] == .string("product_list"))
    #expect(interactive["header"]?["type"] == .string("text"))
    #expect(interactive["header"]?["text"]?.string?.count == MessageLimits.header)
    #expect(interactive["footer"]?["text"]?.string?.count == MessageLimits.footer)
    #expect(interactive["action"]?["sections"]?[0]?["title"]?.string?.count == MessageLimits.sectionTitle)
    // A cut catalog or retailer id names another product, or none.
    #expect(interactive["action"]?["catalog_id"] == .string(long))
    #expect(interactive["action"]?["sections"]?[0]?["product_items"]?[0]?["product_retailer_id"] == .string(long))
}

@Test func singleProductLeavesOutAnEmptyBodyAndFooterAndHasNoHeader() throws {
    let json = try body(.product(body: "", footer: nil, catalogID: "9", productRetailerID: "zobo"))
    let interactive = try #require(json["interactive"])
    #expect(interactive["type"] == .string("product"))
    #expect(interactive["body"] == nil)
    #expect(interactive["footer"] == nil)
    #expect(interactive["header"] == nil)
    #expect(interactive["action"] == .object(["catalog_id": .string("9"), "product_retailer_id": .string("zobo")]))
}

@Test func anEmptyImageLinkLeavesTheHeaderOut() throws {
    let json = try body(
        .buttons(header: .image(link: ""), body: "b", footer: nil, buttons: [ReplyButton(id: "a", title: "A")]))
    #expect(json["interactive"]?["header"] == nil)
    let text = try body(
        .buttons(header: .text("Hi"), body: "b", footer: nil, buttons: [ReplyButton(id: "a", title: "A")]))
    #expect(text["interactive"]?["header"] == .object(["type": .string("text"), "text": .string("Hi")]))
}

// MARK: - The HTTP request

@Test func sendRequestTargetsTheMessagesEdgeWithBearerToken() {
    let body = messageRequestBody(to: customer, message: .text(body: "hi", previewURL: false))
    let request = sendMessageRequest(
        graphURL: "https://graph.facebook.com/", apiVersion: "v25.0", phoneNumberID: "1122334455667",
        accessToken: "EAAG-token", body: body)
    #expect(request.method == "POST")
    #expect(request.url == "https://graph.facebook.com/v25.0/1122334455667/messages")
    #expect(request.header("authorization") == "Bearer EAAG-token")
    #expect(request.header("Content-Type") == "application/json")
    #expect(request.body == body)
}

@Test func outboundValuesRoundTripThroughCodable() throws {
    let messages: [OutboundMessage] = [
        .text(body: "hi", previewURL: true),
        .list(header: nil, body: "b", footer: "f", button: "Menu", sections: [ListSection(title: "S", rows: rows(2))]),
        .buttons(header: .text("h"), body: "b", footer: nil, buttons: [ReplyButton(id: "a", title: "A")]),
        .buttons(header: .image(link: "https://example.com/a.jpg"), body: "b", footer: nil, buttons: []),
        .productList(
            header: "h", body: "b", footer: nil, catalogID: "1",
            sections: [ProductSection(title: "S", productRetailerIDs: ["x"])]),
        .product(body: nil, footer: "f", catalogID: "1", productRetailerID: "x"),
    ]
    let data = try JSONEncoder().encode(messages)
    #expect(try JSONDecoder().decode([OutboundMessage].self, from: data) == messages)
    let recipients: [Recipient] = [.waID("234"), .userID("NG.1")]
    #expect(try JSONDecoder().decode([Recipient].self, from: JSONEncoder().encode(recipients)) == recipients)
}

/// `.buttons(header:)` was a `String?`: a value encoded then still decodes, and a text header encodes the same bytes.
@Test func buttonsEncodedBeforeImageHeadersStillDecode() throws {
    let old = Data(#"{"buttons":{"header":"Order #1234","body":"Pay?","buttons":[{"id":"a","title":"A"}]}}"#.utf8)
    let message = try JSONDecoder().decode(OutboundMessage.self, from: old)
    #expect(
        message
            == .buttons(
                header: .text("Order #1234"), body: "Pay?", footer: nil, buttons: [ReplyButton(id: "a", title: "A")]))
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let again = String(decoding: try encoder.encode(message), as: UTF8.self)
    #expect(again.contains(#""header":"Order #1234""#))
}
