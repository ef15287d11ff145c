import Foundation
import HTTPClient
import TestSupport
import Testing
import WhatsApp

private let graphURL = "https://graph.facebook.com/"
private let catalogID = "194836987003835"

private let jollof = CatalogProduct(
    retailerID: "jollof-rice", title: "Jollof rice", description: "Party jollof with fried plantain",
    priceMinor: 250_000, currency: "NGN", imageURL: "https://example.com/menu/jollof.jpg", inStock: true,
    link: "https://example.com/menu/jollof")
private let egusi = CatalogProduct(
    retailerID: "egusi-soup", title: "Egusi & pounded yam", description: "Egusi soup with pounded yam",
    priceMinor: 300_050, currency: "NGN", inStock: false)

private func batches(_ changes: [CatalogChange], perBatch: Int = CatalogLimits.requestsPerBatch) -> [HTTPRequest] {
    catalogBatchRequests(
        graphURL: graphURL, apiVersion: "v25.0", catalogID: catalogID, accessToken: "EAAG-secret-token",
        changes: changes, brand: "Mama Put Kitchen", perBatch: perBatch)
}

/// The form fields of a request body, percent-decoded, in order.
private func form(_ request: HTTPRequest) throws -> [(String, String)] {
    try String(decoding: request.body, as: UTF8.self).split(separator: "&").map { field in
        let parts = field.split(separator: "=", maxSplits: 1)
        return (String(parts[0]), try #require(String(parts[1]).removingPercentEncoding))
    }
}

/// The `requests` field of a batch, parsed.
private func requests(_ request: HTTPRequest) throws -> JSON {
    let value = try #require(try form(request).first { $0.0 == "requests" }?.1)
    return try JSON(bytes: Array(value.utf8))
}

/// Method, URL, sorted headers with the token redacted, and the form with `requests` pretty-printed.
private func render(_ request: HTTPRequest) throws -> String {
    let headers = request.headers
        .map { $0.name == "Authorization" ? "\($0.name): Bearer <redacted>" : "\($0.name): \($0.value)" }
        .sorted()
    let fields = try form(request).map { name, value in
        name == "requests" ? "\(name)=\n" + (try JSON(bytes: Array(value.utf8))).pretty : "\(name)=\(value)"
    }
    return "\(request.method) \(request.url)\n" + headers.joined(separator: "\n") + "\n\n"
        + fields.joined(separator: "\n") + "\n"
}

// MARK: - items_batch

@Test func catalogBatchGolden() throws {
    let sent = batches([.create(jollof), .update(egusi), .delete(retailerID: "zobo")])
    try #require(sent.count == 1)
    assertGolden(try render(sent[0]), named: "catalog_batch")
}

@Test func batchBodyIsOneFormWithTheRequestsAsJSON() throws {
    let request = try #require(batches([.delete(retailerID: "a b&c")]).first)
    #expect(request.method == "POST")
    #expect(request.url == "https://graph.facebook.com/v25.0/194836987003835/items_batch")
    #expect(request.header("Authorization") == "Bearer EAAG-secret-token")
    #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
    let body = String(decoding: request.body, as: UTF8.self)
    // Everything but RFC 3986's unreserved characters is escaped, `&` and `=` of the JSON included.
    #expect(
        body
            == "allow_upsert=true&item_type=PRODUCT_ITEM&requests="
            + "%5B%7B%22data%22%3A%7B%22id%22%3A%22a%20b%26c%22%7D%2C%22method%22%3A%22DELETE%22%7D%5D")
}

@Test func batchesSplitAtMetasLimitInOrder() throws {
    let changes = (0...CatalogLimits.requestsPerBatch).map { CatalogChange.delete(retailerID: "p\($0)") }
    let sent = batches(changes)
    #expect(sent.count == 2)
    #expect(try requests(sent[0]).count == 5000)
    #expect(try requests(sent[1]).count == 1)
    #expect(try requests(sent[1])[0]?["data"]?["id"] == .string("p5000"))
}

@Test func smallerBatchesOnRequestButNeverLargerOrEmpty() throws {
    let changes = (1...5).map { CatalogChange.delete(retailerID: "p\($0)") }
    #expect(try batches(changes, perBatch: 2).map { try requests($0).count } == [2, 2, 1])
    #expect(try batches(changes, perBatch: 0).map { try requests($0).count } == [1, 1, 1, 1, 1])
    #expect(batches(changes, perBatch: 1_000_000).count == 1)
    #expect(batches([]).isEmpty)
}

