import Foundation
import HTTPClient
import Paystack
import TestSupport
import Testing

@Suite struct VerifyRequestTests {
    @Test func aGetWithTheBearerKeyAndNoBody() {
        let request = verifyTransactionRequest(
            apiURL: "https://api.paystack.co//", secretKey: "sk_test_secret", reference: "WO-K7Q2M9-1")
        #expect(request.method == "GET")
        #expect(request.url == "https://api.paystack.co/transaction/verify/WO-K7Q2M9-1")
        #expect(request.header("Authorization") == "Bearer sk_test_secret")
        #expect(request.body.isEmpty)
    }

    @Test func theReferenceIsPercentEncodedSoItStaysOnePathSegment() {
        let request = verifyTransactionRequest(
            apiURL: "https://api.paystack.co", secretKey: "sk_test_secret", reference: "a b/../c?d=e#f+é~_.-Z9")
        #expect(request.url == "https://api.paystack.co/transaction/verify/a%20b%2F..%2Fc%3Fd%3De%23f%2B%C3%A9~_.-Z9")
    }

    @Test func aDotSegmentCannotClimbToAnotherEndpoint() {
        let dots = verifyTransactionRequest(apiURL: "https://api.paystack.co", secretKey: "sk", reference: "..")
        #expect(dots.url == "https://api.paystack.co/transaction/verify/%2E%2E")
        let dot = verifyTransactionRequest(apiURL: "https://api.paystack.co", secretKey: "sk", reference: ".")
        #expect(dot.url == "https://api.paystack.co/transaction/verify/%2E")
        let inside = verifyTransactionRequest(apiURL: "https://api.paystack.co", secretKey: "sk", reference: "a..b")
        #expect(inside.url == "https://api.paystack.co/transaction/verify/a..b")
    }
}

@Suite struct VerifyResponseTests {
    private func successBody() throws -> [UInt8] {
        try fixtureBytes("transaction_verify_response_success.json", in: .module)
    }

    @Test func aSuccessfulVerifyIsFoundWithTheTransaction() throws {
        let outcome = classifyVerifyResponse(status: 200, body: try successBody())
        #expect(
            outcome
                == .found(
                    Charge(
                        id: 4_099_260_516, domain: "test", status: "success", reference: "re4lyvq3s3", amount: 40333,
                        currency: "NGN", paidAt: "2024-08-22T09:15:02.000Z", channel: "card",
                        gatewayResponse: "Successful",
                        customerEmail: "demo@test.com", cardLast4: "4081")))
    }

    @Test func anAbandonedAttemptIsFoundNotPaid() throws {
        var json = try #require(try JSONSerialization.jsonObject(with: Data(try successBody())) as? [String: Any])
        var data = try #require(json["data"] as? [String: Any])
        data["status"] = "abandoned"
        data["paid_at"] = NSNull()
        data["paidAt"] = NSNull()
        data["gateway_response"] = "The transaction was not completed"
        json["data"] = data
        let body = Array(try JSONSerialization.data(withJSONObject: json))
        guard case .found(let charge) = classifyVerifyResponse(status: 200, body: body) else {
            Issue.record("not found: \(classifyVerifyResponse(status: 200, body: body))")
            return
        }
        #expect(charge.status == "abandoned")
        #expect(charge.paidAt == nil)
        #expect(charge.reference == "re4lyvq3s3")
        #expect(charge.amount == 40333)
    }

    @Test func anUnknownReferenceIsNotFound() throws {
        let entity = try fixtureBytes("error_404_entity_not_found.json", in: .module)
        #expect(classifyVerifyResponse(status: 404, body: entity) == .notFound(message: "HTTP 404: Entity not found"))
        let reference = Array(#"{"status":false,"message":"Transaction reference not found"}"#.utf8)
        #expect(
            classifyVerifyResponse(status: 400, body: reference)
                == .notFound(message: "HTTP 400: Transaction reference not found"))
    }

    @Test func aNotFoundThatIsNotPaystacksAnswerIsRefused() {
        #expect(
            classifyVerifyResponse(status: 404, body: Array("<html>Not Found</html>".utf8))
                == .refused(message: "HTTP 404: HTTP 404"))
    }

    @Test func aBadKeyIsRefused() throws {
        let badKey = try fixtureBytes("error_401_invalid_key.json", in: .module)
        #expect(classifyVerifyResponse(status: 401, body: badKey) == .refused(message: "HTTP 401: Invalid key"))
        #expect(classifyVerifyResponse(status: 403, body: []) == .refused(message: "HTTP 403: HTTP 403"))
    }

    @Test func paystacksOwnTroubleIsRetryable() {
        #expect(classifyVerifyResponse(status: 500, body: []) == .retryable(reason: "HTTP 500: HTTP 500"))
        #expect(
            classifyVerifyResponse(status: 503, body: Array(#"{"status":false,"message":"Down"}"#.utf8))
                == .retryable(reason: "HTTP 503: Down"))
        #expect(classifyVerifyResponse(status: 429, body: []) == .retryable(reason: "HTTP 429: HTTP 429"))
    }

    @Test func aTwoHundredWeCannotReadIsRetryable() {
        for body in [
            "<html>", "", #"{"status":true}"#, #"{"status":false,"message":"x"}"#, #"{"status":true,"data":[]}"#,
        ] {
            let outcome = classifyVerifyResponse(status: 200, body: Array(body.utf8))
            guard case .retryable = outcome else {
                Issue.record("\(body) → \(outcome)")
                continue
            }
        }
        #expect(
            classifyVerifyResponse(
                status: 200,
                body: Array(#"{"status":true,"data":{"reference":"r","currency":"NGN","status":"success"}}"#.utf8))
                == .retryable(reason: "HTTP 200: charge r without a numeric amount"))
    }
}
