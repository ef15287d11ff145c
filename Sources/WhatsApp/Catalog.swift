import HTTPClient
import JSON

// The catalog behind product messages and `order` webhooks, kept in step with the menu through Meta's Catalog
// Batch API. Specs (read 2026):
// - POST /{catalog_id}/items_batch: https://developers.facebook.com/docs/marketing-api/reference/product-catalog/items_batch/
//   and …/docs/marketing-api/catalog-batch/guides/send-product-updates (item_type, requests[].method/data,
//   allow_upsert, at most 5,000 requests a call, error 1 "Please reduce the amount of data" for a body too large).
// - Item fields: …/docs/commerce-platform/catalog/fields; `price` is "<amount> <ISO 4217 code>" ("9.99 USD"), the
//   format Meta's own Magento extension sends (facebookarchive/facebook-for-magento2, Builder/Tools.php formatPrice).
//   NB: the older POST /{catalog_id}/products edge takes `price` as an integer in minor units beside `currency`;
//   items_batch does not.
// - GET /{catalog_id}/products: https://developers.facebook.com/docs/marketing-api/reference/product-catalog/products/
//   and …/reference/product-item (fields retailer_id, name, description, price, currency, availability, image_url, url).
//   [unverified] The reference types `price` as a string without saying how it is written; it is read as display
//   text ("₦2,500.00", "$9.99", "2500.00 NGN") and parsed when that is unambiguous.

/// A product as the catalog sync sees it: one menu item.
public struct CatalogProduct: Equatable, Sendable {
    /// Our id for it, sent as the item's `id` (Meta's `retailer_id`); orders name products by it.
    public var retailerID: String
    /// `title`: the name customers see.
    public var title: String
    /// `description`, which Meta requires for a new item.
    public var description: String
    /// The price in the currency's minor units (kobo for NGN), sent as "2500.00 NGN".
    public var priceMinor: Int
    /// ISO 4217 code, e.g. `NGN`.
    public var currency: String
    /// `image_link`: a public URL of the product's picture.
    public var imageURL: String?
    /// `availability`: "in stock" or "out of stock".
    public var inStock: Bool
    /// `link`: the product's web page.
    public var link: String?

    /// Creates a product.
    public init(
        retailerID: String, title: String, description: String, priceMinor: Int, currency: String,
        imageURL: String? = nil, inStock: Bool = true, link: String? = nil
    ) {
        self.retailerID = retailerID
        self.title = title
        self.description = description
        self.priceMinor = priceMinor
        self.currency = currency
        self.imageURL = imageURL
        self.inStock = inStock
        self.link = link
    }
}

/// One request of a batch.
public enum CatalogChange: Equatable, Sendable {
    /// `CREATE`: a new item; Meta refuses it when the item's required fields are missing (`validation_status`).
    case create(CatalogProduct)
    /// `UPDATE`: replaces the fields sent; creates the item when it is missing and `allow_upsert` is true.
    case update(CatalogProduct)
    /// `DELETE` of the item with this retailer id.
    case delete(retailerID: String)
}

/// Meta's limits for the Catalog Batch API.
public enum CatalogLimits {
    /// Requests in one items_batch call.
    public static let requestsPerBatch = 5000
}