@Test func updateWithoutUpsertAndWithoutOptionalFields() throws {
    let bare = CatalogProduct(
        retailerID: "zobo", title: "Zobo", description: "Hibiscus", priceMinor: 50_000, currency: "NGN")
    let request = try #require(
        catalogBatchRequests(
            graphURL: graphURL, apiVersion: "v25.0", catalogID: catalogID, accessToken: "t", changes: [.update(bare)],
            brand: nil, allowUpsert: false
        ).first)
    #expect(try form(request).first?.1 == "false")
    let data = try #require(try requests(request)[0]?["data"])
    #expect(data["image_link"] == nil)
    #expect(data["link"] == nil)
    #expect(data["brand"] == nil)
    #expect(data["price"] == .string("500.00 NGN"))
    #expect(data["availability"] == .string("in stock"))
}

@Test func pricesAreWrittenWithTheCurrencysDecimals() {
    #expect(catalogPrice(minor: 250_000, currency: "NGN") == "2500.00 NGN")
    #expect(catalogPrice(minor: 5, currency: "NGN") == "0.05 NGN")
    #expect(catalogPrice(minor: 0, currency: "USD") == "0.00 USD")
    #expect(catalogPrice(minor: 799, currency: "USD") == "7.99 USD")
    #expect(catalogPrice(minor: 1500, currency: "XOF") == "1500 XOF")
    #expect(catalogPrice(minor: 1234, currency: "KWD") == "1.234 KWD")
    #expect(catalogPrice(minor: -150, currency: "GHS") == "-1.50 GHS")
}

// MARK: - items_batch answers

@Test func acceptedBatchHasItsHandle() throws {
    let outcome = classifyCatalogBatchResponse(status: 200, body: try fixture("catalog_batch_accepted.json"))
    #expect(outcome == .ok(CatalogBatchResult(handles: ["HANDLE_ID"])))
}

@Test func validationErrorsWithoutHandlesAreAnAnswer() throws {
    let outcome = classifyCatalogBatchResponse(status: 200, body: try fixture("catalog_batch_validation_errors.json"))
    let invalid = "The price information under is invalid. Review for more details"
    #expect(
        outcome
            == .ok(
                CatalogBatchResult(
                    handles: [],
                    validation: ["1895", "1893", "1850"].map { CatalogValidation(retailerID: $0, errors: [invalid]) })))
}

@Test func batchRateLimitIsRetryable() throws {
    let outcome = classifyCatalogBatchResponse(status: 400, body: try fixture("catalog_batch_error_80014.json"))
    guard case .retryable(_, let code) = outcome else {
        Issue.record("\(outcome)")
        return
    }
    #expect(code == 80014)
}

@Test func batchErrorsAndOddAnswers() {
    let tooLarge =
        #"{"error":{"message":"Please reduce the amount of data you're asking for, then retry your request","code":1}}"#
    #expect(
        classifyCatalogBatchResponse(status: 500, body: Array(tooLarge.utf8))
            == .tooLarge(message: "Please reduce the amount of data you're asking for, then retry your request"))
    let invalid =
        #"{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100,"fbtrace_id":"Ab"}}"#
    #expect(
        classifyCatalogBatchResponse(status: 400, body: Array(invalid.utf8))
            == .rejected(code: 100, message: "(#100) Invalid parameter", fbtraceID: "Ab"))
    #expect(
        classifyCatalogBatchResponse(status: 502, body: Array("<html>".utf8))
            == .retryable(reason: "HTTP 502 without a Graph error envelope", code: nil))
    #expect(
        classifyCatalogBatchResponse(status: 200, body: Array(#"{"success":true}"#.utf8))
            == .rejected(code: nil, message: "HTTP 200 without the expected body", fbtraceID: nil))
    let odd =
        #"{"handles":"x","validation_status":[7,{"retailer_id":"a","errors":[{"message":"m"},{}],"warnings":"w"}]}"#
    #expect(
        classifyCatalogBatchResponse(status: 200, body: Array(odd.utf8))
            == .ok(CatalogBatchResult(validation: [CatalogValidation(retailerID: "a", errors: ["m"])])))
}

