import CurlHTTP
import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing
import WhatsApp

/// The whole path, in both modes: nginx → whatsapp-webhook (FastCGI or CGI) → SQLite → outbox → sender → a stub of
/// Meta's Graph API. Only Meta is fake. The CGI stack runs without the sender daemon, so its replies go out through
/// the handlers' fallback `whatsorder outbox send --once`.
@Suite(.serialized) struct ThroughNginxTests {
    static func makeStack(_ mode: Stack.Mode) throws -> Stack { try Stack.standard(mode) }

    @Test(arguments: Stack.Mode.allCases)
    func theVerifyHandshake(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let ok = try stack.get("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=\(Stack.verifyToken)")
        #expect(ok.status == 200)
        #expect(String(decoding: ok.body, as: UTF8.self) == "1158201444")
        #expect(try stack.get("hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong-guess").status == 403)
        // Issue 18, finding 5: refused handshakes that carry the real token (a wrong mode, no challenge).
        #expect(
            try stack.get("hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=\(Stack.verifyToken)").status == 403)
        #expect(try stack.get("hub.mode=subscribe&hub.verify_token=\(Stack.verifyToken)").status == 403)
        // The token reaches no log: nginx follows every line a CGI handler writes to stderr with the request line,
        // query string included. A wrong guess is logged, so the logs do hear from the handler.
        let logs = ["nginx-access.log", "nginx-error.log", "whatsapp-webhook.log", "fcgiwrap.log"].map(stack.log)
        #expect(logs.allSatisfy { !$0.contains(Stack.verifyToken) })
        #expect(logs.joined().contains("verify handshake refused"))
    }

    @Test(arguments: Stack.Mode.allCases)
    func aSignedTextMessageGetsOneInteractiveList(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let response = try stack.post(textMessage(id: "wamid.E2E-\(mode)-1", from: "2348011112222"))
        #expect(response.status == 200)
        let requests = stack.graph.waitForRequests(1)
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.path == "/v25.0/\(Stack.phoneNumberID)/messages")
        #expect(request.header("authorization") == "Bearer \(Stack.accessToken)")
        let json = try #require(request.json as? [String: Any])
        #expect(json["messaging_product"] as? String == "whatsapp")
        #expect(json["to"] as? String == "+2348011112222")
        let interactive = try #require(json["interactive"] as? [String: Any])
        #expect(interactive["type"] as? String == "list")
        let body = (interactive["body"] as? [String: Any])?["text"] as? String ?? ""
        #expect(body.contains("Welcome to Mama Put Kitchen"))
        #expect(body.contains("1. Main Dishes"))
        let rows =
            (((interactive["action"] as? [String: Any])?["sections"] as? [[String: Any]])?.first?["rows"]
                as? [[String: Any]]) ?? []
        #expect(rows.compactMap { $0["title"] as? String } == ["Main Dishes", "Sides", "Drinks", "Desserts"])
        // The wamid Meta returned is stored, so status webhooks can find the message.
        try waitUntil { try stack.count("outboundMessage") == 1 }
        #expect(try stack.query("SELECT wamid FROM outboundMessage").first?[0].string == "wamid.STUB0")
    }

    @Test(arguments: Stack.Mode.allCases)
    func aBadSignatureIs401AndStoresNothing(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let body = textMessage(id: "wamid.E2E-BAD", from: "2348011113333")
        let wrong = metaSignatureHeader(body: body, appSecret: "not-the-secret")
        #expect(try stack.post(body, signature: wrong).status == 401)
        #expect(try stack.post(body, signature: "").status == 401)
        #expect(try stack.count("inboundMessage") == 0)
        #expect(try stack.count("keptBody") == 0)
        usleep(300_000)
        #expect(stack.graph.requests.isEmpty)
    }

    @Test(arguments: Stack.Mode.allCases)
    func theSameDeliveryTwiceGetsOneReply(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let body = textMessage(id: "wamid.E2E-DUP", from: "2348011114444")
        #expect(try stack.post(body).status == 200)
        #expect(try stack.post(body).status == 200)
        stack.graph.waitForRequests(1)
        usleep(1_000_000)
        #expect(stack.graph.requests.count == 1)
        #expect(try stack.count("inboundMessage") == 1)
        #expect(try stack.count("outbox") == 1)
    }

    @Test(arguments: Stack.Mode.allCases)
    func fiftyCustomersAtOnceGetFiftyReplies(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let statuses = Locked<[Int]>([])
        concurrently(50) { index in
            let body = textMessage(id: "wamid.E2E-C\(index)", from: "23480200000\(String(format: "%02d", index))")
            let status = (try? stack.post(body).status) ?? -1
            statuses.mutate { $0.append(status) }
        }
        #expect(statuses.value.count == 50)
        #expect(statuses.value.allSatisfy { $0 == 200 })
        #expect(try stack.count("inboundMessage") == 50)
        #expect(try stack.count("customer") == 50)
        let requests = stack.graph.waitForRequests(50, timeout: 30)
        usleep(500_000)
        #expect(stack.graph.requests.count == 50)
        let recipients = Set(requests.compactMap { ($0.json as? [String: Any])?["to"] as? String })
        #expect(recipients.count == 50)
        try waitUntil { try stack.count("outboundMessage") == 50 }
        #expect(!stack.log("nginx-error.log").contains("[error]"))
    }

    /// The threaded worker runs a customer's messages in one transaction when they arrive together; CGI runs them
    /// in separate processes. Either way each message moves the conversation once, and none is lost or doubled.
    @Test(arguments: Stack.Mode.allCases)
    func oneCustomersMessagesAtOnceMoveTheirConversationOnceEach(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let statuses = Locked<[Int]>([])
        concurrently(20) { index in
            let body = textMessage(id: "wamid.E2E-SAME-\(index)", from: "2348030000001")
            statuses.mutate { $0.append((try? stack.post(body).status) ?? -1) }
        }
        #expect(statuses.value == Array(repeating: 200, count: 20))
        #expect(try stack.count("inboundMessage") == 20)
        #expect(try stack.query("SELECT version FROM conversation").map { $0[0].int64 } == [20])
        #expect(try stack.query("SELECT count(DISTINCT inboundMessageID) FROM outbox").first?[0].int64 == 20)
    }

    /// `--threads 1`: the FastCGI worker serves one request at a time, a process per core, each message its own
    /// transaction. Still supported, so still tested on the paths that matter.
    @Test func oneAtATimeWorkersAnswerFiftyCustomersAndIgnoreARedelivery() throws {
        let stack = try Stack(mode: .fastcgi, workers: 2, threads: 1)
        defer { stack.stop() }
        #expect(try servingPIDs(stack).count == 2)
        let statuses = Locked<[Int]>([])
        concurrently(50) { index in
            let body = textMessage(id: "wamid.E2E-ONE-\(index)", from: "23480400000\(String(format: "%02d", index))")
            statuses.mutate { $0.append((try? stack.post(body).status) ?? -1) }
        }
        #expect(statuses.value == Array(repeating: 200, count: 50))
        #expect(try stack.post(textMessage(id: "wamid.E2E-ONE-7", from: "2348040000007")).status == 200)
        stack.graph.waitForRequests(50, timeout: 30)
        usleep(500_000)
        #expect(stack.graph.requests.count == 50)
        #expect(try stack.count("inboundMessage") == 50)
    }

    @Test(arguments: Stack.Mode.allCases)
    func brokenJSONWithAGoodSignatureIsAcknowledgedAndKept(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let body = Array(#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"#.utf8)
        #expect(try stack.post(body).status == 200)
        let kept = try stack.query("SELECT source, body FROM keptBody")
        #expect(kept.count == 1)
        #expect(kept.first?[1].bytes == body)
    }

    @Test(arguments: Stack.Mode.allCases)
    func badRequestsGetDeliberateStatuses(mode: Stack.Mode) throws {
        let stack = try Self.makeStack(mode)
        defer { stack.stop() }
        let client = try CurlTransport()
        // Over Meta's 3 MiB maximum (but under nginx's 4 MiB buffer): the handler refuses it without reading it.
        let oversized = [UInt8](repeating: UInt8(ascii: " "), count: 3 * 1024 * 1024 + 1)
        #expect(try stack.post(oversized, transport: client).status == 413)
        let put = try client.perform(HTTPRequest(method: "PUT", url: stack.webhookURL))
        #expect(put.status == 405)
        // Without the trailing slash too (design.md §2).
        let bare = try client.perform(
            HTTPRequest(
                method: "GET",
                url:
                    "http://127.0.0.1:\(stack.port)/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=7&hub.verify_token=\(Stack.verifyToken)"
            ))
        #expect(bare.status == 200)
        let elsewhere = try client.perform(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(stack.port)/cgi-bin/whatsorder"))
        #expect(elsewhere.status == 404)
        #expect(try stack.count("inboundMessage") == 0)
    }
}

/// Polls `condition` until it holds or `timeout` seconds pass; fails the test with a clear message otherwise.
func waitUntil(timeout: Double = 15, _ condition: () throws -> Bool, sourceLocation: SourceLocation = #_sourceLocation)
    throws
{
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return }
        usleep(50_000)
    }
    Issue.record("condition not met within \(timeout) s", sourceLocation: sourceLocation)
}
