import Conversation
import Domain
import FoundationEssentials
import JSON

/// A conversation's state to and from the JSON its row holds, written and read by hand: `JSONEncoder` and
/// `JSONDecoder` spent about 37 µs a message on it, a sixth of a FastCGI worker's time on whole orders
/// (bench/README.md). The JSON is the one `State`'s `Codable` writes (the same keys, enums as Swift synthesises
/// them), so rows written either way read either way; `StateCodingTests` and the conversation fuzzer check that the
/// two agree, and anything this reader cannot read goes to `JSONDecoder` before a row is called unreadable.
enum StateCoding {
    static func encode(_ state: State) -> [UInt8] {
        var members: [(String, JSONBody?)] = [("step", .string(state.step.rawValue))]
        members.append(("categoryID", state.categoryID.map(integer)))
        if state.page != 0 { members.append(("page", .integer(state.page))) }
        members.append(("itemID", state.itemID.map(integer)))
        members.append(
            (
                "ambiguity",
                state.ambiguity.map { ambiguity in
                    .object([
                        ("action", .string(ambiguity.action.rawValue)),
                        ("quantity", ambiguity.quantity.map { .integer($0) }),
                        ("candidates", .array(ambiguity.candidates.map(integer))),
                    ])
                }
            ))
        if !state.cart.isEmpty { members.append(("cart", .array(state.cart.map(line)))) }
        members.append(("fulfilment", state.fulfilment.map(fulfilment)))
        members.append(("email", state.email.map { .string($0) }))
        if state.emailSkipped { members.append(("emailSkipped", .bool(true))) }
        members.append(
            (
                "pendingOrder",
                state.pendingOrder.map { pending in
                    .object([
                        ("code", .string(pending.code.rawValue)), ("total", .integer(pending.total.rawValue)),
                        ("email", .string(pending.email)), ("attempt", .integer(pending.attempt)),
                        ("paymentURL", pending.paymentURL.map { .string($0) }),
                    ])
                }
            ))
        members.append(
            (
                "lastOrder",
                state.lastOrder.map { brief in
                    .object([
                        ("code", .string(brief.code.rawValue)), ("total", .integer(brief.total.rawValue)),
                        ("status", .string(brief.status.rawValue)), ("lines", brief.lines.map { .array($0.map(line)) }),
                        ("fulfilment", brief.fulfilment.map(fulfilment)), ("paidAt", brief.paidAt.map(integer)),
                    ])
                }
            ))
        members.append(("latestSentAt", state.latestSentAt.map(integer)))
        if state.apologisedForDelay { members.append(("apologisedForDelay", .bool(true))) }
        members.append(("handoffUntil", state.handoffUntil.map(integer)))
        if !state.offersNumbers { members.append(("offersNumbers", .bool(false))) }
        members.append(("lastItemID", state.lastItemID.map(integer)))
        members.append(("savedAddress", state.savedAddress.map(address)))
        members.append(("pendingPin", state.pendingPin.map(address)))
        members.append(("replacing", state.replacing.map { .string($0.rawValue) }))
        if state.handoffAcknowledged { members.append(("handoffAcknowledged", .bool(true))) }
        if !state.building.isEmpty {
            members.append(
                (
                    "building",
                    .array(
                        state.building.map { building in
                            var fields: [(String, JSONBody?)] = [
                                ("itemID", integer(building.itemID)), ("quantity", .integer(building.quantity)),
                            ]
                            if !building.options.isEmpty { fields.append(("options", options(building.options))) }
                            fields.append(("note", building.note.map { .string($0) }))
                            fields.append(("groupID", integer(building.groupID)))
                            if building.offerExtras { fields.append(("offerExtras", .bool(true))) }
                            return .object(fields)
                        })
                ))
        }
        members.append(("orderNote", state.orderNote.map { .string($0) }))
        members.append(("lineKey", state.lineKey.map { .string($0) }))
        if state.checkoutWhenChosen { members.append(("checkoutWhenChosen", .bool(true))) }
        return JSONBody.object(members).bytes
    }

    /// The state in `bytes`: read here when it can be, else by `JSONDecoder` (which throws when nothing can).
    static func decode(_ bytes: [UInt8]) throws -> State {
        if let state = read(bytes) { return state }
        return try JSONDecoder().decode(State.self, from: Data(bytes))
    }

