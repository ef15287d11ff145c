import App
import ArgumentParser
import Bootstrap
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
            try chat.say("hi", expect: "category:1")
            try chat.tap("category:1", "Main Dishes", list: true, expect: "item:1")
            try chat.tap("item:1", "Jollof Rice & Chicken", list: true, expect: "qty:2")
            try chat.tap("qty:2", "2", list: true, expect: "checkout")
            try chat.tap("checkout", "Checkout", list: true, expect: "pickup")
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
}
