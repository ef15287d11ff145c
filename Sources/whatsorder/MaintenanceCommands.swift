import ArgumentParser
import Bootstrap
import Foundation
import Storage

/// `whatsorder prune --older-than DAYS`: what the restaurant no longer needs goes; its books stay (SECURITY.md,
/// "What is kept").
struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove message texts, finished sends and kept bodies older than DAYS; orders and payments stay.",
        discussion: """
            Removed: bodies kept for inspection, finished outbox rows with Meta's answers and delivery statuses, \
            inbound messages (their text), handoff threads and staff messages. Kept: customers and their \
            conversation state, orders and their lines, payments, payment events, refunds. DAYS is at least \
            \(Store.shortestRetentionDays): Meta redelivers for up to 7 days, and a message's id is what makes a \
            redelivery a duplicate.
            """)
    @OptionGroup var options: ConfigOptions
    @Option(name: .customLong("older-than"), help: "Keep this many days (at least \(Store.shortestRetentionDays)).")
    var days: Int
    @Flag(help: "Then rewrite the file to give the freed space back (needs its size free; blocks writers meanwhile).")
    var vacuum = false

    func validate() throws {
        guard days >= Store.shortestRetentionDays else {
            throw ValidationError("--older-than must be at least \(Store.shortestRetentionDays) days")
        }
    }

    func run() throws {
        try exitOnFailure {
            let (config, store) = try options.openCurrentStore()
            defer { store.close() }
            // The files' sizes for SQLite; PostgreSQL's server keeps its own.
            let path = try configured { try config.database() }.sqlitePath
            let before = path.map(DatabaseFiles.init)
            let cutoff = Live.nowMilliseconds() - Int64(days) * 86_400_000
            let started = Date()
            let report = try store.prune(olderThan: cutoff)
            let rows: [(String, Int)] = [
                ("kept bodies", report.keptBodies), ("outbox rows", report.outboxRows),
                ("sent messages", report.outboundMessages), ("relays", report.relays),
                ("delivery statuses", report.messageStatuses), ("inbound messages", report.inboundMessages),
                ("handoff messages", report.chatMessages), ("staff messages", report.staffMessages),
            ]
            print("Removed what was older than \(days) days:")
            for (name, count) in rows { print("  \(name): \(count)") }
            if vacuum { try store.vacuum() }
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            if let path, let before {
                let after = DatabaseFiles(path: path)
                print(
                    "Database: \(before.description) before, \(after.description) after (\(seconds) s)"
                        + (vacuum ? "" : "; freed pages are reused, --vacuum gives them back"))
            } else {
                print("Took \(seconds) s")
            }
        }
    }
}

/// `whatsorder backup FILE`: a consistent copy while the stack serves.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to FILE while the stack serves (SQLite's online backup), then check the copy.",
        discussion: """
            The copy is the database as of one commit. It is written beside FILE under another name, checked with \
            PRAGMA integrity_check, and only then renamed to FILE, readable by its owner alone. FILE must not exist. \
            Restore: docs/deployment.md, "Backups".
            """)
    @OptionGroup var options: ConfigOptions
    @Argument(help: "Where the copy goes (a new file).") var file: String

    func run() throws {
        try exitOnFailure {
            guard !FileManager.default.fileExists(atPath: file) else {
                throw Failure.data("\(file) exists: a backup never overwrites a file")
            }
            let (_, store) = try options.openCurrentStore()
            defer { store.close() }
            guard let database = store.sqlite else {
                throw Failure.configuration(
                    "backup copies a SQLite database; back PostgreSQL up with pg_dump or its own tools")
            }
            let started = Date()
            let partial = file + ".partial-\(getpid())"
            // Customers' numbers and messages: the copy is for its owner only, whatever the umask.
            let saved = umask(0o077)
            defer { umask(saved) }
            var moved = false
            defer { if !moved { unlink(partial) } }
            let pages: Int
            do {
                pages = try database.backup(to: partial)
            } catch {
                throw Failure.unavailable("the backup failed: \(error)")
            }
            let check = try Store.open(path: partial)
            let verdict = try check.database.query("PRAGMA integrity_check").compactMap { $0[0].string }
            // Written in WAL mode like the original; one file is what goes off the machine.
            try check.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            check.close()
            guard verdict == ["ok"] else {
                throw Failure.internal(
                    "the copy failed its integrity check: \(verdict.prefix(3).joined(separator: "; "))")
            }
            let descriptor = open(partial, O_RDONLY)
            if descriptor >= 0 {
                fsync(descriptor)
                close(descriptor)
            }
            unlink(partial + "-wal")
            unlink(partial + "-shm")
            unlink(partial + "-writer")
            guard rename(partial, file) == 0 else {
                throw Failure.unavailable("cannot move the copy to \(file): \(String(cString: strerror(errno)))")
            }
            moved = true
            let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
            print("Backed up \(pages) pages (\(DatabaseFiles(path: file).description)) to \(file) in \(seconds) s;")
            print("integrity_check: ok.")
        }
    }
}

/// The size of a database with its WAL, for people.
struct DatabaseFiles: CustomStringConvertible {
    var bytes: Int64

    init(path: String) {
        bytes = [path, path + "-wal"].reduce(0) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value
            return total + (size ?? 0)
        }
    }

    var description: String {
        let mebibytes = Double(bytes) / 1_048_576
        return mebibytes >= 1024 ? String(format: "%.2f GiB", mebibytes / 1024) : String(format: "%.1f MiB", mebibytes)
    }
}
