import Conversation
import Storage
import WhatsApp

/// Turns the reducer's effects into outbox rows. The wire shape (and Meta's length limits) belong to the WhatsApp
/// module; what to say belongs to Conversation; this file only connects them.
enum OutboxKind {
    static let whatsAppMessage = "whatsapp.message"
}

func outboxEntries(for effects: [Effect], to recipient: Recipient) -> [Store.OutboxEntry] {
    effects.map { effect in
        switch effect {
        case .reply(let reply):
            return Store.OutboxEntry(
                kind: OutboxKind.whatsAppMessage,
                payload: messageRequestBody(to: recipient, message: outboundMessage(for: reply)))
        }
    }
}

func outboundMessage(for reply: Reply) -> OutboundMessage {
    switch reply {
    case .text(let body):
        return .text(body: body, previewURL: false)
    case .list(let list):
        return .list(
            header: list.header, body: list.body, footer: list.footer, button: list.button,
            sections: list.sections.map { section in
                ListSection(
                    title: section.title,
                    rows: section.rows.map { ListRow(id: $0.id, title: $0.title, description: $0.description) })
            })
    case .buttons(let buttons):
        return .buttons(
            header: nil, body: buttons.body, footer: nil,
            buttons: buttons.buttons.map { ReplyButton(id: $0.id, title: $0.title) })
    }
}
