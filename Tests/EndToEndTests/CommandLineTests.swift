import Foundation
import TestSupport
import Testing

/// `whatsorder` as an operator meets it: the installed binary, real files, sysexits codes (design.md §4).
@Suite struct CommandLineTests {
    let directory = NSTemporaryDirectory() + "whatsorder-cli-\(UUID().uuidString.prefix(8))"

    /// Runs `cgi-bin/whatsorder ARGS` and returns its exit code and output.
    func whatsorder(_ arguments: String, config: String) throws -> (code: Int32, output: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/whatsorder.env"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let output = try shell(
            "cgi-bin/whatsorder \(arguments) --config \(path) 2>&1; echo \"exit=$?\"", in: Stack.root)
        let code = output.split(separator: "\n").last.flatMap { Int32($0.dropFirst("exit=".count)) } ?? -1
        return (code, output)
    }

    @Test func configCheckMasksSecretsAndNamesWhatIsMissing() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = "super-secret-app-key-1234567890"
        let partial = try whatsorder(
            "config check --mode webhook", config: "WHATSAPP_APP_SECRET=\(secret)\n")
        #expect(partial.code == 78)
        #expect(partial.output.contains("missing for webhook: WHATSAPP_VERIFY_TOKEN"))
        #expect(!partial.output.contains(secret))
        #expect(partial.output.contains("WHATSAPP_APP_SECRET=******90 (31 chars)"))
        let complete = try whatsorder(
            "config check --mode webhook",
            config: "WHATSAPP_APP_SECRET=\(secret)\nWHATSAPP_VERIFY_TOKEN=abc\nWHATSAPP_PHONE_NUMBER_ID=1065\n")
        #expect(complete.code == 0)
    }

    /// Issue 18, finding 6: the password file is for nginx's user to read. A new one is 0640 in the group of its
    /// directory (root:whatsorder for /etc/whatsorder, which nginx's user joins), not the group of whoever ran the
    /// command; a rewrite keeps the owner, group and mode the sysadmin gave it, and replaces it in one rename.
    @Test func thePasswordFileStaysReadableByTheGroupItWasMeantFor() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let etc = directory + "/etc"
        try FileManager.default.createDirectory(atPath: etc, withIntermediateDirectories: true)
        // As root, the directory's group is www-data (Debian's nginx user), as the group whatsorder would be.
        let group: gid_t = getuid() == 0 ? 33 : getegid()
        #expect(chown(etc, getuid(), group) == 0)
        chmod(etc, 0o750)
        let file = etc + "/staff.htpasswd"
        let config = "STAFF_HTPASSWD=\(file)\nDATABASE_URL=sqlite://\(directory)/db.sqlite3\n"
        func addUser(_ name: String) throws -> (code: Int32, output: String) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = directory + "/whatsorder.env"
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            let output = try shell(
                "printf '%s\\n' 'long-password-1' | cgi-bin/whatsorder staff add-user \(name) --config \(path) 2>&1;"
                    + " echo \"exit=$?\"", in: Stack.root)
            return (output.contains("exit=0") ? 0 : 1, output)
        }
        func mode(_ path: String) -> (mode: mode_t, group: gid_t) {
            var info = stat()
            stat(path, &info)
            return (info.st_mode & 0o7777, info.st_gid)
        }
        let first = try addUser("bola")
        #expect(first.code == 0, "\(first.output)")
        #expect(mode(file).mode == 0o640)
        #expect(mode(file).group == group)
        // The sysadmin chose otherwise: kept.
        chmod(file, 0o644)
        let second = try addUser("tunde")
        #expect(second.code == 0, "\(second.output)")
        #expect(mode(file).mode == 0o644)
        #expect(mode(file).group == group)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("bola:$6$") && text.contains("\ntunde:$6$"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: etc) == ["staff.htpasswd"])
    }

    /// `migrate` on a new server: the database it creates is 0600 whatever the shell's umask, and, run by root in the
    /// service user's directory, belongs to that user (a root-owned database is one the service cannot write).
    @Test func migrateMakesADatabaseTheServiceOwnsAlone() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = directory + "/lib"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let owner: uid_t = getuid() == 0 ? 65534 : getuid()
        #expect(chown(data, owner, getgid()) == 0)
        let path = directory + "/whatsorder.env"
        try "DATABASE_URL=sqlite://\(data)/db.sqlite3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let output = try shell(
            "umask 022; cgi-bin/whatsorder migrate --config \(path) 2>&1; echo exit=$?", in: Stack.root)
        #expect(output.contains("exit=0"), "\(output)")
        var info = stat()
        #expect(stat(data + "/db.sqlite3", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(info.st_uid == owner)
    }

    @Test func anUnsupportedDatabaseIsAConfigurationError() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try whatsorder("migrate", config: "DATABASE_URL=mysql://db/whatsorder\n")
        #expect(result.code == 78)
        #expect(result.output.contains("not supported"))
    }

    /// A PostgreSQL server that cannot be reached is "unavailable" (69, try again later), not a broken
    /// configuration, and the password in the URL is not printed.
    @Test func anUnreachablePostgreSQLIsUnavailableAndItsPasswordStaysHidden() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try freePort()
        let result = try whatsorder(
            "migrate", config: "DATABASE_URL=postgres://app:hunter2secret@127.0.0.1:\(port)/whatsorder\n")
        #expect(result.code == 69)
        #expect(result.output.contains("cannot connect to PostgreSQL"))
        #expect(!result.output.contains("hunter2secret"))
    }

    @Test func seedingBeforeMigratingSaysWhatToDo() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = "DATABASE_URL=sqlite://\(directory)/db.sqlite3\n"
        // No database file yet: the CLI refuses rather than creating one behind `migrate`'s back.
        #expect(try whatsorder("seed-menu", config: database).code == 69)
        #expect(try whatsorder("migrate", config: database).code == 0)
        let again = try whatsorder("migrate", config: database)
        #expect(again.code == 0)
        #expect(again.output.contains("Schema is current"))
        #expect(try whatsorder("seed-menu", config: database).output.contains("4 categories and 11 items added"))
        #expect(try whatsorder("seed-menu", config: database).output.contains("0 categories and 0 items added"))
    }

    @Test func aUsageErrorExits64() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try whatsorder("outbox send --no-such-flag", config: "").code == 64)
    }
}
