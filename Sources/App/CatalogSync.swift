import Domain
import HTTPClient
import JSON
import Storage
import WhatsApp

/// `whatsorder catalog sync`: makes WhatsApp's catalog show the menu. Each dish is a product whose retailer id is
/// its menu id (what carts name), with its name, description, price, picture and whether it can be ordered now;
/// sold-out dishes stay in the catalog marked out of stock, and dishes gone from the menu are deleted.
///
/// Safe to run again: only what changed since the last accepted sync is sent (`--all` sends everything), and what
/// Meta refuses is reported and left to be sent next time. Every change is an UPDATE with upsert, so a product
/// someone deleted by hand in Commerce Manager comes back.
public struct CatalogSync {
    public struct Settings: Sendable {
        public var graphURL: String
        public var apiVersion: String
        public var catalogID: String
        public var accessToken: String
        public var currency: String
        /// The restaurant's name: Meta wants a brand on every product.
        public var brand: String
        /// A web page for the products (Meta requires a link): the restaurant's site.
        public var link: String

        public init(
            graphURL: String, apiVersion: String, catalogID: String, accessToken: String, currency: String,
            brand: String, link: String
        ) {
            self.graphURL = graphURL
            self.apiVersion = apiVersion
            self.catalogID = catalogID
            self.accessToken = accessToken
            self.currency = currency
            self.brand = brand
            self.link = link
        }
    }

    public struct Report: Equatable, Sendable, CustomStringConvertible {
        public var added: [String] = []
        public var changed: [String] = []
        public var removed: [String] = []
        public var unchanged = 0
        /// Dishes left out of the catalog: Meta takes no product without a picture.
        public var withoutPicture: [String] = []
        /// Dishes Meta refused, with its reasons; sent again next time.
        public var refused: [String] = []

        public var description: String {
            var lines = [
                "\(added.count) added, \(changed.count) changed, \(removed.count) removed, \(unchanged) unchanged."
            ]
            if !added.isEmpty { lines.append("Added: " + added.joined(separator: ", ")) }
            if !changed.isEmpty { lines.append("Changed: " + changed.joined(separator: ", ")) }
            if !removed.isEmpty { lines.append("Removed: " + removed.joined(separator: ", ")) }
            if !withoutPicture.isEmpty {
                lines.append(
                    "Not in the catalog, no picture (whatsorder menu image ITEM URL): "
                        + withoutPicture.joined(separator: ", "))
            }
            for refusal in refused { lines.append("Refused by Meta: \(refusal)") }
            return lines.joined(separator: "\n")
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// Meta could not be reached or asked for a later try: nothing recorded, run again.
        case unavailable(String)
        /// Meta refused the call itself (a token, a permission, a catalog id).
        case refused(String)

        public var description: String {
            switch self {
            case .unavailable(let reason): "Meta's catalog API is unavailable: \(reason)"
            case .refused(let reason): "Meta refused the catalog call: \(reason)"
            }
        }
    }

    public var settings: Settings
    public var store: Store
    public var transport: HTTPTransport
    public var now: @Sendable () -> Int64

    public init(settings: Settings, store: Store, transport: HTTPTransport, now: @escaping @Sendable () -> Int64) {
        self.settings = settings
        self.store = store
        self.transport = transport
        self.now = now
    }

    /// One product as the catalog should hold it, and the data it is compared by.
    struct Planned {
        var product: CatalogProduct
        var name: String
        var data: String
    }

    /// Sends what changed (everything with `all`); with `dryRun`, only says what would be sent.
    public func run(all: Bool = false, dryRun: Bool = false) throws -> Report {
        let menu = try store.loadMenu()
        let synced = try store.syncedCatalog(settings.catalogID)
        var report = Report()
        var planned: [Planned] = []
        var kept: Set<String> = []
        for item in menu.items {
            guard let picture = item.imageURL, !picture.isEmpty else {
                report.withoutPicture.append(item.name)
                continue
            }
            // A dish that needs a choice with nothing left to choose cannot be ordered: out of stock too.
            let orderable = item.available && item.requiredGroups.allSatisfy { !$0.available.isEmpty }
            let product = CatalogProduct(
                retailerID: String(item.id), title: item.name,
                description: item.description.isEmpty ? item.name : item.description, priceMinor: item.price.rawValue,
                currency: settings.currency, imageURL: picture, inStock: orderable,
                link: settings.link.isEmpty ? nil : settings.link)
            let data = Self.data(product, brand: settings.brand)
            kept.insert(product.retailerID)
            switch synced[product.retailerID] {
            case nil: report.added.append(item.name)
            case data? where !all:
                report.unchanged += 1
                continue
            default: report.changed.append(item.name)
            }
            planned.append(Planned(product: product, name: item.name, data: data))
        }
        let gone = synced.keys.filter { !kept.contains($0) }.sorted { (Int64($0) ?? 0, $0) < (Int64($1) ?? 0, $1) }
        report.removed = gone.map { id in menu.items.first { String($0.id) == id }?.name ?? "item \(id)" }
        if dryRun || (planned.isEmpty && gone.isEmpty) { return report }

        let changes = planned.map { CatalogChange.update($0.product) } + gone.map { .delete(retailerID: $0) }
        var refusedIDs: Set<String> = []
        for request in catalogBatchRequests(
            graphURL: settings.graphURL, apiVersion: settings.apiVersion, catalogID: settings.catalogID,
            accessToken: settings.accessToken, changes: changes, brand: settings.brand)
        {
            let response: HTTPResponse
            do {
                response = try transport.send(request)
            } catch {
                throw Failure.unavailable("\(error)")
            }
            switch classifyCatalogBatchResponse(status: response.status, body: response.body) {
            case .ok(let result):
                for entry in result.validation where !entry.errors.isEmpty {
                    let id = entry.retailerID ?? ""
                    refusedIDs.insert(id)
                    let name = planned.first { $0.product.retailerID == id }?.name ?? "item \(id)"
                    report.refused.append("\(name): " + entry.errors.joined(separator: "; "))
                }
            case .retryable(let reason, _): throw Failure.unavailable(reason)
            case .tooLarge(let message): throw Failure.unavailable(message ?? "the batch was too large")
            case .rejected(let code, let message, _):
                throw Failure.refused([code.map { "(#\($0))" }, message].compactMap { $0 }.joined(separator: " "))
            }
        }
        report.added.removeAll { name in
            planned.contains { $0.name == name && refusedIDs.contains($0.product.retailerID) }
        }
        report.changed.removeAll { name in
            planned.contains { $0.name == name && refusedIDs.contains($0.product.retailerID) }
        }
        try store.recordCatalogSync(
            settings.catalogID,
            sent: planned.filter { !refusedIDs.contains($0.product.retailerID) }.map {
                ($0.product.retailerID, $0.data)
            },
            deleted: gone.filter { !refusedIDs.contains($0) }, now: now())
        return report
    }

    /// What a product is compared by: every field sent, in a fixed order.
    static func data(_ product: CatalogProduct, brand: String) -> String {
        String(
            decoding: JSONBody.object([
                ("title", .string(product.title)), ("description", .string(product.description)),
                ("price", .integer(product.priceMinor)), ("currency", .string(product.currency)),
                ("image", product.imageURL.map { .string($0) }), ("inStock", .bool(product.inStock)),
                ("link", product.link.map { .string($0) }), ("brand", .string(brand)),
            ]).bytes, as: UTF8.self)
    }
}
