import App
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Tells the sender there is work (design.md §1): a datagram to `OUTBOX_SOCKET` when `whatsorder sender` runs;
/// otherwise a detached `whatsorder outbox send --once`, so replies still leave within a second with no daemon.
public struct SenderWakeup: Sendable {
    var socketPath: String
    var binary: String
    var configFile: String?
    var logFile: String
    var log: Logger
    /// One datagram socket for the life of the process (a FastCGI worker wakes the sender on every request).
    private let socketBox = SocketBox()

    public init(config: Config, log: Logger) {
        socketPath = config["OUTBOX_SOCKET"]
        let configured = config["WHATSORDER_BIN"]
        binary = configured.isEmpty ? SenderWakeup.besideThisExecutable("whatsorder") : configured
        configFile = config.source
        logFile = config["SENDER_LOG_FILE"]
        self.log = log
    }

    public func wake() {
        if notifyDaemon() { return }
        // One fallback at a time: a running one sees the request and goes round again.
        if FallbackGate(socketPath: socketPath).request() { spawnFallback() }
    }

    /// True when a sender is listening. A full queue (EAGAIN) also means it is alive and will look anyway.
    func notifyDaemon() -> Bool {
        let fd = socketBox.descriptor()
        guard fd >= 0 else { return false }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.enumerated() { buffer[index] = byte }
        }
        var byte: UInt8 = 1
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(fd, &byte, 1, Int32(MSG_DONTWAIT), socketAddress, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return sent == 1 || errno == EAGAIN
    }

    /// `NAME=value` entries of this process's environment that are configuration keys or the basics a process
    /// needs (PATH, HOME, TZ, locale).
    static func senderEnvironment() -> [String] {
        let allowed = Set(Config.keys.map(\.name) + ["PATH", "HOME", "TZ", "LANG", "LC_ALL", "WHATSORDER_CONFIG"])
        var entries: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "="), allowed.contains(String(text[..<equals])) {
                entries.append(text)
            }
            cursor += 1
        }
        return entries
    }

    func spawnFallback() {
        // Children are never waited for: let the kernel reap them, so a FastCGI worker collects no zombies.
        signal(SIGCHLD, SIG_IGN)
        var arguments = [binary, "outbox", "send", "--once"]
        if let configFile { arguments += ["--config", configFile] }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // NB: nothing of ours may stay open in the child: fcgiwrap waits for stdout to close before it finishes the
        // request, and fd 0 may be the FastCGI listening socket.
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let errorPath = logFile.isEmpty ? "/dev/null" : logFile
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_APPEND | O_CREAT, 0o640)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGCHLD)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(posixSpawnSetSID | POSIX_SPAWN_SETSIGDEF))
        var cArguments = arguments.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        // Only what the sender reads: under fcgiwrap the environment also holds the request's CGI variables and
        // every client header as HTTP_*, none of which a sender should see.
        var cEnvironment = Self.senderEnvironment().map { strdup($0) } + [nil]
        defer { for pointer in cEnvironment { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, binary, &actions, &attributes, &cArguments, &cEnvironment)
        if status != 0 {
            log.error("could not start the outbox sender", ["binary": binary, "errno": "\(status)"])
        }
    }

    static func besideThisExecutable(_ name: String) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return name }
        let path = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return name }
        return String(path[...slash]) + name
    }
}

/// glibc's POSIX_SPAWN_SETSID (spawn.h, behind _GNU_SOURCE, so Swift does not import it): the child leads its own
/// session and outlives the handler's process group.
private let posixSpawnSetSID: Int32 = 0x80

/// Made with the wake-up, not on first use: a threaded worker's requests wake the sender from several threads.
private final class SocketBox: Sendable {
    private let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)

    func descriptor() -> Int32 { fd }
}
