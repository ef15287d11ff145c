import App
import ArgumentParser
import Bootstrap
import CurlHTTP
import Domain
import Foundation
import Storage

/// `whatsorder demo`: a scripted customer orders and pays against a running dev-mode stack (`make run`), with no
/// outside service: signed webhooks in, exactly as Meta sends them; the bot's replies read back from the stack's
/// stand-in for Meta; the stand-in checkout's Pay button for Paystack. Exits non-zero at the first step that does
/// not get the reply it should, so it doubles as a smoke test.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Order and pay as a scripted customer against the running dev-mode stack.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "The stack's base URL (default: WHATSORDER_URL from the configuration).") var url: String?
    @Option(name: .customLong("as"), help: "The customer's WhatsApp number (default: a new one each run).")
    var number: String?
    @Option(help: "The customer's WhatsApp profile name.") var name = "Ada Demo"
    @Flag(
        help: """
            Order from WhatsApp's catalog instead: sync the menu to the stand-in's catalog (dishes without a picture \
            get the stand-in's placeholder) and send a cart from it.
            """)
    var catalog = false

    func run() throws {
        try exitOnFailure {
            let config = try options.load()
            let phone =
                number.map { String($0.unicodeScalars.filter { ("0"..."9").contains($0) }) }
                ?? "234809" + String(Int.random(in: 1_000_000...9_999_999))
            let url = self.url ?? config["WHATSORDER_URL"]
            let chat = try SimulatedChat(
                base: url, phone: phone, name: name, appSecret: config["WHATSAPP_APP_SECRET"],
                phoneNumberID: config["WHATSAPP_PHONE_NUMBER_ID"])
            print("Customer +\(phone) (\(name)) orders from \(url)\n")
            if catalog {
                let dishes = try syncDemoCatalog(config: config, base: url)
                try chat.say("hi", expect: "Welcome")
                try chat.cart(
                    zip(dishes, [2, 1]).map { (String($0.0), $0.1) }, text: "call me at the gate", expect: "pickup")
            } else {
                try chat.say("hi", expect: "category:1")
                try chat.tap("category:1", "Main Dishes", list: true, expect: "item:1")
                try chat.tap("item:1", "Jollof Rice & Chicken", list: true, expect: "qty:2")
                try chat.tap("qty:2", "2", list: true, expect: "checkout")
                try chat.tap("checkout", "Checkout", list: true, expect: "pickup")
            }
            try chat.tap("pickup", "Pickup", expect: "confirm")
            let link = try chat.tap("confirm", "Confirm", expect: "Pay now", replies: 2)
            guard let checkout = link.compactMap(\.linkURL).last else {
                throw Failure.unavailable("no payment link came back")
            }
            print("» opens \(checkout) and taps Pay\n")
            try chat.pay(checkout)
            try chat.waitFor("Payment received")
            let (_, store) = try options.openCurrentStore()
            defer { store.close() }
            let code = link.compactMap(\.text).compactMap { text in
                text.range(of: #"WO-[0-9A-Z]+"#, options: .regularExpression).map { String(text[$0]) }
            }.first
            guard let code, let order = try store.payableOrder(code: OrderCode(rawValue: code)) else {
                throw Failure.unavailable("the order is not in the database")
            }
            print("As staff see it (whatsorder orders show \(code)):\n")
            print(try orderSheet(order, config: config, store: store))
            guard order.status == .paid else { throw Failure.unavailable("\(code) is \(order.status.label), not paid") }
            print("\nDemo passed: ordered, paid and confirmed.")
        }
    }

    /// The stand-in's catalog filled as `whatsorder catalog sync` fills Meta's. Meta takes no product without a
    /// picture, so dishes without one get the stand-in's placeholder (this is the local dev database).
    /// Returns the two dishes the demo's cart holds: the first that need no choice.
    func syncDemoCatalog(config: Config, base: String) throws -> [Int64] {
        let (_, store) = try options.openCurrentStore()
        defer { store.close() }
        let root = base.hasSuffix("/") ? String(base.dropLast()) : base
        for item in try store.loadMenu().items where item.imageURL == nil {
            try store.changeMenuItem(id: item.id, .image("\(root)/dev/pictures/\(item.id).png"))
        }
        let transport = try CurlTransport()
        let sync = CatalogSync(
            settings: .init(
                graphURL: config["WHATSAPP_GRAPH_URL"], apiVersion: config["WHATSAPP_API_VERSION"],
                catalogID: config["WHATSAPP_CATALOG_ID"].isEmpty ? "dev-catalog" : config["WHATSAPP_CATALOG_ID"],
                accessToken: config["WHATSAPP_ACCESS_TOKEN"].isEmpty ? "dev" : config["WHATSAPP_ACCESS_TOKEN"],
                currency: config["CURRENCY_CODE"], brand: config["RESTAURANT_NAME"], link: root + "/"),
            store: store, transport: transport.transport, now: Live.nowMilliseconds)
        let report = try sync.run()
        print("Catalog synced (whatsorder catalog sync): \(report)\n")
        let dishes = try store.loadMenu().items.filter { $0.available && $0.requiredGroups.isEmpty }.prefix(2)
        guard dishes.count == 2 else { throw Failure.data("the menu has no two dishes to order without a choice") }
        return dishes.map(\.id)
    }
}
