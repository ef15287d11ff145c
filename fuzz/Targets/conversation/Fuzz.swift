import Conversation
import Domain
import FoundationEssentials
import FuzzSupport
import JSON

// The pure reducer driven by a script of events, written like the input lines of the conversation transcripts
// (Tests/ConversationTests/Transcripts), which are the seeds: `> text`, `> tap ID`, `> pin LAT,LON [NAME | ADDRESS]`,
// `> (KIND)`, `~ wait 7h`, `~ delay 2h`, `~ sent-at -9223372036854775808`, `~ sold-out ID`, `~ option-sold-out ID`, `~ price ID KOBO`, `! link REF URL`, `! paid CODE`, … and
// the header lines `settings:`, `name:`, `menu: long`, `menu: options`, `hours:`, `closed-note:`. Any other line is typed text.
// Unlike the transcript test, a tap may carry any id: a stale or altered button must be answered, not trusted.
//
// After every step: the cart stays within its rules, every reply fits what WhatsApp accepts, placed orders add up,
// and the state survives the JSON round trip the store puts it through between two messages.

private let start: Int64 = fuzzNow * 1000
/// A bound on the work one input asks for, so a long script cannot pass for a hang.
private let maximumSteps = 64
/// The most a price or a fee can be as staff type it (`Kobo.parse`: 100,000,000 major units).
private let maximumKobo = 10_000_000_000
private let day: Int64 = 86_400_000

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var script = Script()
    for line in fuzzText(data, size).split(separator: "\n", omittingEmptySubsequences: true).prefix(maximumSteps) {
        script.perform(line.trimmingSpaces)
    }
    return 0
}

private struct Script {
    var settings = Settings(restaurantName: "Mama Put")
    var customerName: String?
    var menu = SampleMenu.menu
    var state = State()
    var now = start
    var previousMessageAt: Int64?
    var delay: Int64 = 2_000
    /// `~ sent-at N`: the next message's timestamp exactly, any Int64 (Unix ms), for the reducer's own arithmetic.
    var sentAt: Int64?
    var steps = 0
    var placed: [String: PlacedOrder] = [:]
    /// `~ price`: carts may hold the old price until checkout.
    var changedPrices = false

    mutating func perform(_ line: String) {
        if line.hasPrefix("#") { return }
        if header(line) { return }
        let words = line.dropFirst(2).split(separator: " ").map(String.init)
        if line.hasPrefix("~ ") { return change(words) }
        if line.hasPrefix("! ") {
            now += 1_000
            if let event = event(words) { run(event, isMessage: false) }
            return
        }
        now += 60_000
        let text = line.hasPrefix(">") ? String(line.dropFirst()).trimmingSpaces : line
        run(.customerSent(input(text), sentAt: sentAt ?? now - delay), isMessage: true)
        delay = 2_000
        sentAt = nil
    }

