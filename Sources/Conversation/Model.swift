import Domain

/// Where a customer's conversation stands. Persisted as JSON with a version, so old rows must keep decoding:
/// every field but `step` is read with a default, fields are added and never renamed.
public struct State: Codable, Equatable, Sendable {
    public var step: Step
    /// The category being browsed and the page of it shown (`choosingItem`).
    public var categoryID: Int64?
    public var page: Int
    /// The item a quantity is being asked for (`choosingQuantity`) or the cart line being edited (`editingLine`).
    public var itemID: Int64?
    /// Candidates for a typed name that matched more than one item (`resolvingName`).
    public var ambiguity: Ambiguity?
    public var cart: [OrderLine]
    public var fulfilment: Fulfilment?
    /// The receipt email, asked once and kept for later orders.
    public var email: String?
    /// The customer tapped Skip: the placeholder address is used and the question is not asked again.
    public var emailSkipped: Bool
    /// The confirmed order that is not paid yet.
    public var pendingOrder: PendingOrder?
    /// The latest order, for `status`.
    public var lastOrder: OrderBrief?
    /// The newest `sentAt` acted on (Unix ms), so a late redelivery can tell that something newer came first.
    public var latestSentAt: Int64?
    /// A late message was apologised for; later late ones stay quiet until a timely message resets it.
    public var apologisedForDelay: Bool
    /// A person from the restaurant has the chat until then (Unix ms): messages are recorded, not answered.
    public var handoffUntil: Int64?
    /// The latest reply offered numbered choices, so a bare number answers it; otherwise "2" means nothing yet.
    public var offersNumbers: Bool
    /// The dish added last, for `one more` and `make it 3`.
    public var lastItemID: Int64?
    /// The address of the last delivery, offered at the next delivery checkout.
    public var savedAddress: Address?
    /// A pin shared before checkout, kept for it.
    public var pendingPin: Address?
    /// The cart came from WhatsApp's catalog: once its dishes' options are chosen, checkout follows at once.
    public var checkoutWhenChosen: Bool
    /// The unpaid order the customer chose to replace with the cart: cancelled when the new one is confirmed.
    public var replacing: OrderCode?
    /// While with a person: the customer was told once that their messages are passed on.
    public var handoffAcknowledged: Bool
    /// Dishes whose options are being asked (`choosingOption`), the first one now: each joins the cart once its
    /// required groups are answered. A dish whose quantity is being asked waits here with its typed options too.
    public var building: [LineInProgress]
    /// The cart line being edited (`editingLine`), by `OrderLine.key`.
    public var lineKey: String?
    /// What the customer asked of the whole order (`call me at the gate`).
    public var orderNote: String?

    public init(step: Step = .new) {
        self.step = step
        self.page = 0
        self.cart = []
        self.emailSkipped = false
        self.apologisedForDelay = false
        self.offersNumbers = true
        self.handoffAcknowledged = false
        self.building = []
        self.checkoutWhenChosen = false
    }

    public enum Step: String, Codable, Equatable, Sendable {
        /// Never greeted.
        case new
        /// Shown the categories; waiting for a pick.
        case choosingCategory
        /// Shown a category's items.
        case choosingItem
        /// Asked how many of `itemID`.
        case choosingQuantity
        /// Told what was added, with View cart / Add more / Checkout.
        case cartUpdated
        /// Shown the cart.
        case viewingCart
        /// Asked for a new quantity of the cart line `itemID`.
        case editingLine
        /// Asked which of several items a typed name meant.
        case resolvingName
        /// Asked: delivery or pickup.
        case choosingFulfilment
        /// Asked for a delivery address.
        case awaitingAddress
        /// Given a bare pin; asked (optionally) for a house number or landmark.
        case awaitingLandmark
        /// Asked for a receipt email.
        case awaitingEmail
        /// Shown the summary with Confirm / Edit / Cancel.
        case confirming
        /// Said no at the summary; asked what to change.
        case choosingChange
        /// Back after a long pause with a cart: asked whether to continue with it or start fresh.
        case resuming
        /// Asked whether to really cancel.
        case confirmingCancel
        /// Checking out a cart with an order still unpaid: asked whether to pay that one or replace it.
        case choosingUnpaid
        /// The order is placed; the payment link is on its way or sent.
        case awaitingPayment
        /// Asked to pick an option of `building`'s dish (its protein, its size).
        case choosingOption
    }

