import CurlHTTP
import Foundation
import HTTPClient
import TestSupport
import Testing
import WhatsApp

/// nginx/whatsorder.conf as a sysadmin installs it, run by a real nginx: only the certificate (a throwaway
/// self-signed one), the port and the paths are changed. It must load, route every endpoint to its handler, and
/// have nothing of dev mode (issue 6: the fake checkout exists only in the local stack's dev mode).
@Suite(.serialized) struct ProductionSiteTests {
    @Test func theProductionSiteServesTheEndpointsAndNoDevMode() throws {
        let stack = try Stack(mode: .fastcgi, dev: true)
        defer { stack.stop() }
        let site = try ProductionSite(stack: stack)
        defer { site.stop() }
        let directory = site.directory
        let https = site.https
        let http = site.http
        #expect(!site.text.contains("/dev/") && !site.text.contains("dev-capture") && !site.text.contains("dev.conf"))

        func status(_ method: String, _ path: String) throws -> Int {
            // A POST's empty body goes with its length: without one, the handlers' host answers 411 before them.
            let body = method == "POST" ? " --data-binary ''" : ""
            let output = try shell(
                "curl -sk -o /dev/null -w '%{http_code}' -X \(method)\(body) 'https://127.0.0.1:\(https)\(path)'",
                in: directory)
            return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        // Live: each endpoint reaches its handler (which answers these requests itself).
        #expect(
            try status("GET", "/webhooks/whatsapp/?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1") == 403)
        #expect(try status("GET", "/webhooks/paystack/") == 405)
        #expect(try status("POST", "/webhooks/paystack") == 401)
        #expect(try status("GET", "/payments/return/?reference=WO-NONE-1") == 404)
        #expect(try status("GET", "/staff/") == 401)
        // Dev mode is served by this very stack on its own port, but the production site has none of it.
        for path in ["/dev/checkout/WO-X-1", "/dev/graph/messages", "/dev/paystack/transaction/verify/WO-X-1"] {
            #expect(try status("GET", path) == 404, "\(path)")
        }
        let local = try CurlTransport().perform(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(stack.port)/dev/graph/messages"))
        #expect(local.status == 200)
        let redirect = try shell(
            "curl -s -o /dev/null -w '%{http_code} %{redirect_url}' 'http://127.0.0.1:\(http)/staff/'", in: directory)
        #expect(redirect.hasPrefix("301 https://"))
        // Browsers are told to stay on HTTPS.
        let headers = try shell("curl -sk -D - -o /dev/null 'https://127.0.0.1:\(https)/staff/'", in: directory)
        #expect(headers.lowercased().contains("strict-transport-security: max-age=31536000"))
        // Password guessing on the staff page is throttled (30 a minute, bursts of 20), the webhooks are not.
        let staff = try (0..<30).map { _ in try status("GET", "/staff/") }
        #expect(staff.contains(429))
        #expect(staff.filter { $0 == 401 }.count <= 21)
        #expect(try status("GET", "/payments/return/?reference=WO-NONE-1") == 404)
        #expect(try status("POST", "/webhooks/paystack") == 401)

        // Issue 18, finding 1, requests: one address asking for the return page 200 times at once is held to 20 a
        // second after a burst of 100; 300 webhook deliveries at once from one address all reach the handler.
        func statuses(_ count: Int, _ path: String, post: Bool = false) throws -> [Int] {
            // One connection, one after another; `-o` applies to the URL after it, so each gets its own.
            let urls = Array(repeating: "-o /dev/null 'https://127.0.0.1:\(https)\(path)'", count: count)
                .joined(separator: " ")
            let method = post ? "-X POST --data-binary ''" : ""
            return try shell("curl -sk \(method) -w '%{http_code}\\n' \(urls)", in: directory)
                .split(separator: "\n").compactMap { Int($0) }
        }
        let pages = try statuses(200, "/payments/return/?reference=WO-NONE-1")
        #expect(pages.count == 200)
        #expect(pages.filter { $0 == 429 }.count >= 50, "\(pages)")
        #expect(pages.filter { $0 == 404 }.count >= 100)
        let deliveries = try statuses(300, "/webhooks/paystack/", post: true)
        #expect(deliveries.count == 300)
        #expect(deliveries.allSatisfy { $0 == 401 }, "every one answered by the handler, none refused by nginx")
    }

    /// Issue 18, finding 1: 1,100 connections that each send a POST's headers and then a byte of the body every 4 s,
    /// from ten addresses, against the site under Debian's default 768 connections per worker. Each address may
    /// hold 32 at once; the rest are answered 503 and closed. A signed webhook and the staff board, from another
    /// address, answer throughout.
    @Test func slowClientsCannotFillTheSite() throws {
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        _ = try stack.run(
            "printf '%s\\n' 'board-pass-1234' | cgi-bin/whatsorder staff add-user bola --config \(stack.configPath)")
        let site = try ProductionSite(stack: stack, workerConnections: 768)
        defer { site.stop() }
        let status = site.directory + "/slow.json"
        let attack = try OwnedProcess(
            [
                "python3", Stack.root + "/Tests/EndToEndTests/Fixtures/slow-clients.py", "--port", "\(site.https)",
                "--tls", "--count", "1100", "--seconds", "25", "--status", status,
            ], in: site.directory)
        defer { attack.stop() }
        func stats() -> [String: Int] {
            guard let data = FileManager.default.contents(atPath: status),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return [:] }
            return json.compactMapValues { $0 as? Int }
        }
        // Every connection tried and the server's answer to each in: what is held now is what the limit let in.
        try waitUntil(timeout: 20) { (stats()["opened"] ?? 0) + (stats()["failed"] ?? 0) >= 1100 }
        Thread.sleep(forTimeInterval: 2)
        let during = stats()
        #expect((during["opened"] ?? 0) >= 1000, "\(during)")
        #expect((during["held"] ?? 0) <= 10 * 32, "\(during)")
        #expect((during["held"] ?? 0) >= 10 * 16, "the slow clients did hold connections: \(during)")

        let body = textMessage(id: "wamid.SLOW-1", from: "2348031110001")
        let signed = metaSignatureHeader(body: body, appSecret: Stack.appSecret)
        let path = site.directory + "/body.json"
        FileManager.default.createFile(atPath: path, contents: Data(body))
        let webhook = try shell(
            "curl -sk -m 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json'"
                + " -H 'X-Hub-Signature-256: \(signed)' --data-binary @\(path)"
                + " 'https://127.0.0.1:\(site.https)/webhooks/whatsapp/'",
            in: site.directory)
        #expect(webhook == "200")
        let board = try shell(
            "curl -sk -m 10 -o /dev/null -w '%{http_code}' -u bola:board-pass-1234 'https://127.0.0.1:\(site.https)/staff/'",
            in: site.directory)
        #expect(board == "200")
        #expect(stats()["held"] ?? 0 > 0, "the attack was still on while they answered")
        #expect(try stack.count("inboundMessage") == 1)
    }
}

