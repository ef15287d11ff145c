import Conversation
import Domain
import Foundation
import TestSupport
import Testing
import WhatsApp

@testable import App

/// Every reply the reducer can produce for the sample menu (and a menu with a long category and long names),
/// rendered as WhatsApp request bodies, stays within Meta's limits: explored breadth-first by tapping everything
/// offered and typing a set of words and mistakes in every state reached.
@Suite struct ReplyLimitsTests {
    static let typed = [
        "hi", "1", "2", "3", "9", "0", "-1", "21", "two", "jollof", "2 rice", "remove fries", "add 1 zobo", "cart",
        "checkout", "cancel", "yes", "no", "help", "status", "pay", "restart", "more", "delivery", "pickup",
        "12 Allen Avenue, Ikeja", "ada@example.com", "skip", "confirm", "edit",
    ]

    static func menu(long: Bool) -> Menu {
        var categories = SampleMenu.menu.categories
        var items = SampleMenu.menu.items
        if long {
            categories.append(MenuCategory(id: 5, name: "A Very Long Category Name For Parties", position: 5))
            for number in 1...25 {
                items.append(
                    MenuItem(
                        id: Int64(100 + number), categoryID: 5,
                        name: "Extremely long dish name number \(number) with sauce",
                        description: String(repeating: "tasty ", count: 30),
                        price: Kobo(123_456 * number), available: true))
            }
        }
        return Menu(categories: categories, items: items)
    }

    @Test(arguments: [false, true])
    func everyReplyFitsMetasLimits(longMenu: Bool) throws {
        let settings = Settings(
            restaurantName: "Mama Put's Famous Kitchen and Grill", deliveryFee: 50_000, minimumOrder: 100_000)
        let menu = Self.menu(long: longMenu)
        var frontier: [(State, [Reply])] = [(State(), [])]
        var seen: Set<String> = []
        var checked = 0
        for depth in 0..<7 {
            var next: [(State, [Reply])] = []
            for (state, offered) in frontier {
                var inputs: [Input] = Self.typed.map { .text($0) }
                inputs += offered.flatMap(Self.choices)
                inputs += [
                    .location(latitude: 6.5, longitude: 3.3, name: "Eko", address: nil), .unsupported(kind: "image"),
                ]
                for input in inputs {
                    let context = Context(
                        settings: settings, menu: menu, customerName: "Ada", customerKey: "7", now: 1_000_000,
                        newID: "d\(depth)")
                    let transition = reduce(state, .customerSent(input, sentAt: 999_000), context)
                    let replies = transition.effects.compactMap { effect -> Reply? in
                        if case .reply(let reply) = effect { return reply }
                        return nil
                    }
                    // Never silence: every message a customer sends gets an answer.
                    #expect(!replies.isEmpty, "no reply to \(input) in \(state.step)")
                    for reply in replies {
                        try Self.checkLimits(
                            messageRequestBody(to: .waID("2348000000000"), message: outboundMessage(for: reply)))
                        checked += 1
                    }
                    let key = "\(transition.state)"
                    if !seen.contains(key) {
                        seen.insert(key)
                        next.append((transition.state, replies))
                    }
                }
            }
            frontier = Array(next.prefix(60))
        }
        #expect(checked > 1_000)
    }

    static func choices(_ reply: Reply) -> [Input] {
        switch reply {
        case .list(let list): return list.sections.flatMap(\.rows).map { .choice(id: $0.id, title: $0.title) }
        case .buttons(let buttons): return buttons.buttons.map { .choice(id: $0.id, title: $0.title) }
        case .text, .link, .location, .products, .product: return []
        }
    }

    static func length(_ value: Any?) -> Int { (value as? String)?.utf16.count ?? 0 }

    static func checkLimits(_ body: [UInt8]) throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        if let text = json["text"] as? [String: Any] {
            #expect(length(text["body"]) <= MessageLimits.textBody)
            #expect(length(text["body"]) > 0)
            return
        }
        if let location = json["location"] as? [String: Any] {
            #expect(location["latitude"] is Double && location["longitude"] is Double)
            return
        }
        let interactive = try #require(json["interactive"] as? [String: Any])
        let bodyText = (interactive["body"] as? [String: Any])?["text"]
        #expect(length(bodyText) <= MessageLimits.interactiveBody)
        #expect(length(bodyText) > 0)
        let action = try #require(interactive["action"] as? [String: Any])
        if let sections = action["sections"] as? [[String: Any]] {
            #expect(length(action["button"]) <= MessageLimits.listButton)
            let rows = sections.flatMap { $0["rows"] as? [[String: Any]] ?? [] }
            #expect((1...MessageLimits.rowsTotal).contains(rows.count))
            #expect(Set(rows.compactMap { $0["id"] as? String }).count == rows.count, "row ids repeat")
            for section in sections { #expect(length(section["title"]) <= MessageLimits.sectionTitle) }
            for row in rows {
                #expect(length(row["title"]) <= MessageLimits.rowTitle)
                #expect(length(row["description"]) <= MessageLimits.rowDescription)
                #expect(length(row["id"]) <= MessageLimits.rowID)
            }
        }
        if let buttons = action["buttons"] as? [[String: Any]] {
            #expect((1...MessageLimits.buttons).contains(buttons.count))
            let titles = buttons.compactMap { ($0["reply"] as? [String: Any])?["title"] as? String }
            #expect(Set(titles).count == titles.count, "button titles repeat")
            for title in titles { #expect(title.utf16.count <= MessageLimits.buttonTitle) }
        }
        if let parameters = action["parameters"] as? [String: Any] {
            #expect(length(parameters["display_text"]) <= MessageLimits.ctaDisplayText)
        }
    }
}

@Suite struct OrderIDTests {
    @Test func oneDrawMakesEightCharactersWithoutLookAlikes() {
        let draws = Locked(0)
        let id = OrderIDs.make {
            draws.mutate { $0 += 1 }
            return 0x0123_4567_89AB_CDEF
        }
        #expect(draws.value == 1)
        #expect(id.count == 8)
        #expect(id.allSatisfy { "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains($0) })
        #expect(OrderIDs.make { 0 } == "22222222")
        #expect(OrderIDs.make { UInt64.max } != OrderIDs.make { UInt64.max - 1 })
    }
}
