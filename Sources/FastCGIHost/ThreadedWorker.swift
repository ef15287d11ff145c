import CFastCGI
import Gateway

#if canImport(Glibc)
    import Glibc
#endif

/// A FastCGI worker that serves `options.threads` requests at once, each thread looping on its own
/// `FCGX_Request` (the threaded use libfcgi's `FCGX_Accept_r` is made for). What it buys is not parallel CPU (two
/// single-threaded processes have that) but requests in hand together: their database work can share one commit
/// (Storage's `GroupCommit`), and the process keeps one connection whose page cache no other worker invalidates.
///
/// Stopping: the workers run with SIGTERM and SIGINT blocked, so those reach only the main thread, which waits in
/// `ppoll` with them unblocked. It then marks libfcgi's shutdown, interrupts the one worker blocked in `accept`
/// (SIGUSR2, whose handler does nothing), and waits until every worker has finished the request it holds.
final class ThreadedWorker: @unchecked Sendable {
    private let options: Host.Options
    private let handler: @Sendable (Request) -> Outcome
    /// Only one thread waits in accept at a time: no thundering herd, and one thread to interrupt at shutdown.
    /// NB: pthread mutexes here, whose waiters sleep: with `Synchronization.Mutex` (it spins before it sleeps) for
    /// this worker's locks, the threads queued behind the one in `accept` cost 9% of the messages a second in an
    /// A/B run.
    private let acceptLock: UnsafeMutablePointer<pthread_mutex_t>
    /// Guards `served` and `acceptor`.
    private let stateLock: UnsafeMutablePointer<pthread_mutex_t>
    private var served = 0
    /// The thread blocked in `FCGX_Accept_r`, if any.
    private var acceptor: pthread_t?
    /// Each worker writes a byte here as it ends; the main thread counts them.
    private var ended: (read: Int32, write: Int32) = (-1, -1)

    init(options: Host.Options, handler: @escaping @Sendable (Request) -> Outcome) {
        self.options = options
        self.handler = handler
        acceptLock = .allocate(capacity: 1)
        pthread_mutex_init(acceptLock, nil)
        stateLock = .allocate(capacity: 1)
        pthread_mutex_init(stateLock, nil)
    }

    deinit {
        pthread_mutex_destroy(acceptLock)
        pthread_mutex_destroy(stateLock)
        acceptLock.deallocate()
        stateLock.deallocate()
    }

    func run() {
        guard FCGX_Init() == 0 else {
            Host.writeStderr("whatsorder: FCGX_Init failed\n")
            return
        }
        installTerminationHandler()
        installInterruptHandler()
        wo_keep_heap_between_requests()
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            Host.writeStderr("whatsorder: pipe failed (errno \(errno))\n")
            return
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        ended = (fds[0], fds[1])
        defer {
            close(fds[0])
            close(fds[1])
        }

        var stopping = sigset_t()
        sigemptyset(&stopping)
        sigaddset(&stopping, SIGTERM)
        sigaddset(&stopping, SIGINT)
        var waiting = sigset_t()
        pthread_sigmask(SIG_BLOCK, &stopping, &waiting)
        sigdelset(&waiting, SIGTERM)
        sigdelset(&waiting, SIGINT)
        var threads: [pthread_t] = []
        for _ in 0..<options.threads {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let created = pthread_create(
                &thread, nil,
                { context in
                    guard let context else { return nil }
                    Unmanaged<ThreadedWorker>.fromOpaque(context).takeRetainedValue().work()
                    return nil
                }, context)
            if created == 0 {
                threads.append(thread)
            } else {
                Unmanaged<ThreadedWorker>.fromOpaque(context).release()
                Host.writeStderr("whatsorder: pthread_create failed (\(created))\n")
            }
        }
        // The main thread keeps SIGTERM and SIGINT blocked except inside ppoll: a signal that arrives between the
        // check and the wait is delivered in the wait, never lost.
        var running = threads.count
        var poll = pollfd(fd: ended.read, events: Int16(POLLIN), revents: 0)
        while running > 0 {
            var timeout = timespec(tv_sec: 0, tv_nsec: 20_000_000)
            let stopping = terminationRequested != 0
            if stopping { interruptAcceptor() }
            let ready = stopping ? ppoll(&poll, 1, &timeout, &waiting) : ppoll(&poll, 1, nil, &waiting)
            if ready > 0 {
                var byte: UInt8 = 0
                if read(ended.read, &byte, 1) == 1 { running -= 1 }
            }
        }
        for thread in threads { pthread_join(thread, nil) }
    }

    /// One thread's loop: take the accept lock, accept, serve, until told to stop or the request limit is reached.
    private func work() {
        var request = FCGX_Request()
        if FCGX_InitRequest(&request, 0, 0) == 0 {
            while terminationRequested == 0, claimRequest() {
                pthread_mutex_lock(acceptLock)
                guard terminationRequested == 0 else {
                    pthread_mutex_unlock(acceptLock)
                    break
                }
                setAcceptor(pthread_self())
                let accepted = FCGX_Accept_r(&request)
                setAcceptor(nil)
                pthread_mutex_unlock(acceptLock)
                guard accepted >= 0 else { break }
                Host.serveAccepted(&request, options: options, handler: handler)
            }
            FCGX_Free(&request, 1)
        }
        var byte: UInt8 = 1
        _ = write(ended.write, &byte, 1)
    }

    /// Counts a request against `--max-requests` before it is accepted: false once the process has had its share.
    private func claimRequest() -> Bool {
        pthread_mutex_lock(stateLock)
        defer { pthread_mutex_unlock(stateLock) }
        if let limit = options.maxRequests, served >= limit { return false }
        served += 1
        return true
    }

    private func setAcceptor(_ thread: pthread_t?) {
        pthread_mutex_lock(stateLock)
        acceptor = thread
        pthread_mutex_unlock(stateLock)
    }

    /// libfcgi retries an `accept` interrupted by a signal unless its shutdown flag is set, which the termination
    /// handler did.
    private func interruptAcceptor() {
        pthread_mutex_lock(stateLock)
        if let acceptor { pthread_kill(acceptor, SIGUSR2) }
        pthread_mutex_unlock(stateLock)
    }
}

/// SIGUSR2 only interrupts a blocking call (no SA_RESTART); the handler itself does nothing.
private func installInterruptHandler() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGUSR2, &action, nil)
}
