import Domain

/// Every sentence a customer reads, in one place: wording changes here, and a translation can start here. Stage
/// files decide what to say and when; this file says how. Amounts arrive formatted (`₦2,500`); `*bold*` is
/// WhatsApp's.
enum Copy {
    // MARK: - Greeting and the menu

    static func greeting(name: String?, restaurant: String) -> String {
        if let name { "Hi \(name)! Welcome to \(restaurant)." } else { "Hi! Welcome to \(restaurant)." }
    }

    static func welcomeBack(name: String?) -> String {
        if let name { "Welcome back, \(name)!" } else { "Welcome back!" }
    }

    static let whatWouldYouLike = "What would you like today?"
    static let categoriesHint = "Tap *See menu*, or type what you'd like (like *2 jollof*)."
    static let seeMenuButton = "See menu"
    static let categoriesSection = "Categories"
    static let moreCategories = "More categories"
    static let menuUpdating = "Our menu is being updated right now. Please message us again a little later."
    static let categoryEmpty = "Sorry, that category has nothing available right now."

    static func itemCount(_ count: Int) -> String { count == 1 ? "1 item" : "\(count) items" }
    static func orderLine(_ quantity: Int, _ name: String, _ amount: String) -> String {
        "\(quantity) × \(name): \(amount)"
    }

    static func lastTime(_ lines: [String], total: String) -> String {
        "Last time you had:\n" + lines.joined(separator: "\n") + "\nTotal \(total)."
    }

    static let orderAgainHint = "Tap *Order again* to have the same, or *See menu* for something else."
    static let orderAgainButton = "Order again"

    static func moreItems(from: Int, to: Int, of total: Int) -> String { "Items \(from)–\(to) of \(total)" }
    static func moreCategoriesRange(from: Int, to: Int, of total: Int) -> String {
        "Categories \(from)–\(to) of \(total)"
    }
    static let moreRow = "More…"
    static let moreHint = "(more: type *more*)"
    static let categoryHint = "Tap *Choose*, or type a number or a dish's name."
    static let chooseButton = "Choose"

    static func soldOut(_ name: String) -> String { "Sorry, \(name) is sold out right now." }
    static func soldOutOthers(_ name: String, category: String) -> String {
        "Sorry, \(name) is sold out right now. Here's what else we have in \(category):"
    }
    static func notAvailable(_ name: String) -> String { "Sorry, \(name) is not available right now." }

    static func howMany(maximum: Int) -> String {
        "How many would you like? Pick one, or type any number up to \(maximum)."
    }
    static let howManyButton = "How many"
    static let quantitySection = "Quantity"
    static func inCart(_ quantity: Int) -> String { "You have \(quantity) in your cart." }
    static func howManyExactly(_ name: String) -> String { "How many \(name) exactly?" }

    // MARK: - The cart

    static func added(_ quantity: Int, _ name: String, costing amount: String, withOptions: Bool = false) -> String {
        withOptions ? "Added \(quantity) × \(name): \(amount)." : "Added \(quantity) × \(name) (\(amount))."
    }

    static func capped(_ name: String, at maximum: Int) -> String {
        "I've capped \(name) at \(maximum), the most per order."
    }

    static func cartLine(_ count: String, _ subtotal: String) -> String { "Your cart: \(count), \(subtotal)." }
    static let whatNext = "What next? Tap *What next* to check out or add more, or type another dish."
    static let whatNextButton = "What next"
    static let nextSection = "Next"
    static let changeOrRemove = "Change or remove a dish"
    static func moreOf(_ category: String) -> String { "More \(category)" }
    static let otherCategories = "Other categories"
    static let allCategories = "The whole menu"
    static let viewCartButton = "View cart"
    static let addMoreButton = "Add more"
    static let checkoutButton = "Checkout"
    static let cartEmpty = "Your cart is empty."
    static let cartHeader = "*Your cart*"
    static func subtotal(_ amount: String) -> String { "Subtotal: *\(amount)*" }
    static func cartHint(example: String) -> String {
        "Tap *Options* to change a line or check out, or type e.g. *remove \(example)* or *2 zobo*."
    }
    static let optionsButton = "Options"
    static let cartSection = "Your cart"
    static let tapToChange = "tap to change"
    static func checkoutRow(_ subtotal: String) -> String { "Subtotal \(subtotal)" }
    static let backToMenuRow = "Back to the menu"
    static let clearCartRow = "Clear cart"
    static let removeEverythingRow = "Remove everything"

