import FoundationEssentials
import JSON

// Spec: https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
// NB: branch on `error.code`, not on the title; a 200 means accepted, not delivered (statuses tell the rest).

/// What to do with a message after Meta answered the send call.
public enum SendOutcome: Equatable, Sendable {
    /// Accepted for delivery; `wamid` comes back in status webhooks.
    case accepted(wamid: String)
    /// 5xx, 429, and error codes 130429, 131056, 131000, 131016, 1, 2, 4, 80007, 131057: try again later.
    case retryable(reason: String, code: Int?)
    /// Any other answer (131026, 131047, 100, 190, 131008, 131009, …): retrying the same request cannot help.
    case rejected(code: Int?, title: String?, details: String?, fbtraceID: String?)
}

/// Meta's error codes that change what we do next (apis.md A3–A4).
public enum ErrorCodes {
    /// "Re-engagement message": more than 24 hours since the customer's last message; only a template gets through.
    public static let reEngagement = 131047
    /// "Pair rate limit hit": too many messages to one recipient; Meta is fine for everyone else.
    public static let pairRateLimit = 131056
    /// The business number's messages-per-second were exceeded: slow down for everyone.
    public static let throughputReached = 130429
}

/// Throughput, pair-rate, app and WABA rate limits, maintenance and Meta's temporary server errors.
private let retryableCodes: Set<Int> = [130429, 131056, 131000, 131016, 1, 2, 4, 80007, 131057]

/// Classifies Meta's answer to `POST /{version}/{phone-number-id}/messages` from its status and raw body.
///
/// A 2xx needs `messages[0].id`. Otherwise the error envelope
/// `{"error":{"message","type","code","error_subcode","error_data":{"details"},"fbtrace_id"}}` decides; a body
/// that is not that envelope is retryable only for 5xx and 429.
public func classifySendResponse(status: Int, body: [UInt8]) -> SendOutcome {
    let decoder = JSONDecoder()
    if (200..<300).contains(status) {
        if let wamid = (try? decoder.decode(DecodedSendSuccess.self, from: Data(body)))?.wamid {
            return .accepted(wamid: wamid)
        }
        return .rejected(code: nil, title: "no message id in response", details: nil, fbtraceID: nil)
    }
    let serverSide = (500..<600).contains(status) || status == 429
    guard let error = (try? decoder.decode(DecodedErrorEnvelope.self, from: Data(body)))?.error else {
        let reason = "HTTP \(status) without a Graph error envelope"
        if serverSide { return .retryable(reason: reason, code: nil) }
        return .rejected(code: nil, title: reason, details: nil, fbtraceID: nil)
    }
    if serverSide || error.code.map(retryableCodes.contains) == true {
        return .retryable(reason: "HTTP \(status): \(error.message ?? "no message")", code: error.code)
    }
    return .rejected(code: error.code, title: error.message, details: error.details, fbtraceID: error.fbtraceID)
}

// MARK: - Wire shapes

private struct DecodedSendSuccess: Decodable {
    var wamid: String?

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        let first = json.elements(DecodedMessageID.self, "messages").first
        wamid = first?.id.flatMap { $0.isEmpty ? nil : $0 }
    }
}

private struct DecodedMessageID: Decodable {
    var id: String?

    init(from decoder: any Decoder) throws {
        id = try decoder.container(keyedBy: JSONKey.self).string("id")
    }
}

private struct DecodedErrorEnvelope: Decodable {
    var error: DecodedSendError?

    init(from decoder: any Decoder) throws {
        let json = try decoder.container(keyedBy: JSONKey.self)
        error = json.object("error").map(DecodedSendError.init)
    }
}

private struct DecodedSendError {
    var code: Int?
    var message: String?
    var details: String?
    var fbtraceID: String?

    init(_ json: JSONObject) {
        code = json.int("code")
        // Send errors carry `message`; the `title` of webhook error objects is accepted as a fallback.
        message = json.string("message") ?? json.string("title")
        details = json.object("error_data")?.string("details") ?? json.string("details")
        fbtraceID = json.string("fbtrace_id")
    }
}
