import Foundation
import HTTPClient
import Paystack
import Storage
import TestSupport
import Testing

/// The daily commands as staff run them: the installed `whatsorder` against a running stack's database.
@Suite(.serialized) struct RestaurantCommandsTests {
    /// `cgi-bin/whatsorder ARGS --config <the stack's>`: exit code and output (stdout and stderr).
    func whatsorder(_ stack: Stack, _ arguments: String) throws -> (code: Int32, output: String) {
        try stack.whatsorder(arguments)
    }

    /// Options and pictures as staff manage them: JSON with structured options, a CSV whose option cells are wrong
    /// (named by line, nothing imported), `menu options --set`, `menu image`, and `menu check` fetching pictures from
    /// a server on this machine.
    @Test func optionsAndPicturesFromTheCommandLine() throws {
        let stack = try Stack(mode: .fastcgi, sender: false)
        defer { stack.stop() }
        let json = stack.directory + "/menu.json"
        try #"""
        [{"category":"Main Dishes","name":"Jollof Rice & Chicken","price":2500,
          "options":[{"name":"Protein","rule":"pick 1","options":[{"name":"Chicken"},{"name":"Turkey","price":800},
                     {"name":"Fish","price":"300","available":false}]},
                     {"name":"Extras","rule":"up to 2","options":[{"name":"Plantain","price":500},
                                                                 {"name":"Moin Moin","price":700}]}]}]
        """#.write(toFile: json, atomically: true, encoding: .utf8)
        let imported = try whatsorder(stack, "menu import \(json)")
        #expect(imported.code == 0, "\(imported.output)")
        let shown = try whatsorder(stack, "menu options 1").output
        #expect(shown.contains("Protein (pick 1)"))
        #expect(shown.contains("Turkey +₦800"))
        #expect(shown.contains("Fish +₦300  sold out"))
        #expect(shown.contains("Extras (up to 2)"))

        let bad = stack.directory + "/bad-options.csv"
        try """
        category,name,price,options
        Main Dishes,Fried Rice Special,2200,"Size: Regular, Large +800"
        Main Dishes,Pounded Yam & Egusi,3000,"Protein (pick 2): Goat Meat; Soup Egusi, Ogbono"
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try whatsorder(stack, "menu import \(bad)")
        #expect(refused.code == 65)
        #expect(refused.output.contains("line 3: Protein asks for 2 but has 1 option"))
        #expect(refused.output.contains("line 3: option group \"Soup Egusi, Ogbono\" needs a colon"))
        #expect(try whatsorder(stack, "menu options 'fried rice'").output == "Fried Rice Special has no options.")

        let set = try whatsorder(stack, "menu options 'fried rice' --set 'Size: Regular, Large +800'")
        #expect(set.output.contains("Large +₦800"))
        #expect(
            try whatsorder(stack, "menu disable 'fried rice' --option large").output
                == "Fried Rice Special: Size Large is sold out.")
        #expect(try whatsorder(stack, "menu disable 'fried rice' --option huge").code == 65)
        #expect(try whatsorder(stack, "menu image 3 http://insecure.example.com/x.jpg").code == 65)

