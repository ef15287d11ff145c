import App
import ArgumentParser
import Bootstrap
import Foundation
import PostgresStorage
import Storage

/// The operator's command line. Exit codes follow sysexits (design.md §4).
@main
struct Whatsorder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatsorder",
        abstract: "Operate a WhatsOrder restaurant backend.",
        subcommands: [
            Migrate.self, SeedMenu.self, MenuCommand.self, Orders.self, Chat.self, Staff.self, SettingsCommand.self,
            Report.self, Demo.self, Simulate.self, Prune.self, Backup.self, DatabaseCommand.self, CatalogCommand.self,
            Outbox.self,
            Sender.self,
            Payments.self,
            ConfigCommand.self,
        ])

    /// Links libpq, so PostgreSQL is opened here (the static handlers cannot).
    static func main() {
        Live.openPostgres = { url in Store(database: try PostgresDatabase(url: url)) }
        main(nil)
    }
}

/// `--config FILE`, shared by every subcommand.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .long, help: "The env-style configuration file (default: $WHATSORDER_CONFIG, then \(Config.defaultFile))."
    )
    var config: String?

    func load() throws -> Config {
        let environment = ProcessInfo.processInfo.environment
        let loaded: Config
        do {
            loaded = try Config.load(fileOverride: config, environment: environment)
        } catch {
            throw Failure.configuration("\(error)")
        }
        // Defaults alone are a database in ./var and "our restaurant": a command run from the wrong directory or
        // on a new server would quietly work on the wrong data, so say where the configuration should be.
        guard loaded.source != nil || environment["DATABASE_URL"] != nil else {
            throw Failure.configuration(
                "no configuration: \(Config.defaultFile) does not exist; pass --config FILE or set WHATSORDER_CONFIG"
                    + " (or DATABASE_URL and the other keys in the environment)")
        }
        return loaded
    }

    func openStore(create: Bool = false) throws -> (Config, Store) {
        let config = try load()
        let location: Config.DatabaseLocation
        do {
            location = try config.database()
        } catch {
            throw Failure.configuration("\(error)")
        }
        do {
            if create, let path = location.sqlitePath {
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                }
            }
            return (config, try Live.openStore(config, create: create))
        } catch {
            let place = location.sqlitePath.map { "at \($0)" } ?? "on PostgreSQL"
            throw Failure.unavailable("cannot open the database \(place): \(error)")
        }
    }

    /// The store, refusing a schema behind this binary (`whatsorder migrate` first).
    func openCurrentStore() throws -> (Config, Store) {
        let (config, store) = try openStore()
        guard case .current = try store.schemaStatus() else {
            store.close()
            throw Failure.unavailable("the schema is behind: run `whatsorder migrate` first")
        }
        return (config, store)
    }
}

/// Failures with their sysexits code and a one-line message on stderr.
enum Failure: Error, CustomStringConvertible {
    case configuration(String)
    case unavailable(String)
    case data(String)
    case `internal`(String)

    var code: Int32 {
        switch self {
        case .configuration: return 78
        case .unavailable: return 69
        case .data: return 65
        case .internal: return 70
        }
    }

    var description: String {
        switch self {
        case .configuration(let text), .unavailable(let text), .data(let text), .internal(let text): return text
        }
    }
}

/// A value built from configuration; a bad setting (a price that is not a number, an unknown time zone) is a
/// configuration error (exit 78), not an internal one.
func configured<T>(_ build: () throws -> T) throws -> T {
    do {
        return try build()
    } catch {
        throw Failure.configuration("\(error)")
    }
}

extension ParsableCommand {
    /// Runs `body`, turning our failures into their exit codes with a message instead of a stack trace.
    func exitOnFailure(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("whatsorder: \(failure)\n".utf8))
            throw ExitCode(failure.code)
        } catch let error as StorageError {
            FileHandle.standardError.write(Data("whatsorder: \(error)\n".utf8))
            throw ExitCode(error.isBusy ? 69 : 70)
        }
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema (idempotent).")
    @OptionGroup var options: ConfigOptions

    func run() throws {
        try exitOnFailure {
            // Customers' data: a database this creates is its owner's alone, whatever the shell's umask.
            let saved = umask(0o077)
            defer { umask(saved) }
            let (_, store) = try options.openStore(create: true)
            defer { store.close() }
            let applied = try store.migrate(now: Live.nowMilliseconds())
            if applied.isEmpty {
                print("Schema is current (\(Migrations.all.count) migrations).")
            } else {
                for name in applied { print("Applied \(name)") }
            }
        }
    }
}

struct SeedMenu: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-menu", abstract: "Load the sample menu (idempotent: a second run changes nothing).")
    @OptionGroup var options: ConfigOptions

    func run() throws {
        try exitOnFailure {
            let (_, store) = try options.openCurrentStore()
            defer { store.close() }
            let result = try store.seedSampleMenu()
            print("Sample menu: \(result.categoriesAdded) categories and \(result.itemsAdded) items added.")
        }
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect the configuration.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every key (secrets masked); exit 78 if a key the mode needs is missing.")
        @OptionGroup var options: ConfigOptions
        @Option(help: "What must be runnable: webhook, sender, payments or all.")
        var mode: Config.Mode = .all

        func run() throws {
            try exitOnFailure {
                let config = try options.load()
                print("# source: \(config.source ?? "(no file; defaults and environment)")")
                for row in config.maskedReport() {
                    print("\(row.key)=\(row.value)\t# \(row.origin)")
                }
                do {
                    _ = try config.database()
                } catch {
                    throw Failure.configuration("\(error)")
                }
                if mode == .sender || mode == .all {
                    do {
                        _ = try config.sendLimits()
                    } catch {
                        throw Failure.configuration("\(error)")
                    }
                }
                let missing = config.missingKeys(for: mode)
                if !missing.isEmpty {
                    throw Failure.configuration("missing for \(mode.rawValue): \(missing.joined(separator: ", "))")
                }
                print("# ok for \(mode.rawValue)")
            }
        }
    }
}

extension Config.Mode: ExpressibleByArgument {}
