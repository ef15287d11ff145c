#!/usr/bin/env python3
"""Writes signed WhatsApp webhook bodies for wrk: one `<signature>\t<body>` line each, every message id unique.

    bench/make-bodies.py OUT COUNT APP_SECRET [--customers N] [--mix]

Bodies are shaped like Meta's (one text message from one of N customers, with the contact block) and signed the
way Meta signs them: HMAC-SHA256 of the exact bytes, keyed with the app secret. Timestamps are now, so the bot
treats them as fresh messages (an old timestamp is a late redelivery, recorded but not acted on).

Without --mix, every message is a greeting-like text from a customer (the single-message figure). With --mix,
customer c's k-th message is step k of a whole order: hello, browsing by number, a quantity, free-text cart edits,
the cart, checkout, pickup, skipping the email, confirm (an order, a payment row and a Paystack outbox row), then
again from the top. Customers are interleaved, so consecutive requests belong to different customers.
"""
import hashlib
import hmac
import sys
import time

out, count, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
customers = int(sys.argv[sys.argv.index("--customers") + 1]) if "--customers" in sys.argv else 5000
texts = ["hi", "menu", "1", "Jollof please", "hello there", "2 zobo"]
order = ["hi", "1", "1", "2", "add 1 zobo", "3 fries", "remove fries", "cart", "checkout", "pickup", "skip",
         "confirm", "status"]
mix = "--mix" in sys.argv
# Message ids unique to this run (`--run ID`): a database posted to before (bench/year's) must see new messages,
# not duplicates, which cost next to nothing.
run = sys.argv[sys.argv.index("--run") + 1] if "--run" in sys.argv else ""
now = int(time.time())
template = (
    '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",'
    '"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881",'
    '"phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Customer %d"},"wa_id":"%s"}],'
    '"messages":[{"from":"%s","id":"wamid.BENCH%s%09d","timestamp":"%d","type":"text",'
    '"text":{"body":"%s"}}]}}]}]}'
)
with open(out, "w") as handle:
    for index in range(count):
        customer = index % customers
        wa_id = "23481%08d" % customer
        text = order[(index // customers) % len(order)] if mix else texts[index % len(texts)]
        body = template % (customer, wa_id, wa_id, run, index, now, text)
        signature = "sha256=" + hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
        handle.write(signature + "\t" + body + "\n")