// MARK: - Listing the catalog

@Test func catalogProductsGolden() {
    let first = catalogProductsRequest(
        graphURL: graphURL, apiVersion: "v25.0", catalogID: catalogID, accessToken: "EAAG-secret-token", limit: 50)
    let next = catalogProductsRequest(
        graphURL: graphURL, apiVersion: "v25.0", catalogID: catalogID, accessToken: "EAAG-secret-token", limit: 50,
        after: "QVFIUmx1WTBpMGpJWXpa")
    let lines = [first, next].map { request in
        "\(request.method) \(request.url)\n"
            + request.headers.map { "\($0.name): \($0.name == "Authorization" ? "Bearer <redacted>" : $0.value)" }
            .joined(separator: "\n")
    }
    assertGolden(lines.joined(separator: "\n\n") + "\n", named: "catalog_products")
    #expect(first.body.isEmpty)
}

@Test func aPageOfProducts() throws {
    let outcome = classifyCatalogPageResponse(status: 200, body: try fixture("catalog_products_page.json"))
    guard case .ok(let page) = outcome else {
        Issue.record("\(outcome)")
        return
    }
    #expect(page.nextCursor == "QVFIUmx1WTBpMGpJWXpa")
    #expect(page.unreadableProducts == 1)
    #expect(page.products.map(\.retailerID) == ["jollof-rice", "egusi-soup", "zobo"])
    #expect(page.products.map(\.priceMinor) == [250_000, 300_050, 50_000])
    #expect(page.products.map(\.inStock) == [true, false, nil])
    #expect(
        page.products[0]
            == ListedProduct(
                metaID: "7218934120011111", retailerID: "jollof-rice", title: "Jollof rice",
                description: "Party jollof with fried plantain", price: "₦2,500.00", priceMinor: 250_000,
                currency: "NGN", availability: "in stock", imageURL: "https://example.com/menu/jollof.jpg",
                link: "https://example.com/menu/jollof"))
}

@Test func theLastPageHasNoCursor() throws {
    let outcome = classifyCatalogPageResponse(status: 200, body: try fixture("catalog_products_last_page.json"))
    guard case .ok(let page) = outcome else {
        Issue.record("\(outcome)")
        return
    }
    #expect(page.nextCursor == nil)
    #expect(page.products.map(\.priceMinor) == [120_000])
    #expect(classifyCatalogPageResponse(status: 200, body: Array(#"{"data":[]}"#.utf8)) == .ok(CatalogPage()))
    #expect(
        classifyCatalogPageResponse(status: 200, body: Array(#"{"paging":{}}"#.utf8))
            == .rejected(code: nil, message: "HTTP 200 without the expected body", fbtraceID: nil))
}

@Test(
    arguments: [
        ("₦2,500.00", "NGN", 250_000), ("NGN3,000.50", "NGN", 300_050), ("500 NGN", "NGN", 50_000),
        ("2500.00 NGN", "NGN", 250_000), ("$9.99", "USD", 999), ("US$9.5", "USD", 950), ("1.234,50 €", "EUR", 123_450),
        ("2 500,00", "EUR", 250_000), ("2\u{A0}500", "NGN", 250_000), ("1,234", "USD", 123_400),
        ("¥1,500", "JPY", 1500), ("KWD 1.234", "KWD", 1234), ("0.05", nil, 5), ("₦1,000,000", "NGN", 100_000_000),
        // Grouping wins when three digits follow a lone mark: "1.001" is a thousand and one, not one and a bit.
        ("1.001", "NGN", 100_100),
    ] as [(String, String?, Int)])
func displayPricesReadAsMinorUnits(text: String, currency: String?, minor: Int) {
    #expect(minorUnits(displayPrice: text, currency: currency) == minor)
}

@Test(arguments: [
    "", "Free", "-₦500.00", "−5", "1.5.5", "9.99-12.99", "1,2345", "12,34,567", "1.234.56", "1,234.5.6",
    "9999999999999999999", "1,2.34 x",
])
func ambiguousOrNegativeDisplayPricesReadAsNil(text: String) {
    #expect(minorUnits(displayPrice: text, currency: "NGN") == nil)
}
