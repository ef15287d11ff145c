import App
import ArgumentParser
import Bootstrap
import CurlHTTP
import Foundation
import Storage

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "WhatsApp's catalog of the menu.", subcommands: [Sync.self])

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the catalog in WHATSAPP_CATALOG_ID show the menu; safe to run again.",
            discussion: """
                Each dish with a picture becomes a product whose retailer id is its id in `menu list`, with its \
                name, description, price and picture; sold-out dishes are marked out of stock and dishes gone from \
                the menu are deleted. Only what changed since the last sync is sent (--all sends everything). \
                Exits 65 when Meta refused some dishes (they are named and sent again next time), 69 when Meta \
                cannot be reached, 78 when the catalog id or token is missing or refused.
                """)
        @OptionGroup var options: ConfigOptions
        @Flag(help: "Send every dish, changed or not.") var all = false
        @Flag(help: "Only say what would be sent.") var dryRun = false
        @Option(help: "The web page products link to (default: the site of PAYSTACK_CALLBACK_URL).") var link: String?

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let missing = ["WHATSAPP_CATALOG_ID", "WHATSAPP_ACCESS_TOKEN"].filter { config[$0].isEmpty }
                guard missing.isEmpty else {
                    throw Failure.configuration("missing for the catalog: \(missing.joined(separator: ", "))")
                }
                let transport: CurlTransport
                do {
                    transport = try CurlTransport()
                } catch {
                    throw Failure.internal("\(error)")
                }
                let sync = CatalogSync(
                    settings: .init(
                        graphURL: config["WHATSAPP_GRAPH_URL"], apiVersion: config["WHATSAPP_API_VERSION"],
                        catalogID: config["WHATSAPP_CATALOG_ID"], accessToken: config["WHATSAPP_ACCESS_TOKEN"],
                        currency: config["CURRENCY_CODE"], brand: config["RESTAURANT_NAME"],
                        link: link ?? Self.site(of: config["PAYSTACK_CALLBACK_URL"])),
                    store: store, transport: transport.transport, now: Live.nowMilliseconds)
                let report: CatalogSync.Report
                do {
                    report = try sync.run(all: all, dryRun: dryRun)
                } catch CatalogSync.Failure.unavailable(let reason) {
                    throw Failure.unavailable(
                        "Meta's catalog API is unavailable (\(reason)); nothing changed, run again")
                } catch CatalogSync.Failure.refused(let reason) {
                    throw Failure.configuration("Meta refused the catalog call: \(reason)")
                }
                print((dryRun ? "Would send to catalog " : "Catalog ") + "\(config["WHATSAPP_CATALOG_ID"]): \(report)")
                if !report.refused.isEmpty {
                    throw Failure.data(
                        "Meta refused \(report.refused.count) dish\(report.refused.count == 1 ? "" : "es")")
                }
            }
        }

        /// `https://food.example.com/` from `https://food.example.com/payments/return/`: the restaurant's site.
        static func site(of url: String) -> String {
            guard let scheme = url.range(of: "://") else { return "" }
            let rest = url[scheme.upperBound...]
            let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            return host.isEmpty ? "" : String(url[..<scheme.upperBound]) + host + "/"
        }
    }
}
