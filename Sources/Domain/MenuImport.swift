/// A menu file as staff write it (CSV from a spreadsheet, or JSON), checked line by line before anything is
/// written: every problem is reported with its line, and the file is applied whole or not at all.
public enum MenuImport {
    /// One line as read, before it is checked. `line` is the file's line number (CSV) or the entry's position
    /// (JSON, counted from 1).
    public struct Row: Equatable, Sendable {
        public var line: Int
        public var category: String
        public var name: String
        public var price: String
        public var description: String
        public var available: String
        /// Other names customers use, `;` between them (`coke; cocacola`); nil when the file has no such column,
        /// which leaves an item's aliases as they are.
        public var aliases: String?
        /// Option groups in the spelling `OptionSpec` reads (`Protein (pick 1): Chicken, Beef, Fish +300`); nil when
        /// the file has no such column, which leaves an item's options as they are.
        public var options: String?
        /// A picture's `https` URL; nil when the file has no such column.
        public var image: String?

        public init(
            line: Int, category: String, name: String, price: String, description: String = "", available: String = "",
            aliases: String? = nil, options: String? = nil, image: String? = nil
        ) {
            self.line = line
            self.category = category
            self.name = name
            self.price = price
            self.description = description
            self.available = available
            self.aliases = aliases
            self.options = options
            self.image = image
        }
    }

    /// A checked line: what the store writes.
    public struct Entry: Equatable, Sendable {
        public var category: String
        public var name: String
        public var price: Kobo
        public var description: String
        public var available: Bool
        /// nil: leave the item's aliases as they are.
        public var aliases: [String]?
        /// nil: leave the item's options as they are; empty: the item has none.
        public var optionGroups: [OptionSpec.Group]?
        /// nil: leave the picture as it is; "": no picture.
        public var imageURL: String?

        public init(
            category: String, name: String, price: Kobo, description: String, available: Bool,
            aliases: [String]? = nil, optionGroups: [OptionSpec.Group]? = nil, imageURL: String? = nil
        ) {
            self.category = category
            self.name = name
            self.price = price
            self.description = description
            self.available = available
            self.aliases = aliases
            self.optionGroups = optionGroups
            self.imageURL = imageURL
        }
    }

    /// `coke; cocacola ;` → ["coke", "cocacola"]: trimmed, empty ones dropped, each once.
    public static func aliases(_ text: String) -> [String] {
        var seen: Set<String> = []
        return text.split(separator: ";").map { String($0).trimmingSpaces }.filter { alias in
            !alias.isEmpty && seen.insert(alias.lowercased()).inserted
        }
    }

    /// ["coke", "cocacola"] → `coke; cocacola`: how the column, the database and `menu list` write them.
    public static func aliasesText(_ aliases: [String]) -> String { aliases.joined(separator: "; ") }

