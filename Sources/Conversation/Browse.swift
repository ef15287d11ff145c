import Domain

/// The welcome, the categories, a category's dishes and the quantity question.
extension Machine {
    func item(_ id: Int64) -> MenuItem? { menu.items.first { $0.id == id } }

    func categoryItems(_ categoryID: Int64?) -> [MenuItem] {
        guard let categoryID else { return [] }
        return menu.items.filter { $0.categoryID == categoryID && $0.available }
    }

    /// The welcome: a returning customer is offered their last order again; a new one sees the categories.
    mutating func showWelcome(note: String?) {
        let greeting = Copy.greeting(name: customerName, restaurant: settings.restaurantName)
        if let last = state.lastOrder, let previous = last.lines, !previous.isEmpty, state.cart.isEmpty,
            state.pendingOrder == nil, !menu.orderableCategories.isEmpty
        {
            resetFlow()
            let body = lines(
                note, Copy.welcomeBack(name: customerName), closedNotice(), "",
                Copy.lastTime(previous.map { "\($0.quantity) × \($0.name)" }, total: money(last.total)), "",
                Copy.orderAgainHint)
            return say(
                .buttons(
                    ButtonsReply(
                        body: body,
                        buttons: [
                            .init(id: "reorder", title: Copy.orderAgainButton),
                            .init(id: "menu", title: Copy.seeMenuButton),
                        ])))
        }
        showCategories(note: [note, greeting, closedNotice()].compactMap { $0 }.joined(separator: "\n"))
    }

    /// Why checkout is closed now, or nil when it is open.
    func closedNotice() -> String? {
        if !settings.closedNote.isEmpty { return Copy.closedNote(settings.closedNote) }
        let minute = minuteOfWeek
        guard !settings.openingHours.isOpen(atMinuteOfWeek: minute) else { return nil }
        guard let next = settings.openingHours.nextOpening(afterMinuteOfWeek: minute) else {
            return Copy.closedIndefinitely
        }
        return Copy.closedUntil(OpeningHours.describe(opening: next, from: minute))
    }

    var minuteOfWeek: Int {
        OpeningHours.minuteOfWeek(unixMilliseconds: context.now, utcOffsetSeconds: context.utcOffsetSeconds)
    }

    /// The categories as a list: nine and a "More categories" row per page when there are more than ten.
    mutating func showCategories(note: String?, page requested: Int = 0) {
        // With WhatsApp's catalog, the menu is offered to browse there (`categories:N` pages stay lists).
        if settings.hasCatalog, requested == 0 { return showCatalog(note: note) }
        resetFlow()
        let categories = menu.orderableCategories
        guard !categories.isEmpty else {
            return say(.text(lines(note, Copy.menuUpdating)))
        }
        let (start, shown, hasMore, page) = Machine.page(categories.count, requested: requested)
        state.page = page
        state.offersNumbers = true
        // NB: the numbered lines repeat the rows so a customer on an old client, or one who prefers typing, can
        // answer with a number.
        let numbered = (start..<(start + shown)).map { "\($0 + 1). \(categories[$0].name)" }
        let body = lines(
            note, Copy.whatWouldYouLike, "", numbered.joined(separator: "\n"), hasMore ? Copy.moreHint : nil, "",
            Copy.categoriesHint)
        var rows = categories[start..<(start + shown)].map { category in
            ListReply.Row(
                id: "category:\(category.id)", title: category.name,
                description: Copy.itemCount(categoryItems(category.id).count))
        }
        if hasMore {
            rows.append(
                ListReply.Row(
                    id: "categories:\(page + 1)", title: Copy.moreCategories,
                    description: Copy.moreCategoriesRange(
                        from: start + shown + 1, to: min(start + shown + 9, categories.count), of: categories.count)))
        }
        say(
            .list(
                ListReply(
                    body: body, button: Copy.seeMenuButton, sections: [.init(title: Copy.categoriesSection, rows: rows)]
                )))
    }

    /// Where page `requested` of `count` rows starts and how many it shows, when a list has room for `room` of them:
    /// a page shows `room - 1` and a "More" row, or the last `room`.
    static func page(_ count: Int, requested: Int, room: Int = 10) -> (start: Int, shown: Int, hasMore: Bool, page: Int)
    {
        var start = 0
        var page = 0
        while page < requested, count - start > room {
            start += room - 1
            page += 1
        }
        let remaining = count - start
        return (start, remaining > room ? room - 1 : remaining, remaining > room, page)
    }

