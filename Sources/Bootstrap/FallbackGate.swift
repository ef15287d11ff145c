import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// At most one fallback sender at a time. With no `whatsorder sender` running, every handler that commits a reply
/// used to start its own `outbox send --once`: a burst of 200 messages started 99 of them, 21 at once, all
/// claiming from the same table. Now a handler asks for a pass and starts a sender only when none holds the lock;
/// the one that runs goes round again while passes are asked for.
///
/// The order closes the gap between the two: a handler marks its request (the flag file) before it looks at the
/// lock, and the running sender lets go of the lock before it looks at the flag. Whichever comes second sees the
/// other, so a committed reply always has a pass after it.
public struct FallbackGate: Sendable {
    let lockPath: String
    let flagPath: String

    /// Beside the sender's socket (`OUTBOX_SOCKET`), where the handlers and the sender both write.
    public init(socketPath: String) {
        lockPath = socketPath + ".fallback.lock"
        flagPath = socketPath + ".fallback.again"
    }

    /// A handler's side: asks for a pass. True when no fallback sender holds the lock, so the caller starts one;
    /// false when one runs and will see the request.
    public func request() -> Bool {
        let flag = open(flagPath, O_WRONLY | O_CREAT | O_CLOEXEC, 0o660)
        if flag >= 0 { close(flag) }
        let fd = open(lockPath, O_RDONLY | O_CREAT | O_CLOEXEC, 0o660)
        // Cannot tell (a directory it may not write): start one, as before the gate.
        guard fd >= 0 else { return true }
        defer { close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) == 0
    }

    /// The sender's side: runs `pass` holding the lock, again while passes were asked for during it. Returns
    /// false at once when another fallback sender holds the lock (it will see the request).
    @discardableResult
    public func runExclusively(_ pass: () throws -> Void) rethrows -> Bool {
        var ran = false
        while true {
            let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o660)
            guard fd >= 0 else {
                try pass()
                return true
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                return ran
            }
            unlink(flagPath)
            do {
                try pass()
            } catch {
                close(fd)
                throw error
            }
            ran = true
            close(fd)
            // Asked for again after this pass last looked at the outbox: go round.
            guard access(flagPath, F_OK) == 0 else { return true }
        }
    }
}