    /// The state, or nil for anything but the JSON `encode` (or `Codable`) writes.
    static func read(_ bytes: [UInt8]) -> State? {
        guard let json = try? JSONValue.parse(bytes), json.isObject,
            let step = json.string("step").flatMap(State.Step.init),
            let categoryID = json.optional("categoryID", \.int64), let page = json.optional("page", Self.int),
            let itemID = json.optional("itemID", \.int64), let ambiguity = json.optional("ambiguity", Self.ambiguity),
            let cart = json.optional("cart", Self.lines), let fulfilment = json.optional("fulfilment", Self.fulfilment),
            let email = json.optional("email", \.string), let emailSkipped = json.optional("emailSkipped", bool),
            let pendingOrder = json.optional("pendingOrder", Self.pending),
            let lastOrder = json.optional("lastOrder", Self.brief),
            let latestSentAt = json.optional("latestSentAt", \.int64),
            let apologised = json.optional("apologisedForDelay", bool),
            let handoffUntil = json.optional("handoffUntil", \.int64),
            let offersNumbers = json.optional("offersNumbers", bool),
            let lastItemID = json.optional("lastItemID", \.int64),
            let savedAddress = json.optional("savedAddress", Self.address),
            let pendingPin = json.optional("pendingPin", Self.address),
            let replacing = json.optional("replacing", \.string),
            let handoffAcknowledged = json.optional("handoffAcknowledged", bool),
            let building = json.optional("building", Self.buildings),
            let orderNote = json.optional("orderNote", \.string), let lineKey = json.optional("lineKey", \.string),
            let checkoutWhenChosen = json.optional("checkoutWhenChosen", bool)
        else { return nil }
        var state = State(step: step)
        state.categoryID = categoryID
        state.page = page ?? 0
        state.itemID = itemID
        state.ambiguity = ambiguity
        state.cart = cart ?? []
        state.fulfilment = fulfilment
        state.email = email
        state.emailSkipped = emailSkipped ?? false
        state.pendingOrder = pendingOrder
        state.lastOrder = lastOrder
        state.latestSentAt = latestSentAt
        state.apologisedForDelay = apologised ?? false
        state.handoffUntil = handoffUntil
        state.offersNumbers = offersNumbers ?? true
        state.lastItemID = lastItemID
        state.savedAddress = savedAddress
        state.pendingPin = pendingPin
        state.replacing = replacing.map(OrderCode.init(rawValue:))
        state.handoffAcknowledged = handoffAcknowledged ?? false
        state.building = building ?? []
        state.orderNote = orderNote
        state.lineKey = lineKey
        state.checkoutWhenChosen = checkoutWhenChosen ?? false
        return state
    }

    // MARK: - Writing the parts

    static func integer(_ value: Int64) -> JSONBody { .integer(Int(value)) }

    static func line(_ line: OrderLine) -> JSONBody {
        var members: [(String, JSONBody?)] = [
            ("itemID", integer(line.itemID)), ("name", .string(line.name)),
            ("unitPrice", .integer(line.unitPrice.rawValue)), ("quantity", .integer(line.quantity)),
        ]
        if !line.options.isEmpty { members.append(("options", options(line.options))) }
        members.append(("note", line.note.map { .string($0) }))
        return .object(members)
    }

    /// Chosen options as a line keeps them, in the state and in `orderLine.options`.
    static func options(_ options: [ChosenOption]) -> JSONBody {
        .array(
            options.map { option in
                .object([
                    ("id", integer(option.id)), ("group", .string(option.group)), ("name", .string(option.name)),
                    ("price", .integer(option.price.rawValue)),
                ])
            })
    }

    /// As Swift synthesises an enum with an unlabelled payload: `{"pickup":{}}`, `{"delivery":{"_0":{…}}}`.
    static func fulfilment(_ fulfilment: Fulfilment) -> JSONBody {
        switch fulfilment {
        case .pickup: .object([("pickup", .object([]))])
        case .delivery(let place): .object([("delivery", .object([("_0", address(place))]))])
        }
    }

    static func address(_ address: Address) -> JSONBody {
        .object([
            ("text", address.text.map { .string($0) }), ("latitude", address.latitude.map { .number($0) }),
            ("longitude", address.longitude.map { .number($0) }), ("placeName", address.placeName.map { .string($0) }),
        ])
    }

    // MARK: - Reading the parts (nil: not as Codable writes it)

    static func bool(_ value: JSONValue) -> Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    /// An `Int` as `JSONDecoder` reads one: a JSON number that is a whole number in range.
    static func int(_ value: JSONValue) -> Int? { value.int64.flatMap { Int(exactly: $0) } }

