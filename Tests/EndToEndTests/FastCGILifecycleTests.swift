import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The worker's own life as a FastCGI responder, without nginx: libfcgi's `cgi-fcgi` is the client.
@Suite(.serialized) struct FastCGILifecycleTests {
    let directory = NSTemporaryDirectory() + "whatsorder-fcgi-\(UUID().uuidString.prefix(8))"

    func start(_ arguments: String) throws -> Int32 {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "WHATSAPP_VERIFY_TOKEN=t0ken\nDATABASE_URL=sqlite://\(directory)/none.sqlite3\n".write(
            toFile: directory + "/whatsorder.env", atomically: true, encoding: .utf8)
        // spawn-fcgi -n execs the handler itself on the socket (no fork), so $! is the worker.
        let pid = try shell(
            "WHATSORDER_CONFIG=\(directory)/whatsorder.env setsid spawn-fcgi -n -s \(directory)/w.sock -- "
                + "cgi-bin/whatsapp-webhook \(arguments) >/dev/null 2>&1 & echo $!; "
                + "for i in $(seq 50); do [ -S \(directory)/w.sock ] && break; sleep 0.1; done",
            in: Stack.root)
        return try #require(Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func handshake() throws -> String {
        try shell(
            "REQUEST_METHOD=GET QUERY_STRING='hub.mode=subscribe&hub.challenge=99&hub.verify_token=t0ken' "
                + "cgi-fcgi -bind -connect \(directory)/w.sock", in: Stack.root)
    }

    func exits(_ pid: Int32, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if kill(pid, 0) != 0 { return true }
            // An exited process nobody has reaped yet is a zombie: state Z in /proc/<pid>/stat.
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if let close = stat.lastIndex(of: ")"), stat[close...].dropFirst(2).first == "Z" { return true }
            usleep(20_000)
        }
        return false
    }

    /// One request at a time, and a threaded worker (`--threads`), whose main thread must stop its threads.
    static let kinds = ["", "--threads 4"]

    @Test(arguments: kinds)
    func aWorkerExitsAfterMaxRequests(threads: String) throws {
        let pid = try start("--max-requests 3 \(threads)")
        defer {
            kill(pid, SIGKILL)
            try? FileManager.default.removeItem(atPath: directory)
        }
        for _ in 0..<3 {
            let answer = try handshake()
            #expect(answer.hasPrefix("Status: 200 OK\r\n"))
            #expect(answer.hasSuffix("\r\n\r\n99"))
        }
        #expect(exits(pid, within: 5))
    }

    @Test(arguments: kinds)
    func anIdleWorkerStopsOnSIGTERM(threads: String) throws {
        let pid = try start(threads)
        defer {
            kill(pid, SIGKILL)
            try? FileManager.default.removeItem(atPath: directory)
        }
        #expect(try handshake().hasPrefix("Status: 200 OK\r\n"))
        kill(pid, SIGTERM)
        #expect(exits(pid, within: 2))
    }
}
