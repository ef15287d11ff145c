#!/usr/bin/env python3
"""A stand-in for Meta's Graph API during benchmarks: answers every POST like /messages does. Port from argv."""
import http.server
import itertools
import sys

counter = itertools.count()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Header and body in one write: otherwise delayed ACK adds 40 ms per keep-alive request (stack-notes #20).
    disable_nagle_algorithm = True

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = ('{"messaging_product":"whatsapp","contacts":[{"input":"+0","wa_id":"0"}],'
                '"messages":[{"id":"wamid.BENCHOUT%d"}]}' % next(counter)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
