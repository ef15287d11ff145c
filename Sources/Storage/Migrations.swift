/// A named schema change, written as SQL so it never depends on today's Swift types.
/// "A good migration is a migration that is never modified once it has shipped." (GRDB)
public struct Migration: Sendable {
    public var name: String
    /// SQLite's statements.
    public var sql: String
    /// PostgreSQL's statements (see `PostgresSchema` for v1 to v17).
    public var postgres: String

    public init(name: String, sql: String, postgres: String = "") {
        self.name = name
        self.sql = sql
        self.postgres = postgres
    }

    public func sql(for dialect: SQLDialect) -> String {
        dialect == .postgres ? postgres : sql
    }
}

/// Every migration in order. Append only: a test pins the list of names.
public enum Migrations {
    public static let all: [Migration] = [
        platform, ordering, payments, staff, uncertainSends, unfinishedOutbox, menuAliases, refunds, staffChats,
        settings, leaseOwners, staffLanes, keptBodyDigests, retention, ordersByTime,
        options, catalog,
    ]

    /// The platform: customers, conversations, inbound and outbound messages, the outbox, the menu, kept bodies.
    /// Times are Unix milliseconds (UTC); money is integer minor units.
    static let platform = Migration(
        name: "v1-platform",
        sql: """
            CREATE TABLE customer (
                id INTEGER PRIMARY KEY,
                waID TEXT UNIQUE,
                userID TEXT UNIQUE,
                name TEXT,
                createdAt INTEGER NOT NULL,
                CHECK (waID IS NOT NULL OR userID IS NOT NULL)
            );

            -- lastInboundAt lives here, not on customer: this row is written for every message anyway, so the
            -- customer row is only touched when the customer changes (one write less per message).
            CREATE TABLE conversation (
                customerID INTEGER PRIMARY KEY REFERENCES customer(id),
                state TEXT NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1),
                updatedAt INTEGER NOT NULL,
                lastInboundAt INTEGER NOT NULL
            );

            CREATE TABLE inboundMessage (
                id INTEGER PRIMARY KEY,
                providerID TEXT NOT NULL UNIQUE,
                customerID INTEGER NOT NULL REFERENCES customer(id),
                type TEXT NOT NULL,
                sentAt INTEGER,
                receivedAt INTEGER NOT NULL,
                summary TEXT
            );

            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                customerID INTEGER REFERENCES customer(id),
                inboundMessageID INTEGER REFERENCES inboundMessage(id),
                payload BLOB NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                nextAttemptAt INTEGER NOT NULL,
                leaseUntil INTEGER,
                lastError TEXT,
                errorCode INTEGER,
                fbtraceID TEXT,
                createdAt INTEGER NOT NULL,
                sentAt INTEGER
            );
            CREATE INDEX outboxDue ON outbox(status, nextAttemptAt);
            CREATE INDEX outboxCustomer ON outbox(customerID, id);

            CREATE TABLE outboundMessage (
                id INTEGER PRIMARY KEY,
                outboxID INTEGER NOT NULL UNIQUE REFERENCES outbox(id),
                wamid TEXT NOT NULL UNIQUE,
                customerID INTEGER REFERENCES customer(id),
                status TEXT NOT NULL,
                statusRank INTEGER NOT NULL,
                statusAt INTEGER,
                errorCode INTEGER,
                errorTitle TEXT,
                createdAt INTEGER NOT NULL
            );

            CREATE TABLE messageStatus (
                id INTEGER PRIMARY KEY,
                wamid TEXT NOT NULL,
                status TEXT NOT NULL,
                statusRank INTEGER NOT NULL,
                occurredAt INTEGER,
                errorCode INTEGER,
                errorTitle TEXT,
                errorDetails TEXT,
                receivedAt INTEGER NOT NULL,
                UNIQUE (wamid, status)
            );

            CREATE TABLE menuCategory (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                position INTEGER NOT NULL
            );

            CREATE TABLE menuItem (
                id INTEGER PRIMARY KEY,
                categoryID INTEGER NOT NULL REFERENCES menuCategory(id),
                name TEXT NOT NULL UNIQUE,
                description TEXT NOT NULL DEFAULT '',
                priceKobo INTEGER NOT NULL CHECK (priceKobo >= 0),
                available INTEGER NOT NULL DEFAULT 1 CHECK (available IN (0, 1)),
                position INTEGER NOT NULL DEFAULT 0
            );

            -- Bumped by triggers on every menu change, so a long-lived worker can keep the menu in memory and check
            -- one integer per request instead of reading the menu again.
            CREATE TABLE menuRevision (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                revision INTEGER NOT NULL
            );
            INSERT INTO menuRevision (id, revision) VALUES (1, 0);
            CREATE TRIGGER menuCategoryInserted AFTER INSERT ON menuCategory
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER menuCategoryUpdated AFTER UPDATE ON menuCategory
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER menuCategoryDeleted AFTER DELETE ON menuCategory
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER menuItemInserted AFTER INSERT ON menuItem
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER menuItemUpdated AFTER UPDATE ON menuItem
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER menuItemDeleted AFTER DELETE ON menuItem
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;

            CREATE TABLE keptBody (
                id INTEGER PRIMARY KEY,
                source TEXT NOT NULL,
                reason TEXT NOT NULL,
                receivedAt INTEGER NOT NULL,
                body BLOB NOT NULL
            );
            """,
        postgres: PostgresSchema.baseline)

