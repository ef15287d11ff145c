import FoundationEssentials
import HTTPClient
import JSON

// Spec: https://paystack.com/docs/api/transaction/#verify (apis.md B2).

/// GET `{apiURL}/transaction/verify/{reference}` with the secret key as bearer. The reference is percent-encoded
/// with only RFC 3986 unreserved characters left as they are, so an odd reference (it can come back to us in a
/// callback URL) cannot change the path.
public func verifyTransactionRequest(apiURL: String, secretKey: String, reference: String) -> HTTPRequest {
    var base = apiURL
    while base.hasSuffix("/") { base.removeLast() }
    return HTTPRequest(
        method: "GET", url: "\(base)/transaction/verify/\(percentEncoded(reference))",
        headers: [("Authorization", "Bearer \(secretKey)")])
}

/// What Paystack's answer to a verify call means for us.
public enum VerifyOutcome: Equatable, Sendable {
    /// Paystack knows the transaction. NB: this says nothing about payment; only `charge.status == "success"` with
    /// the order's amount and currency does (Paystack answers 200 `status: true` for abandoned attempts too).
    case found(Charge)
    /// 400 or 404 with `status: false`: Paystack has no transaction with this reference (yet).
    case notFound(message: String)
    /// 5xx, 429, or a 2xx we cannot read: asking again later may work.
    case retryable(reason: String)
    /// Any other answer (401 invalid key, 403, …): asking again cannot help until someone changes the setup.
    case refused(message: String)
}

public func classifyVerifyResponse(status: Int, body: [UInt8]) -> VerifyOutcome {
    let decoded = try? JSONDecoder().decode(WireVerify.self, from: Data(body))
    if (200..<300).contains(status) {
        // A 2xx we cannot use is still Paystack answering, most likely a hiccup in front of it: ask again.
        guard let decoded else { return .retryable(reason: "HTTP \(status): not a Paystack answer") }
        guard decoded.status == true else { return .retryable(reason: "HTTP \(status) without status true") }
        switch decoded.charge {
        case .success(let charge): return .found(charge)
        case .failure(let error): return .retryable(reason: "HTTP \(status): \(error.message)")
        case nil: return .retryable(reason: "HTTP \(status) without transaction data")
        }
    }
    let message = decoded?.message ?? "HTTP \(status)"
    // Paystack says "Transaction reference not found" with 400 and "Entity not found" with 404 (apis.md B2);
    // an HTML 404 from something in between is not Paystack's answer and falls through to refused.
    if (status == 400 || status == 404) && decoded?.status == false {
        return .notFound(message: "HTTP \(status): \(message)")
    }
    if (500..<600).contains(status) || status == 429 {
        return .retryable(reason: "HTTP \(status): \(message)")
    }
    return .refused(message: "HTTP \(status): \(message)")
}

private struct WireVerify: Decodable {
    var status: Bool?
    var message: String?
    /// nil when there is no `data` object; a failure when there is one we cannot use.
    var charge: Result<Charge, PaystackDecodingError>?

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        status = json.bool("status")
        message = json.nonEmptyString("message")
        charge = json.object("data").map { data in
            Result { () throws(PaystackDecodingError) -> Charge in try Charge(wire: data) }
        }
    }
}

private func percentEncoded(_ text: String) -> String {
    // "." and ".." are unreserved yet dot segments, which URL normalisation (libcurl's included) would resolve into
    // another endpoint; escaped they stay a reference.
    switch text {
    case ".": "%2E"
    case "..": "%2E%2E"
    default: Percent.encode(text)
    }
}
