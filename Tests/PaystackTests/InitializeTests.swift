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

/// `POST /refund`: the body Paystack documents, and its answers.
@Suite struct RefundRequestTests {
    @Test func theBodyNamesTheTransactionTheAmountAndWhy() throws {
        let body = RefundRequest(
            transaction: "WO-7K3F9Q2M-1", amount: 150_000, currency: "NGN", merchantNote: "WO-7K3F9Q2M: cold food",
            customerNote: nil
        ).body
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"amount":150000,"currency":"NGN","merchant_note":"WO-7K3F9Q2M: cold food","transaction":"WO-7K3F9Q2M-1"}"#
        )
        let request = createRefundRequest(apiURL: "https://api.paystack.co/", secretKey: "sk_test_x", body: body)
        #expect(request.url == "https://api.paystack.co/refund")
        #expect(request.method == "POST")
        #expect(request.headers.contains { $0.0 == "Authorization" && $0.1 == "Bearer sk_test_x" })
    }

    @Test func answersAreClassified() {
        let queued = Array(
            #"{"status":true,"message":"Refund has been queued for processing","data":{"transaction":{"id":1004723697,"reference":"T685312322670591","amount":10000},"integration":463433,"deducted_amount":0,"status":"pending","currency":"NGN","domain":"live","amount":"10000","id":3018284}}"#
                .utf8)
        #expect(
            classifyRefundResponse(status: 200, body: queued)
                == .accepted(id: 3_018_284, status: "pending", amount: 10000))
        let refused = Array(
            #"{"status":false,"message":"Refund amount cannot be greater than transaction amount"}"#.utf8)
        #expect(
            classifyRefundResponse(status: 400, body: refused)
                == .refused(message: "Refund amount cannot be greater than transaction amount"))
        #expect(classifyRefundResponse(status: 429, body: []) == .retryable(reason: "HTTP 429: no message"))
        // Paystack's side failed after it had the request: it may have queued the refund.
        #expect(
            classifyRefundResponse(status: 502, body: Array("<html>".utf8)) == .unknown(reason: "HTTP 502: no message"))
        #expect(
            classifyRefundResponse(status: 200, body: Array("{}".utf8))
                != .accepted(id: nil, status: "pending", amount: nil))
    }
}
