import Conversation
import Domain
import Foundation
import Testing

@testable import Storage

/// The hand-written state codec against `State`'s `Codable`, the reference: every state the reducer reaches on a
/// long random walk, and hand-made ones with every field, read back the same whichever side wrote them, and both
/// write the same JSON object.
@Suite struct StateCodingTests {
    static func agree(_ state: State, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fast = StateCoding.encode(state)
        let reference = try JSONEncoder().encode(state)
        #expect(StateCoding.read(fast) == state, "fast → fast", sourceLocation: sourceLocation)
        #expect(StateCoding.read(Array(reference)) == state, "Codable → fast", sourceLocation: sourceLocation)
        #expect(
            try JSONDecoder().decode(State.self, from: Data(fast)) == state, "fast → Codable",
            sourceLocation: sourceLocation)
        let fastObject = try JSONSerialization.jsonObject(with: Data(fast)) as? NSDictionary
        let referenceObject = try JSONSerialization.jsonObject(with: reference) as? NSDictionary
        #expect(
            fastObject == referenceObject, "\(String(decoding: fast, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    @Test func everyFieldReadsBackWhicheverSideWroteIt() throws {
        var state = State(step: .confirming)
        try Self.agree(state)
        state.categoryID = 3
        state.page = 2
        state.itemID = 7
        state.ambiguity = Ambiguity(action: .remove, quantity: 2, candidates: [1, 2])
        state.cart = [OrderLine(itemID: 1, name: "Jollof Rice & Chicken \"party\" ₦", unitPrice: 250_000, quantity: 2)]
        state.fulfilment = .delivery(
            Address(text: "12 Allen Avenue\nIkeja", latitude: 6.4541, longitude: -3.25, placeName: "Eko Hotel"))
        state.email = "ada@example.com"
        state.emailSkipped = true
        state.pendingOrder = PendingOrder(
            code: OrderCode(rawValue: "WO-ABC"), total: 610_000, email: "ada@example.com", attempt: 2,
            paymentURL: "https://checkout.paystack.com/x/y")
        state.lastOrder = OrderBrief(
            code: OrderCode(rawValue: "WO-ABC"), total: 610_000, status: .paymentReview, lines: state.cart,
            fulfilment: .pickup, paidAt: 1_795_608_000_000)
        state.latestSentAt = 1_795_608_000_000
        state.apologisedForDelay = true
        state.handoffUntil = 1_795_611_600_000
        state.offersNumbers = false
        state.lastItemID = 9
        state.savedAddress = Address(latitude: 6.5, longitude: 3.3)
        state.pendingPin = Address(text: "blue gate")
        state.replacing = OrderCode(rawValue: "WO-OLD23456")
        state.handoffAcknowledged = true
        try Self.agree(state)
        // Options, notes and dishes waiting for their options.
        let beef = ChosenOption(id: 102, group: "Protein", name: "Beef \"suya\"", price: 0)
        let fish = ChosenOption(id: 103, group: "Protein", name: "Fish", price: 30_000)
        state.cart.append(
            OrderLine(
                itemID: 12, name: "Jollof Rice", unitPrice: 280_000, quantity: 1, options: [fish], note: "no pepper"))
        state.cart.append(OrderLine(itemID: 12, name: "Jollof Rice", unitPrice: 250_000, quantity: 3, options: [beef]))
        state.building = [
            LineInProgress(itemID: 12, quantity: 2, options: [beef], note: "well done", groupID: 12, offerExtras: true),
            LineInProgress(itemID: 2, quantity: 0, groupID: 0),
        ]
        state.orderNote = "call me at the gate ☎️"
        state.lineKey = "12-103~abc"
        state.lastOrder?.lines = state.cart
        try Self.agree(state)
        state.building = []
        state.ambiguity = Ambiguity(action: .add, quantity: nil, candidates: [])
        state.fulfilment = .pickup
        state.lastOrder?.lines = []
        try Self.agree(state)
    }

    @Test(arguments: [SampleMenu.menu, SampleMenu.withOptions])
    func everyStateOfALongRandomWalkReadsBack(menu: Menu) throws {
        let settings = Settings(restaurantName: "Mama Put", deliveryFee: 50_000, asksReceiptEmail: true)
        let reader = Reader(menu: menu)
        let texts = [
            "hi", "2 jollof and 1 zobo", "1", "2", "rice", "checkout", "pickup", "delivery", "12 Allen Avenue, Ikeja",
            "no pepper", "note: call me at the gate", "jollof with beef", "2 fried rice large", "fish", "make it fish",
            "yes", "no", "same as last time", "remove the zobo", "make it 3 jollof", "cancel", "menu", "more", "back",
            "ada@example.com", "skip", "same address", "where is my food", "thank you", "pizza", "agent", "replace am",
        ]
        let taps = [
            "category:1", "item:1", "qty:2", "checkout", "pickup", "delivery", "confirm", "edit", "cancel-yes",
            "cancel-no", "reorder", "skip-landmark", "resume", "fresh", "pick:2", "pay-unpaid", "replace-unpaid",
            "opt:101", "opt:103", "opt:105", "noextra:12", "opt:107", "line:1-102", "remove:1-103",
        ]
        var generator = SystemRandomNumberGenerator()
        var state = State()
        var now: Int64 = 1_795_608_000_000
        var checked = 0
        for step in 0..<3_000 {
            now += Int64.random(in: 1_000...4_000_000, using: &generator)
            let event: Event
            switch Int.random(in: 0..<10, using: &generator) {
            case 0:
                event = .customerSent(.location(latitude: 6.52, longitude: 3.37, name: nil, address: nil), sentAt: now)
            case 1...2: event = .customerSent(.choice(id: taps.randomElement()!, title: "x"), sentAt: now)
            case 3:
                let code = state.pendingOrder?.code ?? OrderCode(rawValue: "WO-X")
                event = [
                    .paymentLinkCreated(reference: state.pendingOrder?.reference ?? "r", url: "https://p/\(step)"),
                    .paymentNeedsReview(code), .paymentLinkExpired(code),
                    .orderUpdated(OrderUpdate(code: code, status: .preparing)),
                ].randomElement()!
            default: event = .customerSent(.text(texts.randomElement()!), sentAt: now)
            }
            let context = Context(
                settings: settings, menu: menu, customerKey: "7", now: now, previousMessageAt: now - 60_000,
                newID: "ID\(step)", reader: reader)
            state = reduce(state, event, context).state
            try Self.agree(state)
            checked += 1
        }
        #expect(checked == 3_000)
    }

    /// A row this reader cannot read goes to JSONDecoder, which reads what it can and refuses the rest, as before.
    @Test func whatTheFastReaderCannotReadIsLeftToJSONDecoder() throws {
        // An integer written as a double: JSONDecoder accepts it, and so the row still reads.
        let float = Array(#"{"step":"viewingCart","page":2.0,"cart":[]}"#.utf8)
        #expect(try StateCoding.decode(float).page == 2)
        // A number where a string belongs: refused by both.
        #expect(StateCoding.read(Array(#"{"step":"viewingCart","email":5}"#.utf8)) == nil)
        #expect(throws: (any Error).self) { try StateCoding.decode(Array(#"{"step":"viewingCart","email":5}"#.utf8)) }
        #expect(throws: (any Error).self) { try StateCoding.decode(Array(#"{"page":1}"#.utf8)) }
        // An optional member deep inside that is there but of the wrong type: not read as absent.
        for json in [
            #"{"step":"confirming","savedAddress":{"latitude":"6.5"}}"#,
            #"{"step":"confirming","lastOrder":{"code":"WO-1","total":100,"status":"paid","paidAt":"soon"}}"#,
            #"{"step":"confirming","ambiguity":{"action":"add","quantity":1.5,"candidates":[1]}}"#,
        ] {
            #expect(StateCoding.read(Array(json.utf8)) == nil, "\(json)")
            #expect(throws: (any Error).self, "\(json)") { try StateCoding.decode(Array(json.utf8)) }
        }
        // … and absent or null, they are.
        let plain =
            #"{"step":"confirming","savedAddress":{"text":null},"lastOrder":{"code":"WO-1","total":100,"status":"paid"}}"#
        #expect(StateCoding.read(Array(plain.utf8))?.savedAddress == Address())
        #expect(StateCoding.read(Array(plain.utf8))?.lastOrder?.paidAt == nil)
    }
}
