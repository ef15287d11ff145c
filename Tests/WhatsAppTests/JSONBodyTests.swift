import Foundation
import JSON
import Testing

/// `JSONBody` replaced `JSONEncoder` for the bodies we send; it must write what `JSONEncoder` with sorted keys and
/// unescaped slashes writes, byte for byte, so stored outbox rows and golden files keep their meaning.
@Suite struct JSONBodyTests {
    private struct Sample: Encodable {
        var text: String
        var count: Int
        var flag: Bool
        var list: [String]
        var absent: String?
        var nested: [String: String]
    }

    @Test(arguments: [
        "plain", "quote \" and backslash \\", "new\nline\ttab\r\u{8}\u{c}", "control \u{1}\u{1f}",
        "naira ₦2,500 and emoji 🍛", "slash / stays", "", "zero \u{0} byte",
    ])
    func writesWhatJSONEncoderWrites(text: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = try encoder.encode(
            Sample(text: text, count: -42, flag: true, list: [text, "b"], absent: nil, nested: ["z": text, "a": "1"]))
        let body = JSONBody.object([
            ("text", .string(text)), ("count", .integer(-42)), ("flag", .bool(true)),
            ("list", .array([.string(text), .string("b")])), ("absent", nil),
            ("nested", .object([("z", .string(text)), ("a", .string("1"))])),
        ])
        #expect(String(decoding: body.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }
}
