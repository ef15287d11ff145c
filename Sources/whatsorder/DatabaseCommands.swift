import ArgumentParser
import Bootstrap
import Foundation
import PostgresStorage
import Storage

/// `whatsorder db copy --to URL`: the move from the SQLite file to PostgreSQL (docs/deployment.md, "Moving to
/// PostgreSQL").
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Move the data to another database.", subcommands: [CopyDatabase.self])
}

struct CopyDatabase: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy the SQLite database into an empty PostgreSQL database, then check the copy.",
        discussion: """
            Reads the configured SQLite database as of one commit (the stack may keep serving), creates the schema \
            in the target, writes every row in one transaction and checks each table's rows and sums of money on \
            both sides before committing: a failure leaves the target empty. The target must hold no data. Then \
            point DATABASE_URL at it and restart the workers; messages that arrived after the copy began are not \
            in it, so stop the webhooks first for a move that loses nothing.
            """)
    @OptionGroup var options: ConfigOptions
    @Option(help: "The target: postgres://user:password@host:port/db (libpq's parameters, such as sslmode, allowed).")
    var to: String

    func validate() throws {
        guard to.hasPrefix("postgres://") || to.hasPrefix("postgresql://") else {
            throw ValidationError("--to must be a postgres:// or postgresql:// URL")
        }
    }

    func run() throws {
        try exitOnFailure {
            let (config, source) = try options.openCurrentStore()
            defer { source.close() }
            guard !config.usesPostgres else {
                throw Failure.configuration("DATABASE_URL already names PostgreSQL: the copy reads a SQLite database")
            }
            let target: Store
            do {
                target = Store(database: try PostgresDatabase(url: to))
            } catch {
                throw Failure.unavailable("cannot open \(Config.maskPassword(to)): \(error)")
            }
            defer { target.close() }
            let started = Date()
            let report: Store.CopyReport
            do {
                report = try source.copy(to: target)
            } catch let error as Store.CopyError {
                throw Failure.data("\(error)")
            }
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            print("Copied into \(Config.maskPassword(to)) in \(seconds) s, checked on both sides:")
            for table in report.tables {
                let sums = table.sums.sorted { $0.key < $1.key }.map { "sum(\($0.key)) \($0.value)" }
                print(
                    "  \(table.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(table.rows) rows"
                        + (sums.isEmpty ? "" : "; " + sums.joined(separator: ", ")))
            }
            print("Next: set DATABASE_URL to the target in the configuration and restart the workers.")
        }
    }
}