    /// Orders with their frozen lines, and one row per Paystack payment attempt. The order code and the payment
    /// reference are UNIQUE: a replayed step or a retried initialize can never create a second of either.
    static let ordering = Migration(
        name: "v2-ordering",
        sql: """
            CREATE TABLE customerOrder (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                customerID INTEGER NOT NULL REFERENCES customer(id),
                status TEXT NOT NULL CHECK (status IN ('awaiting_payment', 'paid', 'cancelled')),
                fulfilment TEXT NOT NULL CHECK (fulfilment IN ('delivery', 'pickup')),
                addressText TEXT,
                latitude REAL,
                longitude REAL,
                placeName TEXT,
                subtotalKobo INTEGER NOT NULL CHECK (subtotalKobo >= 0),
                deliveryFeeKobo INTEGER NOT NULL CHECK (deliveryFeeKobo >= 0),
                totalKobo INTEGER NOT NULL CHECK (totalKobo = subtotalKobo + deliveryFeeKobo),
                currency TEXT NOT NULL,
                email TEXT NOT NULL,
                emailIsPlaceholder INTEGER NOT NULL CHECK (emailIsPlaceholder IN (0, 1)),
                createdAt INTEGER NOT NULL,
                updatedAt INTEGER NOT NULL
            );
            CREATE INDEX customerOrderCustomer ON customerOrder(customerID, id);

            CREATE TABLE orderLine (
                orderID INTEGER NOT NULL REFERENCES customerOrder(id),
                position INTEGER NOT NULL,
                itemID INTEGER NOT NULL,
                name TEXT NOT NULL,
                unitPriceKobo INTEGER NOT NULL CHECK (unitPriceKobo >= 0),
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                PRIMARY KEY (orderID, position)
            );

            CREATE TABLE payment (
                reference TEXT PRIMARY KEY,
                orderID INTEGER NOT NULL REFERENCES customerOrder(id),
                amountKobo INTEGER NOT NULL CHECK (amountKobo > 0),
                currency TEXT NOT NULL,
                email TEXT NOT NULL,
                status TEXT NOT NULL
                    CHECK (status IN ('initializing', 'link_sent', 'failed', 'abandoned', 'paid')),
                authorizationURL TEXT,
                accessCode TEXT,
                lastError TEXT,
                createdAt INTEGER NOT NULL,
                updatedAt INTEGER NOT NULL
            );
            CREATE INDEX paymentOrder ON payment(orderID);
            """)

