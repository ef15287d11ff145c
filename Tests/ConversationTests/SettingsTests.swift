import Domain
import Testing

@testable import Conversation

/// Settings staff change while the restaurant runs: what each accepts, how it is stored, and how stored values
/// take the configuration's place.
@Suite struct SettingsTests {
    @Test func valuesAreCheckedAndStoredAsTheConfigurationWritesThem() throws {
        #expect(try SettingKey.deliveryFee.canonical("₦1,500.00", symbol: "₦", code: "NGN") == "150000")
        #expect(try SettingKey.minimumOrder.canonical("3000", symbol: "₦", code: "NGN") == "300000")
        #expect(try SettingKey.deliveryFee.canonical("", symbol: "₦", code: "NGN") == "0")
        #expect(throws: SettingKey.Invalid.self) {
            try SettingKey.deliveryFee.canonical("free", symbol: "₦", code: "NGN")
        }
        #expect(
            try SettingKey.openingHours.canonical(" Mon-Fri 09:00-21:00; Sat 10:00-16:00 ", symbol: "₦", code: "NGN")
                == "Mon-Fri 09:00-21:00; Sat 10:00-16:00")
        #expect(throws: SettingKey.Invalid.self) {
            try SettingKey.openingHours.canonical("weekdays 9 to 5", symbol: "₦", code: "NGN")
        }
        #expect(throws: SettingKey.Invalid.self) {
            try SettingKey.restaurantName.canonical(" ", symbol: "₦", code: "NGN")
        }
        #expect(throws: SettingKey.Invalid.self) {
            try SettingKey.preparationMinutes.canonical("2000", symbol: "₦", code: "NGN")
        }
        #expect(throws: SettingKey.Invalid.self) {
            try SettingKey.restaurantLocation.canonical("Lekki", symbol: "₦", code: "NGN")
        }
        #expect(try SettingKey.closedNote.canonical("", symbol: "₦", code: "NGN") == "")
        #expect(SettingKey.deliveryFee.display("150000", symbol: "₦") == "₦1,500")
        #expect(SettingKey.closedNote.display("", symbol: "₦") == "(open as the hours say)")
    }

    @Test func storedValuesTakeTheConfigurationsPlace() throws {
        let base = Settings(restaurantName: "Mama Put", deliveryFee: 50_000, preparationMinutes: 30)
        let applied = base.applying([
            "DELIVERY_FEE": "70000", "CLOSED_NOTE": "closed for a staff party", "RESTAURANT_NAME": "Mama Put Lekki",
            "OPENING_HOURS": "daily 10:00-22:00", "PREPARATION_MINUTES": "45", "RESTAURANT_LOCATION": "6.43,3.42",
        ])
        #expect(applied.deliveryFee == 70_000)
        #expect(applied.closedNote == "closed for a staff party")
        #expect(applied.restaurantName == "Mama Put Lekki")
        #expect(applied.openingHours == (try OpeningHours.parse("daily 10:00-22:00")))
        #expect(applied.preparationMinutes == 45)
        #expect(applied.restaurantLocation == Coordinates(latitude: 6.43, longitude: 3.42))
        // A value that does not read leaves the configuration's in place.
        let odd = base.applying(["DELIVERY_FEE": "lots", "OPENING_HOURS": "whenever", "RESTAURANT_NAME": ""])
        #expect(odd == base)
        #expect(base.applying([:]) == base)
    }

    @Test func aClosedNoteSetNowClosesCheckout() {
        var settings = Settings(restaurantName: "Mama Put")
        settings = settings.applying(["CLOSED_NOTE": "closed today for a family event"])
        var state = State(step: .cartUpdated)
        state.cart = [OrderLine(itemID: 1, name: "Jollof Rice & Chicken", unitPrice: 250_000, quantity: 1)]
        let context = Context(
            settings: settings, menu: SampleMenu.menu, customerName: nil, customerKey: "1", now: 1_764_000_000_000,
            previousMessageAt: 1_764_000_000_000, newID: "X")
        let transition = reduce(state, .customerSent(.choice(id: "checkout", title: "Checkout"), sentAt: nil), context)
        let text = transition.effects.compactMap { effect -> String? in
            if case .reply(let reply) = effect { return "\(reply)" }
            return nil
        }.joined()
        #expect(text.contains("closed today for a family event"))
        #expect(!transition.effects.contains { if case .placeOrder = $0 { true } else { false } })
    }
}