    enum CodingKeys: String, CodingKey {
        case step, categoryID, page, itemID, ambiguity, cart, fulfilment, email, emailSkipped, pendingOrder
        case lastOrder, latestSentAt, apologisedForDelay, handoffUntil, offersNumbers, lastItemID, savedAddress
        case pendingPin, replacing, handoffAcknowledged, building, orderNote, lineKey
        case checkoutWhenChosen
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(step: try container.decode(Step.self, forKey: .step))
        categoryID = try container.decodeIfPresent(Int64.self, forKey: .categoryID)
        page = try container.decodeIfPresent(Int.self, forKey: .page) ?? 0
        itemID = try container.decodeIfPresent(Int64.self, forKey: .itemID)
        ambiguity = try container.decodeIfPresent(Ambiguity.self, forKey: .ambiguity)
        cart = try container.decodeIfPresent([OrderLine].self, forKey: .cart) ?? []
        fulfilment = try container.decodeIfPresent(Fulfilment.self, forKey: .fulfilment)
        email = try container.decodeIfPresent(String.self, forKey: .email)
        emailSkipped = try container.decodeIfPresent(Bool.self, forKey: .emailSkipped) ?? false
        pendingOrder = try container.decodeIfPresent(PendingOrder.self, forKey: .pendingOrder)
        lastOrder = try container.decodeIfPresent(OrderBrief.self, forKey: .lastOrder)
        latestSentAt = try container.decodeIfPresent(Int64.self, forKey: .latestSentAt)
        apologisedForDelay = try container.decodeIfPresent(Bool.self, forKey: .apologisedForDelay) ?? false
        handoffUntil = try container.decodeIfPresent(Int64.self, forKey: .handoffUntil)
        offersNumbers = try container.decodeIfPresent(Bool.self, forKey: .offersNumbers) ?? true
        lastItemID = try container.decodeIfPresent(Int64.self, forKey: .lastItemID)
        savedAddress = try container.decodeIfPresent(Address.self, forKey: .savedAddress)
        pendingPin = try container.decodeIfPresent(Address.self, forKey: .pendingPin)
        replacing = try container.decodeIfPresent(OrderCode.self, forKey: .replacing)
        handoffAcknowledged = try container.decodeIfPresent(Bool.self, forKey: .handoffAcknowledged) ?? false
        building = try container.decodeIfPresent([LineInProgress].self, forKey: .building) ?? []
        orderNote = try container.decodeIfPresent(String.self, forKey: .orderNote)
        lineKey = try container.decodeIfPresent(String.self, forKey: .lineKey)
        checkoutWhenChosen = try container.decodeIfPresent(Bool.self, forKey: .checkoutWhenChosen) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(step, forKey: .step)
        try container.encodeIfPresent(categoryID, forKey: .categoryID)
        if page != 0 { try container.encode(page, forKey: .page) }
        try container.encodeIfPresent(itemID, forKey: .itemID)
        try container.encodeIfPresent(ambiguity, forKey: .ambiguity)
        if !cart.isEmpty { try container.encode(cart, forKey: .cart) }
        try container.encodeIfPresent(fulfilment, forKey: .fulfilment)
        try container.encodeIfPresent(email, forKey: .email)
        if emailSkipped { try container.encode(emailSkipped, forKey: .emailSkipped) }
        try container.encodeIfPresent(pendingOrder, forKey: .pendingOrder)
        try container.encodeIfPresent(lastOrder, forKey: .lastOrder)
        try container.encodeIfPresent(latestSentAt, forKey: .latestSentAt)
        if apologisedForDelay { try container.encode(apologisedForDelay, forKey: .apologisedForDelay) }
        try container.encodeIfPresent(handoffUntil, forKey: .handoffUntil)
        if !offersNumbers { try container.encode(offersNumbers, forKey: .offersNumbers) }
        try container.encodeIfPresent(lastItemID, forKey: .lastItemID)
        try container.encodeIfPresent(savedAddress, forKey: .savedAddress)
        try container.encodeIfPresent(pendingPin, forKey: .pendingPin)
        try container.encodeIfPresent(replacing, forKey: .replacing)
        if handoffAcknowledged { try container.encode(handoffAcknowledged, forKey: .handoffAcknowledged) }
        if !building.isEmpty { try container.encode(building, forKey: .building) }
        try container.encodeIfPresent(orderNote, forKey: .orderNote)
        try container.encodeIfPresent(lineKey, forKey: .lineKey)
        if checkoutWhenChosen { try container.encode(checkoutWhenChosen, forKey: .checkoutWhenChosen) }
    }
}