    /// Paystack's side of an order. The order table is rebuilt (SQLite cannot widen a CHECK in place) to add the
    /// payment and kitchen statuses, when and by which reference it was paid, and what staff must look at.
    /// Every webhook event and every successful verify is a row keyed UNIQUE (event, eventKey): a replay is a
    /// constraint hit, not a second confirmation.
    static let payments = Migration(
        name: "v3-payments",
        sql: """
            CREATE TABLE customerOrderNew (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                customerID INTEGER NOT NULL REFERENCES customer(id),
                status TEXT NOT NULL CHECK (status IN ('awaiting_payment', 'expired', 'paid', 'payment_review',
                    'preparing', 'ready', 'out_for_delivery', 'completed', 'cancelled', 'refunded')),
                fulfilment TEXT NOT NULL CHECK (fulfilment IN ('delivery', 'pickup')),
                addressText TEXT,
                latitude REAL,
                longitude REAL,
                placeName TEXT,
                subtotalKobo INTEGER NOT NULL CHECK (subtotalKobo >= 0),
                deliveryFeeKobo INTEGER NOT NULL CHECK (deliveryFeeKobo >= 0),
                totalKobo INTEGER NOT NULL CHECK (totalKobo = subtotalKobo + deliveryFeeKobo),
                currency TEXT NOT NULL,
                email TEXT NOT NULL,
                emailIsPlaceholder INTEGER NOT NULL CHECK (emailIsPlaceholder IN (0, 1)),
                paidAt INTEGER,
                paidReference TEXT,
                attention TEXT,
                createdAt INTEGER NOT NULL,
                updatedAt INTEGER NOT NULL
            );
            INSERT INTO customerOrderNew (id, code, customerID, status, fulfilment, addressText, latitude, longitude,
                placeName, subtotalKobo, deliveryFeeKobo, totalKobo, currency, email, emailIsPlaceholder, createdAt,
                updatedAt)
            SELECT id, code, customerID, status, fulfilment, addressText, latitude, longitude, placeName,
                subtotalKobo, deliveryFeeKobo, totalKobo, currency, email, emailIsPlaceholder, createdAt, updatedAt
            FROM customerOrder;
            DROP TABLE customerOrder;
            ALTER TABLE customerOrderNew RENAME TO customerOrder;
            CREATE INDEX customerOrderCustomer ON customerOrder(customerID, id);
            CREATE INDEX customerOrderStatus ON customerOrder(status, createdAt);

            ALTER TABLE payment ADD COLUMN linkedAt INTEGER;
            ALTER TABLE payment ADD COLUMN verifiedAt INTEGER;
            ALTER TABLE payment ADD COLUMN transactionID INTEGER;

            CREATE TABLE paymentEvent (
                id INTEGER PRIMARY KEY,
                source TEXT NOT NULL CHECK (source IN ('webhook', 'reconcile')),
                event TEXT NOT NULL,
                eventKey TEXT NOT NULL,
                reference TEXT,
                transactionID INTEGER,
                domain TEXT,
                status TEXT,
                amountKobo INTEGER,
                currency TEXT,
                orderID INTEGER REFERENCES customerOrder(id),
                outcome TEXT NOT NULL DEFAULT 'received',
                detail TEXT,
                receivedAt INTEGER NOT NULL,
                UNIQUE (event, eventKey)
            );
            CREATE INDEX paymentEventReference ON paymentEvent(reference);
            """)

    /// Staff operations: a message sent outside WhatsApp's 24-hour window must be an approved template, so a status
    /// update carries its template along and the sender switches to it when Meta answers 131047.
    static let staff = Migration(
        name: "v4-staff",
        sql: """
            ALTER TABLE outbox ADD COLUMN fallbackPayload BLOB;
            """)

    /// Hardening: a send that may have reached Meta without our seeing the answer (a sender killed mid-send whose
    /// lease expired, a connection lost after the request went out) is counted on its row, so the duplicates that
    /// WhatsApp's API cannot prevent are bounded and visible (`whatsorder outbox status`).
    static let uncertainSends = Migration(
        name: "v5-uncertain-sends",
        sql: """
            ALTER TABLE outbox ADD COLUMN uncertainSends INTEGER NOT NULL DEFAULT 0;
            """)

    /// Found by the soak (bench/soak): a claim asks, for each due row, whether the same customer has an earlier
    /// unfinished one. Through `outboxCustomer` that walked every row the customer ever had, so each claim, taken
    /// under the write lock, grew slower with history: p99 went from 4 to 50 ms over two minutes. A partial index of
    /// unfinished rows only keeps the question as cheap on day 300 as on day 1.
    static let unfinishedOutbox = Migration(
        name: "v6-unfinished-outbox",
        sql: """
            CREATE INDEX outboxUnfinished ON outbox(customerID, id) WHERE status IN ('pending', 'sending');
            """)

