import ArgumentParser
import Bootstrap
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

struct Staff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage who may open the order board (/staff/).", subcommands: [AddUser.self])

    struct AddUser: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-user",
            abstract: "Add a board user (or change their password) in STAFF_HTPASSWD.",
            discussion: """
                The password is read from standard input (one line), so it never appears in the process list or \
                the shell history: `printf '%s\\n' 'long password' | whatsorder staff add-user bola`. It is stored \
                as a SHA-512 crypt hash, which nginx's auth_basic checks.
                """)
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Letters, digits, dot, dash or underscore.") var name: String

        func run() throws {
            try exitOnFailure {
                let config = try options.load()
                guard !name.isEmpty, name.count <= 64,
                    name.unicodeScalars.allSatisfy({
                        CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)
                    })
                else {
                    throw Failure.data("a user name is letters, digits, dot, dash or underscore")
                }
                guard let line = readLine(strippingNewline: true), line.count >= 8 else {
                    throw Failure.data("give a password of at least 8 characters on standard input")
                }
                let hash = try shaCrypt(line)
                let path = config["STAFF_HTPASSWD"]
                let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                var lines = existing.split(separator: "\n").map(String.init).filter { !$0.hasPrefix(name + ":") }
                lines.append("\(name):\(hash)")
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                }
                let replaced = lines.count == existing.split(separator: "\n").count
                let access = try writeReadableByNginx(path, contents: lines.joined(separator: "\n") + "\n")
                print("\(replaced ? "Changed the password of" : "Added") \(name) in \(path) (\(access)).")
            }
        }
    }
}

/// Replaces the password file in one rename, so nginx never reads half of it. nginx's user must read it, and that is
/// decided by whoever set it up: an existing file keeps its owner, group and mode; a new one is 0640 in the group
/// of its directory (`/etc/whatsorder` is root:whatsorder, and nginx's user is in that group). Returns a description
/// of who can read it, for the operator.
func writeReadableByNginx(_ path: String, contents: String) throws -> String {
    var target = stat()
    var directoryInfo = stat()
    let directory = (path as NSString).deletingLastPathComponent
    let exists = stat(path, &target) == 0
    guard stat(directory.isEmpty ? "." : directory, &directoryInfo) == 0 else {
        throw Failure.unavailable("cannot read \(directory)")
    }
    let owner = exists ? target.st_uid : geteuid()
    let group = exists ? target.st_gid : directoryInfo.st_gid
    let mode = exists ? target.st_mode & 0o7777 : 0o640
    let temporary = path + ".new-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw Failure.unavailable("cannot write \(temporary): \(String(cString: strerror(errno)))") }
    var written = true
    let bytes = Array(contents.utf8)
    bytes.withUnsafeBytes { buffer in written = write(fd, buffer.baseAddress, buffer.count) == buffer.count }
    // Owner and group before the mode, so the file is never readable by a group it is not meant for.
    let owned = fchown(fd, owner, group) == 0 || (owner == geteuid() && group == getegid())
    let moded = fchmod(fd, mode) == 0
    let synced = fsync(fd) == 0
    close(fd)
    guard written, owned, moded, synced, rename(temporary, path) == 0 else {
        unlink(temporary)
        throw Failure.unavailable("cannot replace \(path): \(String(cString: strerror(errno)))")
    }
    let groupName = getgrgid(group).map { String(cString: $0.pointee.gr_name) } ?? "\(group)"
    let ownerName = getpwuid(owner).map { String(cString: $0.pointee.pw_name) } ?? "\(owner)"
    return "\(ownerName):\(groupName) \(String(mode, radix: 8))"
}

/// `$6$<salt>$<hash>` from the C library's crypt(3), loaded at run time so no header or -dev package is needed.
func shaCrypt(_ password: String) throws -> String {
    typealias Crypt = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>) -> UnsafeMutablePointer<CChar>?
    guard let library = dlopen("libcrypt.so.1", RTLD_NOW), let symbol = dlsym(library, "crypt") else {
        throw Failure.internal("libcrypt.so.1 is not available")
    }
    let crypt = unsafeBitCast(symbol, to: Crypt.self)
    let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    var generator = SystemRandomNumberGenerator()
    let salt = "$6$" + String((0..<16).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    guard let result = crypt(password, salt), let hash = String(validatingCString: result), hash.hasPrefix("$6$")
    else {
        throw Failure.internal("crypt(3) refused the password")
    }
    return hash
}