    /// The transcript's header lines: they set up the restaurant rather than happen to the customer.
    mutating func header(_ line: String) -> Bool {
        func rest(_ prefix: String) -> String { String(line.dropFirst(prefix.count)).trimmingSpaces }
        if line.hasPrefix("settings:") {
            for pair in rest("settings:").split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let value = kobo(parts[1]) else { continue }
                if parts[0] == "deliveryFee" { settings.deliveryFee = value }
                if parts[0] == "minimumOrder" { settings.minimumOrder = value }
            }
        } else if line.hasPrefix("name:") {
            customerName = rest("name:")
        } else if line == "menu: long" {
            menu = longMenu()
        } else if line == "menu: options" {
            menu = SampleMenu.withOptions
        } else if line == "catalog: on" {
            settings.hasCatalog = true
        } else if line.hasPrefix("hours:") {
            if let hours = try? OpeningHours.parse(rest("hours:")) { settings.openingHours = hours }
        } else if line.hasPrefix("closed-note:") {
            settings.closedNote = rest("closed-note:")
        } else {
            return false
        }
        return true
    }

    /// `~` lines: time passes, or the restaurant changes its menu.
    mutating func change(_ words: [String]) {
        guard words.count >= 2 else { return }
        switch words[0] {
        case "wait": now += duration(words[1]).map { max(0, $0) } ?? 0
        case "delay": delay = duration(words[1]) ?? delay
        case "sent-at": sentAt = Int64(words[1])
        case "sold-out":
            for index in menu.items.indices where String(menu.items[index].id) == words[1] {
                menu.items[index].available = false
            }
        case "option-sold-out":
            for item in menu.items.indices {
                for group in menu.items[item].optionGroups.indices {
                    for option in menu.items[item].optionGroups[group].options.indices
                    where String(menu.items[item].optionGroups[group].options[option].id) == words[1] {
                        menu.items[item].optionGroups[group].options[option].available = false
                    }
                }
            }
        case "price":
            changedPrices = true
            guard words.count >= 3, let price = kobo(words[2]) else { return }
            for index in menu.items.indices where String(menu.items[index].id) == words[1] {
                menu.items[index].price = price
            }
        default: break
        }
    }

    /// `!` lines: what the payment desk, the sender and staff tell the conversation.
    func event(_ words: [String]) -> Event? {
        guard let verb = words.first else { return nil }
        let argument = words.count > 1 ? words[1] : ""
        switch verb {
        case "link":
            // The sender only reports a link Paystack gave (`classifyInitializeResponse` insists on http(s)).
            guard words.count > 2, words[2].hasPrefix("https://") || words[2].hasPrefix("http://") else { return nil }
            return .paymentLinkCreated(reference: argument, url: words[2])
        case "link-failed": return .paymentLinkFailed(reference: argument, reason: "fuzz")
        case "paid":
            guard let order = placed[argument] else { return nil }
            return .paymentConfirmed(
                ConfirmedOrder(
                    code: order.code, lines: order.lines, fulfilment: order.fulfilment, subtotal: order.subtotal,
                    deliveryFee: order.deliveryFee, total: order.total))
        case "review": return .paymentNeedsReview(OrderCode(rawValue: argument))
        case "expired": return .paymentLinkExpired(OrderCode(rawValue: argument))
        case "refunded":
            return .orderRefunded(OrderCode(rawValue: argument), amount: words.count > 2 ? kobo(words[2]) ?? 0 : 0)
        case "kitchen":
            guard words.count > 2, let status = OrderStatus(rawValue: words[2]) else { return nil }
            let unpaid = words.count > 3 && words[3] == "unpaid"
            let reason = words.dropFirst(unpaid ? 4 : 3).joined(separator: " ")
            return .orderUpdated(
                OrderUpdate(
                    code: OrderCode(rawValue: argument), status: status, reason: reason.isEmpty ? nil : reason,
                    wasPaid: !unpaid))
        case "refund-started":
            return .refundStarted(OrderCode(rawValue: argument), amount: words.count > 2 ? kobo(words[2]) ?? 0 : 0)
        case "refund-failed":
            return .refundFailed(OrderCode(rawValue: argument), amount: words.count > 2 ? kobo(words[2]) ?? 0 : 0)
        case "extra-payment":
            return .extraPayment(
                OrderCode(rawValue: argument), amount: words.count > 2 ? kobo(words[2]) ?? 0 : 0,
                refunding: words.count > 3 && words[3] == "refunding")
        case "staff-took-over": return .staffTookOver
        case "staff-handed-back": return .staffHandedBack
        case "staff-sent":
            // `whatsorder chat send` refuses an empty message.
            let text = words.dropFirst().joined(separator: " ")
            return text.isEmpty ? nil : .staffSent(text)
        default: return nil
        }
    }

    /// A customer's message as the WhatsApp handler hands it over.
    func input(_ text: String) -> Input {
        for prefix in ["tap ", "tap-earlier "] where text.hasPrefix(prefix) {
            let id = String(text.dropFirst(prefix.count))
            return .choice(id: id, title: id)
        }
        if text.hasPrefix("pin ") {
            let parts = text.dropFirst(4).split(separator: " ", maxSplits: 1)
            let coordinates = parts.first.map { $0.split(separator: ",").compactMap(coordinate) } ?? []
            guard coordinates.count >= 2 else { return .text(text) }
            let labels = parts.count > 1 ? parts[1].split(separator: "|").map { $0.trimmingSpaces } : []
            return .location(
                latitude: coordinates[0], longitude: coordinates[1],
                name: labels.first.flatMap { $0.isEmpty ? nil : $0 },
                address: labels.count > 1 ? labels[1] : nil)
        }
        if text.hasPrefix("("), text.hasSuffix(")"), text.count >= 2 {
            return .unsupported(kind: String(text.dropFirst().dropLast()))
        }
        // `catalog-cart 1x2 9x1@400 abc`: a cart from WhatsApp's catalog, any retailer id, quantity and price (as
        // the webhook reads them: a quantity of 0 to 1,000,000, a price as decimal text), never trusted.
        if text.hasPrefix("catalog-cart ") {
            let lines = text.dropFirst("catalog-cart ".count).split(separator: " ").prefix(40).map { word in
                let priced = word.split(separator: "@", maxSplits: 1)
                let parts = (priced.first ?? "").split(separator: "x", maxSplits: 1)
                return CatalogCart.Line(
                    retailerID: String(parts.first ?? ""),
                    quantity: min(max(parts.count > 1 ? Int(parts[1]) ?? 0 : 1, 0), 1_000_000),
                    price: priced.count > 1 ? String(priced[1]) : nil, currency: "NGN")
            }
            return .cart(CatalogCart(lines: lines, text: nil))
        }
        return .text(text)
    }

    mutating func run(_ event: Event, isMessage: Bool) {
        steps += 1
        let context = Context(
            settings: settings, menu: menu, customerName: customerName, customerKey: "42", now: now,
            previousMessageAt: previousMessageAt, newID: "N\(steps)")
        let transition = reduce(state, event, context)
        state = transition.state
        if isMessage { previousMessageAt = now }
        for effect in transition.effects { check(effect) }
        check(state)
    }

    mutating func check(_ effect: Effect) {
        switch effect {
        case .reply(let reply): check(reply)
        case .placeOrder(let order):
            expect(!order.lines.isEmpty, "an order placed without lines")
            let subtotal = order.lines.reduce(Kobo(0)) { $0 + $1.total }
            expect(order.subtotal == subtotal, "an order's subtotal \(order.subtotal) is not its lines' \(subtotal)")
            expect(order.total == order.subtotal + order.deliveryFee, "an order's total is not subtotal + fee")
            expect(order.fulfilment.isDelivery || order.deliveryFee == 0, "a pickup order with a delivery fee")
            placed[order.code.rawValue] = order
        case .initializePayment(let request):
            if let order = placed[request.order.rawValue] {
                expect(request.amount == order.total, "a payment link for another amount than the order's total")
            }
        case .replaceOrder(let old, let new):
            expect(old != new, "an order replaced by itself")
            expect(placed[new.rawValue] == nil, "an order replaced by one placed earlier")
        case .relayToStaff(let relayed):
            expect(!relayed.text.isEmpty, "an empty message relayed to staff")
        case .cancelOrder, .notifyStaff, .noteInThread:
            break
        }
    }

    /// What the WhatsApp layer would otherwise clamp away in silence: rows past ten, buttons past three, and ids
    /// repeated within one message (Meta refuses those).
    func check(_ reply: Reply) {
        switch reply {
        case .list(let list):
            let rows = list.sections.flatMap(\.rows)
            expect(!rows.isEmpty && rows.count <= 10, "a list of \(rows.count) rows")
            expect(Set(rows.map(\.id)).count == rows.count, "a list repeating a row id: \(rows.map(\.id))")
        case .buttons(let buttons):
            expect(!buttons.buttons.isEmpty && buttons.buttons.count <= 3, "\(buttons.buttons.count) buttons")
            expect(Set(buttons.buttons.map(\.id)).count == buttons.buttons.count, "buttons repeating an id")
        case .text(let body):
            expect(!body.isEmpty, "an empty text reply")
        case .link(let link):
            expect(!link.url.isEmpty, "a payment link without a URL")
        case .location(let pin):
            expect(pin.latitude.isFinite && pin.longitude.isFinite, "a pin off the map")
        case .products(let products):
            // Meta's limits for a multi-product message, and only dishes customers can order.
            let ids = products.sections.flatMap(\.itemIDs)
            expect(!ids.isEmpty && ids.count <= 30, "a product list of \(ids.count) dishes")
            expect((1...10).contains(products.sections.count), "\(products.sections.count) product sections")
            expect(products.sections.allSatisfy { $0.title.count <= 24 }, "a product section title over 24")
            for id in ids {
                expect(menu.items.contains { $0.id == id && $0.available }, "dish #\(id) offered from the catalog")
            }
        case .product(let product):
            expect(
                menu.items.contains { $0.id == product.itemID }, "a single product #\(product.itemID) not on the menu")
        }
    }

    func check(_ state: State) {
        // One line per dish with its options and note: the same choice twice adds up, it is never two lines.
        expect(Set(state.cart.map(\.key)).count == state.cart.count, "a cart with the same line twice")
        for line in state.cart {
            expect((1...20).contains(line.quantity), "a cart line of \(line.quantity) × \(line.name)")
            expect((line.note?.count ?? 0) <= NoteLimits.line, "a line note longer than its limit")
            expect(line.unitPrice.rawValue >= 0, "a line that costs less than nothing")
            // Options are frozen when chosen: a line costs its dish's price then plus theirs, unless the menu's
            // price moved since (the cart is brought in line with the menu at checkout).
            if let item = menu.items.first(where: { $0.id == line.itemID }), line.unitPrice != item.price {
                expect(!line.options.isEmpty || changedPrices, "a line priced \(line.unitPrice) for \(item.price)")
            }
            if let item = menu.items.first(where: { $0.id == line.itemID }) {
                let groups = Set(line.options.compactMap { item.option($0.id)?.group.id })
                for group in item.optionGroups where groups.contains(group.id) {
                    let picked = line.options.filter { pick in group.options.contains { $0.id == pick.id } }.count
                    expect(picked <= group.maximum, "\(picked) options of \(group.name), which takes \(group.maximum)")
                }
            }
        }
        expect((state.orderNote?.count ?? 0) <= NoteLimits.order, "an order note longer than its limit")
        expect(state.step != .choosingOption || !state.building.isEmpty, "asking for an option of no dish")
        // The store keeps the state as JSON between two messages (Store.saveConversation / loadConversation).
        do {
            let encoded = try JSONEncoder().encode(state)
            let decoded = try JSONDecoder().decode(State.self, from: encoded)
            expect(decoded == state, "the state changed on its way through JSON: \(state) became \(decoded)")
        } catch {
            expect(false, "the state cannot be stored: \(error)")
        }
    }
}

