import Foundation
import TestSupport
import Testing

/// `make run` as a developer meets it over days: run, stop, delete the database, run again on another port
/// (issue 18, findings 7 and 9). In a directory of its own (VAR_DIR), with the binaries already built.
@Suite(.serialized) struct RunLocalTests {
    @Test func aSecondRunOnAnotherPortKeepsItsFilesPrivateAndFollowsThePort() throws {
        let directory = NSTemporaryDirectory() + "whatsorder-runlocal-\(UUID().uuidString.prefix(8))"
        defer {
            _ = try? shell("scripts/stack stop --dir \(directory) >/dev/null 2>&1", in: Stack.root)
            try? FileManager.default.removeItem(atPath: directory)
        }
        func runLocal(port: Int) throws -> String {
            // A permissive umask, as a developer's shell has: the script must not depend on it.
            try shell(
                "umask 022; VAR_DIR=\(directory) PORT=\(port) SKIP_BUILD=1 scripts/run-local 2>&1; echo exit=$?",
                in: Stack.root)
        }
        func mode(_ path: String) -> mode_t {
            var info = stat()
            return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
        }
        let first = try freePort()
        let started = try runLocal(port: first)
        #expect(started.contains("exit=0"), "\(started)")
        _ = try shell("scripts/stack stop --dir \(directory) >/dev/null", in: Stack.root)
        // The database made again on the next run: still this user's alone.
        for suffix in ["", "-wal", "-shm"] { unlink(directory + "/whatsorder.sqlite3" + suffix) }
        let second = try freePort()
        let again = try runLocal(port: second)
        #expect(again.contains("exit=0"), "\(again)")
        #expect(mode(directory) == 0o700)
        #expect(mode(directory + "/whatsorder.env") == 0o600)
        #expect(mode(directory + "/whatsorder.sqlite3") == 0o600)
        // The configuration's own URLs moved to the new port; the demo finds the stack without --url.
        let config = try String(contentsOfFile: directory + "/whatsorder.env", encoding: .utf8)
        #expect(!config.contains("127.0.0.1:\(first)"))
        #expect(config.contains("WHATSAPP_GRAPH_URL=http://127.0.0.1:\(second)/dev/graph"))
        #expect(config.contains("WHATSORDER_URL=http://127.0.0.1:\(second)"))
        let demo = try shell(
            "cgi-bin/whatsorder demo --config \(directory)/whatsorder.env 2>&1; echo exit=$?", in: Stack.root)
        #expect(demo.contains("Demo passed"), "\(demo)")
        // The handlers' lines reach the stack's logs (spawn-fcgi's own fork sent them to /dev/null).
        let refused = try shell(
            "curl -s -o /dev/null -w '%{http_code}' 'http://127.0.0.1:\(second)/webhooks/whatsapp/?hub.mode=subscribe"
                + "&hub.challenge=1&hub.verify_token=not-the-token'",
            in: Stack.root)
        #expect(refused == "403")
        let log = (try? String(contentsOfFile: directory + "/log/whatsapp-webhook.log", encoding: .utf8)) ?? ""
        #expect(log.contains("verify handshake refused: wrong token"), "\(log)")
    }
}
