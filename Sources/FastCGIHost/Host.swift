import CFastCGI
import Gateway

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a handler in whichever mode the process was started in. `FCGX_IsCGI()` tells: under spawn-fcgi fd 0 is a
/// listening socket (FastCGI), otherwise the request is in the environment and on stdin (CGI, fcgiwrap, a pipe).
public enum Host {
    public struct Options: Sendable {
        /// FastCGI only: exit after this many requests (a recycled worker; multiwatch starts a fresh one).
        public var maxRequests: Int?
        public var maximumBodyBytes: Int
        /// FastCGI only, and only through `serveConcurrently`: requests one process serves at once, each on its
        /// own thread (`--threads N`).
        public var threads: Int

        public init(maxRequests: Int? = nil, maximumBodyBytes: Int = BodyPlan.maximumBytes, threads: Int = 1) {
            self.maxRequests = maxRequests
            self.maximumBodyBytes = maximumBodyBytes
            self.threads = threads
        }

        /// The options this process was started with. nginx and fcgiwrap pass no arguments, so a CGI process
        /// does not build `CommandLine.arguments` at all.
        public static func fromCommandLine() -> Options {
            CommandLine.argc > 1 ? parse(CommandLine.arguments) : Options()
        }

        /// `--max-requests N` and `--threads N` from the command line; anything else is ignored, since nginx
        /// passes no arguments.
        public static func parse(_ arguments: [String]) -> Options {
            func count(_ name: String, upTo limit: Int) -> Int? {
                guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count,
                    let value = Int(arguments[index + 1]), value > 0
                else { return nil }
                return min(value, limit)
            }
            var options = Options()
            options.maxRequests = count("--max-requests", upTo: Int.max)
            options.threads = count("--threads", upTo: 64) ?? 1
            return options
        }
    }

    /// As `serve`, for a handler that is safe to call from several threads at once: a FastCGI worker started
    /// with `--threads N` serves N requests at a time. CGI serves one whatever the options say.
    public static func serveConcurrently(options: Options, handler: @escaping @Sendable (Request) -> Outcome) {
        signal(SIGPIPE, SIG_IGN)
        if FCGX_IsCGI() != 0 {
            serveCGI(options: options, handler: handler)
        } else if options.threads > 1 {
            ThreadedWorker(options: options, handler: handler).run()
        } else {
            serveFastCGI(options: options, handler: handler)
        }
    }

