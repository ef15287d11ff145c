#!/usr/bin/env python3
"""Writes signed WhatsApp webhook bodies for wrk: one `<signature>\t<body>` line each, every message id unique.

    bench/make-bodies.py OUT COUNT APP_SECRET [--customers N]

Bodies are shaped like Meta's (one text message from one of N customers, with the contact block) and signed the
way Meta signs them: HMAC-SHA256 of the exact bytes, keyed with the app secret.
"""
import hashlib
import hmac
import sys

out, count, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
customers = int(sys.argv[sys.argv.index("--customers") + 1]) if "--customers" in sys.argv else 5000
texts = ["hi", "menu", "1", "Jollof please", "hello there", "2 zobo"]
template = (
    '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",'
    '"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",'
    '"phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Customer %d"},"wa_id":"%s"}],'
    '"messages":[{"from":"%s","id":"wamid.BENCH%09d","timestamp":"1764000000","type":"text",'
    '"text":{"body":"%s"}}]}}]}]}'
)
with open(out, "w") as handle:
    for index in range(count):
        customer = index % customers
        wa_id = "23481%08d" % customer
        body = template % (customer, wa_id, wa_id, index, texts[index % len(texts)])
        signature = "sha256=" + hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
        handle.write(signature + "\t" + body + "\n")
