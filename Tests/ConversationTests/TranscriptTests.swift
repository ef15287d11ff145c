import Domain
import Foundation
import TestSupport
import Testing

@testable import Conversation

/// Conversations as files a person can read: what the customer did (`>` lines), what happened around it (`~` and
/// `!` lines), and below each, what the bot replied (`<`), the other effects (`*`) and the state after (`=`).
///
/// The test replays the input lines and compares the whole regenerated file with the one on disk.
/// `RECORD_TRANSCRIPTS=1 swift test --filter TranscriptTests` rewrites them; read the diff before committing.
///
/// Input lines:
///   `> text`                          the customer types text (`\n` breaks a line within the message)
///   `> tap ID`                        the customer taps a row or button offered by the bot's latest replies
///   `> tap-earlier ID`                the customer taps a button of an older message, still on their screen
///   `> pin LAT,LON [NAME | ADDRESS]`  the customer shares a location
///   `> (KIND)` / `> (KIND: CAPTION)`  an unsupported message (image, sticker, …), with its caption
///   `> catalog-cart 1x2 9x1@400 "words"`  a cart from WhatsApp's catalog: retailer id × quantity (@ the price it carried)
///   `~ wait 7h`                       time passes before the next message (s, m, h)
///   `~ delay 2h`                      the next message reaches us 2h after it was sent
///   `~ sold-out ID` / `~ price ID KOBO` / `~ option-sold-out ID` / `~ picture ID URL`  the restaurant changes the
///   menu
///   `! link REFERENCE URL` / `! link-failed REFERENCE`  the sender reports Paystack's answer
///   `! paid CODE` / `! review CODE` / `! expired CODE` / `! refunded CODE KOBO`  Paystack's verdict on an order
///   placed earlier in the transcript (the payment desk's events)
///   `! kitchen CODE STATUS [unpaid] [reason…]`  staff moved the order on (or cancelled it, with a reason)
///   `! staff-took-over` / `! staff-handed-back` / `! staff-sent TEXT…`  a person takes, returns or writes in the chat
/// Header lines: `# comment`, `menu: long` (a long category), `menu: wide` (14 categories) or `menu: options`
/// (dishes with option groups), `settings:
/// deliveryFee=50000 minimumOrder=300000 receiptEmail=ask preparationMinutes=25 location=6.43,3.42 catalog=on`,
/// `name: Ada`,
/// `hours: Mon-Fri 13:00-22:00` (UTC; the clock starts on Wednesday 2026-11-25 12:00), `closed-note: …`, `address: …`
/// and `phone: …` (the restaurant's), `target: SCENARIO N` (reaches the payment link within N customer messages).
@Suite struct TranscriptTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Transcripts")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted()
    }

    @Test func thereAreEnoughTranscripts() {
        // The happy paths for delivery and pickup plus at least 25 others.
        #expect(Self.names.count >= 27)
    }

    /// Transcripts with a `target: NAME N` line reach the payment link within N customer messages, counted from
    /// the first message (or from a `# count from here` line) to the first payment request after it.
    @Test func ordersReachThePaymentLinkWithinTheirTargets() throws {
        var table = [
            "| scenario | transcript | customer messages to the payment link | target |", "| --- | --- | ---: | ---: |",
        ]
        var checked = 0
        for name in Self.names {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let targetLine = lines.first(where: { $0.hasPrefix("target:") }) else { continue }
            var words = targetLine.dropFirst("target:".count).split(separator: " ").map(String.init)
            let target = try #require(Int(words.removeLast()), "\(name): \(targetLine)")
            let start = lines.firstIndex(of: "# count from here") ?? 0
            var messages = 0
            var reached = false
            for line in lines[start...] {
                if line.hasPrefix(">") { messages += 1 }
                if line.hasPrefix("* initialize payment") {
                    reached = true
                    break
                }
            }
            #expect(reached, "\(name) never reaches a payment link")
            #expect(messages <= target, "\(name): \(messages) customer messages, the target is \(target)")
            table.append("| \(words.joined(separator: " ")) | \(name) | \(messages) | ≤ \(target) |")
            checked += 1
        }
        #expect(checked >= 4)
        print(table.joined(separator: "\n"))
    }

    /// Across every transcript, at most 5% of the replies say the bot did not understand.
    @Test func fewRepliesSayTheBotDidNotUnderstand() throws {
        var replies = 0
        var missed: [String] = []
        for name in Self.names {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
            var current: [String] = []
            func close() {
                guard !current.isEmpty else { return }
                replies += 1
                if current.joined(separator: "\n").contains("Sorry, I didn't get") {
                    missed.append("\(name): \(current.first { $0.contains("Sorry, I didn't get") } ?? "")")
                }
                current = []
            }
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("< ") {
                    close()
                    current = [String(line)]
                } else if line.hasPrefix("    "), !current.isEmpty {
                    current.append(String(line))
                } else {
                    close()
                }
            }
            close()
        }
        let share = Double(missed.count) / Double(max(replies, 1))
        print(
            "Transcripts: \(missed.count) of \(replies) replies say the bot did not understand "
                + "(\(String(format: "%.1f", share * 100))%):\n" + missed.joined(separator: "\n"))
        #expect(share <= 0.05)
    }

    @Test(arguments: names)
    func transcript(_ name: String) throws {
        let url = Self.directory.appendingPathComponent(name)
        let written = try String(contentsOf: url, encoding: .utf8)
        let replayed = try Transcript.replay(written)
        if ProcessInfo.processInfo.environment["RECORD_TRANSCRIPTS"] == "1" {
            try replayed.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        if replayed != written {
            Issue.record("\(name) differs from its replay:\n\(Transcript.diff(written, replayed))")
        }
    }
}