    /// Serves requests one at a time (`options.threads` is not looked at: `handler` need not be thread-safe).
    public static func serve(options: Options, handler: (Request) -> Outcome) {
        // A client that goes away mid-answer must not kill the process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        if FCGX_IsCGI() != 0 {
            serveCGI(options: options, handler: handler)
        } else {
            serveFastCGI(options: options, handler: handler)
        }
    }

    // MARK: - CGI: one request from environ and stdin, answer on stdout, then return.

    static func serveCGI(options: Options, handler: (Request) -> Outcome) {
        let params = Request.variables(environ)
        let outcome = respond(
            to: params, options: options, handler: handler,
            read: { buffer, count in read(0, buffer, count) },
            // NB: fcgiwrap answers 502 instead of our 413 when it cannot write the body into our stdin, so a CGI
            // process discards what it is sent, up to a bound, before answering. FastCGI needs no such thing.
            beforeRejecting: { discardInput(upTo: 8 * 1024 * 1024) })
        writeAll(outcome.response.serialized()) { buffer, count in write(1, buffer, count) }
        // Close stdout so fcgiwrap (or a pipe reader) sees the end of the answer before the follow-up runs.
        let devNull = open("/dev/null", O_WRONLY)
        if devNull >= 0 {
            dup2(devNull, 1)
            close(devNull)
        }
        outcome.afterResponse?()
    }

    /// The body rules shared by both modes: reject before reading, read exactly `CONTENT_LENGTH`, refuse a short
    /// body, and only then call the handler.
    /// `afterBody` runs once the whole body is in, before the handler (FastCGI reads its stream's end there).
    static func respond(
        to params: [String: String], options: Options, handler: (Request) -> Outcome,
        read: (UnsafeMutableRawPointer, Int) -> Int, beforeRejecting: () -> Void = {}, afterBody: () -> Void = {}
    ) -> Outcome {
        switch BodyPlan.plan(params: params, maximumBytes: options.maximumBodyBytes) {
        case .reject(let response):
            beforeRejecting()
            return Outcome(response)
        case .read(let length):
            let body = readExactly(length, using: read)
            guard body.count == length else { return Outcome(BodyPlan.truncated) }
            afterBody()
            return handler(Request(params: params, body: body))
        }
    }

    static func discardInput(upTo limit: Int) {
        var scratch = [UInt8](repeating: 0, count: 65536)
        var total = 0
        while total < limit {
            let got = scratch.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { return }
            total += got
        }
    }

    // MARK: - FastCGI: the FCGX accept loop; SIGTERM finishes the current request, then the loop ends.

    static func serveFastCGI(options: Options, handler: (Request) -> Outcome) {
        guard FCGX_Init() == 0 else {
            writeStderr("whatsorder: FCGX_Init failed\n")
            return
        }
        installTerminationHandler()
        wo_keep_heap_between_requests()
        var request = FCGX_Request()
        guard FCGX_InitRequest(&request, 0, 0) == 0 else {
            writeStderr("whatsorder: FCGX_InitRequest failed\n")
            return
        }
        var served = 0
        while terminationRequested == 0 {
            if let limit = options.maxRequests, served >= limit { break }
            guard FCGX_Accept_r(&request) >= 0 else { break }
            served += 1
            serveAccepted(&request, options: options, handler: handler)
        }
        FCGX_Free(&request, 1)
    }

    /// One accepted request: its body, the handler, the answer, the close, then the handler's follow-up.
    static func serveAccepted(_ request: inout FCGX_Request, options: Options, handler: (Request) -> Outcome) {
        let input = request.in
        let outcome = respond(
            to: Request.variables(request.envp), options: options, handler: handler,
            read: { buffer, count in
                Int(FCGX_GetStr(buffer.assumingMemoryBound(to: CChar.self), Int32(count), input))
            },
            afterBody: {
                // nginx sends the stream's closing record right behind the body, so this read does not wait.
                withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { scratch in
                    while FCGX_GetStr(scratch.baseAddress, 512, input) > 0 {}
                }
            })
        let output = request.out
        writeAll(outcome.response.serialized()) { buffer, count in
            Int(FCGX_PutStr(buffer.assumingMemoryBound(to: CChar.self), Int32(count), output))
        }
        finish(&request)
        outcome.afterResponse?()
    }

    /// Ends a request without libfcgi's lingering close when nothing is left to read. `FCGX_Finish_r` would
    /// `shutdown` the socket and then wait in `poll` until nginx closes its end: a sleep and a wake-up on every
    /// request, to guard against unread input that a close would turn into a reset. Once stdin was read to its
    /// end (`afterBody`), there is none: flush the answer and the end-of-request record, close, and let libfcgi free
    /// the rest. A request answered before its body was read (a 413) keeps libfcgi's lingering close.
    static func finish(_ request: inout FCGX_Request) {
        if request.keepConnection == 0, request.ipcFd >= 0, FCGX_HasSeenEOF(request.in) != 0,
            FCGX_GetError(request.in) == 0
        {
            FCGX_FClose(request.err)
            FCGX_FClose(request.out)
            close(request.ipcFd)
            request.ipcFd = -1
        }
        FCGX_Finish_r(&request)
    }

    // MARK: - I/O helpers

    /// Reads until `count` bytes arrived or the source ends (a short result means a truncated body).
    static func readExactly(_ count: Int, using read: (UnsafeMutableRawPointer, Int) -> Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while filled < count {
                let got = read(base + filled, count - filled)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { break }
                filled += got
            }
        }
        return Array(bytes[0..<filled])
    }

    static func writeAll(_ bytes: [UInt8], using write: (UnsafeMutableRawPointer, Int) -> Int) {
        var bytes = bytes
        var sent = 0
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while sent < buffer.count {
                let wrote = write(base + sent, buffer.count - sent)
                if wrote < 0 && errno == EINTR { continue }
                if wrote <= 0 { break }
                sent += wrote
            }
        }
    }

    static func writeStderr(_ text: String) {
        writeAll(Array(text.utf8)) { buffer, count in write(2, buffer, count) }
    }
}

// NB: a signal handler may only touch async-signal-safe state: one flag and libfcgi's own shutdown flag.
nonisolated(unsafe) var terminationRequested: sig_atomic_t = 0

func installTerminationHandler() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
        terminationRequested = 1
        FCGX_ShutdownPending()
    }
    sigemptyset(&action.sa_mask)
    // No SA_RESTART: a worker idle in accept() must wake up and leave when told to stop.
    action.sa_flags = 0
    sigaction(SIGTERM, &action, nil)
    sigaction(SIGINT, &action, nil)
    // A parent may have started us with these blocked (masks are inherited); a worker that cannot be stopped
    // makes every restart wait for SIGKILL.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGTERM)
    sigaddset(&unblock, SIGINT)
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
}
