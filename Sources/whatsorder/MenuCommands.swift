import App
import ArgumentParser
import Bootstrap
import Conversation
import Domain
import Foundation
import Storage

struct MenuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "menu", abstract: "Show and change the menu.",
        subcommands: [
            List.self, Import.self, Add.self, SetPrice.self, Alias.self, Enable.self, Disable.self, Remove.self,
        ])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every category and item, sold-out ones included.")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let menu = try store.loadMenu()
                var rows = [["id", "category", "item", "price", "also called", ""]]
                for category in menu.categories {
                    for item in menu.items where item.categoryID == category.id {
                        rows.append([
                            "\(item.id)", category.name, item.name,
                            item.price.formatted(symbol: config["CURRENCY_SYMBOL"]),
                            MenuImport.aliasesText(item.aliases), item.available ? "" : "sold out",
                        ])
                    }
                }
                print(table(rows))
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or update items from a CSV or JSON file, all or nothing.",
            discussion: """
                CSV: a header with category, name, price and optionally description, available (yes/no) and \
                aliases (other names customers type, `;` between them), e.g. \
                `Drinks,Coca-Cola (50cl),"₦400.00",Chilled,yes,coke; cocacola`. JSON: an array of objects with the \
                same keys (aliases as a list or a string). Without an aliases column, items keep theirs. \
                Items are matched by name; items not in the file are left as they are. Every line is checked \
                first: any problem is reported with its line and nothing is changed (exit 65).
                """)
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The menu file (.csv or .json).")
        var file: String

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw Failure.data("cannot read \(file)")
                }
                let text = String(decoding: data, as: UTF8.self)
                let (rows, problems) =
                    file.lowercased().hasSuffix(".json") ? try jsonRows(data) : MenuImport.readCSV(text)
                if !problems.isEmpty { throw Failure.data(report(problems)) }
                switch MenuImport.check(rows, symbol: config["CURRENCY_SYMBOL"], code: config["CURRENCY_CODE"]) {
                case .failure(let problems): throw Failure.data(report(problems.all))
                case .success(let entries):
                    let result = try store.importMenu(entries)
                    print(
                        "Imported \(entries.count) lines: \(result.itemsAdded) items added, \(result.itemsUpdated) "
                            + "updated, \(result.categoriesAdded) categories added.")
                }
            }
        }

        func report(_ problems: [MenuImport.Problem]) -> String {
            "\(file): nothing imported, \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
                + problems.map { "  \($0)" }.joined(separator: "\n")
        }

        /// JSON entries as rows, numbered from 1, so both formats are checked by the same rules.
        func jsonRows(_ data: Data) throws -> ([MenuImport.Row], [MenuImport.Problem]) {
            guard let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else {
                return ([], [MenuImport.Problem(line: 1, message: "expected a JSON array of items")])
            }
            var rows: [MenuImport.Row] = []
            var problems: [MenuImport.Problem] = []
            for (index, element) in array.enumerated() {
                guard let object = element as? [String: Any] else {
                    problems.append(MenuImport.Problem(line: index + 1, message: "not an object"))
                    continue
                }
                func text(_ key: String) -> String {
                    switch object[key] {
                    case let list as [Any] where key == "aliases":
                        return list.compactMap { $0 as? String }.joined(separator: ";")
                    case let string as String: return string.trimmingCharacters(in: .whitespaces)
                    case let bool as Bool where key == "available": return bool ? "yes" : "no"
                    case let number as NSNumber: return number.stringValue
                    default: return ""
                    }
                }
                rows.append(
                    MenuImport.Row(
                        line: index + 1, category: text("category"), name: text("name"), price: text("price"),
                        description: text("description"), available: text("available"),
                        aliases: object["aliases"] == nil ? nil : text("aliases")))
            }
            return (rows, problems)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add one item (or update the item of that name).")
        @OptionGroup var options: ConfigOptions
        @Option(help: "The category (created if new).") var category: String
        @Option(help: "The item's name as customers see it.") var name: String
        @Option(help: "2500, 2,500 or ₦2,500.00 (major units).") var price: String
        @Option(help: "One line for the menu.") var description: String = ""

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let row = MenuImport.Row(
                    line: 1, category: category, name: name, price: price, description: description)
                switch MenuImport.check([row], symbol: config["CURRENCY_SYMBOL"], code: config["CURRENCY_CODE"]) {
                case .failure(let problems):
                    throw Failure.data(problems.all.map(\.message).joined(separator: "; "))
                case .success(let entries):
                    let result = try store.importMenu(entries)
                    print(result.itemsAdded == 1 ? "Added \(name)." : "Updated \(name).")
                }
            }
        }
    }

    struct SetPrice: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-price", abstract: "Change an item's price (carts see it at checkout).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The item's id or name.") var item: String
        @Argument(help: "2500, 2,500 or ₦2,500.00.") var price: String

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                guard let kobo = Kobo.parse(price, symbol: config["CURRENCY_SYMBOL"], code: config["CURRENCY_CODE"])
                else {
                    throw Failure.data("\"\(price)\" is not a price (write 2500, 2,500 or ₦2,500.00)")
                }
                let found = try menuItem(item, in: store)
                try store.changeMenuItem(id: found.id, .price(kobo))
                print("\(found.name): \(kobo.formatted(symbol: config["CURRENCY_SYMBOL"])).")
            }
        }
    }

    struct Alias: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change the other names customers use for an item (`coke` for Coca-Cola).",
            discussion: """
                Typed orders match an item by its name and by its aliases. With no alias given, prints them. \
                Examples: `whatsorder menu alias coca-cola coke cocacola`, `whatsorder menu alias 7 --remove coke`, \
                `whatsorder menu alias 7 --clear`.
                """)
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The item's id or name.") var item: String
        @Argument(help: "Aliases to add.") var aliases: [String] = []
        @Option(help: "An alias to remove (repeatable).") var remove: [String] = []
        @Flag(help: "Remove every alias first.") var clear = false

        func run() throws {
            try exitOnFailure {
                let (_, store) = try options.openCurrentStore()
                defer { store.close() }
                let found = try menuItem(item, in: store)
                if aliases.isEmpty && remove.isEmpty && !clear {
                    print(
                        found.aliases.isEmpty
                            ? "\(found.name) has no aliases."
                            : "\(found.name): \(MenuImport.aliasesText(found.aliases))")
                    return
                }
                let removed = Set(remove.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
                let kept = (clear ? [] : found.aliases).filter { !removed.contains($0.lowercased()) }
                let updated = MenuImport.aliases((kept + aliases).joined(separator: ";"))
                let problems = MenuImport.aliasProblems(updated)
                guard problems.isEmpty else { throw Failure.data(problems.joined(separator: "\n")) }
                try store.changeMenuItem(id: found.id, .aliases(updated))
                print(
                    updated.isEmpty
                        ? "\(found.name) has no aliases now."
                        : "\(found.name) is also called: \(MenuImport.aliasesText(updated)).")
            }
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a sold-out item back on the menu.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The item's id or name.") var item: String

        func run() throws { try change(item, .available(true), options: options, done: "is back on the menu") }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an item sold out: customers stop seeing it; carts drop it at checkout.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The item's id or name.") var item: String

        func run() throws { try change(item, .available(false), options: options, done: "is sold out") }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an item (past orders keep their own copy of it).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The item's id or name.") var item: String

        func run() throws { try change(item, .remove, options: options, done: "is removed") }
    }
}

