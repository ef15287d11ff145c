import Conversation
import Domain
import Foundation
import TestSupport
import Testing

@testable import Storage

@Suite struct MenuStoreTests {
    func entry(_ category: String, _ name: String, _ kobo: Int, available: Bool = true) -> MenuImport.Entry {
        try! MenuImport.check(
            [
                MenuImport.Row(
                    line: 1, category: category, name: name, price: "\(kobo / 100)", available: available ? "yes" : "no"
                )
            ],
            symbol: "₦", code: "NGN"
        ).get()[0]
    }

    @Test(arguments: Backend.allCases) func anImportAddsAndUpdatesByNameAndBumpsTheRevision(_ backend: Backend) throws {
        let store = try backend.store()
        _ = try store.seedSampleMenu()
        let before = try store.loadMenu()
        let result = try store.importMenu([
            entry("Drinks", "zobo drink", 70_000),
            entry("Grills", "Suya Platter", 350_000),
            entry("Grills", "Asun", 250_000, available: false),
        ])
        #expect(result == Store.MenuImportResult(categoriesAdded: 1, itemsAdded: 2, itemsUpdated: 1))
        let after = try store.loadMenu()
        #expect(after.items.count == before.items.count + 2)
        #expect(after.items.first { $0.name == "Zobo Drink" }?.price == Kobo(70_000))
        #expect(after.items.first { $0.name == "Asun" }?.available == false)
        #expect(after.categories.last?.name == "Grills")
        #expect(after.orderableCategories.contains { $0.name == "Grills" })
    }

    @Test(arguments: Backend.allCases) func aFailureHalfWayLeavesTheMenuAsItWas(_ backend: Backend) throws {
        let store = try backend.store()
        _ = try store.seedSampleMenu()
        let before = try store.loadMenu()
        var broken = entry("Drinks", "Palm Wine", 80_000)
        broken.price = Kobo(-1)  // past the checks only by hand; the schema's CHECK refuses it
        #expect(throws: StorageError.self) {
            try store.importMenu([entry("Drinks", "Kunu", 50_000), entry("Grills", "Suya", 300_000), broken])
        }
        #expect(try store.loadMenu() == before)
    }

    @Test(arguments: Backend.allCases) func singleChanges(_ backend: Backend) throws {
        let store = try backend.store()
        _ = try store.seedSampleMenu()
        #expect(try store.changeMenuItem(id: 9, .price(Kobo(65_000))))
        #expect(try store.changeMenuItem(id: 9, .available(false)))
        let zobo = try store.loadMenu().items.first { $0.id == 9 }
        #expect(zobo?.price == Kobo(65_000))
        #expect(zobo?.available == false)
        #expect(try store.changeMenuItem(id: 9, .remove))
        #expect(try store.loadMenu().items.contains { $0.id == 9 } == false)
        #expect(try store.changeMenuItem(id: 999, .available(true)) == false)
    }

    /// Aliases come with the sample menu, change with `menu alias`, and an import changes them only when its file
    /// has the column: a file without one leaves them as they were.
    @Test(arguments: Backend.allCases) func aliasesAreSeededChangedAndKeptByImportsWithoutTheColumn(_ backend: Backend)
        throws
    {
        let store = try backend.store()
        _ = try store.seedSampleMenu()
        #expect(try store.loadMenu().items.first { $0.id == 7 }?.aliases == ["coke"])
        #expect(try store.changeMenuItem(id: 7, .aliases(["coke", "cocacola"])))
        #expect(try store.loadMenu().items.first { $0.id == 7 }?.aliases == ["coke", "cocacola"])

        _ = try store.importMenu([entry("Drinks", "Coca-Cola (50cl)", 45_000)])
        let kept = try store.loadMenu().items.first { $0.id == 7 }
        #expect(kept?.price == Kobo(45_000))
        #expect(kept?.aliases == ["coke", "cocacola"])

        var withColumn = entry("Drinks", "Coca-Cola (50cl)", 45_000)
        withColumn.aliases = ["coca"]
        _ = try store.importMenu([withColumn])
        #expect(try store.loadMenu().items.first { $0.id == 7 }?.aliases == ["coca"])
        withColumn.aliases = []
        _ = try store.importMenu([withColumn])
        #expect(try store.loadMenu().items.first { $0.id == 7 }?.aliases == [])
    }

    /// Options and pictures arrive with an import and stay when a file has no such column. A re-import keeps the ids
    /// of groups and options whose names stay (a cart holding them stays good), takes away the rest, and an
    /// option's own sold-out switch is seen by the next read.
    @Test(arguments: Backend.allCases) func optionsAreImportedKeptByNameAndSwitchedOneByOne(_ backend: Backend) throws {
        let store = try backend.store()
        _ = try store.seedSampleMenu()
        func entry(_ options: String?, image: String? = nil) throws -> MenuImport.Entry {
            try MenuImport.check(
                [
                    MenuImport.Row(
                        line: 1, category: "Main Dishes", name: "Fried Rice Special", price: "2200", options: options,
                        image: image)
                ], symbol: "₦", code: "NGN"
            ).get()[0]
        }
        _ = try store.importMenu([
            try entry(
                "Size: Regular, Large +800; Extras (up to 2): Plantain +500, Moin Moin +700",
                image: "https://example.com/rice.jpg")
        ])
        let first = try #require(try store.loadMenu().items.first { $0.id == 2 })
        #expect(first.optionGroups.map(\.name) == ["Size", "Extras"])
        #expect(first.optionGroups[1].maximum == 2)
        #expect(first.imageURL == "https://example.com/rice.jpg")
        let large = try #require(first.optionGroups[0].options.first { $0.name == "Large" })
        #expect(large.price == 80_000)

        // Without the column: as they were.
        _ = try store.importMenu([try entry(nil)])
        #expect(try store.loadMenu().items.first { $0.id == 2 }?.optionGroups == first.optionGroups)
        #expect(try store.loadMenu().items.first { $0.id == 2 }?.imageURL == "https://example.com/rice.jpg")

        // Renamed in case, reordered, one option gone, one added, the extras gone.
        _ = try store.importMenu([try entry("size: Jumbo +1500, LARGE +900, Regular", image: "")])
        let second = try #require(try store.loadMenu().items.first { $0.id == 2 })
        #expect(second.optionGroups.count == 1)
        #expect(second.optionGroups[0].id == first.optionGroups[0].id)
        #expect(second.optionGroups[0].options.map(\.name) == ["Jumbo", "LARGE", "Regular"])
        #expect(second.optionGroups[0].options[1].id == large.id)
        #expect(second.optionGroups[0].options[1].price == 90_000)
        #expect(second.imageURL == nil)
        #expect(try store.database.query("SELECT count(*) FROM menuOption").first?[0].int64 == 3)

        #expect(try store.setOptionAvailable(itemID: 2, optionID: large.id, false))
        #expect(try store.loadMenu().items.first { $0.id == 2 }?.optionGroups[0].options[1].available == false)
        #expect(try store.setOptionAvailable(itemID: 3, optionID: large.id, true) == false)
        #expect(try store.changeMenuItem(id: 2, .remove))
        #expect(try store.database.query("SELECT count(*) FROM optionGroup").first?[0].int64 == 0)
    }
}

