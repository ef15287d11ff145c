import Crypto
import Domain
import FoundationEssentials
import HTTPClient

// Spec: https://paystack.com/docs/payments/webhooks (apis.md B3); the timestamped form follows Paystack's verifier in
// PaystackOSS/doc-code-snippets `src/doc/payments/webhooks/verifying-signature/index.js`. Paystack signs with the
// secret key itself, so a key rotation has a window where events signed with the old or the new key arrive: every
// configured secret is tried.

/// The outcome of checking `x-paystack-signature`; only `.valid` may be decoded, let alone acted on.
public enum PaystackSignatureVerdict: Equatable, Sendable {
    /// Some secret signed these bytes. `keyID` is the `kid` of the matching `v1` entry of the timestamped form,
    /// nil for the legacy (bare hex) form.
    case valid(keyID: String?)
    /// No header, or an empty one.
    case missingHeader
    /// Neither 128 hex digits nor a `t=…,v1=<kid>:<hex>` list with one numeric `t` and at least one `v1`.
    case malformedHeader
    /// Timestamped, but `t` is further than the tolerance from now: a replay, or a clock far off.
    case staleTimestamp
    /// Well formed, but no configured secret signed these bytes.
    case mismatch
    /// The legacy form over bytes that are not a JSON object. No Paystack event looks like that, but the message a
    /// timestamped header signs (`<t>.` + body) does: replayed as a body under the legacy form, it would escape the
    /// tolerance window.
    case notAnObject
    /// No non-empty secret, so nothing can be trusted (fail closed).
    case noSecretConfigured
}

/// How far (seconds, either way) the `t` of a timestamped signature may be from our clock: Paystack's verifier's
/// five minutes, which only works if each delivery, retries included, is signed when it is sent.
public let paystackSignatureTolerance: Int64 = 300

/// Checks `x-paystack-signature` over the raw body bytes in constant time (`HMAC<SHA512>.isValidAuthenticationCode`).
///
/// NB: hash the bytes exactly as received; Paystack's own Node snippet hashes `JSON.stringify(req.body)`, which
/// breaks as soon as the re-serialisation differs by one byte.
public func verifyPaystackSignature(
    body: [UInt8], header: String?, secrets: [String], now: Int64, tolerance: Int64 = paystackSignatureTolerance
) -> PaystackSignatureVerdict {
    let keys = secrets.filter { !$0.isEmpty }.map { SymmetricKey(data: Array($0.utf8)) }
    guard !keys.isEmpty else { return .noSecretConfigured }
    let trimmed = header?.trimmingSpaces ?? ""
    guard !trimmed.isEmpty else { return .missingHeader }

    if let digest = hexDigest(trimmed) {
        // Checked before the HMAC, so it also costs a flood nothing.
        guard body.first == UInt8(ascii: "{") else { return .notAnObject }
        let matches = keys.contains { HMAC<SHA512>.isValidAuthenticationCode(digest, authenticating: body, using: $0) }
        return matches ? .valid(keyID: nil) : .mismatch
    }

    guard let signed = parseTimestamped(trimmed) else { return .malformedHeader }
    // Checked before any HMAC so a flood of replayed requests costs no hashing.
    let (difference, overflow) = now.subtractingReportingOverflow(signed.timestamp)
    if overflow || difference.magnitude > UInt64(max(tolerance, 0)) { return .staleTimestamp }
    // `t` as a number, as Paystack's verifier renders it: `t=0017…` signs "17…".
    let message = Array("\(signed.timestamp).".utf8) + body
    // One HMAC per key, whatever the number of entries: a header stuffed with fake signatures costs no more
    // hashing of a 3 MiB body than an honest one. `==` against bytes compares in constant time.
    let macs = keys.map { HMAC<SHA512>.authenticationCode(for: message, using: $0) }
    for entry in signed.entries {
        guard let digest = entry.digest else { continue }
        if macs.contains(where: { $0 == digest }) { return .valid(keyID: entry.keyID) }
    }
    return .mismatch
}

/// The legacy header value, lowercase hex HMAC-SHA512 of the body; used by tests and the simulator to sign like
/// Paystack.
public func paystackSignatureHeader(body: [UInt8], secret: String) -> String {
    Hex.lowercase(HMAC<SHA512>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8))))
}

/// The timestamped header value, `t=<unix>,v1=<keyID>:<hex HMAC-SHA512 over "<t>." + body>`.
public func paystackTimestampedSignatureHeader(body: [UInt8], secret: String, timestamp: Int64, keyID: String)
    -> String
{
    let message = Array("\(timestamp).".utf8) + body
    let mac = HMAC<SHA512>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
    return "t=\(timestamp),v1=\(keyID):\(Hex.lowercase(mac))"
}

/// Test or live, as a secret key decides it; a webhook's `domain` must agree, or a test event could pay a live order.
public enum PaystackMode: String, Sendable {
    case test
    case live
}

/// The mode of a secret key, or nil when it is not a Paystack secret key (a public key, a typo, an empty setting).
public func paystackMode(secretKey: String) -> PaystackMode? {
    if secretKey.hasPrefix("sk_test_") { return .test }
    if secretKey.hasPrefix("sk_live_") { return .live }
    return nil
}

// MARK: - Header parsing

private let sha512ByteCount = 64
private let maxSignatureEntries = 8

private struct TimestampedHeader {
    var timestamp: Int64
    var entries: [(keyID: String, digest: [UInt8]?)]
}

/// `t=<digits>` exactly once and at least one `v1=<kid>:<hex>`, in any order, other keys ignored; nil otherwise.
/// An entry's hex is only checked later (nil digest, skipped), so one odd signature cannot hide a good one.
private func parseTimestamped(_ header: String) -> TimestampedHeader? {
    var timestamp: Int64?
    var entries: [(keyID: String, digest: [UInt8]?)] = []
    for part in header.split(separator: ",", omittingEmptySubsequences: false) {
        guard let equals = part.firstIndex(of: "=") else { continue }
        let key = part[..<equals].trimmingSpaces
        let value = part[part.index(after: equals)...].trimmingSpaces
        switch key {
        case "t":
            guard timestamp == nil, !value.isEmpty, value.utf8.allSatisfy(isDigit), let number = Int64(value) else {
                return nil
            }
            timestamp = number
        case "v1":
            guard let colon = value.firstIndex(of: ":") else { continue }
            let keyID = String(value[..<colon])
            entries.append((keyID, hexDigest(String(value[value.index(after: colon)...]))))
        default:
            continue
        }
    }
    // Paystack sends one entry, two while a key rotates: more is not a header Paystack wrote.
    guard let timestamp, !entries.isEmpty, entries.count <= maxSignatureEntries else { return nil }
    return TimestampedHeader(timestamp: timestamp, entries: entries)
}

/// The 64 digest bytes of exactly 128 hex digits (either case), or nil.
private func hexDigest(_ text: String) -> [UInt8]? {
    text.utf8.count == 2 * sha512ByteCount ? Hex.decode(text.utf8) : nil
}

private func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
}