    static func editLine(_ name: String, quantity: Int, each price: String, maximum: Int) -> String {
        "*\(name)*: \(quantity) in your cart (\(price) each).\n\nType a new quantity (1 to \(maximum)), or 0 to remove it."
    }
    static let removeButton = "Remove"
    static let backToCartButton = "Back to cart"

    static func updated(_ quantity: Int, _ name: String) -> String { "Updated: \(quantity) × \(name)." }
    static func removed(_ name: String) -> String { "Removed \(name)." }
    static func removed(_ quantity: Int, _ name: String) -> String { "Removed \(quantity) × \(name)." }
    static func notInCart(_ name: String) -> String { "There's no \(name) in your cart." }
    static let noLongerInCart = "That item is no longer in your cart."
    static let cartNowEmpty = "Your cart is now empty."
    static let oneMoreOfWhat = "One more of what? Type the dish, like *one more jollof*."
    static let addSomethingFirst = "Your cart is empty: add something first."

    static func soldOutRemoved(_ name: String) -> String { "\(name) is sold out, so I've taken it out of your cart." }
    static func priceChanged(_ name: String, now: String, was: String) -> String {
        "\(name) now costs \(now) (was \(was))."
    }
    static let menuChangedBeforeCheckout = "Before you check out, the menu has changed:"
    static let menuChangedBeforeConfirm = "Before you confirm, the menu has changed:"

    static let whichOne = "Which one?"
    static let whichHint = "Tap *Pick*, or reply with a number."
    static let pickButton = "Pick"
    static let whichSection = "Did you mean"

    static func zero(maximum: Int) -> String { "Zero won't fill you up! Type a number from 1 to \(maximum)." }
    static func outOfRange(maximum: Int) -> String { "Please type a number from 1 to \(maximum)." }
    static func tooMany(maximum: Int) -> String {
        "That's more than I can take in one go: up to \(maximum). For a bigger order, please call the restaurant."
    }

    // MARK: - Checkout

    static func fulfilmentQuestion(fee: String?) -> String {
        "How would you like to get your order? Tap *Pickup*, or for delivery (\(fee.map { "\($0) fee" } ?? "free")) "
            + "send your address: type it, or share a location pin (📎 → Location)."
    }
    static func fulfilmentQuestion(fee: String?, saved: String) -> String {
        "How would you like to get your order? Delivery (\(fee.map { "\($0) fee" } ?? "free")) to \(saved), or send "
            + "another address (type it or share a pin), or tap *Pickup*."
    }
    static let newAddressButton = "Another address"
    static let deliveryButton = "Delivery"
    static let pickupButton = "Pickup"

    static let addressQuestion =
        "Please send your delivery address: type it (street, area, a landmark), or share a location pin (📎 → Location)."
    static func addressQuestion(saved: String) -> String {
        "Where should we deliver? Tap *Same address* for \(saved), or type a new address or share a pin (📎 → Location)."
    }
    static let sameAddressButton = "Same address"
    static let addressTooShort =
        "That looks too short for an address. Please include the street and area, e.g. *12 Allen Avenue, Ikeja*, or "
        + "share a location pin."
    static let noSavedAddress = "I don't have an address saved for you yet."
    static let pinKept = "Got your location 📍. I'll use it for delivery when you check out."
    static let landmarkQuestion =
        "Got your pin 📍. Add a house number or landmark for the rider (e.g. *blue gate opposite the church*), or tap "
        + "*Skip*."
    static let skipButton = "Skip"