/// Settings over the configuration: a change is seen by the next read of a store that cached the old ones, through
/// the one revision integer the menu already uses.
@Suite struct SettingsStoreTests {
    @Test func aChangeIsSeenByTheNextReadAndUnsetGoesBackToTheConfiguration() throws {
        let path = NSTemporaryDirectory() + "whatsorder-settings-\(UUID().uuidString).sqlite3"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try Store.open(path: path, create: true)
        defer { writer.close() }
        _ = try writer.migrate(now: 1)
        _ = try writer.seedSampleMenu()
        let worker = try Store.open(path: path)
        defer { worker.close() }
        let base = Settings(restaurantName: "Mama Put", deliveryFee: 50_000)
        let before = try worker.current(base: base)
        #expect(before.settings == base)

        try writer.setSetting(.deliveryFee, to: "70000", by: "bola", now: 2)
        try writer.setSetting(.closedNote, to: "closed for a staff party", by: "bola", now: 2)
        let after = try worker.current(base: base)
        #expect(after.settings.deliveryFee == 70_000)
        #expect(after.settings.closedNote == "closed for a staff party")
        #expect(after.menu == before.menu)
        #expect(try writer.settingChanges().map(\.key) == [.closedNote, .deliveryFee])
        #expect(try writer.settingChanges().first?.updatedBy == "bola")

        try writer.unsetSetting(.deliveryFee)
        #expect(try worker.current(base: base).settings.deliveryFee == 50_000)
        #expect(try worker.current(base: base).settings.closedNote == "closed for a staff party")
    }
}
