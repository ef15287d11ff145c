-- A year of a busy restaurant, for bench/year: run by the sqlite3 shell on a database that `whatsorder migrate`
-- and `seed-menu` have made, with the parameters set first:
--   .parameter set @orders 1000000   (orders over the year)
--   .parameter set @customers 150000 (people who ordered at least once)
--   .parameter set @now <Unix ms>    (the year ends now)
-- Shape: repeat customers (seven orders in ten come from a fifth of the customers, about every two weeks each; the
-- rest order once or twice a year), one to three dishes
-- an order, five messages in and five out per order (10 per order: 10,000,000 for a million), a delivered and a
-- read status for each reply, one payment attempt each (a few abandoned), and a Paystack event for every paid one.
-- Orders end completed (most), cancelled, expired, refunded; the last two hours' are still in the kitchen.
-- Rows are written in id order with ids that sort like time, as the handlers write them. Pseudo-random choices are
-- hashes of the row's id: the same database every time.

PRAGMA foreign_keys = OFF;
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -1000000;

BEGIN;

-- Customers 1..N, numbers 2349xxxxxxxxx (the benchmarks' own customers are 2348…, new to this database).
INSERT INTO customer (id, waID, name, createdAt)
SELECT value, '2349' || printf('%09d', value), 'Customer ' || value, @now - 365 * 86400000
FROM generate_series(1, @customers);

-- The year's orders, 31.5 s apart on average, with a daily rhythm folded in by the jitter.
CREATE TEMP TABLE o AS
SELECT value AS id,
    1 + ((value * 2654435761) % 1000003) % 1000 AS r,
    @now - 365 * 86400000 + (value - 1) * (365 * 86400000 / @orders) + ((value * 40503) % 20000) AS at,
    CASE WHEN ((value * 1103515245 + 12345) % 2147483647) % 10 < 7
        THEN 1 + ((value * 2246822519) % 4294967291) % (@customers / 5)
        ELSE 1 + ((value * 3266489917) % 4294967291) % @customers END AS customer,
    1 + (value * 7) % 3 AS lines
FROM generate_series(1, @orders);

INSERT INTO customerOrder (id, code, customerID, status, fulfilment, addressText, subtotalKobo, deliveryFeeKobo,
    totalKobo, currency, email, emailIsPlaceholder, paidAt, paidReference, createdAt, updatedAt)
SELECT id, 'WO-Y' || printf('%07d', id), customer,
    CASE
        WHEN at > @now - 2 * 3600000 THEN (CASE r % 4 WHEN 0 THEN 'paid' WHEN 1 THEN 'preparing' WHEN 2 THEN 'ready'
            ELSE 'out_for_delivery' END)
        WHEN r <= 50 THEN 'cancelled' WHEN r <= 120 THEN 'expired' WHEN r <= 130 THEN 'refunded'
        ELSE 'completed' END,
    CASE WHEN r % 3 = 0 THEN 'pickup' ELSE 'delivery' END,
    CASE WHEN r % 3 = 0 THEN NULL ELSE (r % 97) || ' Admiralty Way, Lekki Phase 1' END,
    lines * 250000, CASE WHEN r % 3 = 0 THEN 0 ELSE 50000 END,
    lines * 250000 + CASE WHEN r % 3 = 0 THEN 0 ELSE 50000 END, 'NGN',
    'customer-' || customer || '@example.com', 1,
    CASE WHEN r > 120 OR at > @now - 2 * 3600000 THEN at + 90000 END,
    CASE WHEN r > 120 OR at > @now - 2 * 3600000 THEN 'WO-Y' || printf('%07d', id) || '-1' END,
    at, at + 1800000
FROM o ORDER BY id;

INSERT INTO orderLine (orderID, position, itemID, name, unitPriceKobo, quantity)
SELECT o.id, n.value, 1 + (o.id + n.value) % 11, 'Dish ' || (1 + (o.id + n.value) % 11), 250000, 1
FROM o JOIN generate_series(1, 3) AS n ON n.value <= o.lines ORDER BY o.id, n.value;

INSERT INTO payment (reference, orderID, amountKobo, currency, email, status, authorizationURL, accessCode,
    createdAt, updatedAt, linkedAt, transactionID)
SELECT code || '-1', id, totalKobo, 'NGN', email,
    CASE WHEN status IN ('cancelled', 'expired') THEN 'abandoned' ELSE 'paid' END,
    'https://checkout.paystack.com/y' || id, 'y' || id,
    createdAt + 60000, updatedAt, createdAt + 61000, 4000000000 + id
FROM customerOrder ORDER BY id;

INSERT INTO paymentEvent (source, event, eventKey, reference, transactionID, domain, status, amountKobo, currency,
    orderID, outcome, receivedAt)
SELECT 'webhook', 'charge.success', paidReference, paidReference, 4000000000 + id, 'live', 'success', totalKobo,
    'NGN', id, 'confirmed', paidAt
FROM customerOrder WHERE paidReference IS NOT NULL ORDER BY id;

INSERT INTO refund (orderID, reference, amountKobo, currency, reason, requestedBy, status, createdAt, updatedAt)
SELECT id, paidReference, totalKobo, 'NGN', 'cold food', 'staff', 'processed', updatedAt, updatedAt
FROM customerOrder WHERE status = 'refunded' ORDER BY id;

-- Five messages in, five out, per order; ids 5 * (order - 1) + k, one second apart.
INSERT INTO inboundMessage (id, providerID, customerID, type, sentAt, receivedAt, summary)
SELECT 5 * (o.id - 1) + k.value, 'wamid.Y' || printf('%010d', 5 * (o.id - 1) + k.value), o.customer,
    'text', o.at + k.value * 20000 - 1000, o.at + k.value * 20000,
    CASE k.value WHEN 1 THEN 'hi' WHEN 2 THEN '2 jollof and 1 zobo abeg' WHEN 3 THEN 'delivery'
        WHEN 4 THEN (o.r % 97) || ' Admiralty Way, Lekki Phase 1' ELSE 'confirm' END
FROM o JOIN generate_series(1, 5) AS k ORDER BY 1;

INSERT INTO outbox (id, kind, customerID, inboundMessageID, payload, status, attempts, nextAttemptAt, createdAt,
    sentAt)
SELECT i.id, 'whatsapp.message', i.customerID, i.id,
    -- Every other reply a list of dishes (about 700 bytes), the others a sentence (about 200).
    CAST(CASE i.id % 2 WHEN 0 THEN
        '{"messaging_product":"whatsapp","recipient_type":"individual","to":"+2349' || printf('%09d', i.customerID)
        || '","type":"interactive","interactive":{"type":"list","body":{"text":"Main Dishes: tap a dish to add it,'
        || ' or type it (e.g. 2 jollof).\n\n1. Jollof Rice & Chicken - ₦2,500\n2. Fried Rice Special - ₦2,200\n'
        || '3. Pounded Yam & Egusi - ₦3,000"},"action":{"button":"Dishes","sections":[{"title":"Main Dishes","rows":'
        || '[{"id":"item:1","title":"Jollof Rice & Chicken","description":"₦2,500"},{"id":"item:2","title":'
        || '"Fried Rice Special","description":"₦2,200"},{"id":"item:3","title":"Pounded Yam & Egusi",'
        || '"description":"₦3,000"}]}]}}}'
    ELSE
        '{"messaging_product":"whatsapp","recipient_type":"individual","to":"+2349' || printf('%09d', i.customerID)
        || '","type":"text","text":{"body":"Added 2 × Jollof Rice & Chicken. Your cart: ₦5,000. Anything else?"}}'
    END AS BLOB),
    'sent', 1, i.receivedAt, i.receivedAt, i.receivedAt + 400
FROM inboundMessage AS i ORDER BY i.id;

INSERT INTO outboundMessage (id, outboxID, wamid, customerID, status, statusRank, statusAt, createdAt)
SELECT id, id, 'wamid.OUT.Y' || printf('%010d', id), customerID, 'read', 4, sentAt + 30000, sentAt
FROM outbox ORDER BY id;

INSERT INTO messageStatus (wamid, status, statusRank, occurredAt, receivedAt)
SELECT m.wamid, s.name, s.rank, m.createdAt + s.delay, m.createdAt + s.delay + 500
FROM outboundMessage AS m
JOIN (SELECT 'delivered' AS name, 3 AS rank, 2000 AS delay UNION ALL SELECT 'read', 4, 30000) AS s
ORDER BY m.id, s.rank;

-- Each customer's conversation as the handlers leave it: at the welcome, remembering the last order.
INSERT INTO conversation (customerID, state, version, updatedAt, lastInboundAt)
SELECT c.customerID, '{"lastOrder":{"code":"' || c.code || '","fulfilment":{"pickup":{}},"lines":[{"itemID":1,'
    || '"name":"Jollof Rice & Chicken","quantity":2,"unitPrice":250000}],"status":"completed","total":500000},'
    || '"offersNumbers":false,"step":"choosingCategory"}', c.orders * 5, c.at, c.at
FROM (SELECT customerID, max(createdAt) AS at, max(code) AS code, count(*) AS orders FROM customerOrder
    GROUP BY customerID) AS c ORDER BY c.customerID;

COMMIT;
DROP TABLE o;
-- No ANALYZE: a production database has never had one, and the planner must do without it there too.
PRAGMA journal_mode = WAL;