/// The items_batch calls that make `changes`, in order, at most `perBatch` requests each (`CatalogLimits`), so a
/// caller whose call failed as too large (`CatalogResponse.tooLarge`) can send the same changes in smaller calls.
///
/// POST `{graphURL}/{apiVersion}/{catalogID}/items_batch`, `Authorization: Bearer …`, and a form body
/// `allow_upsert=…&item_type=PRODUCT_ITEM&requests=<JSON array>`. The documented form puts these parameters in the
/// query string; a form body is read the same by the Graph API and keeps 5,000 items out of the URL. `brand` (Meta
/// requires one of brand, gtin or mpn on a new item) is sent with every create and update: the restaurant's name.
public func catalogBatchRequests(
    graphURL: String, apiVersion: String, catalogID: String, accessToken: String, changes: [CatalogChange],
    brand: String?, allowUpsert: Bool = true, perBatch: Int = CatalogLimits.requestsPerBatch
) -> [HTTPRequest] {
    let size = min(max(perBatch, 1), CatalogLimits.requestsPerBatch)
    return stride(from: 0, to: changes.count, by: size).map { start in
        let requests = changes[start..<min(start + size, changes.count)].map { batchRequest($0, brand: brand) }
        let form = [
            ("allow_upsert", allowUpsert ? "true" : "false"), ("item_type", "PRODUCT_ITEM"),
            ("requests", String(decoding: JSONBody.array(requests).bytes, as: UTF8.self)),
        ]
        return HTTPRequest(
            method: "POST", url: graphEndpoint(graphURL, apiVersion, "\(Percent.encode(catalogID))/items_batch"),
            headers: [
                ("Authorization", "Bearer \(accessToken)"), ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body: Array(form.map { "\($0)=\(Percent.encode($1))" }.joined(separator: "&").utf8))
    }
}

private func batchRequest(_ change: CatalogChange, brand: String?) -> JSONBody {
    switch change {
    case .create(let product):
        return .object([("method", .string("CREATE")), ("data", itemData(product, brand: brand))])
    case .update(let product):
        return .object([("method", .string("UPDATE")), ("data", itemData(product, brand: brand))])
    case .delete(let retailerID):
        return .object([("method", .string("DELETE")), ("data", .object([("id", .string(retailerID))]))])
    }
}

private func itemData(_ product: CatalogProduct, brand: String?) -> JSONBody {
    .object([
        ("id", .string(product.retailerID)),
        ("title", .string(product.title)),
        ("description", .string(product.description)),
        ("availability", .string(product.inStock ? "in stock" : "out of stock")),
        // A restaurant's dishes are always new; Meta requires the field on a new item.
        ("condition", .string("new")),
        ("price", .string(catalogPrice(minor: product.priceMinor, currency: product.currency))),
        ("image_link", nonEmpty(product.imageURL).map(JSONBody.string)),
        ("link", nonEmpty(product.link).map(JSONBody.string)),
        ("brand", nonEmpty(brand).map(JSONBody.string)),
    ])
}

/// "2500.00 NGN" for 250000 kobo: the amount with the currency's ISO 4217 decimals, a space and the code.
public func catalogPrice(minor: Int, currency: String) -> String {
    let exponent = currencyExponent(currency)
    let sign = minor < 0 ? "-" : ""
    let digits = String(minor.magnitude)
    guard exponent > 0 else { return "\(sign)\(digits) \(currency)" }
    let padded = String(repeating: "0", count: max(0, exponent + 1 - digits.count)) + digits
    return "\(sign)\(padded.dropLast(exponent)).\(padded.suffix(exponent)) \(currency)"
}

/// Decimal places of an ISO 4217 currency's minor unit: 2 unless the code is one of the few with 0 or 3.
func currencyExponent(_ currency: String?) -> Int {
    let code = currency?.uppercased() ?? ""
    if zeroDecimalCurrencies.contains(code) { return 0 }
    if threeDecimalCurrencies.contains(code) { return 3 }
    return 2
}

// ISO 4217's list of currencies whose minor unit is not 1/100.
private let zeroDecimalCurrencies: Set<String> = [
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF",
    "XPF",
]
private let threeDecimalCurrencies: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]

// MARK: - Answers

/// Meta's answer to a catalog call, read from its status and body.
public enum CatalogResponse<Value: Equatable & Sendable>: Equatable, Sendable {
    /// 2xx with the expected body.
    case ok(Value)
    /// 5xx, 429, or error codes 80014 (too many batch calls for this catalog), 1, 2, 4: try again later.
    case retryable(reason: String, code: Int?)
    /// Error 1 "Please reduce the amount of data you're asking for": send the same changes in smaller batches.
    case tooLarge(message: String?)
    /// Anything else (100 invalid parameter, 190 token, 200 permissions, a 2xx without the expected body): retrying
    /// the same request cannot help.
    case rejected(code: Int?, message: String?, fbtraceID: String?)
}

/// What an accepted items_batch call returned.
public struct CatalogBatchResult: Equatable, Sendable {
    /// Zero or one handle for `/{catalog_id}/check_batch_request_status`; none means nothing was ingested.
    public var handles: [String]
    /// Problems found before ingestion, per item.
    public var validation: [CatalogValidation]

    /// Creates a result.
    public init(handles: [String] = [], validation: [CatalogValidation] = []) {
        self.handles = handles
        self.validation = validation
    }
}

/// One `validation_status[]` entry: what Meta thought of one item of the batch.
public struct CatalogValidation: Equatable, Sendable {
    /// The item's retailer id, as sent.
    public var retailerID: String?
    /// `errors[].message`: the item was not taken.
    public var errors: [String]
    /// `warnings[].message`: taken, with a remark.
    public var warnings: [String]

    /// Creates an entry.
    public init(retailerID: String? = nil, errors: [String] = [], warnings: [String] = []) {
        self.retailerID = retailerID
        self.errors = errors
        self.warnings = warnings
    }
}