    static let emailQuestion = "What email should Paystack send your receipt to? Type it, or tap *Skip*."
    static let emailRemembered = "I'll remember it for next time."
    static let notAnEmail =
        "That doesn't look like an email address (e.g. *ada@example.com*). Type it again, or tap *Skip*."
    static func receiptWillGoTo(_ email: String) -> String { "Thanks: Paystack will send your receipt to \(email)." }
    static func addedToAddress(_ text: String) -> String { "I've added \"\(text)\" to your delivery address." }

    static let summaryHeader = "*Your order*"
    static func subtotalLine(_ amount: String) -> String { "Subtotal: \(amount)" }
    static func deliveryFeeLine(_ amount: String) -> String { "Delivery fee: \(amount)" }
    static func totalLine(_ amount: String) -> String { "*Total: \(amount)*" }
    static func pickupAt(_ restaurant: String) -> String { "Pickup at \(restaurant)." }
    static func deliveryTo(_ address: String) -> String { "Delivery to: \(address)" }
    static func receiptTo(_ email: String) -> String { "Receipt to: \(email)" }
    static let confirmHint = "Confirm to get your payment link, or tell me what to change (*pickup*, *add 1 zobo*, …)."
    static let confirmButton = "Confirm"
    static let editButton = "Edit"
    static let cancelButton = "Cancel"

    static let whatToChange = "What would you like to change? Or just type it (*2 jollof*, *pickup*, a new address)."
    static let itemsButton = "Items"
    static let pickupInsteadButton = "Pickup instead"
    static let deliveryInsteadButton = "Delivery instead"
    static let addressButton = "Address"
    static let backButton = "Back"
    static let changeAnything = "Change anything you like, then tap *Checkout* again."

    static func minimumOrder(_ minimum: String, cart: String, missing: String) -> String {
        "The minimum order is \(minimum). Your cart is \(cart): add \(missing) more to check out."
    }

    static func closedNote(_ note: String) -> String {
        "We're not taking orders right now: \(note)\nYou can still look at the menu."
    }
    static let closedIndefinitely = "We're not taking orders right now. You can still look at the menu."
    static func closedUntil(_ when: String) -> String {
        "We're closed right now and open again \(when). You can browse and fill your cart; it will be here when we open."
    }

    static let lastOrderAgain = "Here's your last order again."
    static let nothingToReorder = "You haven't ordered with us yet, so there's no last order to repeat."
    static let lastOrderUnavailable = "Sorry, nothing from your last order is available right now."
    static let replacedCart = "I've put it in place of what was in your cart."

    static func placed(_ code: OrderCode, total: String) -> String {
        "Thank you! Order *\(code)* is placed: \(total).\nI'm getting your secure Paystack payment link now…"
    }
    static func unpaidQuestion(_ code: OrderCode, total: String, items: String, cart: String) -> String {
        "Order *\(code)* (\(total)) is still waiting for payment, and I take one unpaid order at a time.\n"
            + "1. Pay for *\(code)* (your cart stays)\n2. Replace it with your cart (\(items), \(cart))"
    }
    static let payThatOrderButton = "Pay that order"
    static let replaceItButton = "Replace it"
    static let cartKept = "Your cart is kept: type *checkout* after paying to order it too."
    static func replacedOrder(_ code: OrderCode) -> String {
        "Order *\(code)* is cancelled in its place: please don't pay its old link."
    }
    static func alreadyPlaced(_ code: OrderCode) -> String {
        "Order *\(code)* is already placed. Tap the payment link above, or type *pay* for a new one."
    }
    static let staleButton = "That button belongs to an earlier message."

    // MARK: - Payment

