import Testing

@testable import Conversation

/// Typed text takes a byte-level path when it is ASCII (the usual case) and the Unicode path otherwise: both must
/// read every input the same way.
@Suite struct WordsTests {
    @Test func theASCIIPathReadsEveryInputLikeTheUnicodePath() {
        let alphabet = Array(" \t\n!\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~")
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            seed ^= seed << 13
            seed ^= seed >> 7
            seed ^= seed << 17
            return Int(seed % UInt64(alphabet.count))
        }
        var checked = 0
        for length in 0..<40 {
            for _ in 0..<250 {
                let text = String((0..<length).map { _ in alphabet[next()] })
                #expect(Words.normalizedASCII(text) == Words.normalizedUnicode(text), "\(text.debugDescription)")
                checked += 1
            }
        }
        #expect(checked == 10_000)
        for text in ["Cart!!", "  2 x JOLLOF  ", "add 1 zobo.", "pay-now", "---", "", "Jollof Rice & Chicken"] {
            #expect(Words.normalizedASCII(text) == Words.normalizedUnicode(text))
        }
        #expect(Words.normalized("Cart!!") == "cart")
        #expect(Words.normalized("Crème brûlée, 2") == "crème brûlée 2")
    }
}
