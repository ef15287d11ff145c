import Domain
import Testing

@testable import Conversation

let sampleMenu = Menu(
    categories: [
        MenuCategory(id: 1, name: "Main Dishes", position: 1), MenuCategory(id: 2, name: "Drinks", position: 2),
        MenuCategory(id: 3, name: "Sold Out Corner", position: 3),
    ],
    items: [
        MenuItem(id: 1, categoryID: 1, name: "Jollof Rice & Chicken", description: "", price: 250000, available: true),
        MenuItem(id: 2, categoryID: 2, name: "Zobo Drink", description: "", price: 60000, available: true),
        MenuItem(id: 3, categoryID: 2, name: "Fresh Orange Juice", description: "", price: 150000, available: true),
        MenuItem(id: 4, categoryID: 3, name: "Suya", description: "", price: 100000, available: false),
    ])

let context = Context(settings: Settings(restaurantName: "Mama Put"), menu: sampleMenu, customerName: "Ada")

@Suite struct ReduceTests {
    @Test func givenANewCustomer_whenTheySayHi_offersTheCategories() {
        let transition = reduce(State(), .customerSent(.text("hi"), sentAt: nil), context)
        #expect(transition.state == State(step: .choosingCategory))
        guard case .reply(.list(let list)) = transition.effects.first, transition.effects.count == 1 else {
            Issue.record("expected one list reply, got \(transition.effects)")
            return
        }
        #expect(list.body.hasPrefix("Hi Ada! Welcome to Mama Put."))
        // The numbered fallback matches the rows, and a category with nothing to sell is not offered.
        #expect(list.body.contains("1. Main Dishes\n2. Drinks\n"))
        #expect(!list.body.contains("Sold Out Corner"))
        #expect(
            list.sections.flatMap(\.rows) == [
                .init(id: "category:1", title: "Main Dishes", description: "1 item"),
                .init(id: "category:2", title: "Drinks", description: "2 items"),
            ])
    }

    /// Issue 18, finding 2: the reducer's own arithmetic on a timestamp cannot trap, whatever a caller passes.
    @Test func givenAHostileTimestamp_theAgeSaturatesAndTheMessageIsAnswered() {
        var late = context
        late.now = 1_764_000_000_000
        for sentAt in [Int64.min, .max, -1, 0, late.now] {
            let transition = reduce(State(), .customerSent(.text("hi"), sentAt: sentAt), late)
            #expect(!transition.effects.isEmpty, "\(sentAt)")
        }
        #expect(Machine.age(of: .min, now: 1) == .max)
        #expect(Machine.age(of: .max, now: -2) == .min)
        #expect(Machine.age(of: 1_000, now: 61_000) == 60_000)
    }

    @Test func givenAnyInput_whenTheMenuIsEmpty_saysSoInsteadOfAnEmptyList() {
        var empty = context
        empty.menu = Menu(categories: [], items: [])
        empty.customerName = nil
        let transition = reduce(State(), .customerSent(.unsupported(kind: "sticker"), sentAt: nil), empty)
        #expect(
            transition.effects == [
                .reply(
                    .text(
                        "Sorry, I can only read text, taps and locations.\nHi! Welcome to Mama Put.\n"
                            + "Our menu is being updated right now. Please message us again a little later."
                    ))
            ])
    }

    @Test func givenAnyStep_everyInputGetsAnAnswer() {
        let inputs: [Input] = [
            .text(""), .choice(id: "category:1", title: "Main Dishes"),
            .location(latitude: 6.5, longitude: 3.4, name: nil, address: nil), .unsupported(kind: "image"),
        ]
        for step in [State.Step.new, .choosingCategory, .choosingItem, .viewingCart, .awaitingPayment] {
            for input in inputs {
                #expect(!reduce(State(step: step), .customerSent(input, sentAt: nil), context).effects.isEmpty)
            }
        }
    }

    @Test func stateSurvivesItsJSONForm() throws {
        let state = State(step: .choosingCategory)
        let decoded = try JSONDecoderShim.roundTrip(state)
        #expect(decoded == state)
    }
}
