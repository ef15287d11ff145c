import Foundation
import Testing
import WhatsApp

private func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

private let reengagementDetails =
    "Message failed to send because more than 24 hours have passed since the customer last replied to this number."

@Test func acceptedResponseYieldsTheWamid() throws {
    let outcome = classifySendResponse(status: 200, body: try fixture("meta_docs_send_response.json"))
    #expect(outcome == .accepted(wamid: "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA"))
}

@Test func throughputErrorIsRetryableEvenAs400() throws {
    let outcome = classifySendResponse(status: 400, body: try fixture("meta_docs_send_error_130429.json"))
    #expect(outcome == .retryable(reason: "HTTP 400: (#130429) Rate limit hit", code: 130_429))
}

@Test func reengagementErrorIsRejectedWithTrace() {
    let body = bytes(
        #"""
        {"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,
        "error_data":{"messaging_product":"whatsapp","details":"\#(reengagementDetails)"},
        "fbtrace_id":"AbCdEfGhIjK"}}
        """#)
    #expect(
        classifySendResponse(status: 400, body: body)
            == .rejected(
                code: 131_047, title: "(#131047) Re-engagement message", details: reengagementDetails,
                fbtraceID: "AbCdEfGhIjK"))
}

@Test func expiredTokenIsRejected() throws {
    let body = bytes(#"{"error":"#) + (try fixture("error_object_190_expired_token.json")) + bytes("}")
    guard
        case .rejected(let code, let title, let details, let fbtraceID) = classifySendResponse(status: 401, body: body)
    else {
        Issue.record("expected .rejected")
        return
    }
    #expect(code == 190)
    #expect(title?.hasPrefix("Error validating access token: Session has expired") == true)
    #expect(details == nil)
    #expect(fbtraceID == "ACEyrTehk6IAd0lm05Ixogh")
}

@Test func webhookStyleErrorObjectIsReadToo() throws {
    // The shape of `statuses[].errors[]`, wrapped as a send error: `title` stands in for `message`.
    let body = bytes(#"{"error":"#) + (try fixture("error_object_131047_reengagement.json")) + bytes("}")
    #expect(
        classifySendResponse(status: 400, body: body)
            == .rejected(
                code: 131_047, title: "Re-engagement message", details: reengagementDetails, fbtraceID: nil))
}

@Test func serverErrorWithHTMLIsRetryable() {
    let body = bytes("<html><body><h1>500 Internal Server Error</h1></body></html>")
    #expect(
        classifySendResponse(status: 500, body: body)
            == .retryable(reason: "HTTP 500 without a Graph error envelope", code: nil))
    #expect(
        classifySendResponse(status: 503, body: [])
            == .retryable(reason: "HTTP 503 without a Graph error envelope", code: nil))
}

@Test func tooManyRequestsIsRetryable() {
    #expect(
        classifySendResponse(status: 429, body: bytes("slow down"))
            == .retryable(reason: "HTTP 429 without a Graph error envelope", code: nil))
    let envelope = bytes(#"{"error":{"message":"(#4) Application request limit reached","code":4}}"#)
    #expect(
        classifySendResponse(status: 429, body: envelope)
            == .retryable(reason: "HTTP 429: (#4) Application request limit reached", code: 4))
}

@Test func serverErrorWithEnvelopeKeepsItsCode() {
    let body = bytes(#"{"error":{"message":"(#131000) Something went wrong","code":131000,"fbtrace_id":"X"}}"#)
    #expect(
        classifySendResponse(status: 500, body: body)
            == .retryable(reason: "HTTP 500: (#131000) Something went wrong", code: 131_000))
}

@Test func unparseableClientErrorIsRejected() {
    #expect(
        classifySendResponse(status: 403, body: bytes("<html>Forbidden</html>"))
            == .rejected(code: nil, title: "HTTP 403 without a Graph error envelope", details: nil, fbtraceID: nil))
}

@Test func successWithoutIDIsRejected() {
    let expected = SendOutcome.rejected(code: nil, title: "no message id in response", details: nil, fbtraceID: nil)
    #expect(
        classifySendResponse(status: 200, body: bytes(#"{"messaging_product":"whatsapp","contacts":[]}"#)) == expected)
    #expect(classifySendResponse(status: 200, body: bytes(#"{"messages":[]}"#)) == expected)
    #expect(classifySendResponse(status: 200, body: bytes(#"{"messages":[{"id":""}]}"#)) == expected)
    #expect(classifySendResponse(status: 200, body: bytes("OK")) == expected)
}

@Test(arguments: [130_429, 131_056, 131_000, 131_016, 1, 2, 4, 80_007, 131_057])
func retryableCodes(code: Int) {
    let body = bytes(#"{"error":{"message":"(#\#(code)) x","code":\#(code)}}"#)
    #expect(classifySendResponse(status: 400, body: body) == .retryable(reason: "HTTP 400: (#\(code)) x", code: code))
}

@Test(arguments: [131_026, 131_047, 100, 190, 131_008, 131_009, 131_048, 131_051, 368, 10, 132_001])
func permanentCodes(code: Int) {
    let body = bytes(#"{"error":{"message":"(#\#(code)) x","code":\#(code)}}"#)
    #expect(
        classifySendResponse(status: 400, body: body)
            == .rejected(code: code, title: "(#\(code)) x", details: nil, fbtraceID: nil))
}
