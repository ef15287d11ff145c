import Domain

/// Options and notes: a dish's required choices asked one group at a time, extras offered to those who tap, options
/// and notes typed with a dish or after it, and the order's own note.
extension Machine {
    /// `text` as a note no longer than `limit`, or nil (and why, in `notes`) when it is too long.
    func checkedNote(_ text: String?, limit: Int, notes: inout [String]) -> String? {
        guard let text = text?.trimmed, !text.isEmpty else { return nil }
        guard text.count <= limit else {
            notes.append(Copy.noteTooLong(limit: limit))
            return nil
        }
        return text
    }

    /// `chosen` with the option added, or as it was (and why, in `notes`) when the option is sold out.
    func choose(_ optionID: Int64, of item: MenuItem, in chosen: [ChosenOption], notes: inout [String])
        -> [ChosenOption]
    {
        guard let (_, option) = item.option(optionID) else { return chosen }
        guard option.available else {
            notes.append(Copy.optionSoldOut(option.name, item: item.name))
            return chosen
        }
        return item.choosing(optionID, in: chosen)
    }

    /// The group to ask next for a dish on its way into the cart: a required group not yet answered, or, for a
    /// tapped dish, an optional group after the one asked last. Nil when the dish can join the cart.
    func nextGroup(for line: LineInProgress, item: MenuItem) -> MenuOptionGroup? {
        let current = item.optionGroups.firstIndex { $0.id == line.groupID } ?? -1
        for (index, group) in item.optionGroups.enumerated() {
            let picked = line.options.filter { pick in group.options.contains { $0.id == pick.id } }.count
            if group.isRequired, picked < group.minimum { return group }
            if !group.isRequired, line.offerExtras, index > current, picked == 0, !group.available.isEmpty {
                return group
            }
        }
        return nil
    }

    /// Asks the next group of the first dish waiting for its options; dishes that need nothing more join the cart,
    /// and when none waits, the cart is shown as after any addition.
    mutating func askOption(note: String?) {
        var notes: [String] = note.map { [$0] } ?? []
        var added = false
        while let line = state.building.first {
            guard line.quantity > 0, let item = item(line.itemID), item.available else {
                if let item = item(line.itemID), line.quantity > 0 { notes.append(Copy.soldOut(item.name)) }
                state.building.removeFirst()
                continue
            }
            guard let group = nextGroup(for: line, item: item) else {
                state.building.removeFirst()
                notes.append(addLine(item, quantity: line.quantity, options: line.options, note: line.note))
                added = true
                continue
            }
            let choices = group.available
            guard !choices.isEmpty else {
                // A required group with nothing left to pick: the dish cannot be made now.
                state.building.removeFirst()
                notes.append(Copy.noChoiceLeft(item.name, group: group.name))
                continue
            }
            return askGroup(group, of: item, line: line, note: notes.isEmpty ? nil : notes.joined(separator: "\n"))
        }
        state.step = .cartUpdated
        let joined = notes.isEmpty ? nil : notes.joined(separator: "\n")
        if state.checkoutWhenChosen {
            // A catalog cart: its dishes are chosen, so on to checkout as if it had needed nothing.
            state.checkoutWhenChosen = false
            if !state.cart.isEmpty {
                if let joined { lead.append(joined) }
                return checkout()
            }
        }
        guard added, !state.cart.isEmpty else {
            return state.cart.isEmpty ? showCategories(note: joined) : showCart(note: joined)
        }
        if state.fulfilment != nil { return showSummary(note: joined) }
        cartUpdated(note: joined)
    }

