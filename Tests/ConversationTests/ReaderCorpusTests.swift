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

    /// The corpus files: `lines.txt` (the first corpus), `holdout.txt` and `fresh.txt` (written later by others,
    /// apart from the code and each other), or the one file READER_CORPUS names.
    static func files() throws -> [String] {
        if let one = ProcessInfo.processInfo.environment["READER_CORPUS"] { return [one] }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".txt") }
        return names.sorted().map { directory.appendingPathComponent($0).path }
    }

    static func cases(in path: String) throws -> [Case] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var cases: [Case] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.components(separatedBy: " | ")
            guard fields.count == 3 else {
                throw CorpusError(description: "\(path) line \(offset + 1) has \(fields.count) fields: \(line)")
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
        let reader = Reader(menu: Self.menu)
        var total = 0
        var wrong = 0
        var report: [String] = []
        for path in try Self.files() {
            let cases = try Self.cases(in: path)
            var misses: [String] = []
            for item in cases {
                let reading = reader.read(item.typed, mode: Self.mode(for: item.step)).description
                if reading != item.expected {
                    misses.append(
                        "  line \(item.line) [\(item.step)] \(item.typed.debugDescription)\n"
                            + "      expected \(item.expected)\n      read     \(reading)")
                }
            }
            total += cases.count
            wrong += misses.count
            let name = URL(fileURLWithPath: path).lastPathComponent
            report.append(
                "\(name): \(cases.count - misses.count) of \(cases.count) read right "
                    + "(\(String(format: "%.1f", 100 * Double(cases.count - misses.count) / Double(max(cases.count, 1))))%)"
                    + (misses.isEmpty ? "" : "\n" + misses.joined(separator: "\n")))
        }
        let rate = Double(total - wrong) / Double(max(total, 1))
        print(
            "Reader corpus: \(total - wrong) of \(total) lines read right (\(String(format: "%.1f", rate * 100))%)\n"
                + report.joined(separator: "\n"))
        #expect(total >= 400, "the corpus holds \(total) lines; it should hold at least 400")
        #expect(rate >= 0.97, "\(wrong) misses:\n\(report.joined(separator: "\n"))")
    }
}
