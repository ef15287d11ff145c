import Crypto
import FoundationEssentials
import HTTPClient

/// The outcome of checking Meta's `X-Hub-Signature-256` header; only `.valid` may be processed.
public enum SignatureVerdict: Equatable, Sendable {
    /// The header matches the HMAC of the raw body under the App Secret.
    case valid
    /// No header, or an empty one.
    case missingHeader
    /// Not `sha256=` followed by exactly 64 hex digits.
    case malformedHeader
    /// Well formed, but signed with another secret or over other bytes.
    case mismatch
    /// The App Secret is empty, so nothing can be trusted (fail closed).
    case noSecretConfigured
}

/// X-Hub-Signature-256 check over the raw body bytes, constant time (HMAC<SHA256>.isValidAuthenticationCode).
///
/// Spec: https://developers.facebook.com/docs/graph-api/webhooks/getting-started
/// NB: hash the bytes exactly as received; Meta signs a body with `\uXXXX` and `\/` escapes, so any
/// re-serialised JSON fails intermittently.
public func verifyMetaSignature(body: [UInt8], header: String?, appSecret: String) -> SignatureVerdict {
    guard !appSecret.isEmpty else { return .noSecretConfigured }
    guard let header, !header.isEmpty else { return .missingHeader }
    guard let expected = signatureDigest(header) else { return .malformedHeader }
    let key = SymmetricKey(data: Array(appSecret.utf8))
    let valid = HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: body, using: key)
    return valid ? .valid : .mismatch
}

/// "sha256=<64 lowercase hex>" for a body; used by tests, the simulator and benchmarks to sign like Meta.
public func metaSignatureHeader(body: [UInt8], appSecret: String) -> String {
    let key = SymmetricKey(data: Array(appSecret.utf8))
    return "sha256=" + Hex.lowercase(HMAC<SHA256>.authenticationCode(for: body, using: key))
}

private let signaturePrefix: [UInt8] = Array("sha256=".utf8)
private let sha256ByteCount = 32

/// The 32 digest bytes of a well-formed header, or nil. The prefix is matched case-insensitively because
/// header values are sometimes normalised by proxies; the digest must be exactly 64 hex digits.
private func signatureDigest(_ header: String) -> [UInt8]? {
    let bytes = Array(header.utf8)
    guard bytes.count == signaturePrefix.count + 2 * sha256ByteCount else { return nil }
    for (byte, expected) in zip(bytes, signaturePrefix) where asciiLowercased(byte) != expected {
        return nil
    }
    return Hex.decode(bytes[signaturePrefix.count...])
}

private func asciiLowercased(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
}
