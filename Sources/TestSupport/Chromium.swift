import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's headless Chromium, for tests that need to see a page as a phone browser renders it.
public enum Chromium {
    /// The chromium binary if installed (/usr/bin/chromium), else nil.
    public static var executable: String? {
        let path = "/usr/bin/chromium"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Seconds before a hung Chromium is killed, with every process it started.
    static let timeoutSeconds = 60

    /// Loads `url` in headless Chromium at a phone-sized window (390x844) and writes a PNG to `path`. Throws with
    /// Chromium's stderr on failure or when no PNG was written.
    public static func screenshot(url: String, to path: String, width: Int = 390, height: Int = 844) throws {
        // NB: Chromium exits 0 even when the page fails to load or the file cannot be written, so the PNG itself is
        // the only proof; a stale one from an earlier run must not count.
        unlink(path)
        let stderr = try run(["--window-size=\(width),\(height)", "--screenshot=\(path)", url])
        let head = FileManager.default.contents(atPath: path)?.prefix(8)
        guard let head, Array(head) == pngSignature else {
            throw StubError("Chromium wrote no PNG at \(path) for \(url):\n\(stderr)")
        }
    }

    /// The DOM after load (`--dump-dom`), for asserting what a real browser parsed.
    public static func dumpDOM(url: String) throws -> String {
        var stdout = ""
        let stderr = try run(["--dump-dom", url], stdout: &stdout)
        guard !stdout.isEmpty else { throw StubError("Chromium dumped no DOM for \(url):\n\(stderr)") }
        return stdout
    }

    /// The first eight bytes of every PNG file.
    public static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Flags that work as root in a container with no display, GPU, D-Bus or large /dev/shm.
    static let flags = [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
        "--no-first-run", "--no-default-browser-check",
    ]

    private static func run(_ arguments: [String]) throws -> String {
        var ignored = ""
        return try run(arguments, stdout: &ignored)
    }

    /// Runs Chromium with a fresh profile and returns its stderr (minus D-Bus noise); throws on a non-zero exit or
    /// a timeout.
    private static func run(_ arguments: [String], stdout: inout String) throws -> String {
        guard let chromium = executable else {
            throw StubError("Chromium is not installed (/usr/bin/chromium): run scripts/install-deps")
        }
        let directory = NSTemporaryDirectory() + "whatsorder-chromium-\(UUID().uuidString)"
        let profile = directory + "/profile"
        let errorPath = directory + "/stderr"
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let argv = [chromium] + flags + ["--user-data-dir=\(profile)"] + arguments
        let errors = quote(errorPath)
        // NB: `timeout` runs Chromium in its own process group and signals the whole group, so the renderer and
        // zygote processes die with the browser; -k follows up with SIGKILL if SIGTERM is ignored.
        let command = """
            timeout -k 5 \(timeoutSeconds) \(argv.map(quote).joined(separator: " ")) 2>\(errors) || { status=$?; \
            if [ $status -eq 124 ] || [ $status -eq 137 ]; then echo "timed out after \(timeoutSeconds) s" >>\(errors); \
            else echo "exit status $status" >>\(errors); fi; exit $status; }
            """
        do {
            stdout = try shell(command, in: directory)
        } catch {
            let stderr = readErrors(errorPath)
            throw StubError(
                "Chromium failed on \(arguments.joined(separator: " ")):\n\(stderr.isEmpty ? "\(error)" : stderr)")
        }
        return readErrors(errorPath)
    }

    /// Chromium's stderr without the dozens of lines about the missing D-Bus, which say nothing about the page.
    private static func readErrors(_ path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.contains("dbus/") }.joined(separator: "\n")
    }

    private static func quote(_ argument: String) -> String {
        "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
