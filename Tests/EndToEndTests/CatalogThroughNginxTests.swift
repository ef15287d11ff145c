import CurlHTTP
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing

/// WhatsApp's catalog through nginx with the installed binaries, against the dev stand-in for Meta (which takes
/// items_batch calls as Meta does, refusing an item without a required field): `whatsorder catalog sync` adds,
/// changes and removes only what it must, then a customer orders from the catalog with a cart and pays.
@Suite(.serialized) struct CatalogThroughNginxTests {
    static let catalogID = "194836987003835"

    func catalog(_ stack: Stack) throws -> [[String: Any]] {
        let response = try CurlTransport().perform(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(stack.port)/dev/catalog"))
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return object?["data"] as? [[String: Any]] ?? []
    }

    @Test(arguments: Stack.Mode.allCases)
    func syncThenACartFromTheCatalogToAConfirmedPayment(mode: Stack.Mode) throws {
        let stack = try Stack(mode: mode, dev: true, extraConfig: "WHATSAPP_CATALOG_ID=\(Self.catalogID)")
        defer { stack.stop() }
        for id in [1, 7, 9] {
            #expect(try stack.whatsorder("menu image \(id) https://images.example.com/\(id).jpg").code == 0)
        }
        let dry = try stack.whatsorder("catalog sync --dry-run")
        #expect(dry.output.contains("Would send to catalog \(Self.catalogID): 3 added, 0 changed, 0 removed"))
        #expect(try catalog(stack).isEmpty)

        let first = try stack.whatsorder("catalog sync")
        #expect(first.code == 0, "\(first.output)")
        #expect(first.output.contains("3 added, 0 changed, 0 removed, 0 unchanged."))
        #expect(first.output.contains("Added: Jollof Rice & Chicken, Coca-Cola (50cl), Zobo Drink"))
        #expect(first.output.contains("Not in the catalog, no picture (whatsorder menu image ITEM URL): Fried Rice"))
        let products = try catalog(stack)
        #expect(products.map { $0["retailer_id"] as? String } == ["1", "7", "9"])
        #expect(products.first?["price"] as? String == "2500.00 NGN")
        #expect(products.first?["availability"] as? String == "in stock")
        #expect(products.first?["url"] as? String == "https://food.example.com/")

        // Again: nothing to send. A sold-out dish is changed to out of stock; a removed one deleted.
        #expect(try stack.whatsorder("catalog sync").output.contains("0 added, 0 changed, 0 removed, 3 unchanged."))
        #expect(try stack.whatsorder("menu disable 7").code == 0)
        #expect(try stack.whatsorder("menu remove 9").code == 0)
        let third = try stack.whatsorder("catalog sync")
        #expect(third.output.contains("0 added, 1 changed, 1 removed, 1 unchanged."), "\(third.output)")
        #expect(
            try catalog(stack).map { [$0["retailer_id"] as? String, $0["availability"] as? String] } == [
                ["1", "in stock"], ["7", "out of stock"],
            ])
        #expect(
            try stack.query("SELECT retailerID FROM catalogItem ORDER BY retailerID").map { $0[0].string } == [
                "1", "7",
            ])

        // A customer orders from it: the welcome is the catalog, a cart is the order, and it is paid.
        let demo = try shell(
            "cgi-bin/whatsorder demo --catalog --as 2348095550301 --config \(stack.configPath) 2>&1", in: Stack.root)
        #expect(demo.contains("Demo passed: ordered, paid and confirmed."), "\(demo)")
        #expect(demo.contains("*Mama Put Kitchen menu*") || demo.contains("menu*"))
        #expect(demo.contains("» sends a cart: 2 × Jollof Rice & Chicken"))
        #expect(demo.contains("Note: call me at the gate"))
        #expect(try stack.query("SELECT status FROM customerOrder").map { $0[0].string } == ["paid"])
    }
}