    mutating func showCategory(_ categoryID: Int64, page requested: Int, note: String? = nil) {
        let items = categoryItems(categoryID)
        guard let category = menu.categories.first(where: { $0.id == categoryID }), !items.isEmpty else {
            return showCategories(note: Copy.categoryEmpty)
        }
        // A row back to the other categories, when there are others: a list has ten rows in all.
        let others = menu.orderableCategories.count > 1
        let room = others ? 9 : 10
        let (start, count, hasMore, page) = Machine.page(items.count, requested: requested, room: room)
        let shown = Array(items[start..<(start + count)])
        state.step = .choosingItem
        state.categoryID = categoryID
        state.page = page
        state.itemID = nil
        state.offersNumbers = true
        let numbered = shown.enumerated().map { offset, item in
            "\(start + offset + 1). \(item.name): \(money(item.price))"
        }
        let body = lines(
            note, "*\(category.name)*", numbered.joined(separator: "\n"), hasMore ? Copy.moreHint : nil, "",
            Copy.categoryHint)
        var rows = shown.map { item in
            ListReply.Row(
                id: "item:\(item.id)", title: item.name,
                description: item.description.isEmpty
                    ? money(item.price) : "\(money(item.price)) · \(item.description)")
        }
        if hasMore {
            let nextStart = start + room - 1
            let nextEnd = nextStart + (items.count - nextStart > room ? room - 1 : items.count - nextStart)
            rows.append(
                ListReply.Row(
                    id: "more:\(categoryID):\(page + 1)", title: Copy.moreRow,
                    description: Copy.moreItems(from: nextStart + 1, to: nextEnd, of: items.count)))
        }
        if others {
            rows.append(ListReply.Row(id: "menu", title: Copy.otherCategories, description: Copy.allCategories))
        }
        say(
            .list(ListReply(body: body, button: Copy.chooseButton, sections: [.init(title: category.name, rows: rows)]))
        )
    }

    /// The dish, and how many: a list of 1 to 10, or any number typed up to the maximum.
    mutating func askQuantity(_ itemID: Int64, note: String? = nil) {
        guard let item = item(itemID), item.available else { return soldOut(itemID, note: note) }
        state.step = .choosingQuantity
        state.itemID = itemID
        state.categoryID = item.categoryID
        state.offersNumbers = true
        let inCart = state.cart.filter { $0.itemID == itemID }.reduce(0) { $0 + $1.quantity }
        if settings.hasCatalog {
            // The dish as the catalog shows it (picture, description, add to cart); a typed number still answers.
            return say(
                .product(
                    ProductReply(
                        body: lines(
                            note, Copy.productBody(item.name, money(item.price), maximum: maximumQuantity),
                            inCart > 0 ? Copy.inCart(inCart) : nil),
                        itemID: item.id)))
        }
        if let picture = item.imageURL {
            // The dish's picture on top: a message with an image header takes reply buttons, not a list, so the
            // usual quantities are three taps and any other is typed.
            let body = lines(
                note, "*\(item.name)*: \(money(item.price))", item.description.nonEmpty,
                inCart > 0 ? Copy.inCart(inCart) : nil, "", Copy.howManyTapOrType(maximum: maximumQuantity))
            return say(
                .buttons(
                    ButtonsReply(
                        body: body,
                        buttons: (1...3).map { .init(id: "qty:\($0)", title: "\($0) · \(money(item.price * $0))") },
                        imageURL: picture)))
        }
        let body = lines(
            note, "*\(item.name)*: \(money(item.price))", item.description.nonEmpty,
            inCart > 0 ? Copy.inCart(inCart) : nil, "", Copy.howMany(maximum: maximumQuantity))
        let rows = (1...10).map { quantity in
            ListReply.Row(id: "qty:\(quantity)", title: "\(quantity)", description: money(item.price * quantity))
        }
        say(
            .list(
                ListReply(
                    body: body, button: Copy.howManyButton, sections: [.init(title: Copy.quantitySection, rows: rows)]))
        )
    }

    /// A dish that is sold out: said, with the rest of its category to choose from.
    mutating func soldOut(_ itemID: Int64, note: String? = nil) {
        guard let item = item(itemID) else {
            return showCategories(note: lines(note, Copy.notAvailable(Copy.thatItem)))
        }
        if !categoryItems(item.categoryID).isEmpty {
            let category = menu.categories.first { $0.id == item.categoryID }?.name ?? ""
            return showCategory(
                item.categoryID, page: 0, note: lines(note, Copy.soldOutOthers(item.name, category: category)))
        }
        showCategories(note: lines(note, Copy.notAvailable(item.name)))
    }
}
