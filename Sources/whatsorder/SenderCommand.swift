import App
import ArgumentParser
import Bootstrap
import CurlHTTP
import Foundation
import HTTPClient
import Storage

/// `whatsorder sender`: the long-lived sender. Waits, in one `curl_multi_poll`, for answers to the requests in
/// flight, a handler's datagram on `OUTBOX_SOCKET`, or the next scheduled retry; records answers and claims what
/// fits in one transaction; checkpoints the WAL now and then, being the one connection that stays open.
struct Sender: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the long-lived outbox sender (a service).")
    @OptionGroup var options: ConfigOptions
    @Option(help: "Look at the outbox at least this often, even without a wake-up (milliseconds).")
    var pollMilliseconds: Int = 2_000
    @Option(
        help:
            "After a wake-up, wait this long for more before claiming (milliseconds): under load one claim then takes many rows."
    )
    var coalesceMilliseconds: Int = 5
    @Option(
        help:
            "How long a claimed row stays this sender's (milliseconds); after a crash it is sent again once this passes."
    )
    var leaseMilliseconds: Int = 60_000
    @Option(
        help: """
            HTTP toward Meta and Paystack: negotiated (HTTP/2 where the server offers it, else HTTP/1.1) or \
            http1.1 (always, for a proxy in the way that mishandles HTTP/2).
            """)
    var http: CurlMultiTransport.Version = .negotiated
    @Option(
        help: "While sends are in flight, claim more only once 1/N of the slots is free (N=1: claim on every answer).")
    var claimFraction: Int = 8
    @Option(
        help: """
            Fold the WAL back into the database this often while there is traffic (milliseconds); 0 leaves it to the \
            handlers' own checkpoints.
            """)
    var checkpointMilliseconds: Int = 20
    @Option(help: "After a few answers, gather more for this long before recording them together (milliseconds).")
    var gatherMilliseconds: Int = 2
    @Option(help: "Trust the certificates in this file instead of the system's (a stand-in with its own, to measure).")
    var caFile: String?

    func run() throws {
        try exitOnFailure {
            var sender = try makeSender(options: options, component: "sender", httpVersion: http, caFile: caFile)
            sender.settings.leaseMilliseconds = Int64(leaseMilliseconds)
            sender.settings.claimFraction = claimFraction
            let config = try options.load()
            let socketPath = config["OUTBOX_SOCKET"]
            let socket = try bindWakeSocket(socketPath)
            defer {
                close(socket)
                unlink(socketPath)
                sender.store.close()
            }
            let stopSignal = try installStopHandler()
            try? sender.store.sqlite?.execute("PRAGMA journal_size_limit = 67108864")
            sender.log.info("listening", ["socket": socketPath, "concurrency": "\(sender.settings.concurrency)"])
            var lastFold = sender.now()
            var completions: [HTTPCompletion] = []
            var due = true
            while senderStopRequested == 0 {
                if due || !completions.isEmpty {
                    do {
                        try sender.pump(completions)
                        completions = []
                    } catch let error as StorageError where error.isBusy {
                        // The answers are kept and recorded on the next round; nothing is sent twice for it.
                        sender.log.warning("database busy; will retry", ["error": "\(error)"])
                    }
                } else {
                    sender.startWaiting()
                }
                if checkpointMilliseconds > 0 && sender.now() - lastFold >= Int64(checkpointMilliseconds) {
                    // A handler that commits past 1,000 WAL pages checkpoints before it answers, and on a year of
                    // data that write is scattered over the file: in the p99 of every request that waits on it.
                    // Folded back here, often and without blocking writers, the handlers' turn seldom comes
                    // (bench/README.md, "A year of data": +12% requests a second, a fifth off the p99). Never
                    // TRUNCATE here, as this loop once did every 30 s: it holds writers back until every reader has
                    // left the WAL, a stall of 100 ms and more in the p99 of a busy year.
                    try? sender.store.foldWAL()
                    lastFold = sender.now()
                }
                // A busy read only shortens the wait; the answers in hand are never dropped for it.
                let wait =
                    (try? sender.nextWake(poll: Int64(pollMilliseconds), idle: idleRetryMilliseconds))
                    ?? idleRetryMilliseconds
                let waitedFrom = sender.now()
                completions += sender.transport.wait(milliseconds: Int(wait), descriptors: [socket, stopSignal])
                var woken = false
                var buffer = [UInt8](repeating: 0, count: 64)
                while recv(socket, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 { woken = true }
                if woken && sender.transport.inFlight == 0 && coalesceMilliseconds > 0 && senderStopRequested == 0 {
                    // Idle and woken: a burst's first message is rarely alone, so one claim takes the rest too.
                    usleep(UInt32(coalesceMilliseconds) * 1000)
                    while recv(socket, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 {}
                } else if gatherMilliseconds > 0 && !completions.isEmpty && completions.count < 8
                    && sender.transport.inFlight > 0
                {
                    // A few answers: the next are usually a millisecond away; record them together.
                    completions += sender.transport.wait(milliseconds: gatherMilliseconds, descriptors: [])
                }
                due = woken || sender.now() - waitedFrom >= wait
            }
            do {
                try sender.drain(completions, limit: 20_000)
            } catch {
                sender.log.warning(
                    "stopped with answers unrecorded; the next sender takes their rows back", ["error": "\(error)"])
            }
            sender.log.info("stopped")
        }
    }

    func bindWakeSocket(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.internal("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw Failure.configuration("OUTBOX_SOCKET is too long for a unix socket path")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // A socket file left by a sender that was killed would make bind fail.
        unlink(path)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw Failure.unavailable("cannot listen on \(path): errno \(errno)")
        }
        // Handlers run as the sender's user in every mode (the CGI unit included); the group is nginx's way in to
        // the sockets, and a wake-up carries no data, so the group may send one too. Nobody else.
        chmod(path, 0o660)
        return fd
    }
}

// NB: a signal handler may only touch async-signal-safe state: a flag, and one byte into a pipe that the main
// loop polls, so SIGTERM ends the wait at once whichever thread the kernel delivered it to.
nonisolated(unsafe) private var senderStopRequested: sig_atomic_t = 0
nonisolated(unsafe) private var stopPipeWriteEnd: Int32 = -1

/// Returns the read end of the self-pipe.
private func installStopHandler() throws -> Int32 {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { throw Failure.internal("pipe: errno \(errno)") }
    for end in ends {
        _ = fcntl(end, F_SETFL, O_NONBLOCK)
        _ = fcntl(end, F_SETFD, FD_CLOEXEC)
    }
    stopPipeWriteEnd = ends[1]
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
        senderStopRequested = 1
        var byte: UInt8 = 1
        _ = write(stopPipeWriteEnd, &byte, 1)
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGTERM, &action, nil)
    sigaction(SIGINT, &action, nil)
    // Masks are inherited: a sender started with SIGTERM blocked could only be stopped with SIGKILL.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGTERM)
    sigaddset(&unblock, SIGINT)
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
    return ends[0]
}

extension CurlMultiTransport.Version: ExpressibleByArgument {}