/// A pin's coordinate as the WhatsApp decoder reads one (`JSONObject.double`; sent as a string here, the lenient
/// path that also takes every number), so the reducer sees exactly the values a webhook can bring.
private func coordinate(_ text: Substring) -> Double? {
    let body = JSONBody.object([("v", .string(String(text)))]).bytes
    return (try? JSONDecoder().decode(WireCoordinate.self, from: Data(body)))?.value
}

private struct WireCoordinate: Decodable {
    var value: Double?

    init(from decoder: any Decoder) throws {
        value = try decoder.container(keyedBy: JSONKey.self).double("v")
    }
}

/// Minor units as the configuration and the menu allow them.
private func kobo(_ text: String) -> Kobo? {
    Int(text).map { Kobo(min(max($0, 0), maximumKobo)) }
}

/// `30s`, `5m`, `7h` as the transcripts write them, within a year either way.
private func duration(_ text: String) -> Int64? {
    guard let unit = text.last, let value = Int64(text.dropLast()), abs(value) <= 400 * 24 * 3600 else { return nil }
    switch unit {
    case "s": return value * 1_000
    case "m": return value * 60_000
    case "h": return min(max(value * 3_600_000, -400 * day), 400 * day)
    default: return nil
    }
}

/// The transcripts' long menu: a category of 23 drinks for paging, and one dish with a name longer than a row title.
/// A copy of TranscriptTests.longMenu on purpose: this package cannot import test targets, and the transcripts'
/// `menu: long` must mean the same menu here.
private func longMenu() -> Menu {
    var menu = SampleMenu.menu
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
