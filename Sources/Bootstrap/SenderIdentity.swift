import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// A sender process as its claims name it: `host/pid:start-time` (the start time in clock ticks since boot, field
/// 22 of /proc/PID/stat). A pid alone is not enough: the kernel reuses them, and a new process under an old pid
/// would look alive. The start time changes with the process, so a restarted box or a reused pid reads as gone. The
/// host name, because with a shared PostgreSQL another machine's sender claims rows too, and its pids mean nothing
/// here.
public enum SenderIdentity {
    /// This process.
    public static var current: String {
        let pid = getpid()
        return "\(hostName)/\(pid):\(startTime(of: pid) ?? "?")"
    }

    /// Whether the process that wrote `owner` still runs. An owner on another machine, or one that does not read
    /// as `pid:start`, is treated as running: its rows wait out their lease.
    public static func isRunning(_ owner: String) -> Bool {
        var owner = Substring(owner)
        if let slash = owner.lastIndex(of: "/") {
            guard owner[..<slash] == hostName else { return true }
            owner = owner[owner.index(after: slash)...]
        }
        let parts = owner.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, parts[1] != "?" else { return true }
        return startTime(of: pid) == parts[1]
    }

    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Field 22 of /proc/PID/stat, or nil when there is no such process or it has died: a killed sender whose
    /// parent has not reaped it yet (a zombie, state Z) holds no rows.
    static func startTime(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return String(fields[19])
    }
}