    static func newLink(_ code: OrderCode, total: String) -> String {
        "Getting a new payment link for order *\(code)* (\(total))…"
    }
    static func payLink(_ code: OrderCode, total: String, url: String) -> String {
        "Order *\(code)*: *\(total)*.\nTap *Pay now* to pay securely with Paystack, or open this link:\n\(url)\n\n"
            + "I'll confirm here as soon as your payment comes through."
    }
    static let payNowButton = "Pay now"
    static func linkFailed(_ code: OrderCode) -> String {
        "Sorry, I couldn't get a payment link from Paystack just now. Nothing has been charged.\n"
            + "Type *pay* to try again, or *cancel* to cancel order *\(code)*."
    }
    static func paymentReceived(_ code: OrderCode) -> String {
        "✅ Payment received, thank you! Order *\(code)* is confirmed and with the kitchen."
    }
    static func receiptHeader(_ code: OrderCode) -> String { "Here's your receipt for order *\(code)*:" }
    static func totalPaid(_ amount: String) -> String { "*Total paid: \(amount)*" }
    static func pickupReady(_ restaurant: String) -> String {
        "Pickup at \(restaurant). I'll message you here when it's ready."
    }
    static func deliveryOnItsWay(_ address: String) -> String {
        "Delivery to: \(address)\nI'll message you here when it's on its way."
    }
    static let statusAnyTime = "Type *status* any time to check on it."
    static func needsReview(_ code: OrderCode) -> String {
        "We've received a payment for order *\(code)*, and the restaurant is checking it before confirming. Someone "
            + "will get back to you here shortly. There's no need to pay again."
    }
    static func linkExpired(_ code: OrderCode, total: String) -> String {
        "The payment link for order *\(code)* (\(total)) has expired, and nothing was charged. Type *pay* for a fresh "
            + "link, or *cancel* to cancel the order."
    }
    static func refunded(_ code: OrderCode, amount: String) -> String {
        "Paystack has refunded \(amount) for order *\(code)*. Depending on your bank, it can take a few working days to "
            + "reach your account."
    }
    static func alreadyPaid(_ code: OrderCode) -> String { "Order *\(code)* is already paid. Thank you!" }
    static func beingChecked(_ code: OrderCode) -> String {
        "The restaurant is checking the payment for order *\(code)*; there's no need to pay again. Someone will get "
            + "back to you here shortly."
    }
    static let nothingToPay = "There's no order waiting for payment. Type *menu* to start one."
    static func waitingForPayment(_ code: OrderCode, total: String) -> String {
        "Order *\(code)* (\(total)) is waiting for payment."
    }
    static func payHere(_ url: String) -> String { "Pay here: \(url)" }
    static let typePayForLink = "Type *pay* for a payment link."
    static let cancelOrOrderMore = "Type *cancel* to cancel it, or *menu* to order something else."
    static func waitingForPaymentAtCheckout(_ code: OrderCode, total: String) -> String {
        "Order *\(code)* (\(total)) is waiting for payment. Type *pay* for a payment link, or *menu* to start a new "
            + "order."
    }

    // MARK: - The kitchen

    static func preparing(_ code: OrderCode) -> String { "👩‍🍳 The kitchen has started on order *\(code)*." }
    static func ready(_ code: OrderCode, restaurant: String) -> String {
        "✅ Order *\(code)* is ready! Come and collect it at \(restaurant)."
    }
    static func onItsWay(_ code: OrderCode) -> String { "🛵 Order *\(code)* is on its way to you." }
    static func completed(_ code: OrderCode, restaurant: String) -> String {
        "Order *\(code)* is complete. Thank you for ordering from \(restaurant)! Type *menu* whenever you'd like to order "
            + "again."
    }
    static func cancelledByRestaurant(_ code: OrderCode, restaurant: String) -> String {
        "Sorry: \(restaurant) has cancelled order *\(code)*."
    }
    static func reason(_ text: String) -> String { "Reason: \(text)." }
    static let refundOnItsWay = "Your payment will be refunded to the card or account you paid with."
    static func refundingAmount(_ amount: String) -> String {
        "Your payment of \(amount) is being refunded to the card or account you paid with; I'll tell you here when "
            + "Paystack has sent it."
    }
    static func refundStarted(_ code: OrderCode, amount: String) -> String {
        "💸 Paystack is refunding \(amount) for order *\(code)* to the card or account you paid with. I'll tell you "
            + "here when it's done."
    }
    static func refundFailed(_ code: OrderCode, amount: String, restaurant: String) -> String {
        "The refund of \(amount) for order *\(code)* did not go through at Paystack. Someone from \(restaurant) will "
            + "contact you here to sort it out."
    }
    static func extraPayment(_ code: OrderCode, amount: String, refunding: Bool) -> String {
        "We received another payment of \(amount) for order *\(code)*, which was already paid. Your order is "
            + "confirmed; "
            + (refunding
                ? "the extra payment is being refunded to the card or account you paid with."
                : "the restaurant is checking the extra payment and will refund it.")
    }
    static let nothingCharged = "Nothing was charged."
    static let orderAgainAnyTime = "Type *menu* whenever you'd like to order again."
    static func nowStatus(_ code: OrderCode, _ status: String) -> String { "Order *\(code)* is now \(status)." }