/// A dish on its way into the cart while its required options are asked, one group at a time.
public struct LineInProgress: Codable, Equatable, Sendable {
    public var itemID: Int64
    /// 0 while the quantity is still being asked.
    public var quantity: Int
    public var options: [ChosenOption]
    public var note: String?
    /// The group asked last (0: none yet); optional groups after it are offered when `offerExtras`.
    public var groupID: Int64
    /// The dish was tapped, not typed: its optional groups (extras) are offered too, since a customer who taps
    /// cannot otherwise find them. A typed dish says what it wants.
    public var offerExtras: Bool

    public init(
        itemID: Int64, quantity: Int, options: [ChosenOption] = [], note: String? = nil, groupID: Int64 = 0,
        offerExtras: Bool = false
    ) {
        self.itemID = itemID
        self.quantity = quantity
        self.options = options
        self.note = note
        self.groupID = groupID
        self.offerExtras = offerExtras
    }

    enum CodingKeys: String, CodingKey {
        case itemID, quantity, options, note, groupID, offerExtras
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        itemID = try container.decode(Int64.self, forKey: .itemID)
        quantity = try container.decode(Int.self, forKey: .quantity)
        options = try container.decodeIfPresent([ChosenOption].self, forKey: .options) ?? []
        note = try container.decodeIfPresent(String.self, forKey: .note)
        groupID = try container.decode(Int64.self, forKey: .groupID)
        offerExtras = try container.decodeIfPresent(Bool.self, forKey: .offerExtras) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(itemID, forKey: .itemID)
        try container.encode(quantity, forKey: .quantity)
        if !options.isEmpty { try container.encode(options, forKey: .options) }
        try container.encodeIfPresent(note, forKey: .note)
        try container.encode(groupID, forKey: .groupID)
        if offerExtras { try container.encode(offerExtras, forKey: .offerExtras) }
    }
}

/// A typed name that matched several items, and what to do with the one the customer picks.
public struct Ambiguity: Codable, Equatable, Sendable {
    public enum Action: String, Codable, Equatable, Sendable {
        case add
        case remove
        /// Ask for the quantity.
        case choose
    }

    public var action: Action
    public var quantity: Int?
    public var candidates: [Int64]

    public init(action: Action, quantity: Int?, candidates: [Int64]) {
        self.action = action
        self.quantity = quantity
        self.candidates = candidates
    }
}

/// A confirmed order waiting for its payment: enough to make a new payment link without reading the order back.
public struct PendingOrder: Codable, Equatable, Sendable {
    public var code: OrderCode
    public var total: Kobo
    public var email: String
    /// The attempt whose link is current; each `pay` starts a new one with a new reference.
    public var attempt: Int
    /// The current attempt's Paystack checkout URL, once the sender has it.
    public var paymentURL: String?

    public init(code: OrderCode, total: Kobo, email: String, attempt: Int, paymentURL: String? = nil) {
        self.code = code
        self.total = total
        self.email = email
        self.attempt = attempt
        self.paymentURL = paymentURL
    }

    public var reference: String { code.paymentReference(attempt: attempt) }
}

/// The latest order as `status`, `receipt` and `same as last time` need it.
public struct OrderBrief: Codable, Equatable, Sendable {
    public var code: OrderCode
    public var total: Kobo
    public var status: OrderStatus
    /// What was ordered (nil in rows written before reorders existed).
    public var lines: [OrderLine]?
    public var fulfilment: Fulfilment?
    /// When Paystack's payment was confirmed (Unix ms), for when it should be ready.
    public var paidAt: Int64?