/// Classifies Meta's answer to an items_batch call: `{"handles":[…],"validation_status":[…]}` on success, the Graph
/// error envelope otherwise.
public func classifyCatalogBatchResponse(status: Int, body: [UInt8]) -> CatalogResponse<CatalogBatchResult> {
    classifyCatalogResponse(status: status, body: body) { json in
        // NB: when every item fails validation Meta answers with `validation_status` alone, no `handles` (seen in
        // facebookarchive/facebook-for-magento2#86); a 2xx with neither is not an answer we understand.
        let handles = json["handles"]?.array
        guard handles != nil || json["validation_status"]?.array != nil else { return nil }
        return CatalogBatchResult(
            handles: handles?.compactMap(\.string) ?? [],
            validation: json.elements("validation_status") { entry in
                guard entry.isObject else { return nil }
                return CatalogValidation(
                    retailerID: entry.string("retailer_id"),
                    errors: entry.elements("errors") { $0.string("message") },
                    warnings: entry.elements("warnings") { $0.string("message") })
            })
    }
}

/// Codes worth another try later: catalog batch rate limit (80014), and the Graph API's temporary ones.
private let retryableCatalogCodes: Set<Int> = [80014, 1, 2, 4]

private func classifyCatalogResponse<Value>(
    status: Int, body: [UInt8], success: (JSONValue) -> Value?
) -> CatalogResponse<Value> {
    let json = (try? JSONValue.parse(body)).flatMap { $0.isObject ? $0 : nil }
    if (200..<300).contains(status) {
        if let json, let value = success(json) { return .ok(value) }
        return .rejected(code: nil, message: "HTTP \(status) without the expected body", fbtraceID: nil)
    }
    let serverSide = (500..<600).contains(status) || status == 429
    guard let error = json?.object("error") else {
        let reason = "HTTP \(status) without a Graph error envelope"
        return serverSide
            ? .retryable(reason: reason, code: nil) : .rejected(code: nil, message: reason, fbtraceID: nil)
    }
    let code = error.int("code")
    let message = error.string("message")
    if code == 1, message?.lowercased().contains("reduce the amount of data") == true {
        return .tooLarge(message: message)
    }
    if serverSide || code.map(retryableCatalogCodes.contains) == true {
        return .retryable(reason: "HTTP \(status): \(message ?? "no message")", code: code)
    }
    return .rejected(code: code, message: message, fbtraceID: error.string("fbtrace_id"))
}

// MARK: - What the catalog holds

/// The fields asked of each product when listing a catalog.
public let catalogListingFields = [
    "retailer_id", "name", "description", "price", "currency", "availability", "image_url", "url",
]

/// GET `{graphURL}/{apiVersion}/{catalogID}/products?fields=…&limit=…[&after=…]`, `Authorization: Bearer …`.
///
/// NB: Meta's reference for this edge has warned "Do not use pagination on this end point. Pagination is
/// incomplete and can result in duplicate or missing products." A listing is good for finding what to update or
/// delete; it is not proof that a product is absent, and the same product may come twice (key by retailer id).
public func catalogProductsRequest(
    graphURL: String, apiVersion: String, catalogID: String, accessToken: String, limit: Int = 100,
    after cursor: String? = nil
) -> HTTPRequest {
    var query = [("fields", catalogListingFields.joined(separator: ",")), ("limit", String(max(limit, 1)))]
    if let cursor = nonEmpty(cursor) { query.append(("after", cursor)) }
    let path =
        "\(Percent.encode(catalogID))/products?" + query.map { "\($0)=\(Percent.encode($1))" }.joined(separator: "&")
    return HTTPRequest(
        method: "GET", url: graphEndpoint(graphURL, apiVersion, path),
        headers: [("Authorization", "Bearer \(accessToken)")])
}

/// One page of a catalog listing.
public struct CatalogPage: Equatable, Sendable {
    /// `data[]` entries that had a retailer id, in page order.
    public var products: [ListedProduct]
    /// `data[]` entries without one (nothing to match them to).
    public var unreadableProducts: Int
    /// `paging.cursors.after` when `paging.next` says there is a page after this one; nil on the last page.
    public var nextCursor: String?

    /// Creates a page.
    public init(products: [ListedProduct] = [], unreadableProducts: Int = 0, nextCursor: String? = nil) {
        self.products = products
        self.unreadableProducts = unreadableProducts
        self.nextCursor = nextCursor
    }
}

/// A product as the catalog holds it: Meta's fields as read, and what they mean in `CatalogProduct`'s terms.
public struct ListedProduct: Equatable, Sendable {
    /// Meta's own id of the item (not the retailer id).
    public var metaID: String?
    /// `retailer_id`: our id for it; never empty.
    public var retailerID: String
    /// `name`.
    public var title: String?
    /// `description`.
    public var description: String?
    /// `price` as Meta wrote it.
    public var price: String?
    /// `price` in minor units of `currency`, when the text says one amount unambiguously (see `minorUnits`).
    public var priceMinor: Int?
    /// `currency`.
    public var currency: String?
    /// `availability` as Meta wrote it ("in stock", "out of stock", "preorder", …).
    public var availability: String?
    /// `image_url`.
    public var imageURL: String?
    /// `url`.
    public var link: String?

