/// The words customers use for things other than dishes, in English and Nigerian Pidgin, with the greetings and
/// thanks of Yoruba, Hausa and Igbo (folded: no tone marks). Each list is what a cashier would hear; the reader
/// matches whole phrases, never parts of words.
enum Phrases {
    /// Carry no meaning for an order: dropped wherever they stand (`abeg make i get 2 jollof pls`).
    static let filler: [String] = [
        "i want", "i wanted", "i would like", "id like", "i will like", "ill like", "i wan", "i wan buy",
        "i wan chop", "i wan order", "i want to order", "i want to buy", "i need", "can i get", "could i get",
        "can i have", "could i have", "may i have", "can you give me", "give me", "gimme", "let me have", "let me get",
        "let me", "ill have", "i will have", "ill take", "i will take", "ill do", "get me", "send me",
        "make i get", "make i buy", "make i chop", "make una give me", "make una bring", "make we", "bring me", "abeg",
        "biko", "una get", "una don get", "you get", "do you have", "do you sell", "do una have", "una dey sell",
        "have you got", "is there", "any", "you have", "una have", "is there any",
        "please", "pls", "plz", "plis", "pleaseee", "kindly", "the", "some", "plate of", "plates of",
        "plate", "plates", "portion of", "portions of", "portion", "portions", "for me", "o", "oo",
        "jare", "sharp sharp", "quick", "asap", "sir", "ma", "madam", "boss", "bros", "my guy", "also", "too",
        "as well",
        "again", "instead", "of", "just", "only", "am", "for", "order", "pack", "packs", "pack of", "piece",
        "pieces", "pcs", "pc", "bottle", "bottles", "bottle of", "bottles of", "cup", "cups", "nos", "serving",
        "servings", "wrap", "wraps", "my", "me", "una", "now", "today", "oya",
        "we want", "we would like", "wed like", "we need", "we wan", "we go take", "we go like", "make we get",
        "can we get", "can we have", "could we have", "could we get", "we will have", "well have", "for us",
        "i would like to order", "i would like to have", "id like to order", "like to order", "to order",
        "would like", "i would love", "id love", "i shall have", "i will like to order", "actually", "oh",
        "sorry", "so", "ok so", "show me", "i go take", "i go buy", "i go chop", "i go get", "wetin una get",
        "wetin una dey sell", "what do you have", "what una get", "show", "let me see",
        "i want to see", "see",
        "can i see", "may i see", "myself", "very much", "ehn", "shey", "abi", "na", "dey", "e",
    ]

    /// Greetings and how-are-yous that can open any message.
    static let hello: [String] = [
        "hi", "hii", "hiii", "hello", "helo", "hello there", "hey", "heyy", "hola", "good morning", "good afternoon",
        "good evening", "good day", "gm", "morning", "evening", "afternoon", "e kaaro", "ekaaro", "e kaasan",
        "ekaasan", "e kaale", "ekaale", "e ku aaro", "e ku irole", "e ku ise", "e nle", "enle", "sannu",
        "sannu da aiki",
        "ina kwana", "ina wuni", "barka", "barka da safiya", "barka da safe", "barka da yamma", "barka da rana",
        "ndewo", "ndeewo", "nnoo", "salam", "salaam",
        "as salam alaikum", "assalamu alaikum", "yo", "sup", "hello boss", "hi there",
    ]

    static let howFar: [String] = [
        "how far", "how far na", "how you dey", "how una dey", "how are you", "how r u", "how are u", "how u dey",
        "kedu", "kedu ka i mere", "bawo ni", "how body", "wetin dey", "whats up", "wassup",
    ]

    static let thanks: [String] = [
        "thank you", "thanks", "thank u", "thx", "tnx", "tnks", "tanks", "tank you", "thanks a lot",
        "thank you so much",
        "thanks so much", "thank you very much", "thanks very much", "thank you a lot",
        "much appreciated", "appreciate", "tanx", "thanx", "thnx", "thnks", "thank", "thks", "ty",
        "tysm", "thanks alot", "e se", "ese", "e se gan", "o se", "ose", "e seun", "eseun", "o seun",
        "oseun", "e se pupo", "na gode",
        "nagode", "daalu", "dalu", "imela", "god bless", "god bless you",
    ]

