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
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "WHATSORDER_CONFIG")
    for (key, value) in environment { env[key] = value }
    let script = "cd '\(directory)' && \(command)"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv: [String] = ["/bin/bash", "-c", script]
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
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, arguments, environmentStrings)
    guard spawned == 0 else { throw StubError("posix_spawn failed: \(spawned)") }
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
