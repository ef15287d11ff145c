/// A menu category as customers see it, in the restaurant's order.
public struct MenuCategory: Hashable, Codable, Sendable {
    public var id: Int64
    public var name: String
    public var position: Int

    public init(id: Int64, name: String, position: Int) {
        self.id = id
        self.name = name
        self.position = position
    }
}

/// One dish or drink. `available == false` means sold out: shown to staff, hidden from customers.
public struct MenuItem: Hashable, Codable, Sendable {
    public var id: Int64
    public var categoryID: Int64
    public var name: String
    public var description: String
    public var price: Kobo
    public var available: Bool
    /// Other names customers use for it (`coke` for Coca-Cola), set by the restaurant; typed orders match them.
    public var aliases: [String]
    /// What the customer chooses with it (a protein, extras), in the order asked.
    public var optionGroups: [MenuOptionGroup]
    /// An `https` picture of the dish, shown at the top of its detail message.
    public var imageURL: String?

    public init(
        id: Int64, categoryID: Int64, name: String, description: String, price: Kobo, available: Bool,
        aliases: [String] = [], optionGroups: [MenuOptionGroup] = [], imageURL: String? = nil
    ) {
        self.id = id
        self.categoryID = categoryID
        self.name = name
        self.description = description
        self.price = price
        self.available = available
        self.aliases = aliases
        self.optionGroups = optionGroups
        self.imageURL = imageURL
    }
}

/// The menu a conversation step sees: categories in order and every item.
public struct Menu: Hashable, Codable, Sendable {
    public var categories: [MenuCategory]
    public var items: [MenuItem]

    public init(categories: [MenuCategory], items: [MenuItem]) {
        self.categories = categories.sorted { ($0.position, $0.id) < ($1.position, $1.id) }
        self.items = items
    }

    /// Categories that have at least one available item: an empty category is a dead end for a customer.
    public var orderableCategories: [MenuCategory] {
        categories.filter { category in items.contains { $0.categoryID == category.id && $0.available } }
    }
}

/// The sample menu of design.md §7, prices in kobo. `whatsorder seed-menu` loads it.
public enum SampleMenu {
    public struct Entry: Sendable {
        public var category: String
        public var name: String
        public var naira: Int
        public var description: String
        public var aliases: [String] = []
    }

    public static let categories = ["Main Dishes", "Sides", "Drinks", "Desserts"]

    /// The sample as a `Menu` with ids in order (categories 1–4, items 1–11), as a fresh database seeds it.
    public static var menu: Menu {
        Menu(
            categories: categories.enumerated().map {
                MenuCategory(id: Int64($0.offset + 1), name: $0.element, position: $0.offset + 1)
            },
            items: entries.enumerated().map { offset, entry in
                MenuItem(
                    id: Int64(offset + 1), categoryID: Int64((categories.firstIndex(of: entry.category) ?? 0) + 1),
                    name: entry.name, description: entry.description, price: Kobo(entry.naira * 100), available: true,
                    aliases: entry.aliases)
            })
    }

    /// The sample with options, for tests and demonstrations: Jollof Rice (item 1, renamed from the sample's
    /// "Jollof Rice & Chicken") asks for a protein (Chicken 101, Beef 102, Fish +₦300 103) and offers up to two
    /// extras (Plantain +₦500 104, Moin Moin +₦700 105, Coleslaw +₦400 108, Fried Egg +₦300 109); Fried Rice Special
    /// (item 2) comes Regular (106) or Large +₦800 (107); Pounded Yam & Egusi (item 3) with Goat Meat (110), Beef (111)
    /// or Assorted +₦800 (112). Groups are 11 to 14. Peppered Chicken (item 12, a side) has a name that shares a word
    /// with an option.
    public static var withOptions: Menu {
        var menu = menu
        menu.items[0].name = "Jollof Rice"
        menu.items[0].description = "Smoky party jollof"
        menu.items[0].optionGroups = [
            MenuOptionGroup(
                id: 11, name: "Protein", minimum: 1, maximum: 1,
                options: [
                    MenuOption(id: 101, name: "Chicken", price: 0), MenuOption(id: 102, name: "Beef", price: 0),
                    MenuOption(id: 103, name: "Fish", price: 30_000),
                ]),
            MenuOptionGroup(
                id: 12, name: "Extras", minimum: 0, maximum: 2,
                options: [
                    MenuOption(id: 104, name: "Plantain", price: 50_000),
                    MenuOption(id: 105, name: "Moin Moin", price: 70_000),
                    MenuOption(id: 108, name: "Coleslaw", price: 40_000),
                    MenuOption(id: 109, name: "Fried Egg", price: 30_000),
                ]),
        ]
        menu.items[1].optionGroups = [
            MenuOptionGroup(
                id: 13, name: "Size", minimum: 1, maximum: 1,
                options: [
                    MenuOption(id: 106, name: "Regular", price: 0), MenuOption(id: 107, name: "Large", price: 80_000),
                ])
        ]
        menu.items[2].optionGroups = [
            MenuOptionGroup(
                id: 14, name: "Protein", minimum: 1, maximum: 1,
                options: [
                    MenuOption(id: 110, name: "Goat Meat", price: 0), MenuOption(id: 111, name: "Beef", price: 0),
                    MenuOption(id: 112, name: "Assorted", price: 80_000),
                ])
        ]
        menu.items.append(
            MenuItem(
                id: 12, categoryID: 2, name: "Peppered Chicken", description: "Spicy fried chicken", price: 180_000,
                available: true))
        return menu
    }

    public static let entries: [Entry] = [
        Entry(
            category: "Main Dishes", name: "Jollof Rice & Chicken", naira: 2500,
            description: "Smoky party jollof with grilled chicken"),
        Entry(
            category: "Main Dishes", name: "Fried Rice Special", naira: 2200,
            description: "Stir-fried rice with veggies and beef"),
        Entry(
            category: "Main Dishes", name: "Pounded Yam & Egusi", naira: 3000,
            description: "Smooth pounded yam with rich egusi soup", aliases: ["poundo", "iyan"]),
        Entry(category: "Sides", name: "Plantain (Dodo)", naira: 500, description: "Fried sweet ripe plantain"),
        Entry(category: "Sides", name: "Moin Moin", naira: 700, description: "Steamed bean pudding"),
        Entry(
            category: "Sides", name: "French Fries", naira: 1200, description: "Crispy golden potato chips",
            aliases: ["chips"]),
        Entry(
            category: "Drinks", name: "Coca-Cola (50cl)", naira: 400, description: "Chilled 50cl bottle",
            aliases: ["coke"]),
        Entry(category: "Drinks", name: "Fresh Orange Juice", naira: 1500, description: "100% freshly squeezed"),
        Entry(category: "Drinks", name: "Zobo Drink", naira: 600, description: "Traditional hibiscus refreshing drink"),
        Entry(
            category: "Desserts", name: "Chocolate Cake Slice", naira: 1500,
            description: "Moist chocolate fudge cake"),
        Entry(
            category: "Desserts", name: "Vanilla Ice Cream", naira: 1000,
            description: "Two scoops of creamy vanilla"),
    ]
}
