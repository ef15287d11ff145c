import Domain
import Testing

/// Every status × action × fulfilment: what staff may do, and why not.
@Suite struct OrderLifecycleTests {
    @Test func advanceFollowsTheKitchenAndNothingElse() {
        let pickup: [OrderStatus: OrderStatus] = [
            .paid: .preparing, .preparing: .ready, .ready: .completed, .outForDelivery: .completed,
        ]
        let delivery: [OrderStatus: OrderStatus] = [
            .paid: .preparing, .preparing: .outForDelivery, .ready: .completed, .outForDelivery: .completed,
        ]
        for status in OrderStatus.allCases {
            for (isDelivery, table) in [(false, pickup), (true, delivery)] {
                let decision = OrderLifecycle.decide(.advance, from: status, delivery: isDelivery)
                if let next = table[status] {
                    #expect(decision == .allowed(next), "\(status) delivery=\(isDelivery)")
                } else {
                    guard case .refused(let why) = decision else {
                        Issue.record("\(status) should not advance")
                        continue
                    }
                    #expect(!why.isEmpty)
                }
            }
        }
        #expect(
            OrderLifecycle.decide(.advance, from: .awaitingPayment, delivery: false)
                == .refused("the order is not paid yet"))
        #expect(
            OrderLifecycle.decide(.advance, from: .paymentReview, delivery: true)
                == .refused("the payment needs checking first (see the order's notes)"))
    }

    @Test func cancellingStopsOnceTheFoodIsGone() {
        let cancellable: Set<OrderStatus> = [
            .awaitingPayment, .expired, .paid, .paymentReview, .preparing, .ready, .outForDelivery,
        ]
        for status in OrderStatus.allCases {
            for isDelivery in [false, true] {
                let decision = OrderLifecycle.decide(.cancel, from: status, delivery: isDelivery)
                if cancellable.contains(status) {
                    #expect(decision == .allowed(.cancelled), "\(status)")
                } else {
                    #expect(decision == .refused("a \(status.label) order cannot be cancelled"), "\(status)")
                }
            }
        }
    }

    @Test func aWholeOrderWalksToCompletedInThreeOrFourSteps() {
        for isDelivery in [false, true] {
            var status = OrderStatus.paid
            var steps: [OrderStatus] = []
            while let next = OrderLifecycle.next(after: status, delivery: isDelivery) {
                steps.append(next)
                status = next
            }
            #expect(steps == [.preparing, isDelivery ? .outForDelivery : .ready, .completed])
        }
    }
}

@Suite struct PriceParsingTests {
    @Test func staffWritePricesInManyWays() {
        let accepted: [(String, Int)] = [
            ("2500", 250_000), ("2,500", 250_000), ("₦2,500.00", 250_000), ("₦ 2,500.5", 250_050),
            ("NGN 2500", 250_000),
            ("  600 ", 60_000), ("0", 0), ("1,234,567.89", 123_456_789), ("2500.05", 250_005),
        ]
        for (text, kobo) in accepted {
            #expect(Kobo.parse(text) == Kobo(kobo), "\(text)")
        }
        for text in [
            "", "abc", "-5", "2,50", "25,00", "1.234", "2500.", ".5", "₦", "2 500", "1,2345", "$2500", "2500₦", "1e3",
        ] {
            #expect(Kobo.parse(text) == nil, "\(text)")
        }
        #expect(Kobo.parse("GH₵ 12.50", symbol: "GH₵", code: "GHS") == Kobo(1_250))
    }
}
