import FuzzSupport
import Paystack

// The bytes of a Paystack webhook POST after its signature passed, and of Paystack's answers to
// `transaction/verify` and `transaction/initialize` (the reconciler and the sender read those). Money hangs on
// what these decoders let through. Seeds: Tests/PaystackTests/Fixtures.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = fuzzBytes(data, size)
    if let event = try? PaystackEvent.decode(body) {
        check(event)
    }
    for status in [200, 400, 404, 429, 500] {
        if case .found(let charge) = classifyVerifyResponse(status: status, body: body) {
            check(charge)
        }
        if case .created(let url, _) = classifyInitializeResponse(status: status, body: body) {
            expect(url.hasPrefix("https://") || url.hasPrefix("http://"), "a checkout link that is not HTTP: \(url)")
        }
    }
    _ = initializeReference(body: body)
    return 0
}

/// The promises of Events.swift: strict where money hangs on a field.
private func check(_ event: PaystackEvent) {
    switch event.payload {
    case .charge(let charge):
        check(charge)
        expect(event.dedupeKey == charge.reference, "a charge keyed on something else than its reference")
    case .refund(let refund):
        expect(!refund.transactionReference.isEmpty, "a refund without a transaction reference")
        expect(refund.amount >= 0, "a negative refund")
        expect(!refund.currency.isEmpty && !refund.status.isEmpty, "a refund without currency or status")
        expect(event.dedupeKey?.isEmpty == false, "a refund without a dedupe key")
    case .dispute(let dispute):
        expect(dispute.amount.map { $0 >= 0 } ?? true, "a negative dispute amount")
        expect((event.dedupeKey == nil) == (dispute.id == nil), "a dispute keyed without its id")
    case .other:
        expect(event.dedupeKey == nil, "an unknown event with a dedupe key")
    }
    _ = event.reference
}

private func check(_ charge: Charge) {
    expect(!charge.reference.isEmpty, "a charge without a reference")
    expect(charge.amount >= 0, "a negative charge amount \(charge.amount)")
    expect(!charge.currency.isEmpty && !charge.status.isEmpty, "a charge without currency or status")
    // Only the last four digits of a card are ever kept.
    expect((charge.cardLast4?.count ?? 0) <= 4, "more than four card digits kept")
}
