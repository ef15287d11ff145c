import Foundation
import Storage
import TestSupport
import Testing

/// The README's piped invocation, run exactly as written: a developer pastes it at the repository root.
@Suite struct PipedTests {
    @Test func theReadmeCommandWorksAsWritten() throws {
        let readme = try String(contentsOfFile: Stack.root + "/README.md", encoding: .utf8)
        let block = try #require(codeBlock(in: readme, marker: "piped-example"), "README.md has no piped example")
        // A scratch root that looks like a checkout with `make run` done: cgi-bin, the fixtures, var/whatsorder.env.
        let graph = try GraphStub.start()
        defer { graph.stop() }
        let root = NSTemporaryDirectory() + "whatsorder-piped-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + "/var", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createSymbolicLink(
            atPath: root + "/cgi-bin", withDestinationPath: Stack.root + "/cgi-bin")
        try FileManager.default.createSymbolicLink(atPath: root + "/Tests", withDestinationPath: Stack.root + "/Tests")
        try """
        DATABASE_URL=sqlite:var/whatsorder.sqlite3
        WHATSAPP_VERIFY_TOKEN=piped-token
        WHATSAPP_APP_SECRET=piped-secret-0123456789
        WHATSAPP_ACCESS_TOKEN=EAApiped
        WHATSAPP_PHONE_NUMBER_ID=106540352242922
        WHATSAPP_GRAPH_URL=\(graph.baseURL)
        OUTBOX_SOCKET=var/run/sender.sock
        """.write(toFile: root + "/var/whatsorder.env", atomically: true, encoding: .utf8)
        try shell("cgi-bin/whatsorder migrate --config var/whatsorder.env", in: root)
        try shell("cgi-bin/whatsorder seed-menu --config var/whatsorder.env", in: root)

        let output = try shell(block, in: root)
        #expect(output.hasPrefix("Status: 200 OK\r\n"), "\(output)")
        // No sender runs here: the handler started `whatsorder outbox send --once`, which delivered the reply.
        let requests = graph.waitForRequests(1, timeout: 15)
        #expect(requests.count == 1)
        #expect(requests.first?.bodyText.contains("\"to\":\"+2348012345678\"") == true)
        // Pasting it again is a duplicate delivery: answered 200, not answered twice.
        #expect(try shell(block, in: root).hasPrefix("Status: 200 OK\r\n"))
        usleep(1_000_000)
        #expect(graph.requests.count == 1)
    }

    @Test func aTruncatedPipedBodyIs400() throws {
        let body = Stack.root + "/Tests/EndToEndTests/Fixtures/text-hi.json"
        let output = try shell(
            "REQUEST_METHOD=POST CONTENT_LENGTH=999999 cgi-bin/whatsapp-webhook < \(body)", in: Stack.root,
            environment: ["WHATSORDER_CONFIG": "/nonexistent/never-read.env"])
        #expect(output.hasPrefix("Status: 400 Bad Request\r\n"))
    }
}

/// The shell lines of the fenced block after `<!-- marker -->` in a Markdown file.
func codeBlock(in markdown: String, marker: String) -> String? {
    guard let start = markdown.range(of: "<!-- \(marker) -->") else { return nil }
    let rest = markdown[start.upperBound...]
    guard let open = rest.range(of: "```sh\n"), let close = rest[open.upperBound...].range(of: "```") else {
        return nil
    }
    return String(rest[open.upperBound..<close.lowerBound])
}
