#!/usr/bin/env python3
"""Customers in conversation at the webhook, the way Meta delivers them: each customer's messages one after the
other (the next only once the last was answered 200), every customer at once, and a message that is not answered
200 (a refused connection, a 502 or 503, a timeout) sent again, as Meta retries, until it is.

    bench/conversations.py URL APP_SECRET CUSTOMERS MESSAGES [--kill-at FRACTION --kill COMMAND]

Each customer says "hi", then "add 1 zobo" MESSAGES-1 times: every reply after the first holds a cart one zobo
longer, so bench/two-boxes can tell a lost or reordered step. With --kill, COMMAND runs (once, through the shell)
when FRACTION of all messages have been answered, while the others keep talking.
Prints one line: `RESULT messages=… answered=… resent=… killed_at=… seconds=… failures=STATUS:COUNT,…` (none: no
answer at all).
"""
import asyncio
import hashlib
import hmac
import subprocess
import sys
import time
from urllib.parse import urlparse

url, secret, customers, messages = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), int(sys.argv[4])
kill_at = float(sys.argv[sys.argv.index("--kill-at") + 1]) if "--kill-at" in sys.argv else None
kill_command = sys.argv[sys.argv.index("--kill") + 1] if "--kill" in sys.argv else None
target = urlparse(url)
template = (
    '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",'
    '"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",'
    '"phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Customer %d"},"wa_id":"%s"}],'
    '"messages":[{"from":"%s","id":"wamid.TWOBOX%06d%03d","timestamp":"%d","type":"text",'
    '"text":{"body":"%s"}}]}}]}]}'
)
answered = 0
resent = 0
failures = {}
killed_at = None


def request(customer, step):
    wa_id = "23483%08d" % customer
    text = "hi" if step == 0 else "add 1 zobo"
    body = (template % (customer, wa_id, wa_id, customer, step, int(time.time()), text)).encode()
    signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return (b"POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Hub-Signature-256: %s\r\n"
            b"Content-Length: %d\r\n\r\n" % (target.path.encode(), target.netloc.encode(), signature.encode(),
                                            len(body))) + body


async def post(payload):
    """The status, or None when the connection failed or took too long."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(target.hostname, target.port), 5)
        try:
            writer.write(payload)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            return int(head.split(b" ", 2)[1])
        finally:
            writer.close()
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
        return None


async def customer(number):
    global answered, resent, killed_at
    for step in range(messages):
        payload = request(number, step)
        while (status := await post(payload)) != 200:
            resent += 1
            failures[status or "none"] = failures.get(status or "none", 0) + 1
            await asyncio.sleep(0.1)
        answered += 1
        if kill_command and killed_at is None and answered >= kill_at * customers * messages:
            killed_at = answered
            subprocess.Popen(kill_command, shell=True)


async def main():
    started = time.time()
    await asyncio.gather(*(customer(number) for number in range(customers)))
    print(f"RESULT messages={customers * messages} answered={answered} resent={resent} "
          f"killed_at={killed_at if killed_at is not None else '-'} seconds={time.time() - started:.1f} "
          f"failures={','.join(f'{k}:{v}' for k, v in sorted(failures.items(), key=str)) or '-'}")


asyncio.run(main())