    public init(
        code: OrderCode, total: Kobo, status: OrderStatus, lines: [OrderLine]? = nil, fulfilment: Fulfilment? = nil,
        paidAt: Int64? = nil
    ) {
        self.code = code
        self.total = total
        self.status = status
        self.lines = lines
        self.fulfilment = fulfilment
        self.paidAt = paidAt
    }
}

/// Something that happened to a conversation. Provider payloads are translated into these at the edge.
public enum Event: Equatable, Sendable {
    /// A customer's message. `sentAt` is WhatsApp's timestamp (Unix ms), when it had one.
    case customerSent(Input, sentAt: Int64?)
    /// The sender created a Paystack checkout for `reference`.
    case paymentLinkCreated(reference: String, url: String)
    /// Paystack refused or could not be reached for `reference`; `reason` is for logs, not customers.
    case paymentLinkFailed(reference: String, reason: String)
    /// Paystack reported the order paid in full, and the order moved to paid (once, whatever else arrived).
    case paymentConfirmed(ConfirmedOrder)
    /// Money arrived for the order but a person must check it first (amount, currency, mode, a cancelled or
    /// already-paid order). The reason is for staff, never for the customer.
    case paymentNeedsReview(OrderCode)
    /// The order's payment link outlived its time unpaid; `pay` makes a fresh one.
    case paymentLinkExpired(OrderCode)
    /// Paystack refunded `amount` of the order.
    case orderRefunded(OrderCode, amount: Kobo)
    /// Paystack accepted a refund of `amount` and is moving the money.
    case refundStarted(OrderCode, amount: Kobo)
    /// A refund the customer was told about did not go through; a person takes it from here.
    case refundFailed(OrderCode, amount: Kobo)
    /// Money arrived for an order that was already paid: refunded automatically, or put to staff.
    case extraPayment(OrderCode, amount: Kobo, refunding: Bool)
    /// Staff moved the order on, or cancelled it.
    case orderUpdated(OrderUpdate)
    /// A person from the restaurant takes the chat (`whatsorder chat pause`).
    case staffTookOver
    /// The bot has the chat again (`whatsorder chat resume`).
    case staffHandedBack
    /// A person from the restaurant wrote to the customer (`whatsorder chat send`).
    case staffSent(String)
}

/// A kitchen status change, as the customer hears of it.
public struct OrderUpdate: Equatable, Sendable {
    public var code: OrderCode
    public var status: OrderStatus
    /// What staff gave as the reason for a cancellation.
    public var reason: String?
    /// Money was taken for the order (whatever its status said): a cancellation must never say nothing was charged.
    public var wasPaid: Bool
    /// What a cancellation is refunding now; nil when nothing is left to refund (or staff must sort it out).
    public var refunding: Kobo?

    public init(
        code: OrderCode, status: OrderStatus, reason: String? = nil, wasPaid: Bool = true, refunding: Kobo? = nil
    ) {
        self.code = code
        self.status = status
        self.reason = reason
        self.wasPaid = wasPaid
        self.refunding = refunding
    }
}

/// A paid order as the confirmation describes it: what was bought, where it goes, what it cost.
public struct ConfirmedOrder: Equatable, Sendable {
    public var code: OrderCode
    public var lines: [OrderLine]
    public var fulfilment: Fulfilment
    public var subtotal: Kobo
    public var deliveryFee: Kobo
    public var total: Kobo
    /// What the customer asked of the whole order.
    public var note: String?

    public init(
        code: OrderCode, lines: [OrderLine], fulfilment: Fulfilment, subtotal: Kobo, deliveryFee: Kobo, total: Kobo,
        note: String? = nil
    ) {
        self.code = code
        self.lines = lines
        self.fulfilment = fulfilment
        self.subtotal = subtotal
        self.deliveryFee = deliveryFee
        self.total = total
        self.note = note
    }
}

