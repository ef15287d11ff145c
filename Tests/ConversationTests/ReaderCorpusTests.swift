import Domain
import Foundation
import Testing

@testable import Conversation

/// The reader against the corpus of customer lines in `Corpus/lines.txt` (format in `Corpus/README.md`): at least
/// 97% must read as the corpus says a cashier would. The rate is printed; the misses are listed.
@Suite struct ReaderCorpusTests {
    struct Case {
        var line: Int
        var step: String
        var typed: String
        var expected: String
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static let steps: Set<String> = [
        "new", "choosingCategory", "choosingItem", "choosingQuantity", "cartUpdated", "viewingCart", "editingLine",
        "resolvingName", "choosingFulfilment", "awaitingAddress", "awaitingLandmark", "awaitingEmail", "confirming",
        "confirmingCancel", "awaitingPayment", "paid",
    ]

    static func cases() throws -> [Case] {
        // READER_CORPUS reads another file in the same format (a list being written, say).
        let path =
            ProcessInfo.processInfo.environment["READER_CORPUS"] ?? directory.appendingPathComponent("lines.txt").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var cases: [Case] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.components(separatedBy: " | ")
            guard fields.count == 3 else {
                throw CorpusError(description: "line \(offset + 1) has \(fields.count) fields: \(line)")
            }
            let step = fields[0].trimmingCharacters(in: .whitespaces)
            guard steps.contains(step) else { throw CorpusError(description: "line \(offset + 1): no step \(step)") }
            cases.append(
                Case(
                    line: offset + 1, step: step,
                    typed: fields[1].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\\n", with: "\n"),
                    expected: fields[2].trimmingCharacters(in: .whitespaces)))
        }
        return cases
    }

    struct CorpusError: Error, CustomStringConvertible {
        var description: String
    }

    /// The sample menu with #2 sold out, as the corpus's README describes it.
    static var menu: Menu {
        var menu = SampleMenu.menu
        menu.items = menu.items.map { item in
            var item = item
            if item.id == 2 { item.available = false }
            return item
        }
        return menu
    }

    static func mode(for step: String) -> Reader.Mode {
        switch step {
        case "awaitingAddress", "awaitingLandmark": .address
        case "awaitingEmail": .email
        default: .anything
        }
    }

    @Test func theReaderReadsAtLeast97PercentOfTheCorpusRight() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 400, "the corpus holds \(cases.count) lines; it should hold at least 400")
        let reader = Reader(menu: Self.menu)
        var misses: [String] = []
        for item in cases {
            let reading = reader.read(item.typed, mode: Self.mode(for: item.step)).description
            if reading != item.expected {
                misses.append(
                    "  line \(item.line) [\(item.step)] \(item.typed.debugDescription)\n"
                        + "      expected \(item.expected)\n      read     \(reading)")
            }
        }
        let right = cases.count - misses.count
        let rate = Double(right) / Double(max(cases.count, 1))
        print(
            "Reader corpus: \(right) of \(cases.count) lines read right (\(String(format: "%.1f", rate * 100))%)"
                + (misses.isEmpty ? "" : "; misses:\n" + misses.joined(separator: "\n")))
        #expect(rate >= 0.97, "\(misses.count) misses:\n\(misses.joined(separator: "\n"))")
    }
}
