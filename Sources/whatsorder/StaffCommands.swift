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
                guard
                    FileManager.default.createFile(
                        atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8),
                        attributes: [.posixPermissions: 0o640])
                else {
                    throw Failure.unavailable("cannot write \(path)")
                }
                print("\(replaced ? "Changed the password of" : "Added") \(name) in \(path).")
            }
        }
    }
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
