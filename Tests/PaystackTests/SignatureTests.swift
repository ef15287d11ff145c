import Foundation
import Paystack
import TestSupport
import Testing

/// Escaped as a sender might: `\u00e4` and `\/`, so any re-serialisation changes the bytes.
private let body = Array(
    (#"{"event":"charge.success","data":{"reference":"WO-K7Q2M9-1","amount":610000,"#
        + #""currency":"NGN","note":"\u00e4 \/"}}"#).utf8)
private let secret = "sk_test_first"
private let timestamp: Int64 = 1_732_586_400
/// Computed independently with Python's `hmac.new(secret, body, hashlib.sha512).hexdigest()`.
private let expectedDigest =
    "448d25c1a94f8e2a686aa174496e660e212d3b6efd87167c13ffebdaa9886ad1"
    + "2d337f1c4d4bbfbd93cc98e6b0cff167fbbc705397ee7470029a1164800e631b"
/// The same over `b"1732586400." + body`.
private let expectedTimestampedDigest =
    "038d398b694c09d876bf9dc097911ad6a0737f4fbab71a8ab2f1157a48d70289"
    + "6b3447389f64b6aec9215a248a1ba8dcd8edbfef7252193fe2af05ea16e614bb"

private func verify(_ header: String?, secrets: [String] = [secret], now: Int64 = timestamp, body bytes: [UInt8] = body)
    -> PaystackSignatureVerdict
{
    verifyPaystackSignature(body: bytes, header: header, secrets: secrets, now: now)
}

private func timestamped(secret key: String = secret, at time: Int64 = timestamp, keyID: String = "k1") -> String {
    paystackTimestampedSignatureHeader(body: body, secret: key, timestamp: time, keyID: keyID)
}

@Suite struct LegacySignatureTests {
    @Test func theHeaderIsAnIndependentlyComputedHMAC() {
        #expect(paystackSignatureHeader(body: body, secret: secret) == expectedDigest)
    }

    @Test func aValidLegacyHeaderIsAcceptedWithoutKeyID() {
        #expect(verify(expectedDigest) == .valid(keyID: nil))
    }

    @Test func theLegacyFormIgnoresTheClock() {
        #expect(verify(expectedDigest, now: 0) == .valid(keyID: nil))
    }

    @Test func upperCaseHexAndPaddingAreAccepted() {
        #expect(verify(expectedDigest.uppercased()) == .valid(keyID: nil))
        #expect(verify("  " + expectedDigest + " ") == .valid(keyID: nil))
    }

    @Test func wrongKeyIsAMismatch() {
        #expect(verify(paystackSignatureHeader(body: body, secret: "sk_test_other")) == .mismatch)
    }

    @Test func oneFlippedBodyByteIsAMismatch() {
        var tampered = body
        tampered[tampered.count / 2] ^= 0x01
        #expect(verify(expectedDigest, body: tampered) == .mismatch)
    }

    @Test func oneFlippedHexDigitIsAMismatch() {
        var digest = Array(expectedDigest)
        digest[100] = digest[100] == "0" ? "1" : "0"
        #expect(verify(String(digest)) == .mismatch)
    }

    @Test func wrongLengthsAndNonHexAreMalformed() {
        #expect(verify(String(expectedDigest.dropLast())) == .malformedHeader)
        #expect(verify(expectedDigest + "0") == .malformedHeader)
        #expect(verify("g" + expectedDigest.dropFirst()) == .malformedHeader)
        #expect(verify("sha512=" + expectedDigest) == .malformedHeader)
    }

    @Test func nilEmptyAndBlankHeadersAreMissing() {
        #expect(verify(nil) == .missingHeader)
        #expect(verify("") == .missingHeader)
        #expect(verify("   ") == .missingHeader)
    }

    @Test func noUsableSecretFailsClosedWhateverTheHeader() {
        #expect(verify(expectedDigest, secrets: []) == .noSecretConfigured)
        #expect(verify(expectedDigest, secrets: ["", ""]) == .noSecretConfigured)
        #expect(verify(nil, secrets: []) == .noSecretConfigured)
    }

    @Test func anEmptySecretNextToARealOneIsIgnored() {
        #expect(verify(expectedDigest, secrets: ["", secret]) == .valid(keyID: nil))
    }

    @Test func theSecondOfTwoRotatedSecretsIsAccepted() {
        #expect(verify(expectedDigest, secrets: ["sk_test_old", secret]) == .valid(keyID: nil))
        #expect(verify(expectedDigest, secrets: ["sk_test_old", "sk_test_older"]) == .mismatch)
    }

    @Test func aFixtureBodyAsOnDiskVerifiesByteForByte() throws {
        let fixture = try fixtureBytes("charge_success.json", in: .module)
        // Python: hmac.new(b"sk_test_first", open("charge_success.json", "rb").read(), hashlib.sha512).hexdigest()
        let independent =
            "ee272c35d40a5d27afe87c794649e4cb265fab2365bf32addc286603021e3286"
            + "d783e0dc241e18b5b93be957c10c922cd57c44aa0b3b944956281c4b3893d974"
        #expect(paystackSignatureHeader(body: fixture, secret: secret) == independent)
        #expect(verify(independent, body: fixture) == .valid(keyID: nil))
        // The same JSON re-serialised (what Paystack's Node snippet hashes) is other bytes.
        let reserialised = Array(
            try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(fixture))))
        #expect(reserialised != fixture)
        #expect(verify(independent, body: reserialised) == .mismatch)
    }
}