extension ParsableCommand {
    func change(_ item: String, _ change: Store.MenuChange, options: ConfigOptions, done: String) throws {
        try exitOnFailure {
            let (_, store) = try options.openCurrentStore()
            defer { store.close() }
            let found = try menuItem(item, in: store)
            try store.changeMenuItem(id: found.id, change)
            print("\(found.name) \(done).")
        }
    }
}

/// An item by id, by its name ignoring case, or as a customer would name it (`coca-cola`, `jollof`): the reader of
/// typed orders finds it, and a name that fits several items lists them instead of guessing.
func menuItem(_ key: String, in store: Store) throws -> MenuItem {
    let menu = try store.loadMenu()
    let items = menu.items
    if let id = Int64(key), let item = items.first(where: { $0.id == id }) { return item }
    if let item = items.first(where: { $0.name.lowercased() == key.lowercased() }) { return item }
    let reading = Reader(menu: menu).read(key)
    if reading.parts.count == 1, case .add(.unsaid, let dish) = reading.parts[0] {
        switch dish {
        case .item(let id):
            if let item = items.first(where: { $0.id == id }) { return item }
        case .oneOf(let ids):
            let names = ids.compactMap { id in items.first { $0.id == id }.map { "\"\($0.name)\" (\($0.id))" } }
            throw Failure.data(
                "\"\(key)\" fits several items: did you mean \(names.joined(separator: " or "))? Give more of the "
                    + "name, or the id")
        case .last: break
        }
    }
    // A unique beginning of a name, or a name a typo or two away (its aliases count too).
    let candidates = items.flatMap { item in ([item.name] + item.aliases).map { (name: $0, value: item) } }
    switch Nearest.match(key, in: candidates) {
    case .one(let item, _): return item
    case .suggest(let names):
        let full = names.compactMap { name in candidates.first { $0.name == name }?.value.name }
        var seen = Set<String>()
        throw Failure.data(
            "no menu item \"\(key)\"" + Nearest.didYouMean(full.filter { seen.insert($0).inserted }))
    case .none: throw Failure.data("no menu item \"\(key)\" (see `whatsorder menu list`)")
    }
}

/// Columns padded to their widest cell, two spaces apart; the first row is the header.
func table(_ rows: [[String]]) -> String {
    guard let columns = rows.map(\.count).max() else { return "" }
    var widths = Array(repeating: 0, count: columns)
    for row in rows {
        for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    return rows.map { row in
        row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
}
