import Domain

/// Typed text: the reader says what it holds, and this file decides what it means where the customer is.
extension Machine {
    mutating func typed(_ text: String, offeredNumbers: Bool) {
        if [.choosingQuantity, .editingLine].contains(state.step), text.trimmed.hasPrefix("-"),
            text.trimmed.dropFirst().first?.isNumber == true
        {
            return prompt(note: Copy.outOfRange(maximum: maximumQuantity))
        }
        if state.step == .choosingUnpaid, answeredUnpaidQuestion(text) { return }
        if state.step == .choosingOption, typedOption(text) { return }
        act(on: reader.read(text, mode: readingMode), offeredNumbers: offeredNumbers)
    }

    /// Dishes and edits change the cart, whatever the step (free-text steps aside, which the reader already
    /// respected); otherwise the first thing asked for is done. What could not be read is quoted back once, and the
    /// rest of the message still counts.
    mutating func act(on reading: Reading, offeredNumbers: Bool) {
        let unread = reading.unread
        let orders = reading.orders
        let rest = reading.parts.filter { part in
            switch part {
            case .add, .remove, .set, .clear, .unread, .hello, .thanks, .howFar, .bye, .option, .note: false
            default: true
            }
        }
        if !orders.isEmpty {
            applyOrders(orders, then: rest, unread: unread)
            return
        }
        // One thing at a time; how the customer gets the order says more than an `ok` before it (`ok, pickup`).
        let chosen =
            rest.first { [.pickup, .delivery, .sameAddress, .changeAddress].contains($0) } ?? rest.first
        if let chosen {
            if !unread.isEmpty { lead.append(Copy.didNotGet(unread)) }
            if chosen == .delivery, rest.contains(.sameAddress) {
                return useSavedAddress()
            }
            control(chosen, offeredNumbers: offeredNumbers)
            return
        }
        if !unread.isEmpty { return notUnderstood(unread) }
        if let courtesy = reading.parts.first { return smallTalk(courtesy) }
        prompt(note: Copy.didNotGetAnything)
    }

    /// A word, a command, a question or a free-text answer, in the light of the step.
    mutating func control(_ part: Reading.Part, offeredNumbers: Bool) {
        switch part {
        case .yes:
            switch state.step {
            case .confirming: confirm()
            case .confirmingCancel: cancelNow()
            case .resuming: resume()
            case .choosingChange: showSummary()
            default: acknowledge()
            }
        case .no:
            switch state.step {
            case .confirming: offerChanges()
            case .confirmingCancel: keepAfterCancelQuestion()
            case .resuming: startFresh()
            case .awaitingLandmark: afterFulfilment()
            case .awaitingEmail: skipEmail()
            case .choosingChange: showSummary()
            default: acknowledge()
            }
        case .back: goBack()
        case .pickup: chooseFulfilment(delivery: false)
        case .delivery: chooseFulfilment(delivery: true)
        case .changeAddress: askAddress()
        case .sameAddress: useSavedAddress()
        case .reorder: reorder()
        case .skip:
            switch state.step {
            case .awaitingLandmark: afterFulfilment()
            case .awaitingEmail: skipEmail()
            default: prompt(note: nil)
            }
        case .more:
            switch state.step {
            case .choosingItem:
                guard let categoryID = state.categoryID else { return showCategories(note: nil) }
                showCategory(categoryID, page: state.page + 1)
            case .choosingCategory: showCategories(note: nil, page: state.page + 1)
            default: showCategories(note: nil)
            }
        case .global(let word): global(word)
        case .category(let id): showCategory(id, page: 0)
        case .number(let value): numbered(value, offered: offeredNumbers)
        case .ask(let question): answer(question)
        case .address(let text):
            if state.step == .awaitingLandmark { return landmark(text) }
            guard !state.cart.isEmpty else { return checkout() }
            typedAddress(text)
        case .email(let text):
            if state.step == .awaitingEmail { return typedEmail(text) }
            // Given unasked: kept for the receipt, and said so where it shows.
            if let email = Words.email(text) {
                state.email = email
                if state.step == .confirming { return showSummary() }
                return pointer(after: Copy.receiptWillGoTo(email))
            }
            notUnderstood([text])
        case .add, .remove, .set, .clear, .unread, .hello, .thanks, .howFar, .bye, .option, .note:
            prompt(note: nil)
        }
    }

