import ArgumentParser
import Bootstrap
import Foundation

/// `whatsorder simulate`: be a customer in the terminal. What you type is sent to the running stack as Meta would
/// send it; the bot's replies are shown as they arrive, with numbers for their choices.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chat with the running dev-mode stack as a customer, in the terminal.",
        discussion: """
            Type a message and press Enter. A number picks that choice of the last message (a list row or a \
            button, sent as a tap); `pin LAT,LNG [place name]` shares a location; `cart 1x2 9x1` sends a cart \
            from the catalog (retailer id × quantity, as `menu list` numbers the dishes); `pay` pays the last \
            payment link through the dev checkout; `quit` leaves. Works against FastCGI and CGI mode alike.
            """)
    @OptionGroup var options: ConfigOptions
    @Option(help: "The stack's base URL (default: WHATSORDER_URL from the configuration).") var url: String?
    @Option(name: .customLong("as"), help: "The customer's WhatsApp number (default: a new one).") var number: String?
    @Option(help: "The customer's WhatsApp profile name.") var name = "Sim Customer"

    func run() throws {
        try exitOnFailure {
            let config = try options.load()
            let phone =
                number.map { String($0.unicodeScalars.filter { ("0"..."9").contains($0) }) }
                ?? "234808" + String(Int.random(in: 1_000_000...9_999_999))
            let url = self.url ?? config["WHATSORDER_URL"]
            let chat = try SimulatedChat(
                base: url, phone: phone, name: name, appSecret: config["WHATSAPP_APP_SECRET"],
                phoneNumberID: config["WHATSAPP_PHONE_NUMBER_ID"])
            print("You are +\(phone) (\(name)), talking to \(url).")
            print(
                "Type a message. A number picks a choice; pin LAT,LNG [name] shares a location; cart 1x2 9x1 sends a "
                    + "cart; pay; quit.\n")
            let state = ChatState()
            // Replies are shown as they arrive, also while you type: a link comes after Paystack answers, and a
            // status update whenever staff move the order on.
            let poller = Thread {
                while !state.stopped {
                    if let replies = try? chat.fetchNew(), !replies.isEmpty {
                        for reply in replies { print("\n" + SimulatedChat.render(reply), terminator: "") }
                        state.remember(replies)
                        print("you> ", terminator: "")
                        fflush(nil)  // every stream: naming `stdout` is not concurrency-safe in Swift 6
                    }
                    usleep(300_000)
                }
            }
            poller.start()
            defer { state.stopped = true }
            print("you> ", terminator: "")
            fflush(nil)
            while let raw = readLine() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if ["quit", "exit"].contains(line.lowercased()) { return }
                let (choices, list, link) = state.snapshot
                if line.isEmpty {
                } else if line.lowercased() == "pay" {
                    if let link {
                        print("  (paying \(link) through the dev checkout)")
                        try chat.pay(link)
                    } else {
                        print("  (no payment link yet)")
                    }
                } else if let number = Int(line), choices.indices.contains(number - 1) {
                    let option = choices[number - 1]
                    let kind = list ? "list_reply" : "button_reply"
                    print("  (taps [\(option.title)])")
                    try chat.post([
                        "type": "interactive",
                        "interactive": ["type": kind, kind: ["id": option.id, "title": option.title]],
                    ])
                } else if line.lowercased().hasPrefix("cart ") {
                    // `cart 1x2 9x1`: a cart from the catalog, as WhatsApp's cart button sends it.
                    let lines = line.dropFirst(5).split(separator: " ").compactMap { word -> (String, Int)? in
                        let parts = word.lowercased().split(separator: "x", maxSplits: 1).map(String.init)
                        guard let id = parts.first, !id.isEmpty else { return nil }
                        return (id, parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
                    }
                    try chat.cart(lines.map { (retailerID: $0.0, quantity: $0.1) }, expect: nil, replies: 0)
                } else if line.lowercased().hasPrefix("pin ") {
                    let parts = line.dropFirst(4).split(separator: " ", maxSplits: 1).map(String.init)
                    let coordinates = parts.first?.split(separator: ",").compactMap { Double($0) } ?? []
                    if coordinates.count == 2 {
                        var location: [String: Any] = ["latitude": coordinates[0], "longitude": coordinates[1]]
                        if parts.count > 1 { location["name"] = parts[1] }
                        try chat.post(["type": "location", "location": location])
                    } else {
                        print("  (write: pin 6.4541,3.3947 Eko Hotel)")
                    }
                } else {
                    try chat.post(["type": "text", "text": ["body": line]])
                }
                print("you> ", terminator: "")
                fflush(nil)
            }
        }
    }
}

/// What the simulator remembers of the bot's last messages, shared by the poller and the input loop.
final class ChatState: @unchecked Sendable {
    private let lock = NSLock()
    private var options: [(id: String, title: String)] = []
    private var list = false
    private var link: String?
    private var stop = false

    var stopped: Bool {
        get { lock.withLock { stop } }
        set { lock.withLock { stop = newValue } }
    }

    var snapshot: ([(id: String, title: String)], Bool, String?) { lock.withLock { (options, list, link) } }

    func remember(_ replies: [SimulatedChat.Reply]) {
        lock.withLock {
            for reply in replies {
                if !reply.options.isEmpty { (options, list) = (reply.options, reply.isList) }
                if let url = reply.linkURL { link = url }
            }
        }
    }
}