    static let bye: [String] = [
        "bye", "bye bye", "goodbye", "good night", "later", "see you", "see you later", "ciao", "o dabo", "odabo",
        "sai anjima", "see you next time", "till next time", "catch you later", "ka o", "ka ọ", "talk later",
    ]

    static let yes: [String] = [
        "yes", "y", "yeah", "yea", "ya", "yep", "yup", "yh", "yes pls", "yes please", "yes o", "ok", "okay", "okk",
        "okies", "k", "kk", "oki", "okey", "alright", "all right", "sure", "go ahead", "go on", "proceed", "confirm",
        "confirmed", "yes confirm", "ok confirm", "ok go ahead", "correct", "thats correct", "that is correct",
        "its correct", "right", "perfect", "fine", "good", "cool", "done", "oya",
        "oya now", "send it", "send link", "send the link", "send me the link", "place order", "place the order",
        "place my order", "i confirm", "na so", "e correct", "no wahala", "yes na", "sure thing", "do it",
        "ok na", "ehen", "exactly", "ok o", "i agree",
    ]

    static let no: [String] = [
        "no", "nope", "nah", "not yet", "no o", "not really", "edit", "change", "change it", "i want to change",
        "make changes", "wait", "hold on", "abeg wait", "i no want", "no be so", "thats wrong", "wrong", "not correct",
    ]

    static let back: [String] = ["back", "go back", "previous", "return", "go back pls", "back to menu"]

    static let pickup: [String] = [
        "pickup", "pick up", "for pickup", "i will pick up", "ill pick up", "i will pick it up",
        "ill pick it up", "i go pick am", "i go pick up", "i will come and pick",
        "ill come and pick",
        "i will come pick", "i go come carry am", "i go come carry", "i go come collect", "i go come pick am",
        "collect", "collection", "i will collect", "ill collect", "takeaway", "take away", "take out", "carry out",
        "self pickup", "self pick up", "i will come", "ill come", "i go come", "walk in", "pick",
        "we go come carry am", "we go come carry", "we go pick am", "we will pick up", "well pick up",
        "we will come and pick", "pick it up", "pick am up", "pick it", "come pick", "i shall pick it up",
        "i shall come", "i will pick it up myself", "pick up myself", "collect it", "come and collect",
    ]

    static let delivery: [String] = [
        "delivery", "deliver", "deliver it", "deliver am", "deliver to me", "deliver it to me", "for delivery",
        "home delivery", "door delivery", "door step", "doorstep", "bring am", "bring am come", "bring it",
        "bring it to me", "send am", "send it to me", "send am come", "dispatch", "delivered", "i want delivery",
        "deliver to my house", "to my house", "to my place", "to my office",
    ]

    static let changeAddress: [String] = [
        "change address", "change my address", "change the address", "change location", "change my location",
        "new address", "another address", "different address", "different location", "other address",
        "wrong address", "edit address", "update address", "change delivery address", "another location",
    ]

    static let sameAddress: [String] = [
        "same address", "same place", "same location", "as before", "same as before", "same address as before",
        "same place as before", "same address as last time", "same place as last time", "the same address",
        "the same place", "my usual address", "usual address", "usual place", "same house", "same office",
        "last address", "my last address", "same as last", "same one", "former address", "my former address",
        "the usual place", "same place o",
    ]

    static let reorder: [String] = [
        "same as last time", "the usual", "my usual", "usual", "same again", "same order", "same order again",
        "repeat my last order", "repeat last order", "repeat order", "repeat my order", "order again",
        "last order", "my last order", "same thing", "same thing as last time", "same as before order",
        "same as yesterday", "same as last week", "same as usual", "same like last time", "reorder", "re order",
        "the same", "same as my last order", "give me the usual", "i want the usual",
    ]

