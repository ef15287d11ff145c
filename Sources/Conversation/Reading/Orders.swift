import Domain

/// Dishes, quantities and edits in a segment's words.
extension Scan {
    func readOrder(_ segment: [String]) -> [Reading.Part] {
        var words = Reader.withoutFiller(segment)
        if segment.contains("instead") {
            let items = addParts(words)
            if items.count == 1, case .add(.exactly(let quantity), let dish) = items[0] {
                return [.set(dish, quantity)]
            }
        }
        // Edits first: they start with their verb.
        if let rest = Reader.strip(Reader.setStartSet, from: words) {
            return setParts(rest)
        }
        if let changed = changeTo(words) { return changed }
        if let rest = Reader.strip(Reader.removeVerbSet, from: words) {
            return removeParts(Reader.withoutFiller(rest))
        }
        if let rest = Reader.strip(Reader.addVerbSet, from: words) {
            words = rest
        }
        return addParts(Reader.withoutFiller(words))
    }

    /// `make it 3 jollof`, `make it 3` (the last dish), `make jollof 3`.
    func setParts(_ typed: [String]) -> [Reading.Part] {
        let words = typed.filter { $0 != "be" && $0 != "to" }
        if words.count == 1, let quantity = Reader.quantity(words[0]) { return [.set(.last, quantity)] }
        let items = addParts(words)
        return items.map { part in
            if case .add(.exactly(let quantity), let dish) = part { return .set(dish, quantity) }
            return part
        }
    }

    /// `change jollof to 1`, `reduce the coke to 2`, `jollof should be 2`.
    func changeTo(_ words: [String]) -> [Reading.Part]? {
        guard words.count >= 3, let last = words.last, let quantity = Reader.quantity(last) else { return nil }
        let beforeNumber = words.dropLast()
        guard let link = beforeNumber.last, ["to", "be"].contains(link) else { return nil }
        var name = Array(beforeNumber.dropLast())
        if name.last == "should" { name.removeLast() }
        // `could you change the fried rice to one`: what comes after the verb is the dish.
        if let verb = name.lastIndex(where: {
            ["change", "update", "reduce", "increase", "edit", "set", "adjust"].contains($0)
        }) {
            name.removeSubrange(0...verb)
        }
        let dishes = addParts(Reader.withoutFiller(name))
        guard dishes.count == 1, case .add(.unsaid, let dish) = dishes[0] else { return nil }
        return [.set(dish, quantity)]
    }

    func removeParts(_ words: [String]) -> [Reading.Part] {
        let items = addParts(words.filter { !["it", "am", "all", "them", "everything"].contains($0) })
        if items.isEmpty { return [.remove(nil, .last)] }
        return items.map { part in
            switch part {
            case .add(.exactly(let quantity), let dish): .remove(quantity, dish)
            case .add(_, let dish): .remove(nil, dish)
            default: part
            }
        }
    }

    /// Dishes with their quantities: `2 jollof`, `jollof x2`, `two plates of fried rice`, `one more coke`, and
    /// several in a row without separators (`2 jollof 1 coke`, `jollof coke`).
    func addParts(_ segment: [String]) -> [Reading.Part] {
        var words = Reader.markingVague(segment)
        guard !words.isEmpty else { return [] }
        if words.count == 1, let value = Reader.quantity(words[0]) { return [.number(value)] }
        // `one more`, `another one`, `another 1`, `2 more`, `2 more jollof`: more of a dish, the last one when none
        // is named.
        var more: Int?
        if Reader.oneMoreSet.contains(words) {
            more = 1
            words = []
        } else if let rest = Reader.strip(Reader.oneMoreSet, from: words) {
            more = 1
            words = rest.first.flatMap(Reader.quantity) == 1 ? Array(rest.dropFirst()) : rest
        } else if words.count >= 2, let value = Reader.quantity(words[0]), words[1] == "more" {
            more = value
            words = Array(words.dropFirst(2))
        }
        if let more {
            let named = names(Reader.withoutFiller(words))
            if named.isEmpty { return [.add(.exactly(more), .last)] }
            return assign(.exactly(more), leading: true, to: named)
        }
        // Each amount starts a dish when the line starts with one (`2 jollof 1 coke`), else ends one (`jollof 2
        // coke 1`).
        let leading = Reader.amountAtStart(words) != nil
        var groups: [[String]] = []
        var group: [String] = []
        for word in words {
            if Reader.amount(word) != nil {
                if leading {
                    if !group.isEmpty { groups.append(group) }
                    group = [word]
                } else {
                    group.append(word)
                    groups.append(group)
                    group = []
                }
            } else {
                group.append(word)
            }
        }
        if !group.isEmpty { groups.append(group) }
        return groups.flatMap(readGroup)
    }

    /// One dish's words with at most one amount, at either end.
    func readGroup(_ group: [String]) -> [Reading.Part] {
        var words = group
        var amount = Reading.Amount.unsaid
        var leading = true
        if let (found, length) = Reader.amountAtStart(words) {
            amount = found
            words.removeFirst(length)
        } else if let last = words.last, let found = Reader.amount(last) {
            amount = found
            words.removeLast()
            if words.last == "x" { words.removeLast() }  // `jollof x 2`
            leading = false
        }
        words = Reader.withoutFiller(words)
        guard !words.isEmpty else {
            if case .exactly(let value) = amount { return [.number(value)] }
            return []
        }
        if amount == .unsaid, let category = categories(fitting: words), category.ids.count == 1,
            items(fitting: words).map({ $0.score <= category.score }) ?? true
        {
            return [.category(category.ids[0])]
        }
        return assign(amount, leading: leading, to: names(words))
    }

