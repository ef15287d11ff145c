import App
import ArgumentParser
import Bootstrap
import Domain
import Foundation
import Storage

struct Orders: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List orders and move them on (the customer is told at every step).",
        subcommands: [
            List.self, Show.self, Advance.self, Cancel.self, Confirm.self, Refund.self, Export.self,
        ])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Orders, oldest first.")
        @OptionGroup var options: ConfigOptions
        @OptionGroup var query: OrderQuery
        @Flag(help: "One JSON object per order, for scripts.") var json = false

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let clock = StaffClock(config: config)
                let orders = try query.orders(in: store, clock: clock)
                let symbol = config["CURRENCY_SYMBOL"]
                if json {
                    for order in orders {
                        let customer = try store.customerRecord(order.customer)
                        let object: [String: Any] = [
                            "code": order.code.rawValue, "status": order.status.rawValue,
                            "createdAt": clock.iso(order.createdAt), "totalKobo": order.total.rawValue,
                            "currency": order.currency,
                            "fulfilment": order.fulfilment.isDelivery ? "delivery" : "pickup",
                            "customer": customer?.identity.waID ?? customer?.identity.userID ?? "",
                            "items": order.lines.map { line in
                                var item: [String: Any] = ["name": line.name, "quantity": line.quantity]
                                if !line.options.isEmpty { item["options"] = line.options.map(\.name) }
                                if let note = line.note { item["note"] = note }
                                return item
                            },
                            "attention": order.attention ?? NSNull(),
                        ]
                        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                        print(String(decoding: data, as: UTF8.self))
                    }
                    return
                }
                var rows = [["order", "status", "placed", "total", "for", "items"]]
                for order in orders {
                    rows.append([
                        order.code.rawValue, order.status.label + (order.attention == nil ? "" : " ⚠"),
                        clock.short(order.createdAt), order.total.formatted(symbol: symbol),
                        order.fulfilment.isDelivery ? "delivery" : "pickup",
                        order.lines.map(\.summary).joined(separator: ", "),
                    ])
                }
                print(orders.isEmpty ? "No orders." : table(rows))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One order in full.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The order number (WO-7K3F9Q2M, or just 7K3F9Q2M).") var order: String

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                print(try orderSheet(try findOrder(order, in: store), config: config, store: store))
            }
        }
    }

    struct Advance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an order to its next status: paid → preparing → ready / out for delivery → completed.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The order number.") var order: String

        func run() throws { try move(order, .advance, reason: nil, options: options) }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an order and tell the customer why; a paid one is refunded through Paystack.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The order number.") var order: String
        @Option(help: "Told to the customer, e.g. \"we ran out of jollof\".") var reason: String

        func run() throws { try move(order, .cancel, reason: reason, options: options) }
    }
    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a payment under review: the order is paid and goes to the kitchen.",
            discussion: """
                For an order in payment review (paid after its link expired, after it was cancelled or replaced, \
                or with the wrong amount): check the payment on the Paystack dashboard first. The customer gets \
                their receipt and staff the new-order message. Refused (exit 65) when no successful payment is \
                recorded.
                """)
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The order number.") var order: String

        func run() throws {
            try withOrderDesk(order, options: options) { desk, found, store, config, now in
                try report(try desk.confirm(found.code, store: store, now: now), code: found.code, config: config)
            }
        }
    }

    struct Refund: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refund an order's payment through Paystack, in full or in part.",
            discussion: """
                The sender makes Paystack's refund request (POST /refund); Paystack's refund.processed event marks \
                it done and tells the customer. Without --amount, refunds everything left of the payment. Refused \
                (exit 65) for more than the payment holds, or for an order with no payment.
                """)
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The order number.") var order: String
        @Option(help: "How much, like 1500 or ₦1,500.00 (default: all that is left).") var amount: String?
        @Option(help: "Why, for the records (required).") var reason: String

        func run() throws {
            try withOrderDesk(order, options: options) { desk, found, store, config, now in
                let symbol = config["CURRENCY_SYMBOL"]
                let kobo = try amount.map { text in
                    guard let kobo = Kobo.parse(text, symbol: symbol, code: config["CURRENCY_CODE"]) else {
                        throw Failure.data("--amount \"\(text)\" is not an amount (write 1500, 1,500 or ₦1,500.00)")
                    }
                    return kobo
                }
                switch try desk.refund(found.code, amount: kobo, reason: reason, store: store, now: now) {
                case .notFound: throw Failure.data("no order \(order)")
                case .refused(let why): throw Failure.data("\(found.code): \(why)")
                case .requested(let amount, let reference):
                    print(
                        "\(found.code): refund of \(amount.formatted(symbol: symbol)) from payment \(reference) queued "
                            + "for Paystack; the customer is told when Paystack accepts it.")
                    SenderWakeup(config: config, log: Live.stderrLogger(config: config, component: "orders")).wake()
                }
            }
        }
    }
}

