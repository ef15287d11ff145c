import Gateway

/// The page a customer's phone lands on after Paystack's checkout. It only reports the status the database already
/// holds: Paystack's redirect proves nothing (anyone can open the URL), so only the signed webhook marks an order
/// paid. The reference in the URL is as good as a receipt, so the page shows nothing but the order number and status.
public enum PaymentReturnPage {
    public enum Status: Equatable, Sendable {
        /// Payment received and the order confirmed, including every later kitchen state.
        case paid(order: String)
        /// The order exists but the webhook has not confirmed the payment yet (awaiting_payment, expired).
        case confirming(order: String)
        /// payment_review: a person has to look at the payment before the order goes ahead.
        case review(order: String)
        /// Cancelled or refunded.
        case cancelled(order: String)
        /// No reference, or one we do not know.
        case notFound
    }

    public struct Model: Equatable, Sendable {
        public var status: Status
        public var restaurantName: String
        /// "https://wa.me/<digits>" or nil when no business number is configured (then no chat link is shown, and
        /// the page says to go back to WhatsApp).
        public var chatURL: String?

        public init(status: Status, restaurantName: String, chatURL: String?) {
            self.status = status
            self.restaurantName = restaurantName
            self.chatURL = chatURL
        }
    }

    /// 200 for found statuses, 404 for notFound, with headers that keep the page out of caches, frames and other
    /// sites' logs.
    public static func response(_ model: Model) -> Response {
        let status: Int
        if case .notFound = model.status { status = 404 } else { status = 200 }
        return Response(
            status: status,
            headers: [
                Response.Header("Content-Type", "text/html; charset=utf-8"),
                // NB: a cached copy would keep saying "confirming" after the webhook lands.
                Response.Header("Cache-Control", "no-store"),
                Response.Header("X-Content-Type-Options", "nosniff"),
                // NB: the URL carries the payment reference; the wa.me link must not receive it as a Referer.
                Response.Header("Referrer-Policy", "no-referrer"),
                Response.Header("Content-Security-Policy", contentSecurityPolicy),
                Response.Header("X-Frame-Options", "DENY"),
            ],
            body: Array(html(model).utf8))
    }

    /// "https://wa.me/" + the ASCII digits of `businessNumber`, which wa.me wants in international form without
    /// "+", spaces or dashes; nil if there are no digits.
    public static func chatURL(businessNumber: String) -> String? {
        let digits = String(String.UnicodeScalarView(businessNumber.unicodeScalars.filter { "0"..."9" ~= $0 }))
        return digits.isEmpty ? nil : "https://wa.me/" + digits
    }

    /// HTML-escapes & < > " ' (as &amp; &lt; &gt; &quot; &#39;), safe in text and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The one stylesheet; the page allows exactly this text and no other style (see `contentSecurityPolicy`).
    static let css = """
        *{box-sizing:border-box}\
        html{-webkit-text-size-adjust:100%}\
        body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px 16px;\
        background:#f2f3f5;color:#1f2328;\
        font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}\
        main{width:100%;max-width:420px;background:#fff;border-radius:20px;padding:28px 24px 24px;text-align:center;\
        box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06)}\
        .brand{margin:0 0 24px;font-size:15px;font-weight:600;color:#59636e;overflow-wrap:anywhere}\
        .icon{width:72px;height:72px;margin:0 auto 20px;border-radius:50%;display:flex;align-items:center;\
        justify-content:center;font-size:38px;font-weight:700;line-height:1;background:var(--tint);color:var(--accent)}\
        .paid{--accent:#087f5b;--tint:#e1f3ea}\
        .confirming,.review{--accent:#9a5b00;--tint:#fdf0d8}\
        .cancelled,.not-found{--accent:#59636e;--tint:#eceef1}\
        h1{margin:0 0 12px;font-size:24px;line-height:1.25}\
        p{margin:0 0 12px}\
        .order{display:inline-block;max-width:100%;margin-bottom:16px;padding:4px 14px;border-radius:16px;\
        background:#f2f3f5;font-size:15px;overflow-wrap:anywhere}\
        .note{color:#4b535c;overflow-wrap:anywhere}\
        .button{display:block;margin-top:24px;padding:14px 20px;border-radius:12px;background:#087f5b;color:#fff;\
        font-weight:600;text-decoration:none}\
        .button:focus-visible{outline:3px solid #1f2328;outline-offset:2px}\
        .spinner{width:36px;height:36px;border:4px solid currentColor;border-right-color:transparent;\
        border-radius:50%;animation:spin 1s linear infinite}\
        @keyframes spin{to{transform:rotate(360deg)}}\
        @media (prefers-reduced-motion:reduce){.spinner{animation:none}}
        """

