import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A long-running process a test starts (a worker, an nginx, a lock holder), owned like a `defer`: it leads its own
/// process group, and `stop()`, or the owner going away on any path (a failed expectation, a thrown error), ends
/// the whole group and waits until every member is gone. A test never leaves it running for the next one.
public final class OwnedProcess: @unchecked Sendable {
    public let pid: pid_t
    public let arguments: [String]
    private let lock = NSLock()
    private var exitStatus: Int32?
    private var stopped = false

    /// Starts `arguments` (looked up on PATH) in `directory`, with the test process's environment minus
    /// `WHATSORDER_CONFIG`, plus `environment`. Its stdin is /dev/null; stdout and stderr go to `output` (appended)
    /// or /dev/null.
    public init(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], output: String? = nil
    ) throws {
        precondition(!arguments.isEmpty, "OwnedProcess needs a command")
        self.arguments = arguments
        // bash only changes directory and execs the command: the pid is the command's own. Its own process group
        // (pid = group id), so stopping it reaches what it forks, and a signal meant for the test runner's group
        // never reaches it.
        pid = try spawn(
            ["/bin/bash", "-c", "cd \"$1\" || exit 127; shift; exec \"$@\"", "bash", directory] + arguments,
            environment: environment, output: output ?? "/dev/null", append: true, ownGroup: true)
    }

    deinit { stop() }

    /// True until the process has exited (its group's other members aside).
    public var isRunning: Bool { lock.withLock { collect(blocking: false) } == nil }

    /// Waits up to `seconds` for the process to exit by itself; its exit status (as `waitpid` gives it), or nil
    /// if it is still running.
    @discardableResult
    public func waitForExit(within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let status = lock.withLock({ collect(blocking: false) }) { return status }
            if Date() >= deadline { return nil }
            usleep(10_000)
        }
    }

    /// Sends `signal` to the process alone (not its group).
    public func signal(_ number: Int32) {
        lock.withLock {
            if exitStatus == nil { kill(pid, number) }
        }
    }

    /// Ends the process group: SIGTERM, then SIGKILL after `grace` seconds, and returns once the leader is reaped
    /// and no member of its group is alive. Safe to call again.
    public func stop(grace: Double = 5) {
        lock.lock()
        defer { lock.unlock() }
        if stopped { return }
        stopped = true
        kill(-pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if collect(blocking: false) != nil && ProcessTable.liveMembers(ofGroup: pid).isEmpty { return }
            usleep(10_000)
        }
        kill(-pid, SIGKILL)
        _ = collect(blocking: true)
        // Members killed with the leader are someone else's to reap (their own parent, or the subreaper); they are
        // gone once not one of them is alive.
        let killDeadline = Date().addingTimeInterval(5)
        while !ProcessTable.liveMembers(ofGroup: pid).isEmpty && Date() < killDeadline { usleep(10_000) }
    }

    /// Reaps the process if it exited; its status once it has. The caller holds `lock`.
    private func collect(blocking: Bool) -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid {
                exitStatus = status
                return status
            }
            if result < 0 && errno == EINTR { continue }
            if result < 0 {
                // Reaped elsewhere (never here: nothing else waits for it), treat as gone.
                exitStatus = -1
                return -1
            }
            return nil
        }
    }
}

/// What /proc says about the processes on this machine, for tests that must prove something is no longer running.
public enum ProcessTable {
    public struct Entry: Sendable, CustomStringConvertible {
        public var pid: pid_t
        public var parent: pid_t
        public var group: pid_t
        public var state: Character
        public var commandLine: [String]
        public var description: String { "pid \(pid): \(commandLine.joined(separator: " "))" }
    }

    /// Every process alive now (zombies left out: they hold no resources but their pid).
    public static func alive() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { name -> Entry? in
            guard let pid = pid_t(name), let entry = entry(pid), entry.state != "Z" else { return nil }
            return entry
        }
    }

    /// Waits up to `seconds` until none of `pids` is alive; true when none is.
    @discardableResult
    public static func waitUntilGone(_ pids: [pid_t], within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let alive = Set(alive().map(\.pid))
            if !pids.contains(where: alive.contains) { return true }
            if Date() >= deadline { return false }
            usleep(10_000)
        }
    }

    /// Live members of process group `group`.
    public static func liveMembers(ofGroup group: pid_t) -> [Entry] {
        alive().filter { $0.group == group }
    }

    /// Live processes whose command line contains `text`, or whose environment holds exactly `variable`
    /// (`NAME=value`). Processes of other users, whose environment cannot be read, are matched by command line.
    public static func alive(mentioning text: String, orWithEnvironment variable: String? = nil) -> [Entry] {
        let me = getpid()
        return alive().filter { entry in
            guard entry.pid != me else { return false }
            if entry.commandLine.contains(where: { $0.contains(text) }) { return true }
            guard let variable else { return false }
            return nulSeparated("/proc/\(entry.pid)/environ").contains(variable)
        }
    }

    static func entry(_ pid: pid_t) -> Entry? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // The command name in parentheses may hold spaces and parentheses: the fields start after the last ')'.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 3, let state = fields[0].first, let parent = pid_t(fields[1]),
            let group = pid_t(fields[2])
        else { return nil }
        return Entry(
            pid: pid, parent: parent, group: group, state: state, commandLine: nulSeparated("/proc/\(pid)/cmdline"))
    }

    static func nulSeparated(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }
}
