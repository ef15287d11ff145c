import Domain
import FuzzSupport
import Paystack
import WhatsApp

// The signature headers, the first thing either webhook reads: Meta's `X-Hub-Signature-256: sha256=<hex>` and
// Paystack's `x-paystack-signature` (128 hex digits, or `t=<unix>,v1=<kid>:<hex>,…` within five minutes of now).
// Input: the header line, a newline, then the body. Seeds: fuzz/seeds/signatures (headers signed with the secrets
// below) and the provider fixtures, whose first line reads as a header.

private let metaSecret = "fuzz-app-secret"
private let paystackSecrets = ["sk_test_fuzz_current", "sk_test_fuzz_rotated"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let (line, body) = splitFirstLine(fuzzBytes(data, size))
    let header = String(decoding: line, as: UTF8.self)

    let meta = verifyMetaSignature(body: body, header: header, appSecret: metaSecret)
    if meta == .valid {
        // A forged header passing would be the worst bug here; a real one can only be the body's own MAC.
        expect(
            header.lowercased() == metaSignatureHeader(body: body, appSecret: metaSecret),
            "Meta: \(header) accepted for a body it does not sign")
    }
    expect(
        verifyMetaSignature(body: body, header: header, appSecret: "") == .noSecretConfigured,
        "Meta: an empty app secret did not fail closed")

    let paystack = verifyPaystackSignature(body: body, header: header, secrets: paystackSecrets, now: fuzzNow)
    if case .valid(let keyID) = paystack {
        if keyID == nil {
            let signed = paystackSecrets.map { paystackSignatureHeader(body: body, secret: $0) }
            expect(
                signed.contains(header.trimmingSpaces.lowercased()),
                "Paystack: \(header) accepted for a body it does not sign")
        } else {
            expect(header.contains("v1="), "Paystack: a key id without a v1 entry")
        }
    }
    expect(
        verifyPaystackSignature(body: body, header: header, secrets: ["", ""], now: fuzzNow) == .noSecretConfigured,
        "Paystack: empty secrets did not fail closed")
    _ = paystackMode(secretKey: header)

    roundTrips(body: body, header: line)
    return 0
}

/// What we sign must verify, whatever the body: the simulator, the tests and dev mode's fake checkout rely on it.
private func roundTrips(body: [UInt8], header: [UInt8]) {
    expect(
        verifyMetaSignature(
            body: body, header: metaSignatureHeader(body: body, appSecret: metaSecret), appSecret: metaSecret)
            == .valid, "Meta: our own signature was refused")
    let secret = paystackSecrets[header.count % paystackSecrets.count]
    // The legacy form holds only over a JSON object's bytes: anything else could be a timestamped message (issue 18).
    let legacy = verifyPaystackSignature(
        body: body, header: paystackSignatureHeader(body: body, secret: secret), secrets: paystackSecrets, now: fuzzNow)
    expect(
        legacy == (body.first == UInt8(ascii: "{") ? .valid(keyID: nil) : .notAnObject),
        "Paystack: our own legacy signature was judged \(legacy)")

    // A key id and a clock skew taken from the input, inside the five minutes Paystack's form allows.
    let keyID = String(decoding: header.prefix(16).filter { isKeyIDByte($0) }, as: UTF8.self)
    let skew = Int64(header.first ?? 0) - 128
    let timestamped = paystackTimestampedSignatureHeader(
        body: body, secret: secret, timestamp: fuzzNow + skew, keyID: keyID)
    expect(
        verifyPaystackSignature(body: body, header: timestamped, secrets: paystackSecrets, now: fuzzNow)
            == .valid(keyID: keyID), "Paystack: our own timestamped signature \(timestamped) was refused")
    let stale = paystackTimestampedSignatureHeader(
        body: body, secret: secret, timestamp: fuzzNow - 301 - Int64(header.count), keyID: keyID)
    expect(
        verifyPaystackSignature(body: body, header: stale, secrets: paystackSecrets, now: fuzzNow) == .staleTimestamp,
        "Paystack: a signature older than five minutes was not refused as stale")
}

/// Key ids as Paystack issues them; `,` and `:` are the header's own separators.
private func isKeyIDByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "_"), UInt8(ascii: "-"):
        return true
    default:
        return false
    }
}
