import CurlHTTP
import Foundation
import HTTPClient
import Paystack
import PostgresStorage
import Storage
import TestSupport
import Testing
import WhatsApp

/// A real WhatsOrder stack for one test: nginx on a free loopback port, the installed binaries from cgi-bin/
/// (FastCGI under spawn-fcgi + multiwatch, or CGI under fcgiwrap), a fresh SQLite database, and a stub of Meta's
/// Graph API. Started and stopped with the same scripts/stack a developer uses.
final class Stack: @unchecked Sendable {
    enum Mode: String, CaseIterable, Sendable, CustomStringConvertible {
        case fastcgi, cgi
        var description: String { rawValue }
    }

    static let appSecret = "e2e-app-secret-0123456789"
    static let verifyToken = "e2e-verify-token"
    static let accessToken = "EAAe2e-access-token"
    static let phoneNumberID = "106540352242922"
    static let paystackSecret = "sk_test_e2e_secret_key"

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    let mode: Mode
    let directory: String
    let port: Int
    let graph: StubHTTPServer
    let configPath: String
    /// The SQLite file (unused on PostgreSQL).
    let databasePath: String
    let database: Backend
    /// `DATABASE_URL`: the SQLite file, or a schema of its own on the test PostgreSQL server (or the URL given).
    let databaseURL: String

    static let staffNumbers = ["2348099990001", "2348099990002"]
    static let businessNumber = "+234 800 000 0000"

    /// The Graph API stand-in is no number on a Meta tier, so the stack sends as fast as it can (`SEND_RATE_LIMIT`
    /// is tested against the sender itself, in AppTests).
    /// `verify` is the Paystack stub's answer to `transaction/verify`; reconcile runs only when a test runs it
    /// (`reconcile()`), unless `reconcileLoop` starts the stack's own every-minute loop. `threads` is the WhatsApp
    /// webhook's `--threads` (scripts/stack's default when nil: one process serving 16 at once). `staffWrote`: the
    /// staff numbers have written to the business within the day, so alerts to them go out as text.
    init(
        mode: Mode, database: Backend = .sqlite, databaseURL: String? = nil, sender: Bool = true, workers: Int = 2,
        threads: Int? = nil, reconcileLoop: Bool = false,
        dev: Bool = false, databaseDirectory: String? = nil, staffWrote: Bool = true, extraConfig: String = "",
        verify: @escaping @Sendable (String) -> StubHTTPServer.StubResponse = { _ in PaystackStub.notFound() },
        graphHandler: (@Sendable (StubHTTPServer.RecordedRequest, Int) -> StubHTTPServer.StubResponse)? = nil
    ) throws {
        self.mode = mode
        self.database = database
        for binary in [
            "whatsapp-webhook", "paystack-webhook", "payment-return", "order-board", "whatsorder", "handlers-postgres",
        ]
        where !FileManager.default.isExecutableFile(
            atPath: "\(Stack.root)/cgi-bin/\(binary)")
        {
            throw StubError(
                "cgi-bin/\(binary) is missing: the end-to-end tests run the installed binaries (make test builds them)")
        }
        directory = NSTemporaryDirectory() + "whatsorder-e2e-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try freePort()
        graph = try graphHandler.map { try StubHTTPServer(handler: $0) } ?? GraphStub.start(verify: verify)
        configPath = directory + "/whatsorder.env"
        databasePath = (databaseDirectory ?? directory) + "/whatsorder.sqlite3"
        self.databaseURL =
            try databaseURL ?? (database == .sqlite ? "sqlite://\(databasePath)" : Backend.freshSchemaURL())
        try """
        DATABASE_URL=\(self.databaseURL)
        WHATSAPP_VERIFY_TOKEN=\(Stack.verifyToken)
        WHATSAPP_APP_SECRET=\(Stack.appSecret)
        WHATSAPP_ACCESS_TOKEN=\(Stack.accessToken)
        WHATSAPP_PHONE_NUMBER_ID=\(Stack.phoneNumberID)
        WHATSAPP_GRAPH_URL=\(dev ? "http://127.0.0.1:\(port)/dev/graph" : graph.baseURL)
        OUTBOX_SOCKET=\(directory)/run/sender.sock
        WHATSORDER_URL=http://127.0.0.1:\(port)
        RESTAURANT_NAME=Mama Put Kitchen
        PAYSTACK_API_URL=\(dev ? "http://127.0.0.1:\(port)/dev/paystack" : graph.baseURL + "/paystack")
        PAYSTACK_SECRET_KEY=\(Stack.paystackSecret)
        PAYSTACK_CALLBACK_URL=https://food.example.com/payments/return/
        DELIVERY_FEE=50000
        STAFF_WHATSAPP_NUMBERS=\(Stack.staffNumbers.map { "+" + $0 }.joined(separator: ", "))
        WHATSAPP_BUSINESS_NUMBER=\(Stack.businessNumber)
        PAYMENT_RECONCILE_AGE=0
        STAFF_SECRET=e2e-staff-secret-0123456789
        STAFF_HTPASSWD=\(directory)/staff.htpasswd
        SENDER_LOG_FILE=\(directory)/log/fallback-sender.log
        LOG_LEVEL=info
        SEND_RATE_LIMIT=1000000
        \(extraConfig)
        """.write(toFile: configPath, atomically: true, encoding: .utf8)
        try run(
            "cgi-bin/whatsorder migrate --config \(configPath) && cgi-bin/whatsorder seed-menu --config \(configPath)")
        if staffWrote {
            // The staff numbers wrote to the business this morning, as their phones do once a day: WhatsApp's
            // 24-hour window for alerts to them is open. (StaffChatTests sends such messages through the webhook.)
            let store = try openStore()
            defer { store.close() }
            for (index, number) in Stack.staffNumbers.enumerated() {
                _ = try store.recordStaffInbound(
                    providerID: "wamid.staff.morning\(index)", number: number, replyTo: nil, summary: "morning",
                    now: Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000)
            }
        }
        let senderFlag =
            (sender ? "" : " --no-sender") + (reconcileLoop ? "" : " --no-reconcile") + (dev ? " --dev" : "")
            + (threads.map { " --threads \($0)" } ?? "")
        do {
            try run(
                "scripts/stack start --dir \(directory) --port \(port) --mode \(mode.rawValue) --workers \(workers)"
                    + " --config \(configPath)\(senderFlag)")
        } catch {
            // A start that failed half-way may have left some services running.
            stop()
            throw error
        }
    }