    static func status(_ status: OrderStatus) -> String {
        switch status {
        case .awaitingPayment, .expired: "waiting for payment"
        case .paid: "paid, and with the kitchen"
        case .paymentReview: "paid, and being checked by the restaurant"
        case .preparing: "being prepared"
        case .ready: "ready"
        case .outForDelivery: "out for delivery"
        case .completed: "completed"
        case .cancelled: "cancelled"
        case .refunded: "refunded"
        }
    }

    static func latestOrder(_ code: OrderCode, total: String, status: OrderStatus) -> String {
        "Your latest order *\(code)* (\(total)) is \(self.status(status))."
    }
    static let noOrderYet = "You haven't placed an order yet. Type *menu* to start one."

    // MARK: - Cancelling

    static let nothingToCancel = "There's nothing to cancel. Type *menu* whenever you'd like to order."
    static func cancelOrderQuestion(_ code: OrderCode, total: String) -> String {
        "Cancel order *\(code)* (\(total))? It isn't paid yet."
    }
    static func clearCartQuestion(_ count: String, _ subtotal: String) -> String {
        "Clear your cart (\(count), \(subtotal))?"
    }
    static let yesCancelButton = "Yes, cancel"
    static let noKeepButton = "No, keep it"
    static func orderCancelled(_ code: OrderCode) -> String { "Order *\(code)* is cancelled; nothing was charged." }
    static let nothingCancelled = "Nothing cancelled."
    static func cannotCancelPaid(_ code: OrderCode, restaurant: String) -> String {
        "Order *\(code)* is paid and with the kitchen, so I can't cancel it here. Tap *Talk to a person* and someone "
            + "from \(restaurant) will help."
    }
    static let talkToPersonButton = "Talk to a person"

    // MARK: - Help, small talk and questions

    static let help = """
        Here's what you can type at any time:
        *menu*: see the menu
        *2 jollof and 1 zobo*: add to your cart
        *remove zobo*, *make it 3 jollof*: change it
        *cart*: see your cart
        *checkout*: place your order
        *same as last time*: your last order again
        *pay*: a new payment link for an unpaid order
        *status*: your latest order
        *cancel*: cancel your cart or unpaid order
        *agent*: talk to a person
        """

    static func hello(name: String?) -> String { name.map { "Hello \($0)! 👋" } ?? "Hello! 👋" }
    static let howFar = "All good here, thank you for asking! 😊"
    static let thanks = "You're welcome! 😊"
    static let bye = "Bye for now! Message us any time you're hungry. 👋"
    static let ok = "👍"

    static func waitingForPaymentHint(_ code: OrderCode) -> String {
        "Order *\(code)* is waiting for payment: type *pay* for the link."
    }
    static func inTheKitchenHint(_ code: OrderCode) -> String {
        "I'll message you here as order *\(code)* moves along."
    }
    static func cartHint(_ count: String, _ subtotal: String) -> String {
        "Your cart has \(count) (\(subtotal)): type *checkout* when you're ready."
    }
    static let orderHint = "Type what you'd like (like *2 jollof*), or tap *Menu*."
    static let menuButton = "Menu"

