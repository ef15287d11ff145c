import FuzzSupport
@_spi(Reference) import WhatsApp

// The bytes of a WhatsApp webhook POST after its signature passed (Meta's, so well-formed in practice, but the
// decoder is the first code that reads them) and of Meta's answers to our sends, which the sender classifies.
// Seeds: Tests/WhatsAppTests/Fixtures, Tests/AppTests/Fixtures and Tests/EndToEndTests/Fixtures.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = fuzzBytes(data, size)
    if let notification = try? WebhookNotification.decode(body) {
        check(notification)
    }
    compareWithJSONDecoder(body)
    // The sender sees the same kinds of bodies on every status; these four take every branch of the classifier.
    for status in [200, 400, 429, 500] {
        if case .accepted(let wamid) = classifySendResponse(status: status, body: body) {
            expect(!wamid.isEmpty, "an accepted send without a message id")
        }
        checkCatalogAnswers(status: status, body: body)
    }
    return 0
}

/// What the handler relies on after a successful decode.
private func check(_ notification: WebhookNotification) {
    for change in notification.changes {
        guard let value = change.value else { continue }
        expect(change.field == "messages", "a value decoded for the field \(change.field)")
        expect(value.undecodableMessages >= 0 && value.undecodableStatuses >= 0, "a negative count of bad items")
        for message in value.messages {
            // The wamid is the dedupe key of the inbound table.
            expect(!message.id.isEmpty, "a message without an id")
            checkTime(message.timestamp)
            _ = message.content.wireType
            switch message.content {
            case .location(let location):
                // The conversation keeps a pin in its state, which is stored as JSON: JSON has no NaN or infinity,
                // so a non-finite coordinate would make that customer's every message fail to commit.
                expect(
                    location.latitude.isFinite && location.longitude.isFinite,
                    "a location with a non-finite coordinate (\(location.latitude), \(location.longitude))")
            case .reaction(_, let emoji):
                expect(emoji != "", "a removed reaction read as an empty emoji")
            case .order(let order):
                // The app matches lines to the menu by retailer id and multiplies quantities by prices.
                expect(order.unreadableItems >= 0, "a negative count of unreadable order lines")
                for item in order.items {
                    expect(!item.productRetailerID.isEmpty, "an order line without a product")
                    expect(
                        (0...CatalogOrder.maximumQuantity).contains(item.quantity),
                        "an order quantity out of bounds (\(item.quantity))")
                }
            case .contacts(let count):
                expect(count >= 0, "a negative item count")
            default:
                break
            }
        }
        for status in value.statuses {
            expect(!status.id.isEmpty, "a status without an id")
            checkTime(status.timestamp)
            _ = status.status.wireName
        }
    }
}

/// A catalog sync reads Meta's answers to items_batch and to the products listing (same Graph envelope): what it
/// keys on must be there, and a price it compares must be a real amount.
private func checkCatalogAnswers(status: Int, body: [UInt8]) {
    if case .ok(let page) = classifyCatalogPageResponse(status: status, body: body) {
        expect(page.unreadableProducts >= 0, "a negative count of unreadable products")
        expect(page.nextCursor != "", "an empty next cursor")
        for product in page.products {
            expect(!product.retailerID.isEmpty, "a listed product without a retailer id")
            expect((product.priceMinor ?? 0) >= 0, "a negative listed price")
        }
    }
    _ = classifyCatalogBatchResponse(status: status, body: body)
}

/// The handler turns a timestamp into milliseconds and an age: both must be arithmetic that cannot trap, whatever
/// the body said (a hostile timestamp once crashed the worker).
private func checkTime(_ seconds: Int64?) {
    guard let seconds else { return }
    expect((0...10_000_000_000).contains(seconds), "an implausible timestamp \(seconds) kept")
    let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
    expect(!milliseconds.overflow, "timestamp \(seconds) overflows in milliseconds")
    expect(!Int64.max.subtractingReportingOverflow(milliseconds.partialValue).overflow, "an age overflows")
}

/// The decoder reads the bytes itself (the JSON module's JSONValue); Foundation's JSONDecoder is the reference it must
/// agree with: the same notification, or both a refusal. (Which refusal, not-json or not-envelope, is not compared:
/// the handler keeps the body and answers 200 for both, and on garbage JSONDecoder's choice depends on how far its
/// lazy scan got.)
private func compareWithJSONDecoder(_ body: [UInt8]) {
    let fast = Result { try WebhookNotification.decode(body) }
    let reference = Result { try WebhookNotification.decodeWithJSONDecoder(body) }
    switch (fast, reference) {
    case (.success(let mine), .success(let theirs)):
        expect(mine == theirs, "the decoders disagree: \(mine) against JSONDecoder's \(theirs)")
    case (.failure, .failure):
        break
    case (.success, .failure(let theirs)):
        expect(false, "accepted what JSONDecoder refuses: \(theirs)")
    case (.failure(let mine), .success):
        // The one place the decoder is stricter on purpose: an object key that is not valid JSON text.
        expect("\(mine)".contains("a key JSON does not allow"), "refused what JSONDecoder accepts: \(mine)")
    }
}
