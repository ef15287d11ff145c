import Domain
import Testing

@Suite struct OptionSpecTests {
    @Test func aCellReadsAsGroupsAndWritesBackTheSame() throws {
        let cell =
            "Protein (pick 1): Chicken, Beef, Fish +300; Extras (up to 2): Plantain +₦500, Moin Moin +700 (sold out); "
            + "Size (optional): Small -200, Large +800"
        let groups = try OptionSpec.read(cell).get()
        #expect(groups.map(\.name) == ["Protein", "Extras", "Size"])
        #expect(groups.map { [$0.minimum, $0.maximum] } == [[1, 1], [0, 2], [0, 1]])
        #expect(groups[0].options.map(\.price) == [0, 0, 30_000])
        #expect(groups[1].options[1] == OptionSpec.Option(name: "Moin Moin", price: 70_000, available: false))
        #expect(groups[2].options[0].price == -20_000)
        let written = OptionSpec.write(groups)
        #expect(
            written
                == "Protein: Chicken, Beef, Fish +₦300; Extras (up to 2): Plantain +₦500, Moin Moin +₦700 (sold out); "
                + "Size (optional): Small -₦200, Large +₦800")
        #expect(try OptionSpec.read(written).get() == groups)
    }

    @Test func rulesAreReadInTheWaysStaffWriteThem() throws {
        func limits(_ rule: String) throws -> [Int] {
            let group = try OptionSpec.read("G (\(rule)): a, b, c").get()[0]
            return [group.minimum, group.maximum]
        }
        #expect(try limits("pick 1") == [1, 1])
        #expect(try limits("choose 2") == [2, 2])
        #expect(try limits("pick 1 to 3") == [1, 3])
        #expect(try limits("pick 1-2") == [1, 2])
        #expect(try limits("up to 2") == [0, 2])
        #expect(try limits("pick up to 3") == [0, 3])
        #expect(try limits("optional") == [0, 1])
        #expect(try limits("required") == [1, 1])
        #expect(try limits("any") == [0, 3])
        #expect(try OptionSpec.read("").get() == [])
    }

    @Test func everyProblemIsNamed() {
        let cell =
            "Protein (pick 3): Chicken; Extras (sometimes): A +x, B; Drinks Chicken; Sauce: Pepper, pepper; "
            + "A Name Much Longer Than A Row Title: x"
        guard case .failure(let problems) = OptionSpec.read(cell) else {
            Issue.record("read a bad cell")
            return
        }
        #expect(
            problems.all == [
                "Protein asks for 3 but has 1 option",
                "Extras: \"+x\" is not a price change (write +300 or -200)",
                "Extras: \"sometimes\" is not a rule (write pick 1, pick 1 to 2, up to 2, optional)",
                "option group \"Drinks Chicken\" needs a colon: write it as Name: option, option",
                "Sauce: \"pepper\" is listed twice",
                "\"A Name Much Longer Than A Row Title\" is longer than 24 characters",
            ])
    }

    @Test func aChoiceReplacesTheEarliestPickOfAFullGroupAndPricesTheLine() throws {
        let jollof = SampleMenu.withOptions.items[0]
        var chosen = jollof.choosing(102, in: [])  // beef
        chosen = jollof.choosing(105, in: chosen)  // moin moin
        chosen = jollof.choosing(103, in: chosen)  // fish replaces beef: one protein
        chosen = jollof.choosing(104, in: chosen)  // plantain: two extras fit
        chosen = jollof.choosing(108, in: chosen)  // coleslaw replaces moin moin, the earliest extra
        #expect(chosen.map(\.name) == ["Fish", "Plantain", "Coleslaw"])
        #expect(jollof.unitPrice(with: chosen) == Kobo(250_000 + 30_000 + 50_000 + 40_000))
        #expect(jollof.firstUnanswered([])?.name == "Protein")
        #expect(jollof.firstUnanswered(chosen) == nil)
        let line = OrderLine(
            itemID: 1, name: jollof.name, unitPrice: 370_000, quantity: 2, options: chosen, note: "no pepper")
        #expect(line.title == "Jollof Rice (Fish, Plantain, Coleslaw)")
        #expect(line.summary == "2 × Jollof Rice (Fish, Plantain, Coleslaw) · no pepper")
        // The key tells lines apart by options and note, and a plain line's key is its item's id.
        #expect(line.key.hasPrefix("1-103-104-108~"))
        #expect(OrderLine(itemID: 9, name: "Zobo", unitPrice: 60_000, quantity: 1).key == "9")
    }
}