    /// The stack the platform suites share: FastCGI with its sender daemon and a worker per core, or CGI under
    /// fcgiwrap without one, so replies go out through the handlers' fallback `outbox send --once`.
    static func standard(_ mode: Mode) throws -> Stack {
        try Stack(mode: mode, sender: mode == .fastcgi, workers: mode == .fastcgi ? 2 : 4)
    }

    /// Posts `body` as Meta delivers a webhook: again after every answer that is not a 200 (or no answer), up to
    /// `tries` times, `pause` microseconds apart. How many posts it took, or nil when none was accepted.
    func deliverLikeMeta(_ body: [UInt8], tries: Int = 40, pause: useconds_t = 100_000, transport: CurlTransport? = nil)
        -> Int?
    {
        for attempt in 1...tries {
            if attempt > 1 { usleep(pause) }
            if let response = try? post(body, transport: transport), response.status == 200 { return attempt }
        }
        return nil
    }

    /// The sender daemon's pid, as `scripts/stack` (or `startSender`) recorded it.
    func senderPID() throws -> Int32 {
        let text = try String(contentsOfFile: "\(directory)/run/sender.pid", encoding: .utf8)
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Starts a sender daemon the way `scripts/stack` does, recording its pid where `stop()` finds it.
    func startSender(_ arguments: String = "") throws {
        try run(
            "setsid cgi-bin/whatsorder sender --config \(configPath) \(arguments)"
                + " >>\(directory)/log/sender.log 2>&1 & echo $! >\(directory)/run/sender.pid")
    }

    private let stopLock = NSLock()
    private var stopped = false

    /// Stops every process of the stack and waits for them (scripts/stack stop), then checks that none is left: a
    /// process whose command line names the stack's directory or whose environment carries its configuration is
    /// recorded as a failure of the running test, and killed. Runs once, however often it is called.
    func stop() {
        let first = stopLock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        _ = try? run("scripts/stack stop --dir \(directory)")
        graph.stop()
        let left = ProcessTable.alive(
            mentioning: directory + "/", orWithEnvironment: "WHATSORDER_CONFIG=\(configPath)")
        if !left.isEmpty {
            Issue.record("the stack in \(directory) left processes running after its stop:\n\(left.map(\.description))")
            for entry in left { kill(entry.pid, SIGKILL) }
            ProcessTable.waitUntilGone(left.map(\.pid), within: 5)
        }
    }

    deinit { stop() }

    var webhookURL: String { "http://127.0.0.1:\(port)/webhooks/whatsapp/" }

    /// POSTs a body signed like Meta (or with the given header) and returns the HTTP status and body.
    func post(_ body: [UInt8], signature: String? = nil, transport: CurlTransport? = nil) throws -> HTTPResponse {
        let header = signature ?? metaSignatureHeader(body: body, appSecret: Stack.appSecret)
        let client = try transport ?? CurlTransport()
        return try client.perform(
            HTTPRequest(
                method: "POST", url: webhookURL,
                headers: [("Content-Type", "application/json"), ("X-Hub-Signature-256", header)], body: body))
    }

    var paystackURL: String { "http://127.0.0.1:\(port)/webhooks/paystack/" }
    var paymentReturnURL: String { "http://127.0.0.1:\(port)/payments/return/" }

    /// POSTs a Paystack event signed with the stack's secret key (or the given header).
    func postPaystack(_ body: [UInt8], signature: String? = nil, transport: CurlTransport? = nil) throws
        -> HTTPResponse
    {
        let header = signature ?? paystackSignatureHeader(body: body, secret: Stack.paystackSecret)
        let client = try transport ?? CurlTransport()
        return try client.perform(
            HTTPRequest(
                method: "POST", url: paystackURL,
                headers: [("Content-Type", "application/json"), ("X-Paystack-Signature", header)], body: body))
    }

    /// One `whatsorder payments reconcile` run, with extra environment (e.g. `PAYMENT_LINK_TTL=0`).
    @discardableResult
    func reconcile(_ environment: String = "") throws -> String {
        try run(
            "\(environment) cgi-bin/whatsorder payments reconcile --config \(configPath) 2>>\(directory)/log/test-reconcile.log"
        )
    }

    func get(_ query: String) throws -> HTTPResponse {
        try CurlTransport().perform(HTTPRequest(method: "GET", url: webhookURL + "?" + query))
    }

    /// A connection to the stack's database, whichever it is.
    func openStore() throws -> Store {
        database == .sqlite
            ? try Store.open(path: databasePath) : Store(database: try PostgresDatabase(url: databaseURL))
    }

    /// A read-only look at the stack's database.
    func count(_ table: String) throws -> Int64 {
        let store = try openStore()
        defer { store.close() }
        return try store.database.query("SELECT count(*) FROM \(table)").first?[0].int64 ?? -1
    }

    func query(_ sql: String) throws -> [SQLRow] {
        let store = try openStore()
        defer { store.close() }
        return try store.database.query(sql)
    }

    func log(_ name: String) -> String {
        (try? String(contentsOfFile: "\(directory)/log/\(name)", encoding: .utf8)) ?? ""
    }

    /// Pids of the running FastCGI workers (multiwatch's children).
    func workerPIDs() throws -> [Int32] {
        let parent = try String(contentsOfFile: "\(directory)/run/whatsapp-webhook.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // Read from /proc rather than running pgrep: the crash test calls this in a tight loop.
        let children = (try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// `cgi-bin/whatsorder ARGS --config <this stack's>`, as staff run it: exit code and output (stdout and stderr).
    func whatsorder(_ arguments: String) throws -> (code: Int32, output: String) {
        let output = try shell(
            "cgi-bin/whatsorder \(arguments) --config \(configPath) 2>&1; echo \"exit=$?\"", in: Stack.root)
        // "\r\n" is one Character in Swift: a CSV's line ends split like any other.
        var lines = output.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        while lines.last == "" { lines.removeLast() }
        let code = lines.last.flatMap { Int32($0.dropFirst("exit=".count)) } ?? -1
        return (code, lines.dropLast().joined(separator: "\n"))
    }

    @discardableResult
    func run(_ command: String) throws -> String {
        try shell(command, in: Stack.root)
    }
}

/// A port nothing listens on right now (the kernel's pick).
/// A port to listen on, below the kernel's range for outgoing connections. A port the kernel hands out for
/// `bind(…, 0)` is one it may also give the next outgoing connection of a parallel test (1,100 of them in
/// ProductionSiteTests) before nginx binds it, and nginx then fails to start with "Address already in use".
func freePort() throws -> Int {
    let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    let lowest = range.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) }
    let below = max(min(lowest ?? 32768, 65536), 12001)
    for _ in 0..<200 {
        let port = Int.random(in: 10000..<below)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if bound == 0 { return port }
    }
    throw StubError("no free port below \(below)")
}

/// Runs `body` on `count` threads at once and waits for all.
func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread {
            body(index)
            group.leave()
        }.start()
    }
    group.wait()
}
