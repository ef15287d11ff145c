import ArgumentParser
import Bootstrap
import Domain
import Foundation
import Storage

extension Orders {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Orders as CSV, one row each, for a spreadsheet or the accountant.",
            discussion: """
                Columns: order, placed, status, customer, name, fulfilment, address, items, subtotal, delivery_fee, \
                total, refunded, currency, paid_reference, paid_at. Money in major units (5000.00); times on the \
                restaurant's clock. Example: `whatsorder orders export --csv --since 2026-11-01 --until 2026-11-30 \
                > november.csv`.
                """)
        @OptionGroup var options: ConfigOptions
        @OptionGroup var query: OrderQuery
        @Flag(help: "Comma-separated values (RFC 4180): the one format there is, asked for by name.") var csv = false

        func validate() throws {
            guard csv else { throw ValidationError("say the format: --csv") }
        }

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let clock = StaffClock(config: config)
                var rows = [
                    [
                        "order", "placed", "status", "customer", "name", "fulfilment", "address", "items", "subtotal",
                        "delivery_fee", "total", "refunded", "currency", "paid_reference", "paid_at",
                    ]
                ]
                for order in try query.orders(in: store, clock: clock) {
                    let customer = try store.customerRecord(order.customer)
                    let refunded = try store.refundedAmount(orderID: order.id).rawValue
                    var address = ""
                    if case .delivery(let place) = order.fulfilment { address = place.display }
                    rows.append([
                        order.code.rawValue, clock.iso(order.createdAt), order.status.rawValue,
                        customer?.identity.waID.map { "+" + $0 } ?? customer?.identity.userID ?? "",
                        customer?.name ?? "", order.fulfilment.isDelivery ? "delivery" : "pickup", address,
                        order.lines.map { "\($0.quantity)x \($0.title)" }.joined(separator: "; "),
                        decimal(order.subtotal), decimal(order.deliveryFee), decimal(order.total),
                        decimal(Kobo(refunded)), order.currency, order.paidReference ?? "",
                        try store.paidAt(orderID: order.id).map(clock.iso) ?? "",
                    ])
                }
                print(
                    rows.map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\r\n"), terminator: "\r\n"
                )
            }
        }

        /// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. A field a spreadsheet
        /// would run as a formula (`=`, `+`, `-`, `@` first) is prefixed with `'`: names and addresses come from
        /// customers. Numbers (and +234… numbers) are ours and stay as they are.
        static func field(_ text: String) -> String {
            var value = text
            if let first = value.first,
                "=-@".contains(first) || (first == "+" && !value.dropFirst().allSatisfy(\.isNumber))
            {
                value = "'" + value
            }
            guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}

/// 500000 kobo → "5000.00": minor units as a spreadsheet reads money.
func decimal(_ amount: Kobo) -> String {
    let value = amount.rawValue
    let cents = abs(value % 100)
    return "\(value / 100).\(cents < 10 ? "0" : "")\(cents)"
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "For the owner: orders, revenue, the average order, best sellers and each day, over a period.",
        discussion: """
            Revenue counts orders that were paid and kept (paid, preparing, ready, on the way, completed), less \
            what Paystack refunded on them; cancelled, refunded and unpaid orders are counted apart. Days are the \
            restaurant's (TIME_ZONE). Example: `whatsorder report --since 2026-11-01 --until 2026-11-30`.
            """)
    @OptionGroup var options: ConfigOptions
    @Option(help: "From: today, 7d, or a date (2026-11-01).") var since: String = "7d"
    @Option(help: "Through the end of this date (default: now).") var until: String?

    func run() throws {
        try exitOnFailure {
            let (config, store) = try options.openCurrentStore()
            defer { store.close() }
            let clock = StaffClock(config: config)
            let symbol = config["CURRENCY_SYMBOL"]
            let orders = try OrderQuery.orders(
                status: nil, since: since, until: until, customer: nil, in: store, clock: clock)
            let kept = orders.filter { $0.status.isPaid }
            var refunded = 0
            var revenueByDay: [String: (orders: Int, revenue: Int)] = [:]
            var sold: [String: (quantity: Int, revenue: Int)] = [:]
            for order in kept {
                let back = try store.refundedAmount(orderID: order.id).rawValue
                refunded += back
                let day = String(clock.iso(order.createdAt).prefix(10))
                revenueByDay[day, default: (0, 0)].orders += 1
                revenueByDay[day, default: (0, 0)].revenue += order.total.rawValue - back
                for line in order.lines {
                    sold[line.name, default: (0, 0)].quantity += line.quantity
                    sold[line.name, default: (0, 0)].revenue += line.total.rawValue
                }
            }
            let revenue = kept.reduce(0) { $0 + $1.total.rawValue } - refunded
            func money(_ kobo: Int) -> String { Kobo(kobo).formatted(symbol: symbol) }
            let lost = orders.filter { [.cancelled, .refunded].contains($0.status) }.count
            let waiting = orders.filter { [.awaitingPayment, .expired, .paymentReview].contains($0.status) }.count
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let from = clock.start(of: since).map { String(clock.iso($0).prefix(10)) } ?? since
            let to = until ?? String(clock.iso(now).prefix(10))
            var lines = [
                "\(config["RESTAURANT_NAME"]): orders placed \(from) to \(to) (\(config["TIME_ZONE"]))",
                "",
                table([
                    [
                        "Paid orders", "\(kept.count)",
                        "(\(lost) cancelled or refunded, \(waiting) unpaid or in review)",
                    ],
                    ["Revenue", money(revenue), refunded > 0 ? "(after \(money(refunded)) refunded)" : ""],
                    ["Average order", kept.isEmpty ? "-" : money(revenue / kept.count), ""],
                ]),
            ]
            if !sold.isEmpty {
                lines += ["", "Best sellers"]
                let best = sold.sorted { ($0.value.quantity, $1.key) > ($1.value.quantity, $0.key) }.prefix(5)
                var rows = [["#", "dish", "sold", "takings"]]
                for (index, entry) in best.enumerated() {
                    rows.append(["\(index + 1).", entry.key, "\(entry.value.quantity)", money(entry.value.revenue)])
                }
                lines.append(table(rows))
                lines += ["", "Each day"]
                var days = [["date", "paid orders", "revenue"]]
                for day in revenueByDay.keys.sorted() {
                    let entry = revenueByDay[day] ?? (0, 0)
                    days.append([day, "\(entry.orders)", money(entry.revenue)])
                }
                lines.append(table(days))
            }
            print(lines.joined(separator: "\n"))
        }
    }
}
