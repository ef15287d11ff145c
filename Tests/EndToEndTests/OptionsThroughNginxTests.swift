import CurlHTTP
import Foundation
import HTTPClient
import Paystack
import Storage
import TestSupport
import Testing

/// A menu with options and notes, from `menu import` to a paid order, through nginx with the installed binaries:
/// what the customer is asked and told, the order's rows, Paystack's dashboard fields, the staff alert, `orders
/// show`, and the board in a real browser (screenshot `options-board.png`).
@Suite(.serialized) struct OptionsThroughNginxTests {
    static let menu = """
        category,name,price,options,image
        Main Dishes,Fried Rice Special,2200,"Protein (pick 1): Beef, Chicken +500, Shrimp +1200; \
        Extras (up to 2): Plantain +500, Moin Moin +700",https://images.example.com/fried-rice.jpg
        Main Dishes,Pounded Yam & Egusi,3000,"Protein: Goat Meat, Beef, Fish +300, Assorted +800",

        """

    @Test(arguments: Stack.Mode.allCases)
    func anOptionHeavyOrderTypedAndPaid(mode: Stack.Mode) throws {
        let stack = try Stack(mode: mode)
        defer { stack.stop() }
        let file = stack.directory + "/menu-with-options.csv"
        try Self.menu.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try stack.whatsorder("menu import \(file)")
        #expect(imported.code == 0, "\(imported.output)")
        #expect(imported.output.contains("Imported 2 lines"))

        let tolu = OrderingTests.Customer(stack: stack, phone: "2348030000901")
        _ = try tolu.say("hi")
        let added = try tolu.say("abeg 2 fried rice with chicken and extra plantain, no pepper")
        #expect(OrderingTests.text(added[0]).contains("Added 2 × Fried Rice Special (Chicken, Plantain): ₦6,400."))
        #expect(OrderingTests.text(added[0]).contains("✎ _no pepper_"))
        let asked = try tolu.say("1 poundo")
        #expect(OrderingTests.text(asked[0]).contains("*Pounded Yam & Egusi*: which protein?"))
        let buttons = (asked[0]["interactive"] as? [String: Any])?["action"] as? [String: Any]
        #expect((buttons?["sections"] as? [[String: Any]])?.first?["rows"] != nil)  // four proteins: a list
        _ = try tolu.say("assorted")
        for text in ["checkout", "pickup"] { _ = try tolu.say(text) }
        let summary = try tolu.say("note: call me at the gate")
        #expect(OrderingTests.text(summary[0]).contains("Note: _call me at the gate_"))
        _ = try tolu.say("confirm", expecting: 2)

        // Paystack is asked for the total with the options in it, and its dashboard shows what was bought.
        let initialize = try #require(stack.graph.requests.last { $0.path == "/paystack/transaction/initialize" })
        let body = try #require(initialize.json as? [String: Any])
        #expect(body["amount"] as? Int == 2 * 320_000 + 380_000)
        let fields = try #require((body["metadata"] as? [String: Any])?["custom_fields"] as? [[String: Any]])
        #expect(
            fields.first { $0["variable_name"] as? String == "items" }?["value"] as? String
                == "2 × Fried Rice Special (Chicken, Plantain) · no pepper; 1 × Pounded Yam & Egusi (Assorted)")

        // The order keeps its options frozen as JSON beside the line's name and price, and both notes.
        let lines = try stack.query(
            "SELECT name, unitPriceKobo, quantity, options, note FROM orderLine ORDER BY position")
        #expect(lines.map { $0[0].string } == ["Fried Rice Special", "Pounded Yam & Egusi"])
        #expect(lines.map { $0[1].int64 } == [320_000, 380_000])
        #expect(lines[0][3].string?.contains(#""name":"Chicken""#) == true)
        #expect(lines[0][4].string == "no pepper")
        #expect(try stack.query("SELECT note FROM customerOrder").first?[0].string == "call me at the gate")

        let reference = try #require(try stack.query("SELECT reference FROM payment").first?[0].string)
        let code = String(reference.dropLast(2))
        #expect(
            try stack.postPaystack(PaystackEvents.chargeSuccess(reference: reference, amount: 1_020_000)).status
                == 200)
        try waitUntil {
            PaymentTests.texts(stack, to: Stack.staffNumbers[0]).contains { $0.contains("New paid order") }
        }
        let alert = try #require(PaymentTests.texts(stack, to: Stack.staffNumbers[0]).last)
        #expect(alert.contains("2 × Fried Rice Special (Chicken, Plantain) · no pepper"))
        #expect(alert.contains("1 × Pounded Yam & Egusi (Assorted)"))
        #expect(alert.contains("📝 call me at the gate"))

        let shown = try stack.whatsorder("orders show \(code)").output
        #expect(shown.contains("2 × Fried Rice Special (Chicken, Plantain)  ₦6,400"))
        #expect(shown.contains("      note: no pepper"))
        #expect(shown.contains("Note: call me at the gate"))

        // A re-import keeps the options' ids, so the sold-out switch staff flip is the one carts hold.
        #expect(try stack.whatsorder("menu import \(file)").code == 0)
        let disabled = try stack.whatsorder("menu disable 'fried rice' --option shrimp")
        #expect(disabled.output == "Fried Rice Special: Protein Shrimp is sold out.")
        #expect(try stack.whatsorder("menu options 'fried rice'").output.contains("Shrimp +₦1,200  sold out"))
    }

    /// The board shows each line's options and note and the order's note, in a real browser.
    @Test func theBoardShowsOptionsAndNotes() throws {
        #expect(Chromium.executable != nil, "chromium is not installed: run scripts/install-deps")
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        try OrderBoardBrowserTests.addBola(stack)
        let file = stack.directory + "/menu-with-options.csv"
        try Self.menu.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try stack.whatsorder("menu import \(file)").code == 0)
        let ada = OrderingTests.Customer(stack: stack, phone: "2348030000902")
        for text in ["1 fried rice with shrimp, less oil", "1 poundo with fish", "checkout", "pickup"] {
            _ = try ada.say(text)
        }
        _ = try ada.say("note: I'm at the blue gate", expecting: 1)
        _ = try ada.say("confirm", expecting: 2)
        let reference = try #require(try stack.query("SELECT reference FROM payment").first?[0].string)
        let code = String(reference.dropLast(2))
        #expect(
            try stack.postPaystack(PaystackEvents.chargeSuccess(reference: reference, amount: 670_000)).status == 200)

        let auth = OrderBoardBrowserTests.basic("bola", OrderBoardBrowserTests.password)
        let board = "http://127.0.0.1:\(stack.port)/staff/"
        try FileManager.default.createDirectory(
            atPath: OrderBoardBrowserTests.outputDirectory, withIntermediateDirectories: true)
        let before = OrderBoardBrowserTests.outputDirectory + "/options-board.png"
        let after = OrderBoardBrowserTests.outputDirectory + "/options-board-after.png"
        let html = try Chromium.click(
            url: board, authorization: auth, selector: "[id='\(code)'] button.advance", before: before, after: after)
        #expect(html.contains("1 × Fried Rice Special (Shrimp)"))
        #expect(html.contains("<span class=\"note\">less oil</span>"))
        #expect(html.contains("1 × Pounded Yam &amp; Egusi (Fish)"))
        #expect(html.contains("Note: I'm at the blue gate") || html.contains("Note: I&#39;m at the blue gate"))
        let png = try Data(contentsOf: URL(fileURLWithPath: before))
        #expect(Array(png.prefix(8)) == Chromium.pngSignature)
    }
}
