import Conversation
import Domain
import Foundation
import Gateway
import Storage
import TestSupport
import Testing
import WhatsApp

@testable import App

/// An `order` message (a cart sent from WhatsApp's catalog) through the webhook handler and a real store: Meta's own
/// documented example, and a cart of our dishes priced from our menu whatever the message carried.
@Suite struct CatalogCartTests {
    func replies(_ harness: Harness) throws -> [String] {
        // Every reply queued, in order (a claim would hand out only each customer's oldest).
        try harness.store.database.query("SELECT payload FROM outbox ORDER BY id").map {
            prettyJSON($0[0].bytes ?? [])
        }
    }

    @Test func metasDocumentedOrderIsReadAndItsUnknownProductNamed() throws {
        let harness = try Harness()
        // Meta's example as published, sent now: its own timestamp (February 2025) would be answered as late.
        let published = String(
            decoding: try fixtureBytes("meta_docs_message_order.json", in: Bundle.module), as: UTF8.self)
        let body = Array(published.replacingOccurrences(of: "\"1739321024\"", with: "\"1764000000\"").utf8)
        #expect(harness.post(body).response.status == 200)
        let sent = try replies(harness)
        #expect(sent.count == 1)
        #expect(sent[0].contains("One dish in your cart is no longer on our menu, so I've left it out."))
        #expect(sent[0].contains("Love these!"))
        #expect(try harness.store.database.query("SELECT type FROM inboundMessage").first?[0].string == "order")
    }

    @Test func aCartOfOurDishesIsPricedFromTheMenuAndGoesStraightToCheckout() throws {
        let harness = try Harness()
        // Jollof at ₦2,500 as listed; the zobo's price tampered down to ₦1.
        let body = orderMessage(
            id: "wamid.CART1", lines: [("1", 2, "2500"), ("9", 1, "1"), ("not-ours", 1, "10")], text: "no pepper")
        #expect(harness.post(body).response.status == 200)
        let sent = try replies(harness)
        #expect(sent.count == 1)
        let reply = try #require(sent.first)
        #expect(reply.contains("Added 2 × Jollof Rice & Chicken (₦5,000)."))
        #expect(reply.contains("Zobo Drink is ₦600 each today."))
        #expect(reply.contains("One dish in your cart is no longer on our menu"))
        #expect(reply.contains("How would you like to get your order?"))
        let state = try #require(try harness.store.database.query("SELECT state FROM conversation").first?[0].string)
        #expect(state.contains(#""step":"choosingFulfilment""#))
        #expect(state.contains(#""unitPrice":60000"#))
        #expect(state.contains(#""orderNote":"no pepper""#))
        // A redelivery of the same cart is a duplicate, never a second helping.
        #expect(harness.post(body).response.status == 200)
        #expect(try harness.count("inboundMessage") == 1)
    }

    /// With a catalog, the welcome is WhatsApp's multi-product message naming our item ids as retailer ids, and a
    /// dish asked for by name is a single-product message; a dish's picture heads its detail message without one.
    @Test func theWelcomeOffersTheCatalogAndADishIsOneProduct() throws {
        let harness = try Harness(catalogID: "194836987003835")
        #expect(harness.post(textMessage(id: "wamid.HI", text: "hi")).response.status == 200)
        #expect(harness.post(textMessage(id: "wamid.ZOBO", text: "zobo")).response.status == 200)
        let sent = try replies(harness)
        #expect(sent.count == 2)
        assertGolden(sent[0], named: "catalog-welcome.reply")
        assertGolden(sent[1], named: "catalog-one-dish.reply")

        let plain = try Harness()
        _ = try plain.store.changeMenuItem(id: 3, .image("https://images.example.com/poundo.jpg"))
        #expect(plain.post(textMessage(id: "wamid.POUNDO", text: "poundo")).response.status == 200)
        assertGolden(try replies(plain)[0], named: "dish-with-picture.reply")
    }
}