    static func weAreAt(_ address: String) -> String { "We're at \(address)." }
    static let noAddress = "Sorry, I don't have our address to hand. Type *agent* and someone will tell you."
    static let alwaysOpen = "We take orders at any time."
    static func openUntil(_ time: String) -> String { "We're open now and close \(time)." }
    static func usualTime(minutes: Int) -> String {
        "Orders are usually ready about \(minutes) minutes after payment; delivery then adds the ride to you."
    }
    static func readyAround(_ code: OrderCode, time: String) -> String {
        "Order *\(code)* should be ready around \(time)."
    }
    static func deliveryCosts(_ fee: String) -> String { "Delivery costs \(fee); pickup is free." }
    static let deliveryFree = "Delivery is free."
    static func minimumIs(_ amount: String) -> String { "The minimum order is \(amount)." }
    static let noReceipt = "I don't have a paid order for you yet, so there's no receipt to send."
    static func callUs(_ phone: String) -> String { "You can call us on \(phone)." }
    static let noPhone = "Type *agent* and someone from the restaurant will reply to you here."

    // MARK: - Not understood

    static func noSuchCategory(_ number: Int, of count: Int) -> String {
        "There's no category \(number). Please pick 1 to \(count)."
    }
    static func noSuchItem(_ number: Int, of count: Int) -> String {
        "There's no item \(number) here. Please pick 1 to \(count)."
    }
    static func noSuchLine(_ number: Int) -> String { "There's no line \(number) in your cart." }
    static func pickOneTo(_ count: Int) -> String { "Please pick 1 to \(count)." }
    static let thatItem = "That item"