    /// The other names customers use for a dish (`coke` for Coca-Cola), which typed orders match: `;` between them,
    /// the restaurant's spelling kept. Changing them bumps `menuRevision` like any other menu change.
    static let menuAliases = Migration(
        name: "v7-menu-aliases",
        sql: """
            ALTER TABLE menuItem ADD COLUMN aliases TEXT NOT NULL DEFAULT '';
            """)
    /// Money going back. A refund is a row before it is a request to Paystack: its amount is checked against what
    /// the order's charges still hold inside the write lock, the request leaves through the outbox (`outboxID`), and
    /// Paystack's `refund.*` events settle it. A payment attempt whose order the customer replaced keeps the code
    /// of the order that replaced it, so a late payment through its old link can be named for what it is.
    static let refunds = Migration(
        name: "v8-refunds",
        sql: """
            ALTER TABLE payment ADD COLUMN supersededBy TEXT;
            CREATE TABLE refund (
                id INTEGER PRIMARY KEY,
                orderID INTEGER NOT NULL REFERENCES customerOrder(id),
                reference TEXT NOT NULL,
                amountKobo INTEGER NOT NULL CHECK (amountKobo > 0),
                currency TEXT NOT NULL,
                reason TEXT NOT NULL,
                requestedBy TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('requested', 'pending', 'processed', 'failed', 'unknown')),
                outboxID INTEGER UNIQUE REFERENCES outbox(id),
                paystackRefundID INTEGER,
                lastError TEXT,
                createdAt INTEGER NOT NULL,
                updatedAt INTEGER NOT NULL
            );
            CREATE INDEX refundOrder ON refund(orderID);
            CREATE INDEX refundReference ON refund(reference, status);
            CREATE INDEX paymentEventOrder ON paymentEvent(orderID) WHERE status = 'success';
            """)
    /// Staff on WhatsApp. Their own messages (`staffInbound`, UNIQUE by Meta's id like a customer's) say when each
    /// staff number last wrote, which is when WhatsApp's 24-hour window for alerts to it is open, and carry their
    /// replies. A staff message that speaks for a customer (a relayed message, a request for a person) keeps that
    /// customer (`relay`), so a reply to it on the staff member's phone (its `context.id`) answers them. `chatMessage`
    /// is the handoff's thread both ways, for `chat show` and the board.
    static let staffChats = Migration(
        name: "v9-staff-chats",
        sql: """
            CREATE TABLE staffInbound (
                id INTEGER PRIMARY KEY,
                providerID TEXT NOT NULL UNIQUE,
                number TEXT NOT NULL,
                replyTo TEXT,
                customerID INTEGER REFERENCES customer(id),
                summary TEXT,
                outcome TEXT NOT NULL DEFAULT 'received',
                receivedAt INTEGER NOT NULL
            );
            CREATE INDEX staffInboundNumber ON staffInbound(number, receivedAt);
            CREATE TABLE relay (
                outboxID INTEGER PRIMARY KEY REFERENCES outbox(id),
                customerID INTEGER NOT NULL REFERENCES customer(id)
            );
            CREATE TABLE chatMessage (
                id INTEGER PRIMARY KEY,
                customerID INTEGER NOT NULL REFERENCES customer(id),
                author TEXT NOT NULL CHECK (author IN ('customer', 'staff', 'bot')),
                who TEXT,
                body TEXT NOT NULL,
                createdAt INTEGER NOT NULL
            );
            CREATE INDEX chatMessageCustomer ON chatMessage(customerID, id);
            CREATE INDEX chatMessageRecent ON chatMessage(createdAt);
            """)
    /// Settings staff change while the restaurant runs (hours, closed now, fees, contact details): a row per key
    /// over the configuration file's value. A change bumps the same revision as a menu change, so a long-lived
    /// worker still checks one integer per request for both.
    static let settings = Migration(
        name: "v10-settings",
        sql: """
            CREATE TABLE setting (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updatedBy TEXT,
                updatedAt INTEGER NOT NULL
            );
            CREATE TRIGGER settingInserted AFTER INSERT ON setting
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER settingUpdated AFTER UPDATE ON setting
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER settingDeleted AFTER DELETE ON setting
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            """)
    /// Which sender holds a claimed row (`pid:start-time`), so a sender that starts can take back at once the rows of
    /// one that is no longer running instead of waiting out their lease.
    static let leaseOwners = Migration(
        name: "v11-lease-owners",
        sql: """
            ALTER TABLE outbox ADD COLUMN leasedBy TEXT;
            """)
    /// A staff number's alerts leave in the order they were written, as a customer's replies do: with many sends in
    /// flight, "new order" and "order cancelled" must not overtake each other on a staff phone.
    static let staffLanes = Migration(
        name: "v12-staff-lanes",
        sql: """
            ALTER TABLE outbox ADD COLUMN staffNumber TEXT;
            CREATE INDEX outboxStaffUnfinished ON outbox(staffNumber, id)
                WHERE status IN ('pending', 'sending') AND staffNumber IS NOT NULL;
            """)
    /// A body kept for a person is kept once: a replay of the same bytes (a provider's retries, or someone replaying
    /// a signed body) counts a copy instead of adding a row. Rows kept before this have no digest and stay as they are
    /// until `prune` removes them.
    static let keptBodyDigests = Migration(
        name: "v13-kept-body-digests",
        sql: """
            ALTER TABLE keptBody ADD COLUMN digest BLOB;
            ALTER TABLE keptBody ADD COLUMN copies INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE keptBody ADD COLUMN lastReceivedAt INTEGER;
            CREATE UNIQUE INDEX keptBodyDigest ON keptBody(source, digest);
            CREATE INDEX keptBodyReceived ON keptBody(receivedAt);
            """)
    /// `prune` deletes inbound messages, and SQLite checks each against the outbox rows that may point at it: without
    /// this index, a full scan of the outbox for every message deleted.
    static let retention = Migration(
        name: "v14-retention",
        sql: """
            CREATE INDEX outboxInbound ON outbox(inboundMessageID);
            """)
    /// Staff list orders by when they were placed (`orders list --since today`, the board's "today"): without this
    /// index, every order of a year is read to find today's (bench/year).
    static let ordersByTime = Migration(
        name: "v15-orders-by-time",
        sql: """
            CREATE INDEX customerOrderCreated ON customerOrder(createdAt);
            """)
    /// What restaurants really sell: option groups per item (a protein to pick, extras), each option with its price
    /// change and its own sold-out switch; a picture per item; a note per order line and per order. Options are
    /// matched by name on import (NOCASE, as items are), so a re-import keeps their ids and carts that hold them.
    /// An order line keeps its options as JSON, frozen like its name and price.
    static let options = Migration(
        name: "v16-options-notes-pictures",
        sql: """
            ALTER TABLE menuItem ADD COLUMN imageURL TEXT;
            CREATE TABLE optionGroup (
                id INTEGER PRIMARY KEY,
                itemID INTEGER NOT NULL REFERENCES menuItem(id) ON DELETE CASCADE,
                name TEXT NOT NULL COLLATE NOCASE,
                position INTEGER NOT NULL,
                minimum INTEGER NOT NULL CHECK (minimum >= 0),
                maximum INTEGER NOT NULL CHECK (maximum >= 1 AND maximum >= minimum),
                UNIQUE (itemID, name)
            );
            CREATE TABLE menuOption (
                id INTEGER PRIMARY KEY,
                groupID INTEGER NOT NULL REFERENCES optionGroup(id) ON DELETE CASCADE,
                name TEXT NOT NULL COLLATE NOCASE,
                position INTEGER NOT NULL,
                priceKobo INTEGER NOT NULL,
                available INTEGER NOT NULL DEFAULT 1 CHECK (available IN (0, 1)),
                UNIQUE (groupID, name)
            );
            CREATE TRIGGER optionGroupInserted AFTER INSERT ON optionGroup
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER optionGroupUpdated AFTER UPDATE ON optionGroup
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER optionGroupDeleted AFTER DELETE ON optionGroup
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER menuOptionInserted AFTER INSERT ON menuOption
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER menuOptionUpdated AFTER UPDATE ON menuOption
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            CREATE TRIGGER menuOptionDeleted AFTER DELETE ON menuOption
                BEGIN UPDATE menuRevision SET revision = revision + 1; END;
            ALTER TABLE orderLine ADD COLUMN options TEXT;
            ALTER TABLE orderLine ADD COLUMN note TEXT;
            ALTER TABLE customerOrder ADD COLUMN note TEXT;
            """)
    /// What `whatsorder catalog sync` last had Meta accept for each dish, as the item data sent: a sync sends only
    /// what changed since, and deletes from the catalog what it once put there and the menu no longer has. Meta's
    /// own listing is not complete enough to decide deletions by (its reference says so).
    static let catalog = Migration(
        name: "v17-catalog-sync",
        sql: """
            CREATE TABLE catalogItem (
                catalogID TEXT NOT NULL,
                retailerID TEXT NOT NULL,
                data TEXT NOT NULL,
                syncedAt INTEGER NOT NULL,
                PRIMARY KEY (catalogID, retailerID)
            );
            """)
}
