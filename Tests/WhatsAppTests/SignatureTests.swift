import Testing
import WhatsApp

/// Escaped exactly as Meta signs it: `\u00e4` for "ä" and `\/` for "/".
private let body = Array(
    (#"{"object":"whatsapp_business_account","entry":[{"changes":[{"value":"#
        + #"{"messages":[{"text":{"body":"K\u00e4se \/ Brot"}}]}}]}]}"#).utf8)
private let secret = "test-app-secret"
/// Computed independently with Python's `hmac.new(secret, body, hashlib.sha256).hexdigest()`.
private let expectedDigest = "fca7a6bac936557bd6f22e6ced0d33757b1252a6bd1962464359593f12f18431"

@Test func signatureHeaderMatchesAnIndependentHMAC() {
    #expect(metaSignatureHeader(body: body, appSecret: secret) == "sha256=" + expectedDigest)
}

@Test func validSignatureIsAccepted() {
    #expect(verifyMetaSignature(body: body, header: "sha256=" + expectedDigest, appSecret: secret) == .valid)
}

@Test func upperCaseDigestAndPrefixAreAccepted() {
    let header = "SHA256=" + expectedDigest.uppercased()
    #expect(verifyMetaSignature(body: body, header: header, appSecret: secret) == .valid)
}

@Test func wrongKeyIsAMismatch() {
    let header = metaSignatureHeader(body: body, appSecret: "another-secret")
    #expect(verifyMetaSignature(body: body, header: header, appSecret: secret) == .mismatch)
}

@Test func oneFlippedBodyByteIsAMismatch() {
    var tampered = body
    tampered[tampered.count / 2] ^= 0x01
    let header = "sha256=" + expectedDigest
    #expect(verifyMetaSignature(body: tampered, header: header, appSecret: secret) == .mismatch)
}

@Test func oneFlippedHexDigitIsAMismatch() {
    var digest = Array(expectedDigest)
    digest[10] = digest[10] == "0" ? "1" : "0"
    let header = "sha256=" + String(digest)
    #expect(verifyMetaSignature(body: body, header: header, appSecret: secret) == .mismatch)
}

@Test func reserialisedBodyDoesNotMatch() {
    // The same JSON with "ä" and "/" written out: equal as data, different as bytes.
    let reserialised = Array(
        (#"{"object":"whatsapp_business_account","entry":[{"changes":[{"value":"#
            + #"{"messages":[{"text":{"body":"Käse / Brot"}}]}}]}]}"#).utf8)
    let header = "sha256=" + expectedDigest
    #expect(verifyMetaSignature(body: reserialised, header: header, appSecret: secret) == .mismatch)
}

@Test func nilHeaderIsMissing() {
    #expect(verifyMetaSignature(body: body, header: nil, appSecret: secret) == .missingHeader)
}

@Test func emptyHeaderIsMissing() {
    #expect(verifyMetaSignature(body: body, header: "", appSecret: secret) == .missingHeader)
}

@Test func emptySecretFailsClosedBeforeAnythingElse() {
    #expect(verifyMetaSignature(body: body, header: nil, appSecret: "") == .noSecretConfigured)
    let header = metaSignatureHeader(body: body, appSecret: "")
    #expect(verifyMetaSignature(body: body, header: header, appSecret: "") == .noSecretConfigured)
}

@Test(
    arguments: [
        "sha1=" + String(expectedDigest.prefix(40)),
        "sha1=" + expectedDigest,
        "sha256=" + String(expectedDigest.dropLast()),
        "sha256=" + expectedDigest + "0",
        "sha256=" + String(expectedDigest.dropLast()) + "g",
        "sha256=" + String(expectedDigest.dropLast()) + "é",
        "sha256:" + expectedDigest,
        expectedDigest,
        "sha256=",
        " sha256=" + expectedDigest,
    ])
func malformedHeaderIsRejected(header: String) {
    #expect(verifyMetaSignature(body: body, header: header, appSecret: secret) == .malformedHeader)
}