    static let skip: [String] = [
        "skip", "no need", "none", "nothing", "no landmark", "no email", "not needed", "skip it", "no thanks",
        "no thank you", "nil", "nope skip", "leave it", "its fine", "no vex skip",
    ]

    static let more: [String] = [
        "more", "next", "next page", "see more", "show more", "more items", "more options", "others", "other ones",
    ]

    /// The words that work anywhere, by what they do.
    static let global: [(Words.Global, [String])] = [
        (
            .menu,
            [
                "menu", "show menu", "show me the menu", "the menu", "see menu", "menu pls", "send menu",
                "send me the menu", "wetin una get", "wetin una dey sell", "wetin dey", "what do you have",
                "what do you sell", "whats on the menu", "what is on the menu", "food",
                "categories", "home", "start", "add more", "list", "price list", "pricelist", "order food",
                "i want to order", "i wan order", "order", "food menu", "una menu", "your menu",
            ]
        ),
        (
            .cart,
            [
                "cart", "my cart", "view cart", "show cart", "show my cart", "basket", "my basket", "my order",
                "see my order", "show my order", "whats in my cart", "wetin dey my cart",
                "my orders", "order summary", "see cart",
            ]
        ),
        (
            .checkout,
            [
                "checkout", "check out", "check me out", "im done", "i am done", "thats all",
                "that is all", "na all", "na everything", "finish", "i don finish", "done ordering",
                "complete order", "complete my order", "proceed to checkout", "go to checkout",
            ]
        ),
        (
            .cancel,
            [
                "cancel", "cancel order", "cancel my order", "cancel it", "cancel everything", "cancel am",
                "i want to cancel", "i dont want it again", "i no want am again",
                "forget it", "forget am", "abort",
            ]
        ),
        (.help, ["help", "help me", "i need help", "how does this work", "how do i order", "info"]),
        (
            .restart,
            [
                "restart", "start over", "start again", "reset", "start afresh", "begin again", "new order",
                "fresh order", "start fresh", "from the beginning",
            ]
        ),
        (.status, ["status", "order status", "my order status", "track order", "track my order"]),
        (
            .pay,
            [
                "pay", "pay now", "payment", "payment link", "link", "send payment link", "i want to pay",
                "i wan pay", "how do i pay", "how i go pay", "make i pay", "paystack", "pay link", "card",
                "transfer", "new link", "another link",
            ]
        ),
        (
            .agent,
            [
                "agent", "human", "person", "a person", "real person", "talk to a person", "speak to a person",
                "talk to someone", "speak to someone", "customer service", "customer care", "customer support",
                "support", "call me", "manager", "talk to human", "i want to talk to someone", "human being",
                "representative", "staff",
            ]
        ),
    ]

