import Crypto
import Domain
import FoundationEssentials
import Gateway
import Storage

/// The order board's HTML: server-rendered, readable on a phone propped up in the kitchen, refreshed by the page
/// itself every 30 seconds. No JavaScript: the buttons are forms.
public enum OrderBoardPage {
    public struct Card: Equatable, Sendable {
        public var order: Store.PayableOrder
        public var customerName: String?
        public var customerNumber: String
        /// Minutes after the restaurant's midnight.
        public var placedMinute: Int
    }

    public struct Model: Equatable, Sendable {
        public var restaurantName: String
        public var user: String
        public var csrf: String
        public var cards: [Card]
        public var symbol: String
        /// What the last action did, shown once at the top.
        public var notice: String?
        /// Customers with a person whose last message nobody has answered yet.
        public var waitingChats: Int = 0
    }

    /// The board's columns, in the order the kitchen works.
    static let sections: [(title: String, statuses: [OrderStatus])] = [
        ("Needs a person", [.paymentReview]),
        ("New: paid", [.paid]),
        ("Preparing", [.preparing]),
        ("Ready / on the way", [.ready, .outForDelivery]),
        ("Waiting for payment", [.awaitingPayment, .expired]),
        ("Done today", [.completed, .cancelled, .refunded]),
    ]

    public static func response(_ model: Model) -> Response {
        page(html(model))
    }

    static func page(_ html: String) -> Response {
        Response(
            status: 200,
            headers: [
                Response.Header("Content-Type", "text/html; charset=utf-8"),
                Response.Header("Cache-Control", "no-store"),
                Response.Header("X-Content-Type-Options", "nosniff"),
                Response.Header("Referrer-Policy", "no-referrer"),
                Response.Header("X-Frame-Options", "DENY"),
                Response.Header("Content-Security-Policy", contentSecurityPolicy),
            ],
            body: Array(html.utf8))
    }

    static func html(_ model: Model) -> String {
        let escape = PaymentReturnPage.escape
        var body = ChatPages.notice(model)
        for section in sections {
            let cards = model.cards.filter { section.statuses.contains($0.order.status) }
            body += "<section><h2>\(escape(section.title)) <span class=\"count\">\(cards.count)</span></h2>"
            if cards.isEmpty { body += "<p class=\"empty\">Nothing here.</p>" }
            for card in cards { body += self.card(card, model: model) }
            body += "</section>"
        }
        return shell(body, model: model, title: "orders")
    }