    /// The one phrase every "I didn't understand" reply starts with: the transcripts count it.
    static func didNotGet(_ fragments: [String]) -> String {
        "Sorry, I didn't get \(fragments.map { "\"\($0)\"" }.joined(separator: ", "))."
    }
    static let didNotGetAnything = "Sorry, I didn't get that."
    static func numberWithoutQuestion(_ number: Int) -> String {
        "\(number) of what? Type the dish with it, like *\(number) jollof*, or tap *Menu*."
    }
    static let unsupported = "Sorry, I can only read text, taps and locations."
    static func quantityForItem(_ name: String, maximum: Int) -> String {
        "How many \(name)? Type a number from 1 to \(maximum)."
    }
    static func newQuantityFor(_ name: String, maximum: Int) -> String {
        "Type a new quantity for \(name) (1 to \(maximum)), or 0 to remove it."
    }

    // MARK: - Coming back

    static let sorryForDelay = "Sorry for the delay: your message only just reached us, so I haven't acted on it."
    static func cartStillHas(_ count: String, _ subtotal: String) -> String {
        "Your cart still has \(count) (\(subtotal)): type *cart* to see it."
    }
    static func stillWaitingForPayment(_ code: OrderCode, total: String) -> String {
        "Order \(code) (\(total)) is still waiting for payment: type *pay* for a link."
    }
    static func youLeft(_ lines: [String], subtotal: String) -> String {
        "You left this in your cart:\n" + lines.joined(separator: "\n") + "\nSubtotal: \(subtotal)"
    }
    static let continueOrFresh = "Carry on with it, or start fresh?"
    static let continueButton = "Continue"
    static let startFreshButton = "Start fresh"
    static let startingFresh = "Starting fresh: your cart is empty."
    static let startingOver = "Starting over: your cart is empty."

    // MARK: - A person

    static func takingOver(_ restaurant: String) -> String {
        "Someone from \(restaurant) is taking over this chat and will reply here."
    }
    static func backWithAssistant(_ restaurant: String) -> String {
        "You're back with the \(restaurant) assistant. Type *menu* to order, or *help*."
    }
    static func sorryToKeepYouWaiting(_ restaurant: String) -> String {
        "Sorry to keep you waiting. I'm the \(restaurant) assistant again; here's where we were."
    }
    static func personAsked(_ restaurant: String) -> String {
        "I've asked someone from \(restaurant) to reply to you here. Anything you send now goes to them."
    }
    static func passedOn(_ restaurant: String) -> String {
        "✓ Passed to \(restaurant). They'll answer here. (Type *bot* to go back to ordering with me.)"
    }
    static func backWithTheBot(_ restaurant: String) -> String { "You're back with the \(restaurant) assistant." }
    static let wentBackToTheBot = "went back to the bot"
    static let askedForAPerson = "asked to talk to a person"

    // MARK: - Options and notes

    static func lineNote(_ note: String) -> String { "   ✎ _\(note)_" }
    static func chooseOption(_ group: String, for item: String, quantity: Int, more: Bool) -> String {
        let dish = quantity > 1 ? "\(quantity) × \(item)" : item
        return more ? "*\(dish)*: pick another \(group.lowercased())." : "*\(dish)*: which \(group.lowercased())?"
    }
    static func anyExtras(_ group: String, for item: String, upTo maximum: Int) -> String {
        "*\(item)*: any \(group.lowercased())?" + (maximum > 1 ? " (up to \(maximum); tap one, type more)" : "")
    }
    static func soFar(_ names: [String]) -> String { "So far: \(names.joined(separator: ", "))." }
    static func optionHint(example: String) -> String { "Tap one, or type it (like *\(example)*)." }
    static let noExtrasButton = "No, thanks"
    static func optionSoldOut(_ option: String, item: String) -> String {
        "Sorry, \(option) is sold out for \(item) right now."
    }
    static func noChoiceLeft(_ item: String, group: String) -> String {
        "Sorry, \(item) can't be made right now: no \(group.lowercased()) is left."
    }
    static func stillToChoose(_ names: [String]) -> String {
        "After this, tell me which you meant: \(names.joined(separator: " or "))."
    }
    static func optionGoneRemoved(_ line: String, option: String) -> String {
        "\(option) is no longer available, so I've taken \(line) out of your cart."
    }
    static func choiceNeededRemoved(_ line: String) -> String {
        "\(line) now needs a choice, so I've taken it out of your cart. Add it again to choose."
    }
    static func changedTo(_ line: String) -> String { "Changed to \(line)." }
    static func notedFor(_ line: String, note: String) -> String { "Noted for \(line): _\(note)_" }
    static func orderNoted(_ note: String) -> String { "Noted for the order: _\(note)_" }
    static let noted = "Noted."

    // MARK: - Catalog

    static func catalogHeader(_ restaurant: String) -> String { "\(restaurant) menu" }
    static let browseCatalog =
        "Tap *View items* to browse, add what you'd like to your cart, then send the cart. Or just type your order (like *2 jollof*)."
    static func moreOfTheMenu(_ part: Int, of count: Int) -> String { "More of the menu (\(part) of \(count))." }
    /// `Drinks 2`, the category cut short first so the part still shows in WhatsApp's 24 characters.
    static func sectionPart(_ category: String, _ part: Int) -> String {
        let suffix = " \(part)"
        guard category.count + suffix.count > 24 else { return category + suffix }
        return String(category.prefix(24 - suffix.count - 1)) + "…" + suffix
    }
    static func notOnTheMenu(_ count: Int) -> String {
        count == 1
            ? "One dish in your cart is no longer on our menu, so I've left it out."
            : "\(count) dishes in your cart are no longer on our menu, so I've left them out."
    }
    static func ourPrice(_ item: String, _ price: String) -> String { "\(item) is \(price) each today." }
    static func noQuantityInCart(_ item: String) -> String {
        "I couldn't tell how many \(item) you wanted, so I've left it out: type it, like *2 \(item.lowercased())*."
    }
    static func productBody(_ item: String, _ price: String, maximum: Int) -> String {
        "*\(item)*: \(price)\nTap to see it and add it to your cart, or type how many (up to \(maximum))."
    }
    static func howManyTapOrType(maximum: Int) -> String {
        "How many would you like? Tap one, or type any number up to \(maximum)."
    }
    static let chooseFirst = "First, one more choice:"
    static func askNext(_ item: String) -> String { "I'll ask about the \(item) next." }
    static func noteTooLong(limit: Int) -> String {
        "That note is too long for the kitchen: please keep it under \(limit) characters."
    }
    static func orderNoteLine(_ note: String) -> String { "Note: _\(note)_" }
}