    /// A bare number answers the numbered choices of the latest reply; with none offered it is asked about.
    mutating func numbered(_ number: Int, offered: Bool) {
        guard offered else { return askWhatNumber(number) }
        switch state.step {
        case .new, .choosingCategory:
            let categories = menu.orderableCategories
            guard number >= 1, number <= categories.count else {
                return showCategories(
                    note: Copy.noSuchCategory(number, of: categories.count), page: state.page)
            }
            showCategory(categories[number - 1].id, page: 0)
        case .choosingItem:
            let items = categoryItems(state.categoryID)
            guard number >= 1, number <= items.count else {
                return prompt(note: Copy.noSuchItem(number, of: items.count))
            }
            askQuantity(items[number - 1].id)
        case .choosingQuantity:
            guard let itemID = state.itemID else { return showCategories(note: nil) }
            if number == 0 { return prompt(note: Copy.zero(maximum: maximumQuantity)) }
            guard number <= maximumQuantity else { return prompt(note: Copy.tooMany(maximum: maximumQuantity)) }
            addAndShow([(itemID, number)])
        case .viewingCart:
            guard number >= 1, number <= state.cart.count else {
                return prompt(note: Copy.noSuchLine(number))
            }
            editLine(state.cart[number - 1].key)
        case .editingLine:
            guard let key = editedLineKey else { return showCart(note: nil) }
            if number == 0 { return removeLine(key, quantity: nil) }
            guard number <= maximumQuantity else { return prompt(note: Copy.tooMany(maximum: maximumQuantity)) }
            setQuantity(key, to: number)
        case .resolvingName:
            guard let ambiguity = state.ambiguity else { return showCategories(note: nil) }
            guard number >= 1, number <= ambiguity.candidates.count else {
                return prompt(note: Copy.pickOneTo(ambiguity.candidates.count))
            }
            resolve(ambiguity, with: ambiguity.candidates[number - 1])
        case .choosingUnpaid:
            switch number {
            case 1: payUnpaid()
            case 2: replaceUnpaid()
            default: prompt(note: Copy.pickOneTo(2))
            }
        default: askWhatNumber(number)
        }
    }

    mutating func askWhatNumber(_ number: Int) {
        switch state.step {
        case .choosingFulfilment, .awaitingAddress, .awaitingLandmark, .awaitingEmail, .confirming, .choosingChange,
            .confirmingCancel, .resuming, .choosingUnpaid:
            return prompt(note: Copy.didNotGet(["\(number)"]))
        case .choosingQuantity, .editingLine:
            // The question on screen is how many: the number answers it even after a detour.
            guard let itemID = state.itemID else { break }
            if number == 0 { return prompt(note: Copy.zero(maximum: maximumQuantity)) }
            if number > maximumQuantity { return prompt(note: Copy.tooMany(maximum: maximumQuantity)) }
            if state.step == .choosingQuantity { return addAndShow([(itemID, number)]) }
            guard let key = editedLineKey else { break }
            return setQuantity(key, to: number)
        default: break
        }
        say(.buttons(ButtonsReply(body: Copy.numberWithoutQuestion(number), buttons: pointerButtons())))
    }

    /// Words that could not be read: quoted back once, with the step's question in a few words (never the whole
    /// menu again).
    mutating func notUnderstood(_ fragments: [String]) {
        let note = Copy.didNotGet(fragments)
        switch state.step {
        case .new, .choosingCategory, .choosingItem, .cartUpdated, .viewingCart, .awaitingPayment, .resolvingName:
            if state.step == .awaitingPayment, let pending = state.pendingOrder {
                return say(
                    .text(
                        lines(
                            note, Copy.waitingForPayment(pending.code, total: money(pending.total)),
                            pending.paymentURL.map(Copy.payHere) ?? Copy.typePayForLink)))
            }
            say(.buttons(ButtonsReply(body: lines(note, Copy.orderHint), buttons: pointerButtons())))
        case .choosingQuantity:
            guard let item = state.itemID.flatMap(item) else { return showCategories(note: note) }
            say(.text(lines(note, Copy.quantityForItem(item.name, maximum: maximumQuantity))))
        case .editingLine:
            guard let line = state.cart.first(where: { $0.key == editedLineKey }) else { return showCart(note: note) }
            say(.text(lines(note, Copy.newQuantityFor(line.title, maximum: maximumQuantity))))
        default:
            prompt(note: note)
        }
    }

    /// The buttons that lead on from wherever the customer is: the menu, and the cart when it holds something.
    func pointerButtons() -> [ButtonsReply.Button] {
        var buttons = [ButtonsReply.Button(id: "menu", title: Copy.menuButton)]
        if !state.cart.isEmpty {
            buttons.append(.init(id: "cart", title: Copy.viewCartButton))
            buttons.append(.init(id: "checkout", title: Copy.checkoutButton))
        }
        return buttons
    }

    /// Goes one step back from where the customer is.
    mutating func goBack() {
        switch state.step {
        case .choosingQuantity:
            guard let categoryID = state.itemID.flatMap(item)?.categoryID else { return showCategories(note: nil) }
            showCategory(categoryID, page: 0)
        case .editingLine, .choosingFulfilment, .choosingUnpaid: showCart(note: nil)
        case .choosingOption:
            // Back from the option question: that dish is not added, and its category is shown again.
            let categoryID = state.building.first.flatMap { item($0.itemID) }?.categoryID
            state.building = []
            guard let categoryID else { return showCategories(note: nil) }
            showCategory(categoryID, page: 0)
        case .cartUpdated:
            guard let categoryID = state.categoryID else { return showCategories(note: nil) }
            showCategory(categoryID, page: 0)
        case .awaitingAddress:
            if state.fulfilment != nil { return showSummary() }
            state.step = .choosingFulfilment
            prompt(note: nil)
        case .awaitingLandmark, .awaitingEmail: askAddress()
        case .confirming, .choosingChange: offerChanges()
        case .confirmingCancel: keepAfterCancelQuestion()
        case .awaitingPayment, .resuming: prompt(note: nil)
        case .new, .choosingCategory, .choosingItem, .viewingCart, .resolvingName: showCategories(note: nil)
        }
    }
}
