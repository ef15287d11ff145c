import Domain
import Testing

@Suite struct MenuImportTests {
    @Test func aGoodFileGivesEveryEntry() throws {
        let csv = """
            \u{FEFF}Category,Name,Price,Description,Available\r
            Main Dishes,Jollof Rice & Chicken,"₦2,500.00","Smoky, with chicken",yes\r
            Drinks,Zobo Drink,600,,no\r
            Drinks,"Chapman ""Special""\",1500,"Two
            lines",\r
            """
        let (rows, problems) = MenuImport.readCSV(csv)
        #expect(problems.isEmpty)
        #expect(rows.map(\.line) == [2, 3, 4])
        let entries = try MenuImport.check(rows, symbol: "₦", code: "NGN").get()
        #expect(entries.map(\.name) == ["Jollof Rice & Chicken", "Zobo Drink", "Chapman \"Special\""])
        #expect(entries.map(\.price) == [Kobo(250_000), Kobo(60_000), Kobo(150_000)])
        #expect(entries.map(\.available) == [true, false, true])
        #expect(entries[0].description == "Smoky, with chicken")
        #expect(entries[2].description == "Two\nlines")
    }

    @Test func everyBadLineIsNamedAndNothingIsReturned() {
        let csv = """
            category,name,price
            Main Dishes,Jollof Rice,2500
            ,Fried Rice,2200
            Sides,Plantain,abc
            Sides,jollof rice,500
            Drinks,Zobo,600,extra,field,too
            Drinks,Coke,400
            """
        let (rows, problems) = MenuImport.readCSV(csv)
        #expect(
            problems.map(\.description) == [
                "line 6: 6 fields, but the header has 3 (quote a field that contains a comma)"
            ])
        switch MenuImport.check(rows, symbol: "₦", code: "NGN") {
        case .success: Issue.record("a file with bad lines must not give entries")
        case .failure(let found):
            #expect(
                found.all.map(\.description) == [
                    "line 3: the category is empty",
                    "line 4: \"abc\" is not a price (write 2500, 2,500 or ₦2,500.00)",
                    "line 5: \"jollof rice\" is already on line 2",
                ])
        }
    }

    @Test func aHeaderMustNameTheColumns() {
        #expect(
            MenuImport.readCSV("name,price\nZobo,600").problems.map(\.message) == ["the header has no category column"])
        #expect(
            MenuImport.readCSV("category,name,price,colour\nDrinks,Zobo,600,red").problems.map(\.message) == [
                "unknown column \"colour\" (expected category, name, price, description, available, aliases, options, image)"
            ])
        #expect(MenuImport.readCSV("").problems.map(\.message) == ["the file is empty"])
    }

    /// Issue 18, finding 7: `menu import /etc/shadow` printed the file's first line (a password hash) in its error.
    @Test func aFileThatIsNotAMenuIsNeverEchoed() {
        let shadow = "root:$y$j9T$secretsalt$hashedpasswordvalue:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n"
        let messages = MenuImport.readCSV(shadow).problems.map(\.description)
        #expect(messages.count == 1)
        #expect(messages.allSatisfy { !$0.contains("root") && !$0.contains("$y$") && !$0.contains("daemon") })
        #expect(messages.first?.contains("this is not a menu") == true)
        // A menu header with one odd column still names it, unless it does not look like a column name.
        let odd = MenuImport.readCSV("category,name,price,pa$$word:hash\nDrinks,Zobo,600,x").problems
        #expect(odd.map(\.message).first?.contains("unknown column (not shown)") == true)
        if case .failure(let found) = MenuImport.check([], symbol: "₦", code: "NGN") {
            #expect(found.all.map(\.message) == ["no menu lines"])
        } else {
            Issue.record("an empty file must fail")
        }
    }

    @Test func availabilityWords() throws {
        let rows = ["yes", "No", "sold out", "1", "maybe"].enumerated().map {
            MenuImport.Row(
                line: $0.offset + 2, category: "Drinks", name: "Item \($0.offset)", price: "100", available: $0.element)
        }
        guard case .failure(let found) = MenuImport.check(rows, symbol: "₦", code: "NGN") else {
            Issue.record("maybe is not yes or no")
            return
        }
        #expect(found.all.map(\.description) == ["line 6: available must be yes or no, not \"maybe\""])
    }

    @Test func aliasesAreReadWhenTheColumnIsThereAndLeftAloneWhenNot() throws {
        let (rows, problems) = MenuImport.readCSV(
            """
            category,name,price,aliases
            Drinks,Coca-Cola (50cl),400,coke; Cocacola ;coke;
            Drinks,Zobo Drink,600,
            """)
        #expect(problems.isEmpty)
        let entries = try MenuImport.check(rows, symbol: "₦", code: "NGN").get()
        #expect(entries.map(\.aliases) == [["coke", "Cocacola"], []])
        // The text the database and `menu list` hold reads back as the same aliases.
        #expect(MenuImport.aliasesText(["coke", "Cocacola"]) == "coke; Cocacola")
        #expect(
            MenuImport.aliases(MenuImport.aliasesText(["coke", "Coca Cola", "7up"])) == ["coke", "Coca Cola", "7up"])
        let (plain, _) = MenuImport.readCSV("category,name,price\nDrinks,Zobo Drink,600")
        #expect(try MenuImport.check(plain, symbol: "₦", code: "NGN").get()[0].aliases == nil)
        let long = [
            MenuImport.Row(
                line: 2, category: "Drinks", name: "Zobo", price: "600", aliases: String(repeating: "z", count: 41))
        ]
        switch MenuImport.check(long, symbol: "₦", code: "NGN") {
        case .success: Issue.record("a 41-character alias must be refused")
        case .failure(let found):
            #expect(
                found.all.map(\.message) == [
                    "the alias \"\(String(repeating: "z", count: 41))\" is longer than 40 characters"
                ])
        }
    }
}