/// Which orders a listing, an export or a report covers: the same options for each.
struct OrderQuery: ParsableArguments {
    @Option(help: "Only this status (paid, preparing, ready, out_for_delivery, completed, payment_review, …).")
    var status: String?
    @Option(help: "Only orders since: today, 2h, 30m, 3d, or a date (2026-11-26).")
    var since: String?
    @Option(help: "Only orders before the end of this date (2026-11-30), or before 2h, 3d … ago.")
    var until: String?
    @Option(help: "Only this customer's: their number (or part of it) or their name.")
    var customer: String?

    func orders(in store: Store, clock: StaffClock) throws -> [Store.PayableOrder] {
        try Self.orders(status: status, since: since, until: until, customer: customer, in: store, clock: clock)
    }

    static func orders(
        status: String?, since: String?, until: String?, customer: String?, in store: Store, clock: StaffClock
    ) throws -> [Store.PayableOrder] {
        var wanted: OrderStatus?
        if let status {
            guard let parsed = OrderStatus(rawValue: status.lowercased().replacingOccurrences(of: "-", with: "_"))
            else {
                let names = OrderStatus.allCases.map(\.rawValue)
                let near = names.filter { Nearest.distance($0, status) <= 2 || $0.hasPrefix(status.lowercased()) }
                throw Failure.data(
                    "unknown status \"\(status)\"" + Nearest.didYouMean(near)
                        + " (one of \(names.joined(separator: ", ")))")
            }
            wanted = parsed
        }
        let from = try since.map { text in
            guard let value = clock.start(of: text) else {
                throw Failure.data("--since \(text): write today, 2h, 30m, 3d or a date like 2026-11-26")
            }
            return value
        }
        let to = try until.map { text in
            guard let value = clock.start(of: text) else {
                throw Failure.data("--until \(text): write a date like 2026-11-30, or 2h, 3d")
            }
            // A date means through the end of that day.
            return clock.isDate(text) ? value + 86_400_000 : value
        }
        var customers: [CustomerID]?
        if let customer {
            customers = try store.customers(matching: customer).map(\.id)
        }
        return try store.payableOrders(status: wanted, since: from, until: to, customers: customers)
    }
}

extension ParsableCommand {
    /// How a move went, for staff: the change, and whether the customer heard of it.
    func report(_ result: OrderDesk.Result, code: OrderCode, config: Config) throws {
        switch result {
        case .notFound: throw Failure.data("no order \(code)")
        case .refused(let why): throw Failure.data("\(code): \(why)")
        case .moved(let from, let to, let message):
            let told: String
            switch message {
            case .text: told = "customer told"
            case .template: told = "customer told with the \(config["TEMPLATE_ORDER_UPDATE"]) template"
            case .notSent(let why): told = "customer NOT told (\(why))"
            }
            print("\(code): \(from.label) → \(to.label); \(told).")
            SenderWakeup(config: config, log: Live.stderrLogger(config: config, component: "orders")).wake()
        }
    }

    func move(_ order: String, _ action: OrderLifecycle.Action, reason: String?, options: ConfigOptions) throws {
        try withOrderDesk(order, options: options) { desk, found, store, config, now in
            try report(
                try desk.apply(action, to: found.code, reason: reason, store: store, now: now), code: found.code,
                config: config)
        }
    }

    /// An order found as staff typed it, and the desk that acts on it, over the current store.
    func withOrderDesk(
        _ order: String, options: ConfigOptions,
        _ body: (OrderDesk, Store.PayableOrder, Store, Config, Int64) throws -> Void
    ) throws {
        try exitOnFailure {
            let (config, store) = try options.openCurrentStore()
            defer { store.close() }
            let found = try findOrder(order, in: store)
            let desk = try configured { try Live.orderDesk(config) }
            try body(desk, found, store, config, Live.nowMilliseconds())
        }
    }
}