    /// The base64 SHA-256 of `css`. A test recomputes it: a stale hash would leave the page unstyled, not broken.
    static let cssHash = "sha256-gicdM+fo2qUcAWrC8G2+TG8vz5/mS5J9t7pnjqVZCLo="

    /// Only the inline stylesheet may load: should an escape ever be missed, injected markup could still run no
    /// script, fetch nothing, submit nowhere and not be framed.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src '\(cssHash)'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// A status's words. Fixed text goes into the HTML as is; the only strings from outside (order number,
    /// restaurant name) are escaped where they are interpolated.
    struct Copy {
        var headline: String
        var className: String
        /// HTML, so that it can be the spinner element.
        var icon: String
        var order: String?
        var note: String
    }

    static func copy(_ status: Status, restaurantName: String) -> Copy {
        switch status {
        case .paid(let order):
            return Copy(
                headline: "Payment received", className: "paid", icon: "\u{2713}", order: order,
                note: "Thank you! Your order is confirmed. We'll keep you posted on WhatsApp.")
        case .confirming(let order):
            return Copy(
                headline: "Confirming your payment", className: "confirming", icon: "<span class=\"spinner\"></span>",
                order: order,
                note: "This usually takes a few seconds. You'll get a WhatsApp message as soon as it's confirmed, "
                    + "and this page updates itself.")
        case .review(let order):
            return Copy(
                headline: "We're checking your payment", className: "review", icon: "!", order: order,
                note: "Please don't pay again. Someone from \(escape(restaurantName)) will contact you on "
                    + "WhatsApp shortly.")
        case .cancelled(let order):
            return Copy(
                headline: "Order cancelled", className: "cancelled", icon: "\u{00D7}", order: order,
                note: "This order was cancelled. If you have a question about a payment, message us on WhatsApp.")
        case .notFound:
            return Copy(
                headline: "We couldn't find that payment", className: "not-found", icon: "?", order: nil,
                note: "The link may be incomplete. If you've just paid, you'll get a WhatsApp message once the "
                    + "payment is confirmed.")
        }
    }

    static func html(_ model: Model) -> String {
        let copy = copy(model.status, restaurantName: model.restaurantName)
        let restaurant = escape(model.restaurantName)
        // NB: the webhook usually lands within seconds of the redirect; reloading (no script) shows its result.
        let refresh: String
        if case .confirming = model.status {
            refresh = "<meta http-equiv=\"refresh\" content=\"10\">\n"
        } else {
            refresh = ""
        }
        let order = copy.order.map { "<p class=\"order\">Order <strong>\(escape($0))</strong></p>\n" } ?? ""
        let action: String
        if let url = model.chatURL {
            action = "<a class=\"button\" href=\"\(escape(url))\" rel=\"noreferrer\">Back to WhatsApp</a>\n"
        } else {
            action =
                "<p class=\"note\">You can close this page and go back to your WhatsApp chat with \(restaurant).</p>\n"
        }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(refresh)<title>\(copy.headline) · \(restaurant)</title>
            <style>\(css)</style>
            </head>
            <body>
            <main class="\(copy.className)">
            <p class="brand">\(restaurant)</p>
            <div class="icon" aria-hidden="true">\(copy.icon)</div>
            <h1>\(copy.headline)</h1>
            \(order)<p class="note">\(copy.note)</p>
            \(action)</main>
            </body>
            </html>

            """
    }
}