/// What a customer sent, with WhatsApp's wire shapes already removed.
public enum Input: Equatable, Sendable {
    case text(String)
    /// A tapped list row or reply button: our own id comes back.
    case choice(id: String, title: String)
    case location(latitude: Double, longitude: Double, name: String?, address: String?)
    /// Media, stickers, contacts, polls and anything else the bot cannot read.
    case unsupported(kind: String, caption: String? = nil)
    /// A cart sent from WhatsApp's catalog: each line's retailer id (our item id, as `menu list` prints it) and
    /// quantity. Its prices are the message's, never trusted: the menu's are used.
    case cart(CatalogCart)
}

public struct CatalogCart: Equatable, Sendable {
    public struct Line: Equatable, Sendable {
        public var retailerID: String
        public var quantity: Int
        /// The price the message carried, as sent (major units), for telling the customer when ours differs.
        public var price: String?
        public var currency: String?

        public init(retailerID: String, quantity: Int, price: String? = nil, currency: String? = nil) {
            self.retailerID = retailerID
            self.quantity = quantity
            self.price = price
            self.currency = currency
        }
    }

    public var lines: [Line]
    /// What the customer typed with the cart, if anything.
    public var text: String?

    public init(lines: [Line], text: String? = nil) {
        self.lines = lines
        self.text = text
    }
}

/// The restaurant's settings a conversation needs. Built from configuration once per process.
public struct Settings: Equatable, Sendable {
    public var restaurantName: String
    public var currencyCode: String
    public var currencySymbol: String
    /// Added to delivery orders.
    public var deliveryFee: Kobo
    /// The smallest subtotal that can be checked out.
    public var minimumOrder: Kobo
    /// A message older than this when it arrives is recorded but not acted on (ms).
    public var lateAfter: Int64
    /// A conversation quiet for this long starts again at the welcome (ms).
    public var idleAfter: Int64
    /// Paystack needs an email; a customer who skips gets `customer-<key>@<domain>`.
    public var placeholderEmailDomain: String
    /// When checkout is possible (`OPENING_HOURS`); browsing works at any time.
    public var openingHours: OpeningHours
    /// `CLOSED_NOTE`: when set, checkout is closed whatever the hours say, and this is why.
    public var closedNote: String
    /// How long a person keeps a chat after taking it or writing in it (ms), before the bot answers again.
    public var handoffTimeout: Int64
    /// `RECEIPT_EMAIL=ask`: ask for a receipt email at checkout (else Paystack gets the remembered or generated one).
    public var asksReceiptEmail: Bool
    /// `RESTAURANT_ADDRESS`, `RESTAURANT_PHONE`: told to customers who ask.
    public var restaurantAddress: String
    public var restaurantPhone: String
    /// `RESTAURANT_LOCATION`: sent as a pin to pickup customers and to anyone who asks where the restaurant is.
    public var restaurantLocation: Coordinates?
    /// `PREPARATION_MINUTES`: how long an order usually takes once paid.
    public var preparationMinutes: Int
    /// `WHATSAPP_CATALOG_ID` is set: the menu is in WhatsApp's catalog (`whatsorder catalog sync`), so the welcome
    /// offers it to browse and a cart sent from it is an order.
    public var hasCatalog: Bool

    public init(
        restaurantName: String, currencyCode: String = "NGN", currencySymbol: String = "₦", deliveryFee: Kobo = 0,
        minimumOrder: Kobo = 0, lateAfter: Int64 = 3_600_000, idleAfter: Int64 = 21_600_000,
        placeholderEmailDomain: String = "example.com", openingHours: OpeningHours = .alwaysOpen,
        closedNote: String = "",
        handoffTimeout: Int64 = 3_600_000, asksReceiptEmail: Bool = false, restaurantAddress: String = "",
        restaurantPhone: String = "", restaurantLocation: Coordinates? = nil, preparationMinutes: Int = 30,
        hasCatalog: Bool = false
    ) {
        self.hasCatalog = hasCatalog
        self.restaurantName = restaurantName
        self.currencyCode = currencyCode
        self.currencySymbol = currencySymbol
        self.deliveryFee = deliveryFee
        self.minimumOrder = minimumOrder
        self.lateAfter = lateAfter
        self.idleAfter = idleAfter
        self.placeholderEmailDomain = placeholderEmailDomain
        self.openingHours = openingHours
        self.closedNote = closedNote
        self.handoffTimeout = handoffTimeout
        self.asksReceiptEmail = asksReceiptEmail
        self.restaurantAddress = restaurantAddress
        self.restaurantPhone = restaurantPhone
        self.restaurantLocation = restaurantLocation
        self.preparationMinutes = preparationMinutes
    }
}