        // Pictures fetched from a server on this machine: one real PNG, one page that is not a picture.
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]
        let pictures = try StubHTTPServer { request, _ in
            request.path == "/poundo.png"
                ? .init(status: 200, bytes: png, contentType: "image/png")
                : .init(status: 200, body: "<html>gone</html>", contentType: "text/html")
        }
        // `menu image` takes https only (WhatsApp fetches it); the check itself reads whatever is stored.
        _ = try stack.query(
            "UPDATE menuItem SET imageURL = 'http://127.0.0.1:\(pictures.port)/poundo.png' WHERE id = 3")
        _ = try stack.query("UPDATE menuItem SET imageURL = 'http://127.0.0.1:\(pictures.port)/rice.jpg' WHERE id = 2")
        let check = try whatsorder(stack, "menu check")
        #expect(check.code == 65)
        #expect(check.output.contains("problem: Fried Rice Special: the picture is not a JPEG or PNG image"))
        #expect(!check.output.contains("Pounded Yam & Egusi"))
        #expect(check.output.contains("note: Zobo Drink: no picture"))
        #expect(check.output.contains("11 dishes checked: 1 problem."))
    }

    @Test func menuImportIsAllOrNothingAndSingleChangesWork() throws {
        let stack = try Stack(mode: .fastcgi, sender: false)
        defer { stack.stop() }
        let good = stack.directory + "/menu.csv"
        try """
        category,name,price,description,available,aliases
        Grills,Suya Platter,"₦3,500.00",Spicy beef suya with onions,yes,beef suya; tsire
        Grills,Asun,2500,Peppered goat,no,
        Drinks,zobo drink,700,,yes,
        """.write(toFile: good, atomically: true, encoding: .utf8)
        let imported = try whatsorder(stack, "menu import \(good)")
        #expect(imported.code == 0)
        #expect(imported.output == "Imported 3 lines: 2 items added, 1 updated, 1 categories added.")

        let bad = stack.directory + "/bad.csv"
        try """
        category,name,price
        Grills,Kilishi,1800
        Grills,,900
        Sides,Chips,12.345
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try whatsorder(stack, "menu import \(bad)")
        #expect(refused.code == 65)
        #expect(refused.output.contains("nothing imported, 2 problems"))
        #expect(refused.output.contains("line 3: the name is empty"))
        #expect(refused.output.contains("line 4: \"12.345\" is not a price"))
        #expect(try stack.count("menuItem") == 13)

        let json = stack.directory + "/menu.json"
        try #"[{"category":"Desserts","name":"Puff Puff","price":"₦800","available":true}]"#
            .write(toFile: json, atomically: true, encoding: .utf8)
        #expect(try whatsorder(stack, "menu import \(json)").output.contains("1 items added"))

        #expect(try whatsorder(stack, "menu set-price 'Puff Puff' 850").output == "Puff Puff: ₦850.")
        #expect(try whatsorder(stack, "menu disable 'puff puff'").output == "Puff Puff is sold out.")
        #expect(try whatsorder(stack, "menu enable Asun").output == "Asun is back on the menu.")
        #expect(try whatsorder(stack, "menu set-price Asun two").code == 65)
        #expect(try whatsorder(stack, "menu remove 'Nothing Like This'").code == 65)
        let list = try whatsorder(stack, "menu list").output
        #expect(list.contains("Puff Puff"))
        #expect(list.contains("₦850"))
        #expect(list.split(separator: "\n").first { $0.contains("Puff Puff") }?.hasSuffix("sold out") == true)
        #expect(list.split(separator: "\n").first { $0.contains("Asun") }?.hasSuffix("sold out") == false)
        #expect(list.split(separator: "\n").first { $0.contains("Suya Platter") }?.contains("beef suya; tsire") == true)

        // Aliases: set by name as staff write it (the reader finds `coca-cola`), shown, removed; and a customer who
        // types one gets the dish.
        #expect(
            try whatsorder(stack, "menu alias coca-cola coke 'coca cola'").output
                == "Coca-Cola (50cl) is also called: coke; coca cola.")
        #expect(
            try whatsorder(stack, "menu alias 7 --remove 'coca cola'").output
                == "Coca-Cola (50cl) is also called: coke.")
        #expect(try whatsorder(stack, "menu alias 'zobo drink'").output == "Zobo Drink has no aliases.")
        #expect(
            try whatsorder(stack, "menu alias 'zobo drink' hibiscus").output == "Zobo Drink is also called: hibiscus.")
        let ambiguous = try whatsorder(stack, "menu alias rice paella")
        #expect(ambiguous.code == 65)
        #expect(ambiguous.output.contains("fits several items"))
        #expect(
            try stack.post(textMessage(id: "wamid.alias.1", from: "2348030000650", text: "2 hibiscus and 1 tsire"))
                .status == 200)
        try waitUntil {
            let replies = try stack.query("SELECT payload FROM outbox ORDER BY id").map {
                String(decoding: $0[0].bytes ?? [], as: UTF8.self)
            }
            return replies.contains { $0.contains("Added 2 × Zobo Drink") && $0.contains("Added 1 × Suya Platter") }
        }
    }

    @Test func ordersAreListedShownAdvancedAndCancelledAndTheCustomerIsTold() throws {
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        let (ada, reference) = try PaymentTests.placeOrder(stack, phone: "2348030000601")
        let code = String(reference.dropLast(2))
        #expect(
            try stack.postPaystack(PaystackEvents.chargeSuccess(reference: reference, amount: 500_000)).status == 200)
        let (_, unpaid) = try PaymentTests.placeOrder(stack, phone: "2348030000602")
        let unpaidCode = String(unpaid.dropLast(2))

        let list = try whatsorder(stack, "orders list --since today")
        #expect(list.code == 0)
        #expect(list.output.contains(code))
        #expect(list.output.split(separator: "\n").first { $0.contains(code) }?.contains("paid") == true)

        let refused = try whatsorder(stack, "orders advance \(unpaidCode)")
        #expect(refused.code == 65)
        #expect(refused.output.contains("the order is not paid yet"))

        let advanced = try whatsorder(stack, "orders advance \(code.lowercased().dropFirst(3))")
        #expect(advanced.code == 0)
        #expect(advanced.output == "\(code): paid → preparing; customer told.")
        try waitUntil { ada.received.contains { OrderingTests.text($0).contains("kitchen has started") } }

        #expect(try whatsorder(stack, "orders advance \(code)").output.contains("preparing → ready for pickup"))
        try waitUntil { ada.received.contains { OrderingTests.text($0).contains("is ready!") } }

        let shown = try whatsorder(stack, "orders show \(code)").output
        #expect(shown.contains("Order \(code): ready for pickup"))
        #expect(shown.contains("2 × Jollof Rice & Chicken"))
        #expect(shown.contains("Paid with Paystack reference \(reference)"))
        #expect(shown.contains("→ completed"))

        let cancelled = try whatsorder(stack, "orders cancel \(unpaidCode) --reason 'kitchen closed early'")
        #expect(cancelled.output == "\(unpaidCode): awaiting payment → cancelled; customer told.")
        let json = try whatsorder(stack, "orders list --status cancelled --json").output
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["code"] as? String == unpaidCode)
        #expect((object["attention"] as? String)?.contains("kitchen closed early") == true)
        #expect(try whatsorder(stack, "orders list --status lost").code == 65)
        #expect(try whatsorder(stack, "orders show WO-NOTHERE").code == 65)
    }

    @Test func aCustomerAsksForAPersonAndStaffAnswerFromTheCommandLine() throws {
        let stack = try Stack(mode: .cgi)
        defer { stack.stop() }
        let bisi = OrderingTests.Customer(stack: stack, phone: "2348030000701")
        _ = try bisi.say("hi")
        let paused = try bisi.say("agent")
        #expect(OrderingTests.text(paused[0]).contains("I've asked someone from Mama Put Kitchen"))
        for number in Stack.staffNumbers {
            try waitUntil { !PaymentTests.texts(stack, to: number).isEmpty }
            let notice = PaymentTests.texts(stack, to: number).first ?? ""
            #expect(notice.contains("asked to talk to a person"))
            #expect(notice.contains("whatsorder chat send 2348030000701"))
        }
        // Passed to staff, and the bot only says so.
        let passed = try bisi.say("hello?")
        #expect(OrderingTests.text(passed[0]).contains("Passed to Mama Put Kitchen"))
        try waitUntil { PaymentTests.texts(stack, to: Stack.staffNumbers[1]).contains { $0.contains(": hello?") } }
        #expect(try stack.count("inboundMessage") == 3)

        let sent = try whatsorder(stack, "chat send '+234 803 000 0701' 'Hi Bisi, Bola here. How can I help?'")
        #expect(sent.output == "+2348030000701: message queued; customer told.")
        try waitUntil { bisi.received.contains { OrderingTests.text($0) == "Hi Bisi, Bola here. How can I help?" } }

        let resumed = try whatsorder(stack, "chat resume 2348030000701")
        #expect(resumed.output == "+2348030000701: the bot answers again; customer told.")
        try waitUntil { bisi.received.contains { OrderingTests.text($0).contains("You're back with") } }
        let menu = try bisi.say("menu")
        #expect(OrderingTests.offers(menu[0]).contains("category:1"))
        #expect(try whatsorder(stack, "chat send 2348000000000 'anyone?'").code == 65)
    }
}

extension RestaurantCommandsTests {
    /// Staff type names as they say them: a beginning or a typo is enough when it fits one thing, and the nearest
    /// are named when it does not. Orders filter by customer, status and dates; the owner's export and report.
    @Test func commandsForgiveAndTheOwnerGetsAnExportAndAReport() throws {
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        let (ada, reference) = try PaymentTests.placeOrder(stack, phone: "2348030000611")
        let code = String(reference.dropLast(2))
        #expect(
            try stack.postPaystack(PaystackEvents.chargeSuccess(reference: reference, amount: 500_000)).status == 200)
        try waitUntil { ada.received.contains { OrderingTests.text($0).contains("Payment received") } }
        let (_, unpaid) = try PaymentTests.placeOrder(stack, phone: "2348030000612")
        let unpaidCode = String(unpaid.dropLast(2))

        #expect(try whatsorder(stack, "menu set-price jollof 2700").output == "Jollof Rice & Chicken: ₦2,700.")
        #expect(
            try whatsorder(stack, "menu set-price 'fried rice specal' 2300").output == "Fried Rice Special: ₦2,300.")
        let unsure = try whatsorder(stack, "menu disable rice")
        #expect(unsure.code == 65)
        #expect(unsure.output.contains(#"did you mean "Jollof Rice & Chicken" (1) or "Fried Rice Special" (2)?"#))
        let far = try whatsorder(stack, "menu disable 'pounded yams and egusi soup'")
        #expect(far.output.hasSuffix("is sold out.") || far.output.contains("did you mean"))

        // An order by its first characters, or named when a character is wrong.
        #expect(try whatsorder(stack, "orders show \(code.dropFirst(3).prefix(5))").output.hasPrefix("Order \(code)"))
        var typo = Array(code)
        typo[5] = typo[5] == "X" ? "Y" : "X"
        let mistyped = try whatsorder(stack, "orders show \(String(typo))")
        #expect(mistyped.code == 65)
        #expect(mistyped.output.contains("did you mean \"\(code)\"?"))
        let status = try whatsorder(stack, "orders list --status payed")
        #expect(status.code == 65)
        #expect(status.output.contains("did you mean \"paid\"?"))

        let adas = try whatsorder(stack, "orders list --customer 0000611").output
        #expect(adas.contains(code))
        #expect(!adas.contains(unpaidCode))
        #expect(try whatsorder(stack, "orders list --customer nobody").output == "No orders.")
        // `--until` is a date in the restaurant's zone (TIME_ZONE, Lagos here): from 23:00 UTC it is already
        // tomorrow there, and an order placed then is after a UTC "today".
        let lagos = ISO8601DateFormatter()
        lagos.timeZone = TimeZone(identifier: "Africa/Lagos")
        lagos.formatOptions = [.withFullDate]
        let today = lagos.string(from: Date())
        let ranged = try whatsorder(stack, "orders list --status paid --since 1d --until \(today)").output
        #expect(ranged.contains(code))
        #expect(try whatsorder(stack, "orders list --until 2020-01-01").output == "No orders.")

        let export = try whatsorder(stack, "orders export --csv --since today")
        #expect(export.code == 0)
        let rows = export.output.split(separator: "\n").map(String.init)
        let raw = try stack.run("cgi-bin/whatsorder orders export --csv --since today --config \(stack.configPath)")
        #expect(raw.contains("\r\n"), "RFC 4180 ends lines with CRLF")
        #expect(rows.first?.hasPrefix("order,placed,status,customer,name,fulfilment") == true)
        #expect(rows.count == 3)
        let paidRow = try #require(rows.first { $0.hasPrefix(code) })
        #expect(
            paidRow.contains(",paid,+2348030000611,Ada,pickup,,2x Jollof Rice & Chicken,5000.00,0.00,5000.00,0.00,NGN,")
        )
        #expect(paidRow.contains(reference))
        #expect(try whatsorder(stack, "orders export").code == 64)

        let report = try whatsorder(stack, "report --since today").output
        #expect(report.contains("Paid orders    1"))
        #expect(report.contains("(0 cancelled or refunded, 1 unpaid or in review)"))
        #expect(report.contains("Revenue        ₦5,000"))
        #expect(report.contains("Average order  ₦5,000"))
        #expect(report.contains("1.  Jollof Rice & Chicken  2"))
    }
}