@Suite struct TimestampedSignatureTests {
    @Test func theHeaderIsAnIndependentlyComputedHMACOverTimestampDotBody() {
        #expect(timestamped() == "t=1732586400,v1=k1:" + expectedTimestampedDigest)
    }

    @Test func aValidHeaderReturnsTheMatchingKeyID() {
        #expect(verify(timestamped(keyID: "2024-rotation")) == .valid(keyID: "2024-rotation"))
    }

    @Test func spacesOrderAndUnknownKeysDoNotMatter() {
        let header = " v0=ignored , v1=k1:\(expectedTimestampedDigest) , t=\(timestamp) ,junk"
        #expect(verify(header) == .valid(keyID: "k1"))
    }

    @Test func upperCaseHexIsAccepted() {
        #expect(verify("t=\(timestamp),v1=k1:\(expectedTimestampedDigest.uppercased())") == .valid(keyID: "k1"))
    }

    @Test func theSecondOfTwoRotatedSecretsIsAccepted() {
        #expect(verify(timestamped(), secrets: ["sk_test_old", secret]) == .valid(keyID: "k1"))
    }

    @Test func wrongKeyIsAMismatch() {
        #expect(verify(timestamped(secret: "sk_test_other")) == .mismatch)
    }

    @Test func oneFlippedBodyByteIsAMismatch() {
        var tampered = body
        tampered[3] ^= 0x01
        #expect(verify(timestamped(), body: tampered) == .mismatch)
    }

    @Test func onlyTheSecondOfSeveralEntriesMatching() {
        let wrong = paystackTimestampedSignatureHeader(
            body: body, secret: "sk_test_old", timestamp: timestamp, keyID: "old")
        let oldEntry = wrong.split(separator: ",")[1]
        let header = "t=\(timestamp),\(oldEntry),v1=new:\(expectedTimestampedDigest)"
        #expect(verify(header) == .valid(keyID: "new"))
        #expect(verify("t=\(timestamp),\(oldEntry)") == .mismatch)
    }

    @Test func anEntryWithBadHexIsSkippedNotFatal() {
        let header = "t=\(timestamp),v1=bad:xyz,v1=k1:\(expectedTimestampedDigest)"
        #expect(verify(header) == .valid(keyID: "k1"))
        #expect(verify("t=\(timestamp),v1=bad:xyz") == .mismatch)
        #expect(verify("t=\(timestamp),v1=short:\(expectedTimestampedDigest.dropLast())") == .mismatch)
    }

    @Test func aSignatureOverAnotherTimestampIsAMismatch() {
        let other = timestamped(at: timestamp - 10)
        let moved = other.replacingOccurrences(of: "t=\(timestamp - 10)", with: "t=\(timestamp)")
        #expect(moved != other)
        #expect(verify(other) == .valid(keyID: "k1"))
        #expect(verify(moved) == .mismatch)
    }

    @Test func exactlyTheToleranceIsStillFresh() {
        #expect(verify(timestamped(), now: timestamp + 300) == .valid(keyID: "k1"))
        #expect(verify(timestamped(), now: timestamp - 300) == .valid(keyID: "k1"))
    }