/// Everything a step may consult. The reducer reads no clock, database or network: it all arrives here.
public struct Context: Equatable, Sendable {
    public var settings: Settings
    public var menu: Menu
    /// The WhatsApp profile name, when Meta sent one.
    public var customerName: String?
    /// A stable, non-secret key for the customer (our id), used in the placeholder email.
    public var customerKey: String
    /// Now, Unix ms.
    public var now: Int64
    /// When the previous message of this customer arrived (Unix ms), nil for the first one.
    public var previousMessageAt: Int64?
    /// A fresh id from the injected generator (letters and digits); used when this step creates an order.
    public var newID: String
    /// The restaurant's offset from UTC now (`TIME_ZONE`), for its opening hours.
    public var utcOffsetSeconds: Int
    /// A reader of typed text built for this menu and kept by the caller (building one costs more than a reading);
    /// nil to build one for this step.
    public var reader: Reader?

    public init(
        settings: Settings, menu: Menu, customerName: String? = nil, customerKey: String = "0", now: Int64 = 0,
        previousMessageAt: Int64? = nil, newID: String = "00000000", utcOffsetSeconds: Int = 0, reader: Reader? = nil
    ) {
        self.settings = settings
        self.menu = menu
        self.customerName = customerName
        self.customerKey = customerKey
        self.now = now
        self.previousMessageAt = previousMessageAt
        self.newID = newID
        self.utcOffsetSeconds = utcOffsetSeconds
        self.reader = reader.flatMap { $0.menu == menu ? $0 : nil }
    }
}

/// Work the reducer asks for. Executed at the edge: replies and payment calls go to the outbox in the same
/// transaction as the new state, orders are written in it.
public enum Effect: Equatable, Sendable {
    case reply(Reply)
    /// Create the order with these frozen lines and prices.
    case placeOrder(PlacedOrder)
    /// Cancel an unpaid order.
    case cancelOrder(OrderCode)
    /// Cancel an unpaid order the customer replaced with a new one; a payment through its old link goes to staff.
    case replaceOrder(OrderCode, by: OrderCode)
    /// Ask Paystack for a checkout link; the result comes back as `paymentLinkCreated` or `paymentLinkFailed`.
    case initializePayment(PaymentRequest)
    /// Tell the restaurant's own numbers.
    case notifyStaff(StaffAlert)
    /// Pass what a customer sent while with a person to the staff numbers (and the handoff's thread).
    case relayToStaff(RelayedMessage)
    /// A line for the handoff's thread about what happened (went back to the bot).
    case noteInThread(String)
}

/// A customer's message as staff read it on their phones: the words, or the kind of thing sent and its caption.
public struct RelayedMessage: Equatable, Sendable {
    public var text: String
    /// The customer's current or latest order, so staff know what it is about.
    public var order: OrderCode?

    public init(text: String, order: OrderCode?) {
        self.text = text
        self.order = order
    }
}

/// Why a conversation needs a person; the edge adds who the customer is.
public enum StaffAlert: Equatable, Sendable {
    /// The customer asked for a person; the bot is paused for them.
    case personRequested
}

public struct PlacedOrder: Equatable, Sendable {
    public var code: OrderCode
    public var lines: [OrderLine]
    public var fulfilment: Fulfilment
    public var subtotal: Kobo
    public var deliveryFee: Kobo
    public var total: Kobo
    public var email: String
    public var emailIsPlaceholder: Bool
    /// What the customer asked of the whole order.
    public var note: String?

    public init(
        code: OrderCode, lines: [OrderLine], fulfilment: Fulfilment, subtotal: Kobo, deliveryFee: Kobo, total: Kobo,
        email: String, emailIsPlaceholder: Bool, note: String? = nil
    ) {
        self.note = note
        self.code = code
        self.lines = lines
        self.fulfilment = fulfilment
        self.subtotal = subtotal
        self.deliveryFee = deliveryFee
        self.total = total
        self.email = email
        self.emailIsPlaceholder = emailIsPlaceholder
    }
}

