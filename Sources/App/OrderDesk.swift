import Conversation
import Domain
import Storage
import WhatsApp

/// Staff moving orders on: the one place the CLI and the order board change an order's status. The move, the
/// customer's message and the order's notes commit together.
public struct OrderDesk: Sendable {
    public var conversation: ConversationRunner
    /// `TEMPLATE_ORDER_UPDATE` and `TEMPLATE_LANGUAGE`: what is sent when the customer's last message is older than
    /// WhatsApp's 24-hour window (parameters: the order number and its new status). nil when not configured.
    public var template: Template?

    public struct Template: Equatable, Sendable {
        public var name: String
        public var language: String

        public init(name: String, language: String) {
            self.name = name
            self.language = language
        }
    }

    public init(conversation: ConversationRunner, template: Template?) {
        self.conversation = conversation
        self.template = template
    }

    /// Meta's customer service window (apis.md A4).
    public static let window: Int64 = 24 * 3_600_000

    public enum Result: Equatable, Sendable {
        /// Moved; `message` says how the customer was told.
        case moved(from: OrderStatus, to: OrderStatus, message: Message)
        case refused(String)
        case notFound
    }

    public enum Message: Equatable, Sendable {
        /// A free-form message, inside the window (with the template queued as its fallback for a 131047).
        case text
        /// Outside the window: the approved template.
        case template
        /// Outside the window and no template configured: recorded, not sent.
        case notSent(String)
    }

    public func apply(
        _ action: OrderLifecycle.Action, to code: OrderCode, reason: String? = nil, store: Store, now: Int64
    ) throws -> Result {
        try store.writeTransaction {
            guard let order = try store.payableOrder(code: code) else { return .notFound }
            let target: OrderStatus
            switch OrderLifecycle.decide(action, from: order.status, delivery: order.fulfilment.isDelivery) {
            case .refused(let why): return .refused(why)
            case .allowed(let status): target = status
            }
            guard try store.transitionOrder(id: order.id, to: target, from: [order.status], now: now) else {
                return .refused("the order changed meanwhile; look again")
            }
            let wasPaid = order.status.isPaid
            if action == .cancel {
                var note = "cancelled by staff"
                if let reason, !reason.isEmpty { note += ": \(reason)" }
                if wasPaid { note += " (paid: refund it on Paystack)" }
                try store.addOrderAttention(id: order.id, note: note, now: now)
            }
            let update = OrderUpdate(code: code, status: target, reason: reason, wasPaid: wasPaid)
            var message = Message.text
            let menu = try store.loadMenu()
            try store.stepConversation(of: order.customer, now: now) { snapshot, customer in
                var result = conversation.step(
                    .orderUpdated(update), snapshot: snapshot, customer: customer, menu: menu, now: now)
                let outside = snapshot.lastInboundAt.map { now - $0 > Self.window } ?? true
                let recipient = ConversationRunner.recipient(customer)
                let templateBody = template.map {
                    messageRequestBody(
                        to: recipient,
                        message: .template(
                            name: $0.name, language: $0.language, bodyParameters: [code.rawValue, target.label]))
                }
                if outside {
                    message = templateBody == nil ? .notSent(Self.noTemplate) : .template
                }
                result.outbox = result.outbox.map { entry in
                    guard entry.kind == OutboxKind.whatsAppMessage else { return entry }
                    if !outside {
                        return Store.OutboxEntry(kind: entry.kind, payload: entry.payload, fallback: templateBody)
                    }
                    if let templateBody { return Store.OutboxEntry(kind: entry.kind, payload: templateBody) }
                    return Store.OutboxEntry(kind: entry.kind, payload: entry.payload, unsendable: Self.noTemplate)
                }
                return result
            }
            return .moved(from: order.status, to: target, message: message)
        }
    }

    static let noTemplate =
        "not sent: the customer's last message is older than 24 hours and TEMPLATE_ORDER_UPDATE is not set"
}
