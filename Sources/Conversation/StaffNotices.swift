import Domain

/// Messages for the restaurant's own numbers (`STAFF_WHATSAPP_NUMBERS`). Plain text: staff read them on a phone
/// between orders, so the order number and what to do come first.
public enum StaffNotice: Equatable, Sendable {
    /// A paid order for the kitchen. `flag` says what else to look at (paid after its link expired).
    case newOrder(ConfirmedOrder, customer: StaffNotice.Customer, flag: String?)
    /// Money arrived but the order was not confirmed: a person decides (refund, or confirm by hand).
    case needsReview(OrderCode, customer: StaffNotice.Customer, reason: String)
    /// Something happened to an order after payment (a refund, a dispute).
    case orderNote(OrderCode, note: String)
    /// A customer asked for a person; the bot is quiet in their chat until staff hand it back or it times out.
    case personRequested(customer: StaffNotice.Customer)
    /// What a customer with a person sent; a reply to this message answers them.
    case relayed(customer: StaffNotice.Customer, order: OrderCode?, text: String)
    /// A staff number wrote something the bot cannot pass on, and why.
    case staffHelp(String)

    public struct Customer: Equatable, Sendable {
        public var name: String?
        /// The customer's WhatsApp number (or Meta's user id when no number is known).
        public var number: String

        public init(name: String?, number: String) {
            self.name = name
            self.number = number
        }

        /// The number as staff dial it: `+` before a phone number, none before Meta's user id.
        var dialled: String { (number.allSatisfy(\.isNumber) ? "+" : "") + number }

        /// "Ada, +2348031112222".
        var display: String { [name, dialled].compactMap { $0 }.joined(separator: ", ") }

        /// "Ada (+2348031112222)", as a relayed message begins.
        var speaker: String { name.map { "\($0) (\(dialled))" } ?? dialled }
    }

    public func text(settings: Settings) -> String {
        func money(_ amount: Kobo) -> String { amount.formatted(symbol: settings.currencySymbol) }
        switch self {
        case .newOrder(let order, let customer, let flag):
            let items = order.lines.map(\.summary).joined(separator: "\n")
            let destination: String
            switch order.fulfilment {
            case .pickup:
                destination = "PICKUP"
            case .delivery(let address):
                var parts = ["DELIVERY: \(address.display)"]
                if let latitude = address.latitude, let longitude = address.longitude {
                    parts.append("Map: https://maps.google.com/?q=\(latitude),\(longitude)")
                }
                destination = parts.joined(separator: "\n")
            }
            return lines(
                "🧾 New paid order *\(order.code)*", flag.map { "⚠️ \($0)" }, items,
                order.note.map { "📝 \($0)" }, "Total paid: \(money(order.total))", destination,
                "Customer: \(customer.display)")
        case .needsReview(let code, let customer, let reason):
            return lines(
                "⚠️ Payment to check: order *\(code)*", reason, "Customer: \(customer.display)",
                "The order is NOT confirmed. Check the payment on the Paystack dashboard, then:",
                "• cook it: whatsorder orders confirm \(code)",
                "• or give the money back: whatsorder orders refund \(code) --reason \"…\"")
        case .orderNote(let code, let note):
            return lines("ℹ️ Order *\(code)*: \(note)")
        case .personRequested(let customer):
            return lines(
                "🙋 \(customer.display) asked to talk to a person. The bot is paused in their chat.",
                "Reply to this message to answer them here (or: whatsorder chat send \(customer.number) \"…\").",
                "Hand back: whatsorder chat resume \(customer.number)")
        case .relayed(let customer, let order, let text):
            return lines(
                "💬 \(customer.speaker)\(order.map { ", order \($0)" } ?? ""): \(text)",
                "↩️ Reply to this message to answer.")
        case .staffHelp(let text):
            return text
        }
    }
}