public struct PaymentRequest: Equatable, Sendable {
    public var order: OrderCode
    public var reference: String
    public var amount: Kobo
    public var currency: String
    public var email: String
    /// What is being paid for, for the payment's record on Paystack's dashboard (empty when not known).
    public var lines: [OrderLine]

    public init(
        order: OrderCode, reference: String, amount: Kobo, currency: String, email: String, lines: [OrderLine] = []
    ) {
        self.order = order
        self.reference = reference
        self.amount = amount
        self.currency = currency
        self.email = email
        self.lines = lines
    }
}

/// A message for the customer, independent of WhatsApp's JSON. Ids come back as `Input.choice`.
public enum Reply: Equatable, Codable, Sendable {
    case text(String)
    case list(ListReply)
    case buttons(ButtonsReply)
    /// A message with one button that opens `url` (WhatsApp's CTA URL message); the body carries the URL too.
    case link(LinkReply)
    /// A pin on the map (WhatsApp's location message).
    case location(LocationReply)
    /// Dishes from WhatsApp's catalog, by category, to browse and add to WhatsApp's own cart (a multi-product
    /// message); sent only when the catalog is set up.
    case products(ProductsReply)
    /// One dish from the catalog (a single-product message).
    case product(ProductReply)
}

public struct ProductsReply: Equatable, Codable, Sendable {
    public struct Section: Equatable, Codable, Sendable {
        public var title: String
        public var itemIDs: [Int64]

        public init(title: String, itemIDs: [Int64]) {
            self.title = title
            self.itemIDs = itemIDs
        }
    }

    public var header: String
    public var body: String
    public var sections: [Section]

    public init(header: String, body: String, sections: [Section]) {
        self.header = header
        self.body = body
        self.sections = sections
    }
}

public struct ProductReply: Equatable, Codable, Sendable {
    public var body: String
    public var itemID: Int64

    public init(body: String, itemID: Int64) {
        self.body = body
        self.itemID = itemID
    }
}

public struct LocationReply: Equatable, Codable, Sendable {
    public var latitude: Double
    public var longitude: Double
    public var name: String
    public var address: String

    public init(latitude: Double, longitude: Double, name: String, address: String) {
        self.latitude = latitude
        self.longitude = longitude
        self.name = name
        self.address = address
    }
}

public struct ListReply: Equatable, Codable, Sendable {
    public var header: String?
    public var body: String
    public var footer: String?
    public var button: String
    public var sections: [Section]

    public struct Section: Equatable, Codable, Sendable {
        public var title: String
        public var rows: [Row]
        public init(title: String, rows: [Row]) {
            self.title = title
            self.rows = rows
        }
    }

    public struct Row: Equatable, Codable, Sendable {
        public var id: String
        public var title: String
        public var description: String?
        public init(id: String, title: String, description: String? = nil) {
            self.id = id
            self.title = title
            self.description = description
        }
    }

    public init(header: String? = nil, body: String, footer: String? = nil, button: String, sections: [Section]) {
        self.header = header
        self.body = body
        self.footer = footer
        self.button = button
        self.sections = sections
    }
}

public struct ButtonsReply: Equatable, Codable, Sendable {
    public var body: String
    public var buttons: [Button]
    /// A picture shown above the body (an image header): the dish's, on its detail message.
    public var imageURL: String?

    public struct Button: Equatable, Codable, Sendable {
        public var id: String
        public var title: String
        public init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }

    public init(body: String, buttons: [Button], imageURL: String? = nil) {
        self.body = body
        self.buttons = buttons
        self.imageURL = imageURL
    }
}

public struct LinkReply: Equatable, Codable, Sendable {
    public var body: String
    public var buttonTitle: String
    public var url: String

    public init(body: String, buttonTitle: String, url: String) {
        self.body = body
        self.buttonTitle = buttonTitle
        self.url = url
    }
}

/// The result of one step.
public struct Transition: Equatable, Sendable {
    public var state: State
    public var effects: [Effect]

    public init(state: State, effects: [Effect]) {
        self.state = state
        self.effects = effects
    }
}