    /// Questions, by keyword sequences: a segment holding one of them asks it (`abeg una dey where?`).
    static let questions: [(Question, [String])] = [
        (
            .deliveryFee,
            [
                "delivery fee", "delivery fees", "delivery charge", "delivery charges", "delivery cost",
                "cost of delivery", "how much is delivery", "how much for delivery", "how much be delivery",
                "how much una dey charge", "do you deliver", "you deliver", "una dey deliver", "you dey deliver",
                "una deliver", "can you deliver", "do una deliver", "do you do delivery", "delivery price",
                "how much delivery", "shipping",
            ]
        ),
        (
            .whereIsMyFood,
            [
                "where is my food", "where my food", "wheres my food", "my food", "my order never",
                "order never reach", "food never reach", "where is my order", "where my order", "wheres my order",
                "is my food ready", "is my order ready", "my food don ready", "food don ready",
                "my order don ready", "has my order left", "is my food coming", "my food never come",
                "food never come", "my rider", "where is the rider", "rider", "still waiting", "im still waiting",
                "i dey wait", "when is my food coming", "when will my food arrive",
                "e never reach", "never reach", "order don reach", "food don reach", "on the way", "on its way",
                "my order on the way",
            ]
        ),
        (
            .howLong,
            [
                "how long", "how many minutes", "how many mins", "how soon", "how long e go take", "e go take long",
                "when will it be ready", "when e go ready", "waiting time", "delivery time", "how long does it take",
                "how fast", "when will it arrive", "when will it come", "when e go reach",
            ]
        ),
        (
            .hours,
            [
                "what time do you close", "what time you close", "when do you close", "closing time", "what time",
                "are you open", "you dey open", "una dey open", "una don open", "una open", "are you opened",
                "opening hours", "open hours", "opening time", "when do you open", "working hours", "hours",
                "you close", "una close", "do you open", "are you closed", "close today", "open today",
                "open on sunday", "open tomorrow",
            ]
        ),
        (
            .location,
            [
                "where are you", "where are you located", "where you dey", "where una dey", "una dey where",
                "you dey where", "where is your shop", "where is your restaurant", "where is the restaurant",
                "where is your place", "your location", "your address", "restaurant address", "shop address",
                "located", "location", "where are you guys", "where is una shop", "where your shop dey",
                "where una shop dey", "address pls", "your office",
            ]
        ),
        (.receipt, ["receipt", "my receipt", "send receipt", "invoice", "proof of payment"]),
        (
            .phone,
            [
                "phone number", "your number", "your phone", "call you", "contact number", "phone no",
                "telephone", "whatsapp number", "your line", "can i call", "number to call", "which number",
                "number i fit call", "fit call", "call una", "una number",
            ]
        ),
    ]

    /// Verbs that put a dish in the cart (`add 2 zobo`, `put one coke`).
    static let addVerbs: [String] = ["add", "put", "include", "add on", "throw in", "join"]

    /// Verbs that take a dish out of the cart.
    static let removeVerbs: [String] = [
        "remove", "delete", "take out", "takeout", "take off", "drop", "minus", "comot", "commot", "cancel",
        "no", "no more", "without", "i dont want", "i no want", "i no need", "forget", "scrap",
        "remove the", "subtract", "reduce", "less",
    ]

    /// Words that empty the cart.
    static let clear: [String] = [
        "clear", "empty", "clear cart", "empty cart", "clear my cart", "empty my cart", "clear the cart",
        "empty the cart", "remove everything", "remove all", "delete all", "delete everything", "clear all",
        "clear everything", "start afresh with cart", "clear am", "comot everything", "remove all items",
    ]

    /// Vague amounts: the reader asks how many.
    static let vague: [String] = ["a couple of", "a couple", "couple of", "couple", "few", "a few", "several"]

    /// One more of something, or of the dish just added when none is named.
    static let oneMore: [String] = ["one more", "1 more", "another", "another one", "an extra", "extra"]

    /// Text spellings of everyday words, read as the words (`gud evening`, `hw far`, `wia una dey`).
    static let spellings: [String: String] = [
        "gud": "good", "hw": "how", "wia": "where", "wer": "where", "wey": "where", "u": "you", "ur": "your",
        "r": "are", "wat": "what", "wot": "what", "wht": "what", "dat": "that", "dis": "this", "nw": "now",
        "tmrw": "tomorrow", "2moro": "tomorrow", "2day": "today", "gudnite": "good night", "gdnite": "good night",
        "gm": "good morning", "pls": "please", "plz": "please", "pl": "please", "d": "the", "ya": "your",
        "yr": "your", "bt": "but", "nd": "and", "wit": "with", "w": "with", "cos": "because", "msg": "message",
        "k": "ok", "kk": "ok", "okk": "ok", "okey": "ok", "okay": "ok", "yh": "yes", "ye": "yes",
    ]

    static let numbers: [String: Int] = [
        "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "dozen": 12, "a dozen": 12,
        "half dozen": 6, "1ce": 1, "twice": 2, "double": 2,
    ]
}

/// What a customer asks about, which the restaurant's settings answer.
public enum Question: String, Equatable, Sendable, CaseIterable {
    case location
    case hours
    case howLong = "how-long"
    case deliveryFee = "delivery-fee"
    case receipt
    case whereIsMyFood = "where-food"
    case phone
}
