import Domain
import Testing

@Suite struct MoneyTests {
    @Test(arguments: [
        (250000, "₦2,500"), (50, "₦0.50"), (5, "₦0.05"), (100_000_000, "₦1,000,000"), (123456, "₦1,234.56"),
        (0, "₦0"), (-150000, "-₦1,500"),
    ])
    func amountsAreShownInMajorUnits(kobo: Int, shown: String) {
        #expect(Kobo(kobo).formatted(symbol: "₦") == shown)
    }

    @Test func theSampleMenuMatchesTheDesign() {
        #expect(SampleMenu.entries.count == 11)
        #expect(Set(SampleMenu.entries.map(\.category)) == Set(SampleMenu.categories))
    }

    @Test func aRedactedIdentityNeverShowsTheWholeNumber() {
        #expect(CustomerIdentity(waID: "2348012345678", userID: nil).redacted == "wa:…5678")
        #expect(CustomerIdentity(waID: "", userID: nil).isEmpty)
    }

    @Test func trimmingRemovesSpacesAndTabsAtTheEndsOnly() {
        #expect(" \t a  b \t ".trimmingSpaces == "a  b")
        #expect(" \nx\n ".trimmingSpaces == "\nx\n")
        #expect("   ".trimmingSpaces == "")
        #expect("é ".trimmingSpaces == "é")
        #expect(Substring("  kept  ").trimmingSpaces == "kept")
    }
}
