import Domain
import Foundation
import HTTPClient
import Paystack
import TestSupport
import Testing

@Suite struct InitializeTests {
    let request = InitializeRequest(
        reference: "WO-K7Q2M9-1", amount: 610_000, currency: "NGN", email: "ada@example.com", orderCode: "WO-K7Q2M9",
        callbackURL: "https://food.example.com/payments/return/")

    @Test func theRequestCarriesAmountInKoboReferenceEmailCallbackAndMetadata() throws {
        let http = initializeTransactionRequest(
            apiURL: "https://api.paystack.co/", secretKey: "sk_test_secret", request: request)
        #expect(http.method == "POST")
        #expect(http.url == "https://api.paystack.co/transaction/initialize")
        #expect(http.headers.contains { $0.name == "Authorization" && $0.value == "Bearer sk_test_secret" })
        let body = try JSONSerialization.jsonObject(with: Data(http.body)) as? [String: Any]
        #expect(body?["amount"] as? Int == 610_000)
        #expect(body?["currency"] as? String == "NGN")
        #expect(body?["reference"] as? String == "WO-K7Q2M9-1")
        #expect(body?["email"] as? String == "ada@example.com")
        #expect(body?["callback_url"] as? String == "https://food.example.com/payments/return/")
        let metadata = body?["metadata"] as? [String: Any]
        #expect(metadata?["order_code"] as? String == "WO-K7Q2M9")
    }

    @Test func anEmptyCallbackIsLeftOut() throws {
        var noCallback = request
        noCallback.callbackURL = ""
        let body = try JSONSerialization.jsonObject(with: Data(noCallback.body)) as? [String: Any]
        #expect(body?["callback_url"] == nil)
    }

    @Test func paystacksAnswersAreClassified() throws {
        let created = try fixtureBytes("transaction_initialize_response.json", in: .module)
        #expect(
            classifyInitializeResponse(status: 200, body: created)
                == .created(
                    authorizationURL: "https://checkout.paystack.com/nkdks46nymizns7", accessCode: "nkdks46nymizns7"))
        let duplicate = try fixtureBytes("transaction_initialize_error_duplicate_reference.json", in: .module)
        #expect(
            classifyInitializeResponse(status: 400, body: duplicate)
                == .refused(message: "HTTP 400: Duplicate Transaction Reference", code: "duplicate_reference"))
        let badKey = try fixtureBytes("error_401_invalid_key.json", in: .module)
        #expect(
            classifyInitializeResponse(status: 401, body: badKey)
                == .refused(message: "HTTP 401: Invalid key", code: nil))
        #expect(
            classifyInitializeResponse(status: 502, body: Array("<html>".utf8))
                == .retryable(reason: "HTTP 502: HTTP 502"))
        #expect(classifyInitializeResponse(status: 429, body: []) == .retryable(reason: "HTTP 429: HTTP 429"))
        // A 200 that is not a usable answer is not a link.
        #expect(
            classifyInitializeResponse(status: 200, body: Array(#"{"status":false,"message":"no"}"#.utf8))
                == .refused(message: "HTTP 200 without an authorization_url", code: nil))
    }
}