    /// One group as a question: three choices or fewer as buttons, more as a list, each numbered in the text too.
    mutating func askGroup(_ group: MenuOptionGroup, of item: MenuItem, line: LineInProgress, note: String?) {
        // Sold out since it was asked: the dish is taken on from the top (and dropped when nothing is left to pick).
        guard let example = group.available.first else {
            state.building[0].groupID = group.id
            return askOption(note: note)
        }
        state.building[0].groupID = group.id
        state.step = .choosingOption
        state.itemID = item.id
        state.offersNumbers = true
        let choices = group.available
        let numbered = choices.enumerated().map { offset, option in
            "\(offset + 1). \(option.name)" + (option.price == 0 ? "" : " (\(option.price.signed(symbol: symbol)))")
        }
        let picked = line.options.filter { pick in group.options.contains { $0.id == pick.id } }.count
        let question =
            group.isRequired
            ? Copy.chooseOption(group.name, for: item.name, quantity: line.quantity, more: picked > 0)
            : Copy.anyExtras(group.name, for: item.name, upTo: group.maximum)
        let sofar = line.options.isEmpty ? nil : Copy.soFar(line.options.map(\.name))
        let body = lines(
            note, question, sofar, "", numbered.joined(separator: "\n"), "",
            Copy.optionHint(example: example.name.lowercased()))
        var rows: [(id: String, title: String, description: String?)] = choices.map { option in
            (
                "opt:\(option.id)", option.name,
                option.price == 0 ? nil : option.price.signed(symbol: symbol)
            )
        }
        if !group.isRequired { rows.insert(("noextra:\(group.id)", Copy.noExtrasButton, nil), at: 0) }
        if rows.count <= 3 {
            return say(.buttons(ButtonsReply(body: body, buttons: rows.map { .init(id: $0.id, title: $0.title) })))
        }
        say(
            .list(
                ListReply(
                    body: body, button: Copy.chooseButton,
                    sections: [
                        .init(
                            title: group.name,
                            rows: rows.prefix(10).map { .init(id: $0.id, title: $0.title, description: $0.description) }
                        )
                    ])))
    }

    var symbol: String { settings.currencySymbol }

    /// A tapped or typed answer to the option question.
    mutating func answerOption(_ optionID: Int64) {
        guard state.step == .choosingOption, var line = state.building.first, let item = item(line.itemID),
            let (group, option) = item.option(optionID), group.id == line.groupID || group.isRequired
        else { return staleTap() }
        guard option.available else {
            return askGroup(
                group, of: item, line: line, note: Copy.optionSoldOut(option.name, item: item.name))
        }
        line.options = item.choosing(optionID, in: line.options)
        line.groupID = group.id
        state.building[0] = line
        askOption(note: nil)
    }

    /// *No extras*: the optional group is passed over.
    mutating func skipGroup(_ groupID: Int64) {
        guard state.step == .choosingOption, !state.building.isEmpty, state.building[0].groupID == groupID else {
            return staleTap()
        }
        askOption(note: nil)
    }

    /// Typed text while a group is asked: one of its options by name or number, `no`/`skip` for an optional group.
    /// False when the text is something else, to be read as usual.
    mutating func typedOption(_ text: String) -> Bool {
        guard state.step == .choosingOption, let line = state.building.first, let item = item(line.itemID),
            let group = item.optionGroups.first(where: { $0.id == line.groupID })
        else { return false }
        let words = Folded(text).words
        let choices = group.available
        if words.count == 1, let number = Int(words[0]) {
            guard number >= 1, number <= choices.count else {
                askGroup(group, of: item, line: line, note: Copy.pickOneTo(choices.count))
                return true
            }
            answerOption(choices[number - 1].id)
            return true
        }
        if !group.isRequired,
            ["no", "none", "skip", "no extras", "no extra", "nothing", "no thanks"].contains(
                words.joined(separator: " "))
        {
            skipGroup(group.id)
            return true
        }
        // Only this group's options (`beef` answers *Protein*, not the extras), from the reader's index of the menu.
        guard
            let optionID = reader.index.option(
                of: item.id, fitting: words, among: Set(group.options.map(\.id)))
        else { return false }
        answerOption(optionID)
        return true
    }

    enum LooseResult { case none, changed, answered }