    /// The quantity goes to the first dish when it was said first, else to the last.
    func assign(_ amount: Reading.Amount, leading: Bool, to named: [Reading.Part]) -> [Reading.Part] {
        var parts = named
        let dishIndexes = parts.indices.filter { if case .add = parts[$0] { true } else { false } }
        guard let target = leading ? dishIndexes.first : dishIndexes.last,
            case .add(_, let dish) = parts[target]
        else { return parts }
        parts[target] = .add(amount, dish)
        return parts
    }

    /// Splits words into the fewest dish names that fit, leaving what fits nothing as unread words.
    func names(_ words: [String], owner seed: Int64? = nil) -> [Reading.Part] {
        let count = words.count
        guard count > 0 else { return [] }
        // `fried rice with chicken`: what follows `with` (or `extra`, `plus`) after a dish that has options is read
        // as its options first, so `rice with chicken` cannot be read as another dish that has chicken in its name.
        if seed == nil, let split = words.firstIndex(where: { ["with", "extra", "plus", "w", "wit"].contains($0) }),
            split > 0, split < count - 1
        {
            let head = Array(words[..<split])
            if let fit = items(fitting: head), fit.ids.count == 1, index.options[fit.ids[0]] != nil {
                return names(head) + names(Array(words[split...]), owner: fit.ids[0])
            }
        }
        // best[i]: the cheapest reading of the first i words (a dish costs 1, an unread word 10).
        var cost = [Int](repeating: Int.max, count: count + 1)
        var choice = [(start: Int, dish: Reading.Dish?)](repeating: (0, nil), count: count + 1)
        // A dish found only through typos: not to be trusted beside words that are no dish at all (`small chops` is
        // not `chips`).
        var weak = [Bool](repeating: false, count: count + 1)
        cost[0] = 0
        for end in 1...count {
            if cost[end - 1] != Int.max, cost[end - 1] + 10 < cost[end] {
                cost[end] = cost[end - 1] + 10
                choice[end] = (end - 1, nil)
            }
            for start in max(0, end - 6)..<end where cost[start] != Int.max && cost[start] + 1 < cost[end] {
                let phrase = Array(words[start..<end])
                guard let fit = items(fitting: phrase) else { continue }
                cost[end] = cost[start] + 1
                choice[end] = (start, fit.ids.count == 1 ? .item(fit.ids[0]) : .oneOf(fit.ids))
                weak[end] = fit.score <= end - start
            }
        }
        var pieces: [(words: [String], dish: Reading.Dish?, weak: Bool)] = []
        var end = count
        while end > 0 {
            let (start, dish) = choice[end]
            pieces.append((Array(words[start..<end]), dish, weak[end]))
            end = start
        }
        pieces.reverse()
        for (offset, piece) in pieces.enumerated() where piece.weak {
            let besideUnread =
                (offset > 0 && pieces[offset - 1].dish == nil)
                || (offset + 1 < pieces.count && pieces[offset + 1].dish == nil)
            if besideUnread { pieces[offset].dish = nil }
        }
        var parts: [Reading.Part] = []
        var unread: [String] = []
        // Options and notes of the dish before them: `jollof with beef`, `jollof rice extra plantain no pepper`. A
        // dish's name read as another dish counts as its option only when led in (`with`, `extra`) or typed right
        // after it: `jollof and plantain` is two dishes.
        var owner: Int64? = seed
        func flushUnread() {
            defer { unread = [] }
            guard !unread.isEmpty else { return }
            if let owner, let option = index.option(of: owner, fitting: unread) {
                parts.append(.option(option))
            } else if owner == nil, parts.isEmpty, let option = index.anyOption(fitting: unread) {
                parts.append(.option(option))
            } else if let note = kitchenNote(unread) {
                parts.append(.note(note))
            } else {
                parts.append(.unread(unread.joined(separator: " ")))
            }
        }
        for piece in pieces {
            if let dish = piece.dish {
                // Led in (`jollof with chicken`), or right after its dish with nothing between (`jollof chicken`:
                // one thing typed, not the Peppered Chicken side). Across an `and` it stays a dish of its own.
                let ledIn =
                    NameIndex.optionWords.contains(piece.words[0])
                    || unread.last.map(NameIndex.optionWords.contains) == true
                    || (unread.isEmpty && parts.last.map { if case .add = $0 { true } else { false } } == true)
                if let owner, ledIn, let option = index.option(of: owner, fitting: unread + piece.words) {
                    unread = []
                    parts.append(.option(option))
                    continue
                }
                flushUnread()
                parts.append(.add(.unsaid, dish))
                if case .item(let id) = dish, index.options[id] != nil { owner = id } else { owner = nil }
            } else {
                unread += piece.words
            }
        }
        flushUnread()
        return parts
    }
}