enum Transcript {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let start: Int64 = 1_795_608_000_000  // 2026-11-25 12:00 UTC

    /// Replays the input lines of `text` and returns the file as it should read.
    static func replay(_ text: String) throws -> String {
        var settings = Settings(restaurantName: "Mama Put")
        var customerName: String?
        var menu = sampleMenu()
        var state = State()
        var now = start
        var previousMessageAt: Int64?
        var delay: Int64 = 2_000
        var steps = 0
        var lastReplies: [Reply] = []
        var everyReply: [Reply] = []
        var out: [String] = []
        var placed: [String: PlacedOrder] = [:]

        func run(_ event: Event, isMessage: Bool) {
            steps += 1
            let context = Context(
                settings: settings, menu: menu, customerName: customerName, customerKey: "42", now: now,
                previousMessageAt: previousMessageAt, newID: "n\(steps)")
            let transition = reduce(state, event, context)
            state = transition.state
            if isMessage { previousMessageAt = now }
            let replies = transition.effects.compactMap { effect -> Reply? in
                if case .reply(let reply) = effect { return reply }
                return nil
            }
            for case .placeOrder(let order) in transition.effects { placed[order.code.rawValue] = order }
            if !replies.isEmpty { lastReplies = replies }
            everyReply += replies
            out.append(contentsOf: transition.effects.flatMap(render))
            out.append("= " + describe(state))
            out.append("")
        }

        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.hasPrefix("settings:") || line.hasPrefix("name:") || line.hasPrefix("menu:")
                || line.hasPrefix("hours:") || line.hasPrefix("closed-note:") || line.hasPrefix("address:")
                || line.hasPrefix("phone:") || line.hasPrefix("target:")
            {
                out.append(line)
                if line.hasPrefix("address:") {
                    settings.restaurantAddress = String(line.dropFirst("address:".count)).trimmingCharacters(
                        in: .whitespaces)
                }
                if line.hasPrefix("phone:") {
                    settings.restaurantPhone = String(line.dropFirst("phone:".count)).trimmingCharacters(
                        in: .whitespaces)
                }
                if line.hasPrefix("settings:") { settings = try parseSettings(line, into: settings) }
                if line.hasPrefix("hours:") {
                    settings.openingHours = try OpeningHours.parse(String(line.dropFirst("hours:".count)))
                }
                if line.hasPrefix("closed-note:") {
                    settings.closedNote = String(line.dropFirst("closed-note:".count)).trimmingCharacters(
                        in: .whitespaces)
                }
                if line.hasPrefix("name:") {
                    customerName = String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces)
                }
                if line == "menu: long" { menu = longMenu() }
                if line == "menu: wide" { menu = wideMenu() }
                if line == "menu: options" { menu = optionsMenu() }
                continue
            }
            if line.hasPrefix("~ ") {
                out.append(line)
                let words = line.dropFirst(2).split(separator: " ").map(String.init)
                switch words.first {
                case "wait": now += try duration(words[1])
                case "delay": delay = try duration(words[1])
                case "sold-out":
                    menu.items = menu.items.map { item in
                        var item = item
                        if String(item.id) == words[1] { item.available = false }
                        return item
                    }
                case "picture":
                    menu.items = menu.items.map { item in
                        var item = item
                        if String(item.id) == words[1] { item.imageURL = words[2] }
                        return item
                    }
                case "option-sold-out":
                    menu.items = menu.items.map { item in
                        var item = item
                        for group in item.optionGroups.indices {
                            for option in item.optionGroups[group].options.indices
                            where String(item.optionGroups[group].options[option].id) == words[1] {
                                item.optionGroups[group].options[option].available = false
                            }
                        }
                        return item
                    }
                case "price":
                    menu.items = menu.items.map { item in
                        var item = item
                        if String(item.id) == words[1] { item.price = Kobo(Int(words[2]) ?? 0) }
                        return item
                    }
                default: throw Failure(description: "unknown ~ line: \(line)")
                }
                continue
            }
            if line.hasPrefix("! ") {
                out.append(line)
                let words = line.dropFirst(2).split(separator: " ").map(String.init)
                now += 1_000
                switch words.first {
                case "link": run(.paymentLinkCreated(reference: words[1], url: words[2]), isMessage: false)
                case "link-failed":
                    run(.paymentLinkFailed(reference: words[1], reason: "test"), isMessage: false)
                case "paid":
                    guard let order = placed[words[1]] else { throw Failure(description: "no order \(words[1])") }
                    run(
                        .paymentConfirmed(
                            ConfirmedOrder(
                                code: order.code, lines: order.lines, fulfilment: order.fulfilment,
                                subtotal: order.subtotal, deliveryFee: order.deliveryFee, total: order.total)),
                        isMessage: false)
                case "review": run(.paymentNeedsReview(OrderCode(rawValue: words[1])), isMessage: false)
                case "expired": run(.paymentLinkExpired(OrderCode(rawValue: words[1])), isMessage: false)
                case "staff-took-over": run(.staffTookOver, isMessage: false)
                case "staff-handed-back": run(.staffHandedBack, isMessage: false)
                case "staff-sent": run(.staffSent(words.dropFirst().joined(separator: " ")), isMessage: false)
                case "kitchen":
                    guard let status = OrderStatus(rawValue: words[2]) else {
                        throw Failure(description: "unknown status in \(line)")
                    }
                    let unpaid = words.count > 3 && words[3] == "unpaid"
                    let reason = words.dropFirst(unpaid ? 4 : 3).joined(separator: " ")
                    run(
                        .orderUpdated(
                            OrderUpdate(
                                code: OrderCode(rawValue: words[1]), status: status,
                                reason: reason.isEmpty ? nil : reason, wasPaid: !unpaid)),
                        isMessage: false)
                case "refunded":
                    run(
                        .orderRefunded(OrderCode(rawValue: words[1]), amount: Kobo(Int(words[2]) ?? 0)),
                        isMessage: false)
                default: throw Failure(description: "unknown ! line: \(line)")
                }
                continue
            }
            if line.hasPrefix(">") {
                out.append(line)
                now += 60_000
                let input = try parseInput(
                    String(line.dropFirst(1)).trimmingCharacters(in: .whitespaces), offered: lastReplies,
                    earlier: everyReply)
                run(.customerSent(input, sentAt: now - delay), isMessage: true)
                delay = 2_000
                continue
            }
            // Output lines and blank lines are regenerated.
        }
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    static func parseInput(_ text: String, offered: [Reply], earlier: [Reply]) throws -> Input {
        if text.hasPrefix("tap ") {
            let id = String(text.dropFirst(4))
            guard let title = offeredTitle(id, in: offered) else {
                throw Failure(
                    description: "tap \(id): the latest replies offer no such row or button:\n"
                        + offered.flatMap(render).joined(separator: "\n"))
            }
            return .choice(id: id, title: title)
        }
        if text.hasPrefix("tap-earlier ") {
            let id = String(text.dropFirst(12))
            guard let title = offeredTitle(id, in: earlier) else {
                throw Failure(description: "tap-earlier \(id): no reply ever offered it")
            }
            return .choice(id: id, title: title)
        }
        if text.hasPrefix("catalog-cart ") {
            // `catalog-cart 1x2 9x1@400 77x1 "no pepper"`: retailer id × quantity, optionally the price the message carried
            // (major units), and the customer's words.
            var words = text.dropFirst("catalog-cart ".count).split(separator: " ").map(String.init)
            var note: String?
            if let quoted = words.firstIndex(where: { $0.hasPrefix("\"") }) {
                note = words[quoted...].joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                words.removeSubrange(quoted...)
            }
            let lines = words.map { word -> CatalogCart.Line in
                let priced = word.split(separator: "@", maxSplits: 1).map(String.init)
                let parts = priced[0].split(separator: "x", maxSplits: 1).map(String.init)
                return CatalogCart.Line(
                    retailerID: parts[0], quantity: parts.count > 1 ? Int(parts[1]) ?? 0 : 1,
                    price: priced.count > 1 ? priced[1] : nil, currency: priced.count > 1 ? "NGN" : nil)
            }
            return .cart(CatalogCart(lines: lines, text: note))
        }
        if text.hasPrefix("pin ") {
            let rest = String(text.dropFirst(4))
            let parts = rest.split(separator: " ", maxSplits: 1).map(String.init)
            let coordinates = parts[0].split(separator: ",").compactMap { Double($0) }
            var name: String?
            var address: String?
            if parts.count > 1 {
                let labels = parts[1].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                name = labels.first.flatMap { $0.isEmpty ? nil : $0 }
                address = labels.count > 1 ? labels[1] : nil
            }
            return .location(latitude: coordinates[0], longitude: coordinates[1], name: name, address: address)
        }
        if text.hasPrefix("("), text.hasSuffix(")") {
            // `(image: a caption)`: the kind, and what the customer wrote under it.
            let inside = text.dropFirst().dropLast().split(separator: ":", maxSplits: 1).map(String.init)
            return .unsupported(
                kind: inside[0], caption: inside.count > 1 ? inside[1].trimmingCharacters(in: .whitespaces) : nil)
        }
        // `\n` in an input line is a line break within one message.
        return .text(text.replacingOccurrences(of: "\\n", with: "\n"))
    }

    static func offeredTitle(_ id: String, in replies: [Reply]) -> String? {
        for reply in replies {
            switch reply {
            case .list(let list):
                if let row = list.sections.flatMap(\.rows).first(where: { $0.id == id }) { return row.title }
            case .buttons(let buttons):
                if let button = buttons.buttons.first(where: { $0.id == id }) { return button.title }
            case .text, .link, .location, .products, .product: break
            }
        }
        return nil
    }

    static func parseSettings(_ line: String, into settings: Settings) throws -> Settings {
        var settings = settings
        for pair in line.dropFirst("settings:".count).split(separator: " ") {
            let parts = pair.split(separator: "=").map(String.init)
            guard parts.count == 2 else { throw Failure(description: "bad setting \(pair)") }
            if parts[0] == "receiptEmail" {
                settings.asksReceiptEmail = parts[1] == "ask"
                continue
            }
            if parts[0] == "location" {
                settings.restaurantLocation = Coordinates(parsing: parts[1])
                continue
            }
            if parts[0] == "catalog" {
                settings.hasCatalog = parts[1] == "on"
                continue
            }
            guard let value = Int(parts[1]) else { throw Failure(description: "bad setting \(pair)") }
            switch parts[0] {
            case "deliveryFee": settings.deliveryFee = Kobo(value)
            case "minimumOrder": settings.minimumOrder = Kobo(value)
            case "preparationMinutes": settings.preparationMinutes = value
            default: throw Failure(description: "unknown setting \(parts[0])")
            }
        }
        return settings
    }

    static func duration(_ text: String) throws -> Int64 {
        guard let unit = text.last, let value = Int64(text.dropLast()) else {
            throw Failure(description: "bad duration \(text)")
        }
        switch unit {
        case "s": return value * 1_000
        case "m": return value * 60_000
        case "h": return value * 3_600_000
        default: throw Failure(description: "bad duration unit \(text)")
        }
    }

    // MARK: - Rendering

    static func render(_ effect: Effect) -> [String] {
        switch effect {
        case .reply(let reply): return render(reply)
        case .placeOrder(let order):
            let lines = order.lines.map { line in
                "\(line.quantity) × \(line.name)"
                    + line.options.map { " +\($0.group): \($0.name) \($0.price.rawValue)" }.joined()
                    + " @ \(line.unitPrice.rawValue)" + (line.note.map { " [\($0)]" } ?? "")
            }
            return [
                "* place order \(order.code): " + lines.joined(separator: ", "),
                "    \(describe(order.fulfilment)); subtotal \(order.subtotal.rawValue) + fee \(order.deliveryFee.rawValue)"
                    + " = \(order.total.rawValue); email \(order.email)\(order.emailIsPlaceholder ? " (placeholder)" : "")",
            ] + (order.note.map { ["    order note: \($0)"] } ?? [])
        case .cancelOrder(let code): return ["* cancel order \(code)"]
        case .replaceOrder(let code, let replacement): return ["* replace order \(code) with \(replacement)"]
        case .notifyStaff(let alert): return ["* notify staff: \(alert)"]
        case .relayToStaff(let relayed):
            return ["* relay to staff\(relayed.order.map { " (order \($0))" } ?? ""): \(relayed.text)"]
        case .noteInThread(let note): return ["* thread: \(note)"]
        case .initializePayment(let request):
            return [
                "* initialize payment \(request.reference) for \(request.order): \(request.amount.rawValue) "
                    + "\(request.currency), \(request.email)"
            ]
        }
    }

    static func render(_ reply: Reply) -> [String] {
        func indented(_ text: String) -> [String] {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }
        }
        switch reply {
        case .text(let body):
            return ["< text"] + indented(body)
        case .list(let list):
            var lines = ["< list [\(list.button)]"] + indented(list.body)
            for section in list.sections {
                lines.append("    ── \(section.title)")
                for row in section.rows {
                    lines.append("    • \(row.id) │ \(row.title)" + (row.description.map { " │ \($0)" } ?? ""))
                }
            }
            return lines
        case .buttons(let buttons):
            return ["< buttons" + (buttons.imageURL.map { " 🖼 \($0)" } ?? "")] + indented(buttons.body)
                + ["    " + buttons.buttons.map { "[\($0.id) │ \($0.title)]" }.joined(separator: " ")]
        case .link(let link):
            return ["< link [\(link.buttonTitle) → \(link.url)]"] + indented(link.body)
        case .location(let pin):
            return ["< location \(pin.latitude),\(pin.longitude) │ \(pin.name) │ \(pin.address)"]
        case .products(let products):
            return ["< products [\(products.header)]"] + indented(products.body)
                + products.sections.map { "    ── \($0.title): " + $0.itemIDs.map { "#\($0)" }.joined(separator: " ") }
        case .product(let product):
            return ["< product #\(product.itemID)"] + indented(product.body)
        }
    }

    static func describe(_ fulfilment: Fulfilment) -> String {
        switch fulfilment {
        case .pickup: return "pickup"
        case .delivery(let address):
            var parts: [String] = []
            if let text = address.text { parts.append("\"\(text)\"") }
            if let placeName = address.placeName { parts.append("place \"\(placeName)\"") }
            if let latitude = address.latitude, let longitude = address.longitude {
                parts.append("at \(latitude),\(longitude)")
            }
            return "delivery to " + parts.joined(separator: " ")
        }
    }

    static func describe(_ state: State) -> String {
        var parts = [state.step.rawValue]
        if let categoryID = state.categoryID {
            parts.append("category \(categoryID)" + (state.page > 0 ? " page \(state.page)" : ""))
        }
        if let itemID = state.itemID { parts.append("item \(itemID)") }
        if let ambiguity = state.ambiguity {
            parts.append(
                "which? \(ambiguity.action.rawValue)"
                    + (ambiguity.quantity.map { " \($0)" } ?? "")
                    + " of " + ambiguity.candidates.map(String.init).joined(separator: "/"))
        }
        parts.append(
            state.cart.isEmpty
                ? "cart empty" : "cart " + state.cart.map { "\($0.quantity)×\($0.key)" }.joined(separator: " "))
        if let fulfilment = state.fulfilment { parts.append(describe(fulfilment)) }
        if let email = state.email { parts.append("email \(email)") }
        if state.emailSkipped { parts.append("email skipped") }
        if let pending = state.pendingOrder {
            parts.append("pending \(pending.reference)" + (pending.paymentURL == nil ? "" : " (link sent)"))
        }
        if let last = state.lastOrder, state.pendingOrder?.code != last.code {
            parts.append("last \(last.code) \(last.status.rawValue)")
        }
        if let until = state.handoffUntil { parts.append("with a person until +\((until - start) / 60_000)m") }
        return parts.joined(separator: " · ")
    }

    static func diff(_ expected: String, _ actual: String) -> String {
        lineDiff(expected: expected, actual: actual)
    }

    // MARK: - Menus

    /// design.md's sample menu with ids in order: categories 1–4, items 1–11.
    static func sampleMenu() -> Menu { SampleMenu.menu }

    /// Fourteen categories: more than one list can show.
    static func wideMenu() -> Menu {
        var menu = sampleMenu()
        let names = [
            "Soups", "Swallows", "Grills", "Small Chops", "Pastries", "Breakfast", "Salads", "Pepper Soups",
            "Kids' Meals", "Smoothies",
        ]
        for (offset, name) in names.enumerated() {
            let id = Int64(10 + offset)
            menu.categories.append(MenuCategory(id: id, name: name, position: 5 + offset))
            menu.items.append(
                MenuItem(
                    id: 300 + id, categoryID: id, name: "\(name) Special", description: "", price: Kobo(150_000),
                    available: true))
        }
        return menu
    }

    /// The sample with options (`SampleMenu.withOptions`).
    static func optionsMenu() -> Menu { SampleMenu.withOptions }

    /// A category of 23 drinks, for paging, and one dish with a name longer than a row title.
    static func longMenu() -> Menu {
        var menu = sampleMenu()
        menu.categories.append(MenuCategory(id: 5, name: "Party Drinks and Cocktails Selection", position: 5))
        for number in 1...23 {
            menu.items.append(
                MenuItem(
                    id: Int64(100 + number), categoryID: 5, name: "Drink number \(number)", description: "",
                    price: Kobo(10_000 * number), available: true))
        }
        menu.items.append(
            MenuItem(
                id: 200, categoryID: 1, name: "Grandma's Special Ofada Rice with Ayamase Sauce",
                description: "A long name on purpose", price: 450_000, available: true))
        return menu
    }
}
