import Foundation

extension Chromium {
    /// Loads `url` with an `Authorization` header, saves a screenshot, clicks the element `selector` with a real
    /// mouse event at its centre (no script runs in the page, so its CSP is what a user gets), waits for the next
    /// page to load, saves a second screenshot, and returns that page's HTML. Driven over the DevTools protocol by
    /// a small Python program (standard library only). `typing` is text typed into form fields first (focus, then
    /// the keyboard's text input), as a person fills a form before pressing its button.
    public static func click(
        url: String, authorization: String, selector: String, before: String, after: String,
        typing: [(selector: String, text: String)] = [], width: Int = 390, height: Int = 844
    ) throws -> String {
        guard let chromium = executable else {
            throw StubError("Chromium is not installed (/usr/bin/chromium): run scripts/install-deps")
        }
        let directory = NSTemporaryDirectory() + "whatsorder-cdp-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/click.py"
        try clickProgram.write(toFile: script, atomically: true, encoding: .utf8)
        let arguments =
            [
                chromium, directory + "/profile", url, authorization, selector, before, after, "\(width)", "\(height)",
            ] + typing.flatMap { [$0.selector, $0.text] }
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(
            separator: " ")
        return try shell("timeout -k 5 \(timeoutSeconds) python3 \(script) \(quoted)", in: directory)
    }

    static let clickProgram = #"""
        import base64, json, os, socket, struct, subprocess, sys, time, urllib.request

        chromium, profile, url, authorization, selector, before, after, width, height = sys.argv[1:10]
        browser = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--hide-scrollbars", "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile,
             "--window-size=%s,%s" % (width, height), "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            port_file = os.path.join(profile, "DevToolsActivePort")
            for _ in range(300):
                if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
                    break
                time.sleep(0.1)
            port = int(open(port_file).read().split("\n")[0])
            targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port))
            page = next(t for t in targets if t["type"] == "page")
            path = page["webSocketDebuggerUrl"].split(str(port), 1)[1]

            sock = socket.create_connection(("127.0.0.1", port))
            key = base64.b64encode(os.urandom(16)).decode()
            sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, port, key)).encode())
            handshake = b""
            while b"\r\n\r\n" not in handshake:
                handshake += sock.recv(1)
            assert b" 101 " in handshake.split(b"\r\n")[0], handshake

            def read_exact(n):
                data = b""
                while len(data) < n:
                    chunk = sock.recv(n - len(data))
                    if not chunk:
                        raise EOFError("DevTools closed the connection")
                    data += chunk
                return data

            def receive():
                message = b""
                while True:
                    first, second = read_exact(2)
                    length = second & 0x7F
                    if length == 126:
                        length = struct.unpack(">H", read_exact(2))[0]
                    elif length == 127:
                        length = struct.unpack(">Q", read_exact(8))[0]
                    message += read_exact(length)
                    if first & 0x80:
                        return json.loads(message)

            counter = [0]
            events = []

            def call(method, **params):
                counter[0] += 1
                payload = json.dumps({"id": counter[0], "method": method, "params": params}).encode()
                mask = os.urandom(4)
                header = bytes([0x81])
                if len(payload) < 126:
                    header += bytes([0x80 | len(payload)])
                elif len(payload) < 65536:
                    header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
                else:
                    header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
                sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
                while True:
                    message = receive()
                    if message.get("id") == counter[0]:
                        if "error" in message:
                            raise RuntimeError("%s: %s" % (method, message["error"]))
                        return message.get("result", {})
                    events.append(message)

            def wait_for_load():
                deadline = time.time() + 20
                while time.time() < deadline:
                    if any(e.get("method") == "Page.loadEventFired" for e in events):
                        events.clear()
                        return
                    events.append(receive())
                raise TimeoutError("the page did not load")

            def screenshot(path):
                data = call("Page.captureScreenshot", format="png")["data"]
                open(path, "wb").write(base64.b64decode(data))

            call("Page.enable")
            call("Network.enable")
            call("Network.setExtraHTTPHeaders", headers={"Authorization": authorization})
            events.clear()
            call("Page.navigate", url=url)
            wait_for_load()
            root = call("DOM.getDocument")["root"]["nodeId"]
            typing = sys.argv[10:]
            for field, text in zip(typing[0::2], typing[1::2]):
                target = call("DOM.querySelector", nodeId=root, selector=field)["nodeId"]
                if not target:
                    raise LookupError("no field matches " + field)
                call("DOM.focus", nodeId=target)
                call("Input.insertText", text=text)
            screenshot(before)
            node = call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
            if not node:
                raise LookupError("no element matches " + selector)
            call("DOM.scrollIntoViewIfNeeded", nodeId=node)
            quad = call("DOM.getBoxModel", nodeId=node)["model"]["content"]
            x = (quad[0] + quad[2] + quad[4] + quad[6]) / 4
            y = (quad[1] + quad[3] + quad[5] + quad[7]) / 4
            events.clear()
            for kind in ("mousePressed", "mouseReleased"):
                call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
            wait_for_load()
            screenshot(after)
            root = call("DOM.getDocument")["root"]["nodeId"]
            sys.stdout.write(call("DOM.getOuterHTML", nodeId=root)["outerHTML"])
        finally:
            os.killpg(browser.pid, 9)
        """#
}
