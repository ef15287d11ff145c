import App
import ArgumentParser
import Bootstrap
import Conversation
import CurlHTTP
import Domain
import Foundation
import Storage

struct MenuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "menu", abstract: "Show and change the menu.",
        subcommands: [
            List.self, Import.self, Add.self, SetPrice.self, Alias.self, Options.self, Image.self, Check.self,
            Enable.self, Disable.self, Remove.self,
        ])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every category and item, sold-out ones included.")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let menu = try store.loadMenu()
                let symbol = config["CURRENCY_SYMBOL"]
                var rows = [["id", "category", "item", "price", "also called", ""]]
                var extras: [String] = []
                for category in menu.categories {
                    for item in menu.items where item.categoryID == category.id {
                        let marks = [
                            item.available ? nil : "sold out", item.optionGroups.isEmpty ? nil : "options",
                            item.imageURL == nil ? nil : "picture",
                        ].compactMap { $0 }
                        rows.append([
                            "\(item.id)", category.name, item.name, item.price.formatted(symbol: symbol),
                            MenuImport.aliasesText(item.aliases), marks.joined(separator: ", "),
                        ])
                        guard !item.optionGroups.isEmpty || item.imageURL != nil else { continue }
                        // In the spelling `menu import` and `menu options --set` read back.
                        extras.append("  \(item.id)  \(item.name)")
                        for group in item.optionGroups {
                            extras.append("      " + OptionSpec.write([group.spec], symbol: symbol))
                        }
                        if let image = item.imageURL { extras.append("      picture: " + image) }
                    }
                }
                print(table(rows))
                if !extras.isEmpty { print("\nOptions and pictures:\n" + extras.joined(separator: "\n")) }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or update items from a CSV or JSON file, all or nothing.",
            discussion: """
                CSV: a header with category, name, price and optionally description, available (yes/no), \
                aliases (other names customers type, `;` between them), options and image, e.g. \
                `Drinks,Coca-Cola (50cl),"₦400.00",Chilled,yes,coke; cocacola`. Options are groups with `;` between \
                them: `Protein (pick 1): Chicken, Beef, Fish +300; Extras (up to 2): Plantain +500, Moin Moin +700` \
                (rules: pick N, pick N to M, up to N, optional; an option may end with `(sold out)`). image is an \
                https:// picture of the dish. JSON: an array of objects with the same keys (aliases as a list or a \
                string; options as that string or a list of {name, rule, options: [{name, price, available}]}). \
                Without an aliases, options or image column, items keep theirs. \
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
                    case let list as [Any] where key == "options": return optionsText(list)
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
                        aliases: object["aliases"] == nil ? nil : text("aliases"),
                        options: object["options"] == nil ? nil : text("options"),
                        image: object["image"] == nil ? nil : text("image")))
            }
            return (rows, problems)
        }

        /// Options given as JSON objects, written as the one spelling both formats are checked in.
        func optionsText(_ groups: [Any]) -> String {
            groups.map { element -> String in
                guard let group = element as? [String: Any] else { return "\(element)" }
                let name = (group["name"] as? String) ?? ""
                let rule = (group["rule"] as? String).map { " (\($0))" } ?? ""
                let options = ((group["options"] as? [Any]) ?? []).map { element -> String in
                    guard let option = element as? [String: Any] else { return "\(element)" }
                    var text = (option["name"] as? String) ?? ""
                    if let price = option["price"] as? NSNumber, price.doubleValue != 0 {
                        text += price.doubleValue > 0 ? " +\(price.stringValue)" : " \(price.stringValue)"
                    } else if let price = option["price"] as? String, !price.isEmpty {
                        text += price.hasPrefix("+") || price.hasPrefix("-") ? " \(price)" : " +\(price)"
                    }
                    if option["available"] as? Bool == false { text += " (sold out)" }
                    return text
                }
                return name + rule + ": " + options.joined(separator: ", ")
            }.joined(separator: "; ")
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

    struct Options: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set an item's options (a protein to pick, extras).",
            discussion: """
                With no --set, prints the item's option groups as `menu import` spells them. --set replaces them \
                all: `whatsorder menu options jollof --set "Protein (pick 1): Chicken, Beef, Fish +300; Extras (up \
                to 2): Plantain +500, Moin Moin +700"`. Options keep their ids when their names stay, so carts that \
                hold them stay good. --set "" removes every option.
                """)
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The item's id or name.") var item: String
        @Option(help: "The groups, as `menu import` reads them.") var set: String?

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let symbol = config["CURRENCY_SYMBOL"]
                var found = try menuItem(item, in: store)
                if let set {
                    switch OptionSpec.read(set, symbol: symbol, code: config["CURRENCY_CODE"]) {
                    case .failure(let problems): throw Failure.data(problems.all.joined(separator: "\n"))
                    case .success(let groups):
                        try store.setOptions(itemID: found.id, groups)
                        found = try menuItem(String(found.id), in: store)
                    }
                }
                guard !found.optionGroups.isEmpty else { return print("\(found.name) has no options.") }
                print("\(found.name):")
                for group in found.optionGroups {
                    print("  \(group.name) (\(group.rule))")
                    for option in group.options {
                        let price = option.price == 0 ? "" : " " + option.price.signed(symbol: symbol)
                        print("    \(option.id)  \(option.name)\(price)\(option.available ? "" : "  sold out")")
                    }
                }
            }
        }
    }

    struct Image: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set an item's picture (an https:// address WhatsApp can fetch).",
            discussion: "`whatsorder menu check` tells whether the pictures can be fetched.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The item's id or name.") var item: String
        @Argument(help: "The picture's https:// address.") var url: String?
        @Flag(help: "Remove the picture.") var none = false

        func run() throws {
            try exitOnFailure {
                let (_, store) = try options.openCurrentStore()
                defer { store.close() }
                let found = try menuItem(item, in: store)
                if none {
                    try store.changeMenuItem(id: found.id, .image(nil))
                    return print("\(found.name) has no picture now.")
                }
                guard let url else {
                    return print(found.imageURL.map { "\(found.name): \($0)" } ?? "\(found.name) has no picture.")
                }
                if let problem = MenuImport.imageProblem(url) { throw Failure.data(problem) }
                try store.changeMenuItem(id: found.id, .image(url))
                print("\(found.name): \(url)")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch every dish's picture and say what customers would miss.",
            discussion: """
                Lists dishes without a picture, pictures that cannot be fetched or that WhatsApp would not show \
                (not JPEG or PNG, over 5 MB), and dishes a sold-out choice makes impossible to order. Exits 65 \
                when there is a problem (a dish without a picture is not one).
                """)
        @OptionGroup var options: ConfigOptions

        func run() throws {
            try exitOnFailure {
                let (_, store) = try options.openCurrentStore()
                defer { store.close() }
                let menu = try store.loadMenu()
                let transport: CurlTransport
                do {
                    var timeouts = CurlTransport.Timeouts()
                    timeouts.totalSeconds = 20
                    transport = try CurlTransport(timeouts: timeouts)
                } catch {
                    throw Failure.internal("\(error)")
                }
                let findings = MenuCheck.run(menu, transport: transport.transport)
                for finding in findings { print((finding.isProblem ? "problem: " : "note: ") + "\(finding)") }
                let problems = findings.filter(\.isProblem).count
                let shown = menu.items.filter(\.available).count
                print("\(shown) dishes checked: \(problems) problem\(problems == 1 ? "" : "s").")
                if problems > 0 { throw Failure.data("the menu has \(problems) problem\(problems == 1 ? "" : "s")") }
            }
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a sold-out item, or one of its options, back on the menu.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The item's id or name.") var item: String
        @Option(help: "One of the item's options (its name or id), instead of the whole item.") var option: String?

        func run() throws {
            if let option { return try changeOption(item, option, available: true, options: options) }
            try change(item, .available(true), options: options, done: "is back on the menu")
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Mark an item, or one of its options, sold out: customers stop seeing it; carts drop it at checkout.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The item's id or name.") var item: String
        @Option(help: "One of the item's options (its name or id), instead of the whole item.") var option: String?

        func run() throws {
            if let option { return try changeOption(item, option, available: false, options: options) }
            try change(item, .available(false), options: options, done: "is sold out")
        }
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
    /// An option's sold-out switch, the option found by id or by name (ignoring case) among the item's.
    func changeOption(_ item: String, _ key: String, available: Bool, options: ConfigOptions) throws {
        try exitOnFailure {
            let (_, store) = try options.openCurrentStore()
            defer { store.close() }
            let found = try menuItem(item, in: store)
            let all = found.optionGroups.flatMap { group in group.options.map { (group, $0) } }
            let matches = all.filter { String($0.1.id) == key || $0.1.name.lowercased() == key.lowercased() }
            guard matches.count == 1, let (group, option) = matches.first else {
                let names = all.map { "\($0.1.name) (\($0.1.id))" }.joined(separator: ", ")
                throw Failure.data(
                    matches.isEmpty
                        ? "\(found.name) has no option \"\(key)\"" + (names.isEmpty ? "" : "; its options: \(names)")
                        : "\"\(key)\" is more than one option of \(found.name); give its id: \(names)")
            }
            try store.setOptionAvailable(itemID: found.id, optionID: option.id, available)
            print("\(found.name): \(group.name) \(option.name) \(available ? "is back" : "is sold out").")
        }
    }

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
