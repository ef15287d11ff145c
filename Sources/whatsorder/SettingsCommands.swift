import App
import ArgumentParser
import Bootstrap
import Conversation
import Domain
import Foundation
import Storage

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Opening hours, closed now, fees, contact details: change them without a restart.",
        discussion: """
            Stored in the database over the configuration file's values; every handler uses a change from its \
            next request. Keys: \(SettingKey.allCases.map(\.rawValue).joined(separator: ", ")). Money is written \
            as staff write prices (1500, 1,500 or ₦1,500.00). Examples: `whatsorder settings set CLOSED_NOTE \
            "closed today for a family event"`, `whatsorder settings set CLOSED_NOTE ""` (open again), \
            `whatsorder settings set DELIVERY_FEE 700`.
            """,
        subcommands: [Show.self, Set.self, Unset.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each setting, its value and where it comes from.")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let symbol = config["CURRENCY_SYMBOL"]
                let stored = Dictionary(uniqueKeysWithValues: try store.settingChanges().map { ($0.key, $0) })
                let clock = StaffClock(config: config)
                var rows = [["setting", "value", "from"]]
                for key in SettingKey.allCases {
                    if let change = stored[key] {
                        let by = change.updatedBy.map { " by \($0)" } ?? ""
                        rows.append([
                            key.rawValue, key.display(change.value, symbol: symbol),
                            "set \(clock.short(change.updatedAt))\(by)",
                        ])
                    } else {
                        rows.append([key.rawValue, key.display(config[key.rawValue], symbol: symbol), "config file"])
                    }
                }
                print(table(rows))
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a setting now (\"\" clears a text).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The setting (settings show lists them).") var key: String
        @Argument(help: "The new value.") var value: String

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let setting = try settingKey(key)
                let symbol = config["CURRENCY_SYMBOL"]
                let canonical: String
                do {
                    canonical = try setting.canonical(value, symbol: symbol, code: config["CURRENCY_CODE"])
                } catch {
                    throw Failure.data("\(setting.rawValue): \(error) (\(setting.meaning))")
                }
                try store.writeTransaction {
                    try store.setSetting(setting, to: canonical, by: staffName, now: Live.nowMilliseconds())
                }
                print(
                    "\(setting.rawValue): \(setting.display(canonical, symbol: symbol)). Customers see it from their "
                        + "next message.")
            }
        }
    }

    struct Unset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Go back to the configuration file's value.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The setting.") var key: String

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let setting = try settingKey(key)
                try store.writeTransaction { try store.unsetSetting(setting) }
                print(
                    "\(setting.rawValue): \(setting.display(config[setting.rawValue], symbol: config["CURRENCY_SYMBOL"])) "
                        + "(the config file's).")
            }
        }
    }
}

/// A setting by its name, in any case, with `-` for `_`; a near miss is named.
func settingKey(_ text: String) throws -> SettingKey {
    let wanted = text.uppercased().replacingOccurrences(of: "-", with: "_")
    if let key = SettingKey(rawValue: wanted) { return key }
    let begun = SettingKey.allCases.filter { $0.rawValue.hasPrefix(wanted) }
    if begun.count == 1 { return begun[0] }
    let candidates = SettingKey.allCases.map { (name: $0.rawValue, value: $0) }
    var near: [String] = SettingKey.allCases.filter { $0.rawValue.contains(wanted) }.map(\.rawValue)
    switch Nearest.match(wanted, in: candidates) {
    case .one(let key, _) where near.count <= 1: return key
    case .suggest(let names): near = near.isEmpty ? names : near
    default: break
    }
    throw Failure.data(
        "no setting \"\(text)\"" + Nearest.didYouMean(near)
            + "; one of \(SettingKey.allCases.map(\.rawValue).joined(separator: ", "))")
}