    @Test func beyondTheToleranceIsStaleInThePastAndTheFuture() {
        #expect(verify(timestamped(), now: timestamp + 301) == .staleTimestamp)
        #expect(verify(timestamped(), now: timestamp - 301) == .staleTimestamp)
        #expect(
            verifyPaystackSignature(
                body: body, header: timestamped(), secrets: [secret], now: timestamp + 60, tolerance: 30)
                == .staleTimestamp)
    }

    /// Issue 18, finding 3: `<t>.` + body is signed by the timestamped form, and the legacy form is an HMAC of the
    /// bare body, so a day-old signed message posted as a body with its digest as a legacy header passed as fresh.
    @Test func aTimestampedMessageReplayedAsALegacyBodyIsRefused() {
        let dayOld = timestamp - 86_400
        let message = Array("\(dayOld).".utf8) + body
        let header = paystackTimestampedSignatureHeader(body: body, secret: secret, timestamp: dayOld, keyID: "k1")
        let digest = String(header.split(separator: ":").last ?? "")
        #expect(paystackSignatureHeader(body: message, secret: secret) == digest)
        #expect(verify(digest, body: message) == .notAnObject)
        #expect(verify(header) == .staleTimestamp)
        #expect(verify(expectedDigest) == .valid(keyID: nil))
    }

    @Test func staleIsDecidedBeforeTheSignature() {
        #expect(verify(timestamped(secret: "sk_test_other"), now: timestamp + 3600) == .staleTimestamp)
    }

    @Test func extremeTimestampsAreStaleNotACrash() {
        #expect(verify("t=9223372036854775807,v1=k1:\(expectedTimestampedDigest)", now: -10) == .staleTimestamp)
        #expect(verify("t=0,v1=k1:\(expectedTimestampedDigest)", now: .min) == .staleTimestamp)
    }

    @Test func malformedTimestampedHeaders() {
        let entry = "v1=k1:\(expectedTimestampedDigest)"
        #expect(verify(entry) == .malformedHeader, "no t")
        #expect(verify("t=17325864OO,\(entry)") == .malformedHeader, "t not numeric")
        #expect(verify("t=-1732586400,\(entry)") == .malformedHeader, "t signed")
        #expect(verify("t=,\(entry)") == .malformedHeader, "t empty")
        #expect(verify("t=\(timestamp),t=\(timestamp),\(entry)") == .malformedHeader, "t twice")
        #expect(verify("t=99999999999999999999,\(entry)") == .malformedHeader, "t beyond Int64")
        #expect(verify("t=\(timestamp)") == .malformedHeader, "no v1")
        #expect(verify("t=\(timestamp),v1=\(expectedTimestampedDigest)") == .malformedHeader, "v1 without colon")
        #expect(verify("t=\(timestamp),v2=k1:\(expectedTimestampedDigest)") == .malformedHeader, "only other versions")
    }

    /// A header stuffed with fake entries is refused before any hashing; up to eight (a rotation's two, and room)
    /// are read, and the good one among them is found.
    @Test func aHeaderWithMoreThanEightEntriesIsMalformed() {
        let fake = "v1=x:" + String(repeating: "0", count: 128)
        let seven = Array(repeating: fake, count: 7).joined(separator: ",")
        #expect(verify("t=\(timestamp),\(seven),v1=k1:\(expectedTimestampedDigest)") == .valid(keyID: "k1"))
        #expect(verify("t=\(timestamp),\(seven),\(fake),v1=k1:\(expectedTimestampedDigest)") == .malformedHeader)
    }
}

@Suite struct PaystackModeTests {
    @Test func theSecretKeyDecidesTheMode() {
        #expect(paystackMode(secretKey: "sk_test_abc") == .test)
        #expect(paystackMode(secretKey: "sk_live_abc") == .live)
        #expect(paystackMode(secretKey: "pk_live_abc") == nil)
        #expect(paystackMode(secretKey: "SK_LIVE_abc") == nil)
        #expect(paystackMode(secretKey: "") == nil)
        #expect(PaystackMode.live.rawValue == "live")
        #expect(PaystackMode(rawValue: "test") == .test)
    }
}