    /// Options and notes said with no dish before them: an answer to the option question, a change to the dish
    /// added last (`make it fish`), or a note for the line just added or for the whole order.
    mutating func applyLoose(options: [Int64], notes texts: [String], said notes: inout [String]) -> LooseResult {
        if state.step == .choosingOption, !state.building.isEmpty {
            if let note = checkedNote(texts.joined(separator: ", ").nonEmpty, limit: NoteLimits.line, notes: &notes) {
                state.building[0].note = note
            }
            // An option of a dish waiting in line (`assorted` for the egusi while the rice's size is asked) goes to
            // that dish; the question on screen stays.
            var forThisOne: Int64?
            for optionID in options {
                guard let index = state.building.firstIndex(where: { item($0.itemID)?.option(optionID) != nil }),
                    let dish = item(state.building[index].itemID)
                else { continue }
                if index == 0 {
                    forThisOne = forThisOne ?? optionID
                } else {
                    state.building[index].options = choose(
                        optionID, of: dish, in: state.building[index].options, notes: &notes)
                    notes.append(Copy.notedFor(dish.name, note: dish.option(optionID)?.option.name ?? ""))
                }
            }
            if let forThisOne {
                if !notes.isEmpty { lead.append(notes.joined(separator: "\n")) }
                answerOption(forThisOne)
            } else {
                askOption(note: lines(notes.joined(separator: "\n").nonEmpty, texts.isEmpty ? nil : Copy.noted))
            }
            return .answered
        }
        var result = LooseResult.none
        for optionID in options {
            guard let item = menu.items.first(where: { $0.option(optionID) != nil }) else { continue }
            guard let index = state.cart.lastIndex(where: { $0.itemID == item.id }) else {
                notes.append(Copy.notInCart(item.name))
                continue
            }
            var line = state.cart[index]
            line.options = choose(optionID, of: item, in: line.options, notes: &notes)
            line.unitPrice = item.unitPrice(with: line.options)
            replaceLine(at: index, with: line)
            notes.append(Copy.changedTo(line.title))
            result = .changed
        }
        if !texts.isEmpty {
            let text = texts.joined(separator: ", ")
            // Just after a dish went in, a note is for it; at checkout, or with nothing just added, for the order.
            if state.step == .cartUpdated, let id = state.lastItemID,
                let index = state.cart.lastIndex(where: { $0.itemID == id })
            {
                if let note = checkedNote(text, limit: NoteLimits.line, notes: &notes) {
                    var line = state.cart[index]
                    let joined = [line.note, note].compactMap { $0 }.joined(separator: ", ")
                    if joined.count > NoteLimits.line {
                        notes.append(Copy.noteTooLong(limit: NoteLimits.line))
                    } else {
                        line.note = joined
                        replaceLine(at: index, with: line)
                        notes.append(Copy.notedFor(line.title, note: joined))
                        result = .changed
                    }
                }
            } else if let note = checkedNote(text, limit: NoteLimits.order, notes: &notes) {
                state.orderNote = note
                notes.append(Copy.orderNoted(note))
                result = .changed
            }
        }
        return result
    }

    /// Dishes still wait for their options: they are asked about before checkout moves on (true), so a summary
    /// never leaves out a dish the customer asked for.
    mutating func choicesStillOpen() -> Bool {
        guard state.building.contains(where: { $0.quantity > 0 }) else {
            state.building = []
            return false
        }
        // The customer asked to check out: once the choice is made, that is where they go.
        state.checkoutWhenChosen = true
        askOption(note: Copy.chooseFirst)
        return true
    }

    /// Puts `line` at `index`, merged into another line that is now the same (same dish, options and note).
    mutating func replaceLine(at index: Int, with line: OrderLine) {
        if let other = state.cart.indices.first(where: { $0 != index && state.cart[$0].key == line.key }) {
            state.cart[other].quantity = min(state.cart[other].quantity + line.quantity, maximumQuantity)
            state.cart.remove(at: index)
        } else {
            state.cart[index] = line
        }
    }
}
