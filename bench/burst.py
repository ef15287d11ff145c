#!/usr/bin/env python3
"""A burst of customers at the webhook: every customer sends "hi", then every customer picks a category ("1"),
each a new message signed the way Meta signs (HMAC-SHA256 of the exact bytes), over CONNECTIONS kept-alive
connections to nginx at once.

    bench/burst.py URL APP_SECRET CUSTOMERS [CONNECTIONS] [--first N]

Prints one line: `RESULT accepted=… rejected=… first_ms=… last_accepted_ms=… accept_per_s=… p50_ms=… p99_ms=…`
(times are Unix ms). `--first` numbers the customers from N, so rounds on one database are new customers.
"""
import asyncio
import hashlib
import hmac
import sys
import time
from urllib.parse import urlparse

url, secret, customers = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
connections = int(sys.argv[4]) if len(sys.argv) > 4 and not sys.argv[4].startswith("--") else 32
first = int(sys.argv[sys.argv.index("--first") + 1]) if "--first" in sys.argv else 0
target = urlparse(url)
now = int(time.time())
template = (
    '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",'
    '"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",'
    '"phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Customer %d"},"wa_id":"%s"}],'
    '"messages":[{"from":"%s","id":"wamid.BURST%s%09d","timestamp":"%d","type":"text",'
    '"text":{"body":"%s"}}]}}]}]}'
)


def request(customer, step, text):
    wa_id = "23482%08d" % customer
    body = (template % (customer, wa_id, wa_id, step, customer, now, text)).encode()
    signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return (b"POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Hub-Signature-256: %s\r\n"
            b"Content-Length: %d\r\n\r\n" % (target.path.encode(), target.netloc.encode(), signature.encode(),
                                            len(body))) + body


async def worker(queue, results):
    reader, writer = await asyncio.open_connection(target.hostname, target.port)
    while not queue.empty():
        payload = queue.get_nowait()
        started = time.time()
        writer.write(payload)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length:
            await reader.readexactly(length)
        ended = time.time()
        results.append((status, started, ended))
    writer.close()


async def phase(requests):
    queue = asyncio.Queue()
    for payload in requests:
        queue.put_nowait(payload)
    results = []
    await asyncio.gather(*(worker(queue, results) for _ in range(min(connections, len(requests)))))
    return results


async def main():
    hi = [request(first + c, "A", "hi") for c in range(customers)]
    pick = [request(first + c, "B", "1") for c in range(customers)]
    results = await phase(hi) + await phase(pick)
    accepted = [r for r in results if r[0] == 200]
    latencies = sorted((r[2] - r[1]) * 1000 for r in results)
    started = min(r[1] for r in results)
    last = max(r[2] for r in accepted) if accepted else started
    print("RESULT accepted=%d rejected=%d first_ms=%.1f last_accepted_ms=%.1f accept_per_s=%.0f p50_ms=%.2f "
          "p99_ms=%.2f" % (len(accepted), len(results) - len(accepted), started * 1000, last * 1000,
                           len(accepted) / max(last - started, 1e-6), latencies[len(latencies) // 2],
                           latencies[int(len(latencies) * 0.99)]))


asyncio.run(main())