/// nginx/whatsorder.conf as a sysadmin installs it, in front of a test stack's workers: only the certificate (a
/// throwaway self-signed one), the ports and the paths are changed.
struct ProductionSite {
    let directory: String
    let https: Int
    let http: Int
    let text: String
    let nginx: OwnedProcess

    init(stack: Stack, workerConnections: Int = 64) throws {
        directory = stack.directory + "/production"
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        _ = try shell(
            "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=order.example.com -keyout key.pem"
                + " -out cert.pem 2>/dev/null",
            in: directory)
        https = try freePort()
        http = try freePort()
        var site = try String(contentsOfFile: Stack.root + "/nginx/whatsorder.conf", encoding: .utf8)
        let replacements: [(String, String)] = [
            ("listen [::]:80;", ""), ("listen [::]:443 ssl http2;", ""),
            ("listen 80;", "listen 127.0.0.1:\(http);"), ("listen 443 ssl http2;", "listen 127.0.0.1:\(https) ssl;"),
            ("/etc/letsencrypt/live/order.example.com/fullchain.pem", directory + "/cert.pem"),
            ("/etc/letsencrypt/live/order.example.com/privkey.pem", directory + "/key.pem"),
            ("/var/log/nginx/", directory + "/"), ("/srv/whatsorder/cgi-bin/", Stack.root + "/cgi-bin/"),
            ("/etc/whatsorder/whatsorder.env", stack.configPath), ("/run/whatsorder/", stack.directory + "/run/"),
            ("/etc/whatsorder/staff.htpasswd", stack.directory + "/staff.htpasswd"),
        ]
        for (from, to) in replacements { site = site.replacingOccurrences(of: from, with: to) }
        text = site
        try site.write(toFile: directory + "/site.conf", atomically: true, encoding: .utf8)
        let user = getuid() == 0 ? "user root root;" : ""
        try """
        \(user)
        pid \(directory)/nginx.pid;
        error_log \(directory)/error.log warn;
        worker_rlimit_nofile 4096;
        events { worker_connections \(workerConnections); }
        http {
            client_body_temp_path \(directory)/tmp/body;
            fastcgi_temp_path \(directory)/tmp/fastcgi;
            proxy_temp_path \(directory)/tmp/proxy;
            scgi_temp_path \(directory)/tmp/scgi;
            uwsgi_temp_path \(directory)/tmp/uwsgi;
            include \(directory)/site.conf;
        }
        """.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        _ = try shell("nginx -p \(directory) -c \(directory)/nginx.conf -t -q", in: directory)
        // In the foreground, owned by the test: stopped and waited for however the test ends.
        nginx = try OwnedProcess(
            ["nginx", "-p", directory, "-c", directory + "/nginx.conf", "-g", "daemon off;"], in: directory)
        Thread.sleep(forTimeInterval: 0.3)
    }

    func stop() { nginx.stop() }
}