    /// Creates a listed product.
    public init(
        metaID: String? = nil, retailerID: String, title: String? = nil, description: String? = nil,
        price: String? = nil, priceMinor: Int? = nil, currency: String? = nil, availability: String? = nil,
        imageURL: String? = nil, link: String? = nil
    ) {
        self.metaID = metaID
        self.retailerID = retailerID
        self.title = title
        self.description = description
        self.price = price
        self.priceMinor = priceMinor
        self.currency = currency
        self.availability = availability
        self.imageURL = imageURL
        self.link = link
    }

    /// True for "in stock", false for "out of stock", nil for anything else (preorder, discontinued, absent).
    public var inStock: Bool? {
        switch availability {
        case "in stock": true
        case "out of stock": false
        default: nil
        }
    }
}

/// Classifies Meta's answer to a listing call: `{"data":[…],"paging":{"cursors":{"after":…},"next":…}}` on success.
public func classifyCatalogPageResponse(status: Int, body: [UInt8]) -> CatalogResponse<CatalogPage> {
    classifyCatalogResponse(status: status, body: body) { json in
        guard let data = json.array("data", listedProduct) else { return nil }
        let paging = json.object("paging")
        let hasNext = nonEmpty(paging?.string("next")) != nil
        return CatalogPage(
            products: data.elements, unreadableProducts: data.failures,
            nextCursor: hasNext ? nonEmpty(paging?.object("cursors")?.string("after")) : nil)
    }
}

private func listedProduct(_ json: JSONValue) -> ListedProduct? {
    guard json.isObject, let retailerID = nonEmpty(json.string("retailer_id")) else { return nil }
    let price = json.string("price")
    let currency = json.string("currency")
    return ListedProduct(
        metaID: json.string("id"), retailerID: retailerID, title: json.string("name"),
        description: json.string("description"), price: price,
        priceMinor: price.flatMap { minorUnits(displayPrice: $0, currency: currency) }, currency: currency,
        availability: json.string("availability"), imageURL: json.string("image_url"), link: json.string("url"))
}

/// The amount of a displayed price in minor units of `currency` ("₦2,500.00" NGN → 250000), or nil when the text
/// is not one plain, non-negative amount.
///
/// Symbols and codes around the number are ignored. The last `.` or `,` is the decimal mark when it occurs once and
/// 1 to `exponent` digits follow it; every other mark (`.` `,` `'` or a space) must group thousands, all the same
/// way. So "1,234.50", "1.234,50" and "2 500" read, "1.5.5" and "9.99-12.99" do not, and "1,234" is 1234 whole
/// units (ambiguous only for the few three-decimal currencies).
public func minorUnits(displayPrice text: String, currency: String?) -> Int? {
    let exponent = currencyExponent(currency)
    let scalars = Array(text.unicodeScalars)
    let isDigit = { (scalar: Unicode.Scalar) in ("0"..."9").contains(scalar) }
    guard let first = scalars.firstIndex(where: isDigit), let last = scalars.lastIndex(where: isDigit) else {
        return nil
    }
    // A minus sign before the amount: a negative price is no price.
    guard !scalars[..<first].contains(where: { $0 == "-" || $0 == "\u{2212}" }) else { return nil }
    var runs = [""]
    var marks: [Unicode.Scalar] = []
    for scalar in scalars[first...last] {
        if isDigit(scalar) {
            runs[runs.count - 1].unicodeScalars.append(scalar)
        } else if groupingMarks.contains(scalar), runs[runs.count - 1].isEmpty == false {
            marks.append(scalar)
            runs.append("")
        } else {
            return nil
        }
    }
    var fraction = ""
    if exponent > 0, let mark = marks.last, mark == "." || mark == ",", marks.filter({ $0 == mark }).count == 1,
        let digits = runs.last, (1...exponent).contains(digits.count)
    {
        fraction = runs.removeLast()
        marks.removeLast()
    }
    if runs.count > 1 {
        guard Set(marks).count == 1, (1...3).contains(runs[0].count), runs.dropFirst().allSatisfy({ $0.count == 3 })
        else { return nil }
    }
    let digits = runs.joined() + fraction + String(repeating: "0", count: exponent - fraction.count)
    // 18 digits always fit an Int64; a price beyond them is not a price.
    guard digits.count <= 18 else { return nil }
    return Int(digits)
}

private let groupingMarks: Set<Unicode.Scalar> = [".", ",", "'", " ", "\u{A0}", "\u{202F}"]
