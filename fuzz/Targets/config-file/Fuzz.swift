import BootstrapConfig
import Domain
import FuzzSupport

// The configuration file (`Config.parseEnvFile`, the pure half of `Config.load`; the other half only reads the
// file), then what every process derives from it before serving: the typed views and the opening hours.
// Seeds: the keys and defaults of docs/configuration.md as a file, and fuzz/seeds/config-file.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    guard let values = try? Config.parseEnvFile(text, path: "fuzz.env") else { return 0 }
    for key in values.keys {
        expect(
            !key.isEmpty && key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
            "the key \(key.debugDescription) was accepted")
    }

    let config = Config(values: values, source: "fuzz.env")
    _ = try? config.databasePath()
    _ = config.logLevel
    // The order the Paystack webhook tries them in: the current key, then the rotated-out ones, none empty.
    let secrets = config.paystackSignatureSecrets
    expect(secrets.allSatisfy { !$0.isEmpty }, "an empty signature secret")
    if !config["PAYSTACK_SECRET_KEY"].isEmpty {
        expect(secrets.first == config["PAYSTACK_SECRET_KEY"], "the current secret key is not tried first")
    }
    for name in ["DELIVERY_FEE", "MIN_ORDER_AMOUNT", "LATE_MESSAGE_AGE", "HANDOFF_TIMEOUT", "PAYMENT_LINK_TTL"] {
        if let count = try? config.count(name) { expect(count >= 0, "\(name) read as \(count)") }
    }
    for (key, shown, _) in config.maskedReport() where Config.keys.first(where: { $0.name == key })?.secret == true {
        // `config check` output lands in terminals and tickets: of a secret, at most the last two characters show.
        let value = config[key]
        let length = " (\(value.count) chars)"
        let visible = shown.dropFirst("******".count).dropLast(length.count)
        expect(
            value.isEmpty
                ? shown.isEmpty
                : shown.hasPrefix("******") && shown.hasSuffix(length) && visible.count <= 2
                    && value.hasSuffix(visible), "\(key) shown as \(shown)")
    }
    for mode in Config.Mode.allCases { _ = config.missingKeys(for: mode) }
    if let hours = try? OpeningHours.parse(config["OPENING_HOURS"]) {
        for span in hours.spans {
            expect(span.lowerBound >= 0 && span.upperBound <= OpeningHours.week, "an opening span \(span) off the week")
        }
        // What checkout tells a customer while closed, from a few moments of the week.
        for minute in [0, 540, 1439, 5000, OpeningHours.week - 1] {
            _ = hours.isOpen(atMinuteOfWeek: minute)
            if let opening = hours.nextOpening(afterMinuteOfWeek: minute) {
                expect((0..<OpeningHours.week).contains(opening), "the next opening at minute \(opening)")
                _ = OpeningHours.describe(opening: opening, from: minute)
            }
        }
    }
    return 0
}