    /// Every line, or nil when one of them is unreadable.
    static func lines(_ value: JSONValue) -> [OrderLine]? {
        guard let lines = value.array?.map(line), !lines.contains(where: { $0 == nil }) else { return nil }
        return lines.compactMap { $0 }
    }

    static func line(_ value: JSONValue) -> OrderLine? {
        guard let itemID = value.int64("itemID"), let name = value.string("name"),
            let price = value.int("unitPrice"), let quantity = value.int("quantity"),
            let options = value.optional("options", Self.options), let note = value.optional("note", \.string)
        else { return nil }
        return OrderLine(
            itemID: itemID, name: name, unitPrice: Kobo(price), quantity: quantity, options: options ?? [], note: note)
    }

    /// Every option, or nil when one of them is unreadable.
    static func options(_ value: JSONValue) -> [ChosenOption]? {
        guard let array = value.array else { return nil }
        var options: [ChosenOption] = []
        for element in array {
            guard let id = element.int64("id"), let group = element.string("group"), let name = element.string("name"),
                let price = element.int("price")
            else { return nil }
            options.append(ChosenOption(id: id, group: group, name: name, price: Kobo(price)))
        }
        return options
    }

    static func buildings(_ value: JSONValue) -> [LineInProgress]? {
        guard let lines = value.array?.map(building), !lines.contains(where: { $0 == nil }) else { return nil }
        return lines.compactMap { $0 }
    }

    static func building(_ value: JSONValue) -> LineInProgress? {
        guard let itemID = value.int64("itemID"), let quantity = value.int("quantity"),
            let options = value.optional("options", Self.options), let note = value.optional("note", \.string),
            let groupID = value.int64("groupID"), let offerExtras = value.optional("offerExtras", bool)
        else { return nil }
        return LineInProgress(
            itemID: itemID, quantity: quantity, options: options ?? [], note: note, groupID: groupID,
            offerExtras: offerExtras ?? false)
    }

    static func ambiguity(_ value: JSONValue) -> Ambiguity? {
        guard let action = value.string("action").flatMap(Ambiguity.Action.init),
            let candidates = value["candidates"]?.array, let quantity = value.optional("quantity", Self.int)
        else { return nil }
        let ids = candidates.compactMap(\.int64)
        guard ids.count == candidates.count else { return nil }
        return Ambiguity(action: action, quantity: quantity, candidates: ids)
    }

    static func fulfilment(_ value: JSONValue) -> Fulfilment? {
        guard case .object(let members) = value, members.count == 1 else { return nil }
        switch members[0].key {
        case "pickup": return members[0].value.isObject ? .pickup : nil
        case "delivery": return members[0].value["_0"].flatMap(address).map { .delivery($0) }
        default: return nil
        }
    }

    static func address(_ value: JSONValue) -> Address? {
        guard value.isObject, let text = value.optional("text", \.string),
            let placeName = value.optional("placeName", \.string), let latitude = value.optional("latitude", \.double),
            let longitude = value.optional("longitude", \.double)
        else { return nil }
        return Address(text: text, latitude: latitude, longitude: longitude, placeName: placeName)
    }

    static func pending(_ value: JSONValue) -> PendingOrder? {
        guard let code = value.string("code"), let total = value.int("total"), let email = value.string("email"),
            let attempt = value.int("attempt"),
            let url = value.optional("paymentURL", \.string)
        else { return nil }
        return PendingOrder(
            code: OrderCode(rawValue: code), total: Kobo(total), email: email, attempt: attempt, paymentURL: url)
    }

    static func brief(_ value: JSONValue) -> OrderBrief? {
        guard let code = value.string("code"), let total = value.int("total"),
            let status = value.string("status").flatMap(OrderStatus.init),
            let lines = value.optional("lines", Self.lines),
            let fulfilment = value.optional("fulfilment", Self.fulfilment),
            let paidAt = value.optional("paidAt", \.int64)
        else { return nil }
        return OrderBrief(
            code: OrderCode(rawValue: code), total: Kobo(total), status: status, lines: lines, fulfilment: fulfilment,
            paidAt: paidAt)
    }
}

extension JSONValue {
    /// An optional member as `Codable` reads it: `.some(nil)` when absent or null, the value when `read` reads it,
    /// and nil when it is there but unreadable (where `State(from:)` would throw, so `JSONDecoder` must judge).
    fileprivate func optional<Value>(_ key: String, _ read: (JSONValue) -> Value?) -> Value?? {
        guard let value = self[key], !value.isNull else { return .some(nil) }
        return read(value).map { .some($0) }
    }
}
