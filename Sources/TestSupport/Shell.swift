import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `bash -c command` in `directory` and returns its combined output; throws when it exits non-zero.
/// posix_spawn + waitpid rather than Foundation's Process, whose waitUntilExit can hang in a test process, and a
/// file rather than a pipe, since daemons the command starts may hold a pipe open long after it exits.
@discardableResult
public func shell(_ command: String, in directory: String, environment: [String: String] = [:]) throws -> String {
    let outputPath = NSTemporaryDirectory() + "whatsorder-shell-\(UUID().uuidString)"
    defer { unlink(outputPath) }
    // NB: on its own line, not `cd … && command`: there a command ending in `&` (a daemon) would put the `cd` and
    // the daemon together in a background subshell, and `$!` would name that subshell, not the daemon.
    let script = "cd '\(directory)' || exit 1\n\(command)"
    let pid = try spawn(
        ["/bin/bash", "-c", script], environment: environment, output: outputPath, append: false, ownGroup: false)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    let exited = (status & 0x7f) == 0
    let code = (status >> 8) & 0xff
    guard exited && code == 0 else {
        throw StubError("`\(command)` failed (status \(status)):\n\(text)")
    }
    return text
}

/// Starts `argv` (an absolute path first) with stdin from /dev/null and stdout and stderr to `output`, in the test
/// process's environment minus `WHATSORDER_CONFIG` plus `environment`; with `ownGroup`, as the leader of a new
/// process group. Returns its pid; the caller waits for it.
func spawn(_ argv: [String], environment: [String: String], output: String, append: Bool, ownGroup: Bool) throws
    -> pid_t
{
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "WHATSORDER_CONFIG")
    for (key, value) in environment { env[key] = value }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(
        &actions, 1, output, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let arguments = argv.map { strdup($0) } + [nil]
    let environmentStrings = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for pointer in arguments { free(pointer) }
        for pointer in environmentStrings { free(pointer) }
    }
    // NB: a test runner's threads may block or ignore signals; daemons started from here must still stop on
    // SIGTERM, so the child starts with an empty mask and default dispositions.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGCHLD, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    if ownGroup {
        posix_spawnattr_setpgroup(&attributes, 0)
        flags |= POSIX_SPAWN_SETPGROUP
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, arguments, environmentStrings)
    guard spawned == 0 else { throw StubError("posix_spawn \(argv[0]) failed: \(spawned)") }
    return pid
}