    /// What is wrong with a list of aliases, if anything: each at most 40 characters, at most 10.
    public static func aliasProblems(_ aliases: [String]) -> [String] {
        var problems: [String] = []
        for alias in aliases where alias.count > 40 {
            problems.append("the alias \"\(alias)\" is longer than 40 characters")
        }
        if aliases.count > 10 { problems.append("\(aliases.count) aliases; at most 10") }
        return problems
    }

    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        public var description: String { "line \(line): \(message)" }
    }

    static let columns = ["category", "name", "price", "description", "available", "aliases", "options", "image"]

    /// Reads CSV with a header naming at least `category`, `name` and `price` (`description` and `available`
    /// optional, any order, any case). Fields may be quoted, with `""` for a quote; a quoted field may span lines.
    public static func readCSV(_ text: String) -> (rows: [Row], problems: [Problem]) {
        let records = csvRecords(text)
        guard let header = records.first(where: { !$0.fields.allSatisfy(\.isEmpty) }) else {
            return ([], [Problem(line: 1, message: "the file is empty")])
        }
        let names = header.fields.map { $0.trimmingSpaces.lowercased() }
        // A file that is not a menu (`menu import /etc/shadow`) must not have its first line printed back: the
        // errors reach a terminal, a log and the board.
        guard names.contains(where: columns.contains) else {
            return (
                [],
                [
                    Problem(
                        line: header.line,
                        message: "this is not a menu: its first line must name the columns "
                            + "(\(columns.joined(separator: ", "))); nothing of the file is shown")
                ]
            )
        }
        var problems: [Problem] = []
        for required in ["category", "name", "price"] where !names.contains(required) {
            problems.append(Problem(line: header.line, message: "the header has no \(required) column"))
        }
        for name in names where !columns.contains(name) {
            // Only what looks like a column name is quoted back.
            let shown =
                name.count <= 30 && name.allSatisfy { $0.isLetter || $0 == " " || $0 == "_" || $0 == "-" }
                ? "\"\(name)\"" : "(not shown)"
            problems.append(
                Problem(
                    line: header.line,
                    message: "unknown column \(shown) (expected \(columns.joined(separator: ", ")))"))
        }
        guard problems.isEmpty else { return ([], problems) }
        var rows: [Row] = []
        for record in records where record.line > header.line && !record.fields.allSatisfy(\.isEmpty) {
            guard record.fields.count <= names.count else {
                problems.append(
                    Problem(
                        line: record.line,
                        message: "\(record.fields.count) fields, but the header has \(names.count) (quote a field "
                            + "that contains a comma)"))
                continue
            }
            func field(_ name: String) -> String {
                guard let index = names.firstIndex(of: name), index < record.fields.count else { return "" }
                return record.fields[index].trimmingSpaces
            }
            rows.append(
                Row(
                    line: record.line, category: field("category"), name: field("name"), price: field("price"),
                    description: field("description"), available: field("available"),
                    aliases: names.contains("aliases") ? field("aliases") : nil,
                    options: names.contains("options") ? field("options") : nil,
                    image: names.contains("image") ? field("image") : nil))
        }
        return (rows, problems)
    }

    /// Checks every row; the entries only when no row has a problem.
    public static func check(_ rows: [Row], symbol: String, code: String) -> Result<[Entry], Problems> {
        var problems: [Problem] = []
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        for row in rows {
            var rowProblems: [String] = []
            if row.category.isEmpty { rowProblems.append("the category is empty") }
            if row.name.isEmpty { rowProblems.append("the name is empty") }
            if row.name.count > 60 { rowProblems.append("the name is longer than 60 characters") }
            let price = Kobo.parse(row.price, symbol: symbol, code: code)
            if price == nil {
                rowProblems.append("\"\(row.price)\" is not a price (write 2500, 2,500 or \(symbol)2,500.00)")
            }
            let available: Bool? =
                switch row.available.lowercased() {
                case "", "yes", "y", "true", "1", "available": true
                case "no", "n", "false", "0", "sold out", "unavailable": false
                default: nil
                }
            if available == nil { rowProblems.append("available must be yes or no, not \"\(row.available)\"") }
            let key = row.name.lowercased()
            if let first = seen[key], !row.name.isEmpty {
                rowProblems.append("\"\(row.name)\" is already on line \(first)")
            } else {
                seen[key] = row.line
            }
            let aliases = row.aliases.map(MenuImport.aliases)
            rowProblems += aliasProblems(aliases ?? [])
            var groups: [OptionSpec.Group]?
            if let options = row.options {
                switch OptionSpec.read(options, symbol: symbol, code: code) {
                case .success(let read): groups = read
                case .failure(let optionProblems): rowProblems += optionProblems.all
                }
            }
            if let image = row.image, let problem = imageProblem(image) { rowProblems.append(problem) }
            if rowProblems.isEmpty, let price, let available {
                entries.append(
                    Entry(
                        category: row.category, name: row.name, price: price, description: row.description,
                        available: available, aliases: aliases, optionGroups: groups, imageURL: row.image))
            }
            problems += rowProblems.map { Problem(line: row.line, message: $0) }
        }
        if rows.isEmpty { problems.append(Problem(line: 1, message: "no menu lines")) }
        return problems.isEmpty ? .success(entries) : .failure(Problems(all: problems))
    }

    public struct Problems: Error, Equatable, Sendable {
        public var all: [Problem]
    }

    /// What is wrong with a picture's address, if anything. WhatsApp fetches an image header itself: it must be
    /// `https`, with a host, and short enough for a message.
    public static func imageProblem(_ url: String) -> String? {
        guard !url.isEmpty else { return nil }
        guard url.lowercased().hasPrefix("https://"), url.count > 8 else {
            return "the image must be an https:// address"
        }
        guard url.count <= 1000, !url.contains(where: { $0 == " " || $0 == "\"" || $0.isNewline }) else {
            return "the image address must be one address of at most 1000 characters without spaces"
        }
        return nil
    }

    // MARK: - CSV

    struct Record {
        var line: Int
        var fields: [String]
    }

    /// RFC 4180 with the usual leniencies: CRLF or LF, a quoted field may hold commas, quotes (`""`) and newlines.
    static func csvRecords(_ text: String) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var characters = Array(text.replacingCRLF)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" { line += 1 }
                    field.append(character)
                }
            } else {
                switch character {
                case "\"" where field.trimmingSpaces.isEmpty:
                    field = ""
                    quoted = true
                case ",":
                    fields.append(field)
                    field = ""
                case "\n":
                    fields.append(field)
                    records.append(Record(line: recordLine, fields: fields))
                    fields = []
                    field = ""
                    line += 1
                    recordLine = line
                default:
                    field.append(character)
                }
            }
            index += 1
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}

extension String {
    /// CRLF and lone CR as LF ("\r\n" is one Character in Swift).
    var replacingCRLF: String {
        String(map { $0 == "\r\n" || $0 == "\r" ? "\n" : $0 })
    }
}