    /// The page around a view: the header with who is signed in and the way between Orders and Chats. `refresh`:
    /// where the page reloads itself every 30 seconds; nil for a page with a form someone may be typing into.
    static func shell(_ body: String, model: Model, title: String, refresh: String? = "/staff/") -> String {
        let escape = PaymentReturnPage.escape
        let chats = model.waitingChats > 0 ? "Chats (\(model.waitingChats) waiting)" : "Chats"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(refresh.map { "<meta http-equiv=\"refresh\" content=\"30; url=\($0)\">" } ?? "")
            <title>\(escape(title.capitalized)) · \(escape(model.restaurantName))</title>
            <style>\(css)</style></head>
            <body><header><h1>\(escape(model.restaurantName)): \(escape(title))</h1>
            <nav><a href="/staff/">Orders</a> · <a href="/staff/chats">\(escape(chats))</a> · \
            <a href="/staff/settings">Settings</a></nav>
            <p class="who">Signed in as \(escape(model.user))\(refresh == nil ? "" : " · refreshes every 30 s")</p></header>
            <main>\(body)</main></body></html>
            """
    }

    static func card(_ card: Card, model: Model) -> String {
        let escape = PaymentReturnPage.escape
        let order = card.order
        let code = escape(order.code.rawValue)
        let time = String(format2(card.placedMinute / 60)) + ":" + format2(card.placedMinute % 60)
        var html = "<article class=\"card \(order.status.rawValue)\" id=\"\(code)\">"
        html += "<h3><span class=\"code\">\(code)</span> <span class=\"status\">\(escape(order.status.label))</span>"
        html += " <span class=\"time\">\(time)</span></h3><ul class=\"lines\">"
        for line in order.lines {
            html += "<li>\(line.quantity) × \(escape(line.title))"
            if let note = line.note { html += "<span class=\"note\">\(escape(note))</span>" }
            html += "</li>"
        }
        html += "</ul>"
        if let note = order.note { html += "<p class=\"note order-note\">Note: \(escape(note))</p>" }
        html += "<p class=\"total\">\(escape(order.total.formatted(symbol: model.symbol)))</p>"
        switch order.fulfilment {
        case .pickup: html += "<p class=\"where\">Pickup</p>"
        case .delivery(let address):
            html += "<p class=\"where\">Delivery: \(escape(address.display))"
            if let latitude = address.latitude, let longitude = address.longitude {
                html += " · <a href=\"https://maps.google.com/?q=\(latitude),\(longitude)\" rel=\"noreferrer\">map</a>"
            }
            html += "</p>"
        }
        let who = [card.customerName, card.customerNumber.isEmpty ? nil : "+" + card.customerNumber]
            .compactMap { $0 }.joined(separator: ", ")
        html += "<p class=\"customer\">\(escape(who))</p>"
        if let attention = order.attention { html += "<p class=\"attention\">⚠ \(escape(attention))</p>" }
        let hidden = "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(model.csrf))\">"
        if let next = OrderLifecycle.next(after: order.status, delivery: order.fulfilment.isDelivery) {
            html += "<form method=\"post\" action=\"/staff/orders/\(code)/advance\">\(hidden)"
            html += "<button class=\"advance\" type=\"submit\">Mark \(escape(next.label))</button></form>"
        }
        if order.status == .paymentReview {
            html += "<form method=\"post\" action=\"/staff/orders/\(code)/confirm\">\(hidden)"
            html += "<button class=\"advance\" type=\"submit\">Confirm payment: cook it</button></form>"
        }
        if order.status == .paymentReview || order.status.isPaid {
            html += "<form method=\"post\" action=\"/staff/orders/\(code)/refund\" class=\"refund\">\(hidden)"
            html +=
                "<input name=\"amount\" inputmode=\"decimal\" maxlength=\"12\" placeholder=\"All\" aria-label=\"Amount\">"
            html += "<input name=\"reason\" required maxlength=\"200\" placeholder=\"Reason for the refund\">"
            html += "<button type=\"submit\">Refund</button></form>"
        }
        if OrderLifecycle.canCancel(order.status) {
            html += "<form method=\"post\" action=\"/staff/orders/\(code)/cancel\" class=\"cancel\">\(hidden)"
            html += "<input name=\"reason\" required maxlength=\"200\" placeholder=\"Reason (told to the customer)\">"
            html += "<button type=\"submit\">Cancel</button></form>"
        }
        return html + "</article>"
    }

    static func format2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static let css = """
        body{margin:0;font:16px/1.4 system-ui,sans-serif;background:#f3f4f6;color:#111827}\
        header{background:#075e54;color:#fff;padding:12px 16px}h1{font-size:20px;margin:0}\
        .who{margin:4px 0 0;font-size:13px;opacity:.85}main{padding:8px;display:grid;gap:12px;\
        grid-template-columns:repeat(auto-fill,minmax(300px,1fr))}section{background:#e5e7eb;border-radius:10px;\
        padding:8px}h2{font-size:16px;margin:4px 4px 8px}.count{background:#fff;border-radius:10px;padding:0 8px;\
        font-size:13px}.empty{color:#6b7280;margin:4px}.card{background:#fff;border-radius:8px;padding:10px 12px;\
        margin-bottom:8px;box-shadow:0 1px 2px rgba(0,0,0,.1)}.card h3{font-size:15px;margin:0 0 4px}\
        .code{font-family:ui-monospace,monospace}.status{font-weight:normal;color:#374151}.time{float:right;\
        color:#6b7280;font-weight:normal}.lines{margin:4px 0;padding-left:18px}.note{display:block;color:#92400e;font-style:italic}\
        .order-note{margin:4px 0}.total{font-weight:bold;margin:4px 0}\
        .where,.customer{margin:2px 0;font-size:14px}.attention{background:#fef3c7;border-radius:6px;padding:6px;\
        font-size:14px}form{margin:6px 0 0}button{font:inherit;border:0;border-radius:6px;padding:8px 12px;\
        cursor:pointer}.advance{background:#128c7e;color:#fff;width:100%;font-weight:bold}.cancel{display:flex;\
        gap:6px}.cancel input{flex:1;min-width:0;font:inherit;padding:6px;border:1px solid #d1d5db;\
        border-radius:6px}.cancel button{background:#fee2e2;color:#991b1b}.refund{display:flex;gap:6px}\
        .refund input{min-width:0;font:inherit;padding:6px;border:1px solid #d1d5db;border-radius:6px}\
        .refund input[name=amount]{width:5em}.refund input[name=reason]{flex:1}.refund button{background:#e0e7ff;\
        color:#3730a3}.notice{background:#d1fae5;\
        border-radius:8px;padding:10px 12px;margin:8px}.payment_review{border-left:4px solid #d97706}\
        nav{margin:4px 0 0;font-size:15px}nav a{color:#fff}.waiting{border-left:4px solid #d97706}.said{margin:2px 0;\
        color:#374151}.thread{list-style:none;padding:0;margin:0 0 8px}.thread li{background:#fff;border-radius:8px;\
        padding:6px 10px;margin:4px 0;max-width:85%}.thread li.staff{margin-left:auto;background:#dcf8c6}\
        .thread li.bot{background:none;color:#6b7280;font-size:13px;text-align:center;max-width:100%}\
        .reply textarea{width:100%;box-sizing:border-box;font:inherit;padding:6px;border:1px solid #d1d5db;\
        border-radius:6px}.settings label{display:block;margin:10px 0 2px}.hint{color:#6b7280;font-size:13px;\
        font-weight:normal}.settings input{width:100%;box-sizing:border-box;font:inherit;padding:6px;\
        border:1px solid #d1d5db;border-radius:6px}.settings button{margin-top:12px}
        """

    /// The inline stylesheet is allowed by its hash, computed from the text itself so the two cannot drift; forms
    /// may post only to this site.
    static let contentSecurityPolicy: String = {
        let hash = Data(SHA256.hash(data: Array(css.utf8))).base64EncodedString()
        return "default-src 'none'; style-src 'sha256-\(hash)'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'"
    }()
}
