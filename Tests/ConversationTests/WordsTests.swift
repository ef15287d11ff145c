import Testing

@testable import Conversation

/// How typed text is folded before it is read: case, accents and tone marks, stretched letters, emoji, breaks.
@Suite struct FoldingTests {
    func words(_ text: String) -> [String] { Folded(text).words }

    @Test func caseAccentsAndToneMarksFold() {
        #expect(words("Ẹ kú àárọ̀") == ["e", "ku", "aaro"])
        #expect(words("JOLLOF Rice") == ["jollof", "rice"])
        #expect(words("Crème brûlée") == ["creme", "brulee"])
        // Decomposed (a letter, then its combining marks) folds as precomposed does.
        #expect(words("E\u{0323}\u{0301} se") == ["e", "se"])
    }

    @Test func stretchedLettersAndApostrophes() {
        #expect(words("Hellooo pleaseee") == ["hello", "please"])
        #expect(words("jollof coffee") == ["jollof", "coffee"])
        #expect(words("I'll pick it up, don’t worry") == ["ill", "pick", "it", "up", "dont", "worry"])
    }

    @Test func emojiAndBreaks() {
        #expect(words("👍🏽") == ["ok"])
        #expect(words("🙏") == ["thanks"])
        #expect(words("😋🔥") == [])
        #expect(
            Folded("2 jollof, 1 coke & zobo\nplus chips").tokens == [
                .word("2"), .word("jollof"), .hardBreak, .word("1"), .word("coke"), .softBreak, .word("zobo"),
                .hardBreak, .word("chips"),
            ])
        #expect(Folded(",, and ,").tokens == [])
        #expect(words("×2 coke") == ["x2", "coke"])
    }

    @Test func receiptEmails() {
        #expect(Words.email("  Ada@Example.com ") == "ada@example.com")
        #expect(Words.email("ada@example") == nil)
        #expect(Words.email("ada @example.com") == nil)
        #expect(Words.email("@example.com") == nil)
    }
}
