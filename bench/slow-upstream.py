#!/usr/bin/env python3
"""Stand-ins for Meta's Graph API and Paystack that answer every request after a delay, as the real ones do from
a server far away (a send to graph.facebook.com from Lagos takes a few hundred milliseconds).

    bench/slow-upstream.py PORT_FILE LOG DELAY_MS

HTTP/1.1 with keep-alive on 127.0.0.1, on a port of its choosing written to PORT_FILE. `POST …/messages` answers in
Meta's shape with a unique wamid; `POST …/transaction/initialize` in Paystack's, with a checkout URL; anything
else 404. The answer waits DELAY_MS after the request arrived, and no request waits for another: one asyncio loop
holds thousands of connections open at once, so the stand-in itself is never the bottleneck (`bench/latency`
measures it alone first). Each answered request is a line in LOG: arrival and answer times (Unix ms), the kind
(message / paystack / other), the recipient and the first 16 hex digits of the body's SHA-256 (which the outbox
row's payload has too: bench/two-boxes matches them).
"""
import asyncio
import hashlib
import signal
import sys
import time

port_file, log_path, delay = sys.argv[1], sys.argv[2], int(sys.argv[3]) / 1000
lines = []
counter = 0


def answer(path, body):
    global counter
    counter += 1
    if path.endswith("/messages"):
        start = body.find(b'"to":"')
        to = body[start + 6:body.find(b'"', start + 6)].decode() if start >= 0 else "-"
        return "message", to, (
            '{"messaging_product":"whatsapp","contacts":[{"input":"%s","wa_id":"%s"}],'
            '"messages":[{"id":"wamid.SLOW%d"}]}' % (to, to.lstrip("+"), counter))
    if path.endswith("/transaction/initialize"):
        return "paystack", "-", (
            '{"status":true,"message":"Authorization URL created","data":{"authorization_url":'
            '"https://checkout.paystack.com/slow%d","access_code":"slow%d","reference":"r%d"}}'
            % (counter, counter, counter))
    return "other", "-", '{"status":false,"message":"not found"}'


async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            arrived = time.time()
            request_line, _, rest = head.partition(b"\r\n")
            length = 0
            for line in rest.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length) if length else b""
            path = request_line.split(b" ")[1].decode()
            kind, to, text = answer(path, body)
            await asyncio.sleep(max(0.0, delay - (time.time() - arrived)))
            status = "404 Not Found" if kind == "other" else "200 OK"
            payload = text.encode()
            writer.write(b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                         % (status.encode(), len(payload), payload))
            await writer.drain()
            lines.append("%.1f %.1f %s %s %s\n" % (arrived * 1000, time.time() * 1000, kind, to,
                                                   hashlib.sha256(body).hexdigest()[:16]))
    except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
        pass
    finally:
        writer.close()


async def flush_forever(log):
    while True:
        await asyncio.sleep(0.2)
        if lines:
            log.writelines(lines)
            lines.clear()
            log.flush()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=4096, reuse_address=True)
    with open(port_file + ".tmp", "w") as handle:
        handle.write(str(server.sockets[0].getsockname()[1]))
    import os
    os.replace(port_file + ".tmp", port_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with open(log_path, "a") as log:
        flusher = asyncio.create_task(flush_forever(log))
        await stop.wait()
        flusher.cancel()
        log.writelines(lines)
    server.close()


asyncio.run(main())