/// An order as staff read it (`orders show`, and the end of `demo`).
func orderSheet(_ found: Store.PayableOrder, config: Config, store: Store) throws -> String {
    let symbol = config["CURRENCY_SYMBOL"]
    let clock = StaffClock(config: config)
    let customer = try store.customerRecord(found.customer)
    var lines = [
        "Order \(found.code): \(found.status.label)",
        "Placed \(clock.short(found.createdAt)) by "
            + [customer?.name, customer?.identity.waID.map { "+" + $0 } ?? customer?.identity.userID]
            .compactMap { $0 }.joined(separator: ", "),
        "",
    ]
    for line in found.lines {
        lines.append("  \(line.quantity) × \(line.title)  \(line.total.formatted(symbol: symbol))")
        if let note = line.note { lines.append("      note: \(note)") }
    }
    if found.fulfilment.isDelivery {
        lines.append("  Delivery fee  \(found.deliveryFee.formatted(symbol: symbol))")
    }
    lines.append("  Total  \(found.total.formatted(symbol: symbol))")
    lines.append("")
    switch found.fulfilment {
    case .pickup: lines.append("Pickup")
    case .delivery(let address):
        lines.append("Delivery to: \(address.display)")
        if let latitude = address.latitude, let longitude = address.longitude {
            lines.append("Map: https://maps.google.com/?q=\(latitude),\(longitude)")
        }
    }
    if let note = found.note { lines.append("Note: \(note)") }
    if let paid = found.paidReference { lines.append("Paid with Paystack reference \(paid)") }
    for charge in try store.charges(orderID: found.id) {
        lines.append(
            "Payment \(charge.reference): \(charge.amount.formatted(symbol: symbol)) \(charge.currency)"
                + (charge.domain.map { " (\($0))" } ?? ""))
    }
    for refund in try store.refunds(orderID: found.id) {
        lines.append(
            "Refund of \(refund.amount.formatted(symbol: symbol)) from \(refund.reference): \(refund.status.rawValue)"
                + " (\(refund.requestedBy): \(refund.reason))" + (refund.lastError.map { "; \($0)" } ?? ""))
    }
    if let attention = found.attention { lines.append("⚠ \(attention)") }
    if found.status == .paymentReview {
        lines.append(
            "Next: `whatsorder orders confirm \(found.code)` or `whatsorder orders refund \(found.code) --reason …`")
    }
    if let next = OrderLifecycle.next(after: found.status, delivery: found.fulfilment.isDelivery) {
        lines.append("Next: `whatsorder orders advance \(found.code)` → \(next.label)")
    }
    return lines.joined(separator: "\n")
}

/// An order by its number, with or without the `WO-` prefix, in any case; or by its first few characters when
/// only one order begins so; or a typo away from one (`0` for `O` and the like), which is named, not assumed.
func findOrder(_ text: String, in store: Store) throws -> Store.PayableOrder {
    let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
    let code = OrderCode(rawValue: upper.hasPrefix("WO-") ? upper : "WO-" + upper)
    if let order = try store.payableOrder(code: code) { return order }
    let begun = code.rawValue.count >= 6 ? try store.orderCodes(startingWith: code.rawValue) : []
    if begun.count == 1, let order = try store.payableOrder(code: begun[0]) { return order }
    if begun.count > 1 {
        throw Failure.data("several orders begin \(code): \(begun.map(\.rawValue).joined(separator: ", "))")
    }
    let near = try store.recentOrderCodes().filter { Nearest.distance($0.rawValue, code.rawValue) <= 2 }.prefix(3)
    throw Failure.data(
        "no order \(text)"
            + (near.isEmpty ? " (see `whatsorder orders list`)" : Nearest.didYouMean(near.map(\.rawValue))))
}

/// Times as staff read them: in the restaurant's `TIME_ZONE`.
struct StaffClock {
    let zone: TimeZone
    // Made once: a DateFormatter costs about 0.1 ms to build, which was most of listing a day of 2,000 orders.
    private let minutes: DateFormatter
    private let seconds: DateFormatter
    private let day: DateFormatter

    init(config: Config) {
        zone = TimeZone(identifier: config["TIME_ZONE"]) ?? TimeZone(secondsFromGMT: 0) ?? .current
        minutes = Self.formatter("yyyy-MM-dd HH:mm", zone: zone)
        seconds = Self.formatter("yyyy-MM-dd'T'HH:mm:ssXXXXX", zone: zone)
        day = Self.formatter("yyyy-MM-dd", zone: zone)
    }

    private static func formatter(_ format: String, zone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = format
        return formatter
    }

    func short(_ milliseconds: Int64) -> String {
        minutes.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    func iso(_ milliseconds: Int64) -> String {
        seconds.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// Whether `text` is a calendar date (not `today` or a span ago).
    func isDate(_ text: String) -> Bool { day.date(from: text) != nil }

    /// Unix ms for `today`, `2h`, `30m`, `3d` (ago) or a local date.
    func start(of text: String, now: Date = Date()) -> Int64? {
        if text == "today" {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            return Int64(calendar.startOfDay(for: now).timeIntervalSince1970 * 1000)
        }
        if let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 {
            let seconds: Int64? =
                switch unit {
                case "m": amount * 60
                case "h": amount * 3600
                case "d": amount * 86400
                default: nil
                }
            if let seconds { return Int64(now.timeIntervalSince1970 * 1000) - seconds * 1000 }
        }
        return day.date(from: text).map { Int64($0.timeIntervalSince1970 * 1000) }
    }
}
