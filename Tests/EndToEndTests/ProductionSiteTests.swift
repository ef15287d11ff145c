import CurlHTTP
import Foundation
import HTTPClient
import TestSupport
import Testing

/// nginx/whatsorder.conf as a sysadmin installs it, run by a real nginx: only the certificate (a throwaway
/// self-signed one), the port and the paths are changed. It must load, route every endpoint to its handler, and
/// have nothing of dev mode (issue 6: the fake checkout exists only in the local stack's dev mode).
@Suite(.serialized) struct ProductionSiteTests {
    @Test func theProductionSiteServesTheEndpointsAndNoDevMode() throws {
        let stack = try Stack(mode: .fastcgi, dev: true)
        defer { stack.stop() }
        let directory = stack.directory + "/production"
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        _ = try shell(
            "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=order.example.com -keyout key.pem"
                + " -out cert.pem 2>/dev/null",
            in: directory)
        let https = try freePort()
        let http = try freePort()
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
        #expect(!site.contains("/dev/") && !site.contains("dev-capture") && !site.contains("dev.conf"))
        try site.write(toFile: directory + "/site.conf", atomically: true, encoding: .utf8)
        let user = getuid() == 0 ? "user root root;" : ""
        try """
        \(user)
        pid \(directory)/nginx.pid;
        error_log \(directory)/error.log warn;
        events { worker_connections 64; }
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
        let nginx = try OwnedProcess(
            ["nginx", "-p", directory, "-c", directory + "/nginx.conf", "-g", "daemon off;"], in: directory)
        defer { nginx.stop() }
        Thread.sleep(forTimeInterval: 0.3)

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
    }
}
