import Domain
import Gateway
import Storage

/// The board's Chats view: threads of customers who asked for a person (waiting ones first), one thread with a
/// reply box and *Resume bot*. Server-rendered forms like the rest of the board, no JavaScript.
enum ChatPages {
    struct Thread: Equatable, Sendable {
        var number: String
        var name: String?
        var lines: [Store.ChatLine]
        var withPerson: Bool
    }

    static func list(_ threads: [Store.ChatSummary], clock: (Int64) -> String, model: OrderBoardPage.Model) -> String {
        let escape = PaymentReturnPage.escape
        var body = notice(model)
        let waiting = threads.filter { $0.handoffUntil != nil && $0.waiting }
        body += "<section><h2>Chats <span class=\"count\">\(waiting.count) waiting</span></h2>"
        if threads.isEmpty { body += "<p class=\"empty\">No customer asked for a person in the last day.</p>" }
        for thread in threads.sorted(by: { ($0.waiting ? 0 : 1, -$0.last.at) < ($1.waiting ? 0 : 1, -$1.last.at) }) {
            let number = thread.customer.identity.waID ?? ""
            let state =
                thread.handoffUntil == nil ? "with the bot" : thread.waiting ? "waiting for a person" : "with a person"
            body += "<article class=\"card chat\(thread.waiting && thread.handoffUntil != nil ? " waiting" : "")\">"
            body += "<h3><a href=\"/staff/chats/\(escape(number))\">\(escape(thread.customer.name ?? "+" + number))</a>"
            body += " <span class=\"status\">\(escape(state))</span>"
            body += " <span class=\"time\">\(escape(clock(thread.last.at)))</span></h3>"
            body += "<p class=\"said\">\(escape(String(thread.last.body.prefix(140))))</p></article>"
        }
        return body + "</section>"
    }

    static func thread(_ thread: Thread, clock: (Int64) -> String, model: OrderBoardPage.Model) -> String {
        let escape = PaymentReturnPage.escape
        let number = escape(thread.number)
        var body = notice(model)
        body += "<section><h2>\(escape(thread.name ?? "+" + thread.number)) <span class=\"count\">+\(number)</span>"
        body += " <span class=\"status\">\(thread.withPerson ? "with a person" : "with the bot")</span></h2>"
        body += "<ol class=\"thread\">"
        if thread.lines.isEmpty { body += "<li class=\"bot\">Nothing yet.</li>" }
        for line in thread.lines {
            let who =
                switch line.author {
                case .customer: thread.name ?? "Customer"
                case .staff: "Staff" + (line.who.map { " \($0)" } ?? "")
                case .bot: ""
                }
            body += "<li class=\"\(line.author.rawValue)\"><span class=\"time\">\(escape(clock(line.at)))</span> "
            if !who.isEmpty { body += "<b>\(escape(who)):</b> " }
            body += "\(escape(line.body))</li>"
        }
        body += "</ol>"
        let hidden = "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(model.csrf))\">"
        body += "<form method=\"post\" action=\"/staff/chats/\(number)/send\" class=\"reply\">\(hidden)"
        body += "<textarea name=\"text\" required maxlength=\"1000\" rows=\"3\" placeholder=\"Your answer\"></textarea>"
        body += "<button class=\"advance\" type=\"submit\">Send</button></form>"
        if thread.withPerson {
            body += "<form method=\"post\" action=\"/staff/chats/\(number)/resume\">\(hidden)"
            body += "<button type=\"submit\">Resume bot</button></form>"
        }
        return body + "</section>"
    }

    static func notice(_ model: OrderBoardPage.Model) -> String {
        guard let notice = model.notice, !notice.isEmpty else { return "" }
        return "<p class=\"notice\" role=\"status\">\(PaymentReturnPage.escape(notice))</p>"
    }
}
