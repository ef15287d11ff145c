/// What staff may do to an order, in one place: the CLI, the order board and their tests all ask this.
///
/// paid → preparing → ready (pickup) or out_for_delivery (delivery) → completed. Cancelling is allowed until the
/// food has left (or been collected); a paid order that is cancelled needs its refund made on Paystack.
public enum OrderLifecycle {
    /// The next kitchen status of an order, or nil when `advance` does not apply.
    public static func next(after status: OrderStatus, delivery: Bool) -> OrderStatus? {
        switch status {
        case .paid: .preparing
        case .preparing: delivery ? .outForDelivery : .ready
        case .ready, .outForDelivery: .completed
        case .awaitingPayment, .expired, .paymentReview, .completed, .cancelled, .refunded: nil
        }
    }

    /// Whether staff may cancel an order in `status`.
    public static func canCancel(_ status: OrderStatus) -> Bool {
        switch status {
        case .awaitingPayment, .expired, .paid, .paymentReview, .preparing, .ready, .outForDelivery: true
        case .completed, .cancelled, .refunded: false
        }
    }

    /// A move staff asked for: allowed, or refused with a reason a person can act on.
    public enum Decision: Equatable, Sendable {
        case allowed(OrderStatus)
        case refused(String)
    }

    public enum Action: Equatable, Sendable {
        case advance
        case cancel
    }

    public static func decide(_ action: Action, from status: OrderStatus, delivery: Bool) -> Decision {
        switch action {
        case .advance:
            if let next = next(after: status, delivery: delivery) { return .allowed(next) }
            switch status {
            case .awaitingPayment, .expired: return .refused("the order is not paid yet")
            case .paymentReview: return .refused("the payment needs checking first (see the order's notes)")
            case .completed: return .refused("the order is already completed")
            case .cancelled: return .refused("the order is cancelled")
            case .refunded: return .refused("the order was refunded")
            case .paid, .preparing, .ready, .outForDelivery: return .refused("no next status")
            }
        case .cancel:
            if canCancel(status) { return .allowed(.cancelled) }
            return .refused("a \(status.label) order cannot be cancelled")
        }
    }
}

extension OrderStatus {
    /// How staff read the status.
    public var label: String {
        switch self {
        case .awaitingPayment: "awaiting payment"
        case .expired: "expired (unpaid)"
        case .paid: "paid"
        case .paymentReview: "payment review"
        case .preparing: "preparing"
        case .ready: "ready for pickup"
        case .outForDelivery: "out for delivery"
        case .completed: "completed"
        case .cancelled: "cancelled"
        case .refunded: "refunded"
        }
    }
}
