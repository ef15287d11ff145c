import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The worker's own life as a FastCGI responder, without nginx: libfcgi's `cgi-fcgi` is the client.
@Suite(.serialized) struct FastCGILifecycleTests {
    let directory = NSTemporaryDirectory() + "whatsorder-fcgi-\(UUID().uuidString.prefix(8))"

    /// The worker, owned by the test: stopped with its process group and waited for on every path.
    func start(_ arguments: [String]) throws -> OwnedProcess {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "WHATSAPP_VERIFY_TOKEN=t0ken\nDATABASE_URL=sqlite://\(directory)/none.sqlite3\n".write(
            toFile: directory + "/whatsorder.env", atomically: true, encoding: .utf8)
        // spawn-fcgi -n execs the handler itself on the socket (no fork), so the owned process is the worker.
        let worker = try OwnedProcess(
            ["spawn-fcgi", "-n", "-s", "\(directory)/w.sock", "--", "cgi-bin/whatsapp-webhook"] + arguments,
            in: Stack.root, environment: ["WHATSORDER_CONFIG": "\(directory)/whatsorder.env"])
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: "\(directory)/w.sock") { usleep(100_000) }
        return worker
    }

    func handshake() throws -> String {
        try shell(
            "REQUEST_METHOD=GET QUERY_STRING='hub.mode=subscribe&hub.challenge=99&hub.verify_token=t0ken' "
                + "cgi-fcgi -bind -connect \(directory)/w.sock", in: Stack.root)
    }

    /// One request at a time, and a threaded worker (`--threads`), whose main thread must stop its threads.
    static let kinds: [[String]] = [[], ["--threads", "4"]]

    @Test(arguments: kinds)
    func aWorkerExitsAfterMaxRequests(threads: [String]) throws {
        let worker = try start(["--max-requests", "3"] + threads)
        defer {
            worker.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        for _ in 0..<3 {
            let answer = try handshake()
            #expect(answer.hasPrefix("Status: 200 OK\r\n"))
            #expect(answer.hasSuffix("\r\n\r\n99"))
        }
        #expect(worker.waitForExit(within: 5) == 0)
    }

    @Test(arguments: kinds)
    func anIdleWorkerStopsOnSIGTERM(threads: [String]) throws {
        let worker = try start(threads)
        defer {
            worker.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        #expect(try handshake().hasPrefix("Status: 200 OK\r\n"))
        worker.signal(SIGTERM)
        #expect(worker.waitForExit(within: 2) == 0)
    }
}
