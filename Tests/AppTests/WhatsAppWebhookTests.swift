import Conversation
import Domain
import Foundation
import Gateway
import Storage
import TestSupport
import Testing
import WhatsApp

@testable import App

let appSecret = "test-app-secret"

/// A webhook handler over a real in-memory SQLite store with the sample menu, a fixed clock, and a wake-up counter.
final class Harness: @unchecked Sendable {
    let store: Store
    let webhook: WhatsAppWebhook
    private let wakeCounter = Locked(0)

    init(
        appSecret: String = appSecret, verifyToken: String = "verify-token",
        phoneNumberID: String = "106540352242922", migrate: Bool = true,
        staffNumbers: [String] = [], staffAlertTemplate: OrderDesk.Template? = nil, catalogID: String = ""
    ) throws {
        let store: Store
        if migrate {
            store = try Backend.chosen.store()
            _ = try store.seedSampleMenu()
        } else {
            store = try Backend.chosen.unmigratedStore()
        }
        self.store = store
        let counter = wakeCounter
        var conversation = ConversationRunner.testing
        conversation.staffNumbers = staffNumbers
        conversation.staffAlertTemplate = staffAlertTemplate
        conversation.catalogID = catalogID
        conversation.settings.hasCatalog = !catalogID.isEmpty
        webhook = WhatsAppWebhook(
            settings: .init(verifyToken: verifyToken, appSecret: appSecret, phoneNumberID: phoneNumberID),
            conversation: conversation, now: { 1_764_000_000_000 }, store: { store },
            wakeSender: { counter.mutate { $0 += 1 } }, log: .silent)
    }

    var wakes: Int { wakeCounter.value }

    func post(_ body: [UInt8], signature: String? = nil) -> Outcome {
        var params = [
            "REQUEST_METHOD": "POST", "CONTENT_LENGTH": "\(body.count)", "DOCUMENT_URI": "/webhooks/whatsapp/",
        ]
        params["HTTP_X_HUB_SIGNATURE_256"] = signature ?? metaSignatureHeader(body: body, appSecret: appSecret)
        let outcome = webhook.handle(Request(params: params, body: body))
        outcome.afterResponse?()
        return outcome
    }

    func count(_ table: String) throws -> Int64 {
        try store.database.query("SELECT count(*) FROM \(table)").first?[0].int64 ?? -1
    }
}

@Suite struct VerifyHandshakeTests {
    func get(_ query: String, harness: Harness) -> Response {
        harness.webhook.handle(Request(params: ["REQUEST_METHOD": "GET", "QUERY_STRING": query])).response
    }

    @Test func theRightTokenEchoesTheChallengeExactly() throws {
        let response = get(
            "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-token", harness: try Harness())
        #expect(response.status == 200)
        #expect(response.bodyText == "1158201444")
    }

    @Test func aWrongTokenOrModeIsForbidden() throws {
        let harness = try Harness()
        #expect(get("hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope", harness: harness).status == 403)
        #expect(
            get("hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=verify-token", harness: harness).status == 403)
        #expect(get("hub.mode=subscribe&hub.verify_token=verify-token", harness: harness).status == 403)
        #expect(get("", harness: harness).status == 403)
    }

    @Test func noConfiguredTokenFailsClosed() throws {
        let response = get(
            "hub.mode=subscribe&hub.challenge=1&hub.verify_token=", harness: try Harness(verifyToken: ""))
        #expect(response.status == 403)
    }

    @Test func otherMethodsAreRefusedWithAllow() throws {
        let response = try Harness().webhook.handle(Request(params: ["REQUEST_METHOD": "PUT"])).response
        #expect(response.status == 405)
        #expect(response.headers.contains(.init("Allow", "GET, POST")))
    }
}

@Suite struct InboundWebhookTests {
    @Test func aTextMessageIsRecordedAndAnsweredWithTheCategories() throws {
        let harness = try Harness()
        let outcome = harness.post(textMessage(id: "wamid.HBgLMjM0ODAxMjM0NTY3OBUCABIYFjNFQjBD"))
        #expect(outcome.response.status == 200)
        #expect(harness.wakes == 1)
        #expect(try harness.count("inboundMessage") == 1)
        let rows = try harness.store.claimDueOutbox(now: 1_764_000_000_000, leaseMilliseconds: 1000, limit: 10)
        #expect(rows.count == 1)
        assertGolden(String(decoding: outcome.response.serialized(), as: UTF8.self), named: "text-message.response")
        assertGolden(prettyJSON(rows.first?.payload ?? []), named: "text-message.reply")
    }

    @Test func theSameDeliveryTwiceIsAnsweredOnce() throws {
        let harness = try Harness()
        let body = textMessage(id: "wamid.DUP")
        #expect(harness.post(body).response.status == 200)
        #expect(harness.post(body).response.status == 200)
        #expect(try harness.count("inboundMessage") == 1)
        #expect(try harness.count("outbox") == 1)
        #expect(harness.wakes == 1)
    }

    @Test func aBadSignatureIsRefusedAndNothingIsStored() throws {
        let harness = try Harness()
        let body = textMessage(id: "wamid.BAD")
        let wrongKey = metaSignatureHeader(body: body, appSecret: "another-secret")
        #expect(harness.post(body, signature: wrongKey).response.status == 401)
        #expect(harness.post(body, signature: "").response.status == 401)
        #expect(harness.post(body, signature: "sha1=0123").response.status == 401)
        var tampered = body
        tampered[tampered.count - 10] ^= 1
        #expect(
            harness.post(tampered, signature: metaSignatureHeader(body: body, appSecret: appSecret)).response.status
                == 401)
        #expect(try harness.count("inboundMessage") == 0)
        #expect(try harness.count("keptBody") == 0)
    }

    @Test func noConfiguredSecretRefusesEveryPost() throws {
        let harness = try Harness(appSecret: "")
        let body = textMessage(id: "wamid.NOSECRET")
        // Signed with an empty key: still refused, because an empty secret means "not configured".
        let outcome = harness.post(body, signature: metaSignatureHeader(body: body, appSecret: ""))
        #expect(outcome.response.status == 503)
        #expect(try harness.count("inboundMessage") == 0)
    }

    @Test func brokenJSONWithAGoodSignatureIsKeptAndAcknowledged() throws {
        let harness = try Harness()
        let body = Array(#"{"object":"whatsapp_business_account","entry":[{"#.utf8)
        #expect(harness.post(body).response.status == 200)
        let kept = try harness.store.database.query("SELECT source, reason, body FROM keptBody")
        #expect(kept.count == 1)
        #expect(kept.first?[2].bytes == body)
        #expect(harness.wakes == 0)
    }

    @Test func textThatIsNotWellFormedIsAnsweredAndItsBytesKept() throws {
        let harness = try Harness()
        // A byte that is not UTF-8 and half of an emoji's surrogate pair, inside an otherwise ordinary message.
        let text = String(decoding: textMessage(id: "wamid.MANGLED", text: "cafBYTE HALF!"), as: UTF8.self)
        let body = Array(text.replacingOccurrences(of: "HALF", with: #"\ud83d"#).utf8).replacing(
            Array("BYTE".utf8), with: [0xFF])
        #expect(harness.post(body).response.status == 200)
        let recorded = try harness.store.database.query("SELECT type, summary FROM inboundMessage")
        #expect(recorded.first?[0].string == "text")
        #expect(recorded.first?[1].string == "caf\u{FFFD} \u{FFFD}!")
        #expect(try harness.count("outbox") == 1)
        let kept = try harness.store.database.query("SELECT reason, body FROM keptBody")
        #expect(kept.first?[0].string?.contains("U+FFFD") == true)
        #expect(kept.first?[1].bytes == body)
    }

    @Test func aSchemaBehindTheBinaryAnswers503() throws {
        let harness = try Harness(migrate: false)
        #expect(harness.post(textMessage(id: "wamid.EARLY")).response.status == 503)
    }

    @Test func statusesUpdateTheMessageTheyNameAndNeverFailTheRequest() throws {
        let harness = try Harness()
        _ = harness.post(textMessage(id: "wamid.IN"))
        let claimed = try harness.store.claimDueOutbox(now: 1_764_000_000_000, leaseMilliseconds: 1000, limit: 1)
        try harness.store.markOutboxSent(id: claimed[0].id, wamid: "wamid.OUT", now: 1_764_000_000_001)
        let statuses = Array(
            #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.OUT","status":"delivered","timestamp":"1764000001","recipient_id":"2348012345678"},{"id":"wamid.UNKNOWN","status":"read","timestamp":"1764000002","recipient_id":"2348012345678"}]}}]}]}
            """#.utf8)
        #expect(harness.post(statuses).response.status == 200)
        #expect(try harness.store.outboundStatus(wamid: "wamid.OUT")?.status == "delivered")
        #expect(try harness.count("messageStatus") == 2)
    }

    /// Issue 18, finding 2: a signed message or status whose timestamp is no time at all (9223372036854776 s
    /// overflows `* 1000`; a very negative one overflows an age) is answered and recorded as having none, never
    /// a crash that takes the worker's other requests down and recurs on every redelivery.
    @Test func hostileTimestampsAreReadAsAbsent() throws {
        let harness = try Harness()
        let hostile = [9_223_372_036_854_776, Int.max, -9_223_372_036_854_775, Int.min, 10_000_000_001]
        for (index, sentAt) in hostile.enumerated() {
            let body = textMessage(id: "wamid.TS\(index)", from: "23480900000\(10 + index)", sentAt: sentAt)
            #expect(harness.post(body).response.status == 200)
        }
        // Each customer answered, as a message without a timestamp is.
        #expect(try harness.count("outbox") == hostile.count)
        let statuses = Array(
            #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.X","status":"delivered","timestamp":"9223372036854776","recipient_id":"2348012345678"},{"id":"wamid.Y","status":"read","timestamp":"-9223372036854775808","recipient_id":"2348012345678"}]}}]}]}
            """#.utf8)
        #expect(harness.post(statuses).response.status == 200)
        #expect(try harness.count("messageStatus") == 2)
        #expect(plausibleTimestamp(1_764_000_000) == 1_764_000_000)
        #expect(plausibleTimestamp(9_223_372_036_854_776) == nil)
    }

    /// Issue 18, finding 4: an app can be subscribed to several business accounts, and its secret signs all of
    /// their webhooks. A message for another number is kept for a person, acknowledged and never answered from ours;
    /// a body for another product (a Page) is kept, not read.
    @Test func onlyOurBusinessNumberIsAnswered() throws {
        let harness = try Harness(phoneNumberID: "106540352242922")
        let ours = textMessage(id: "wamid.OURS", from: "2348090000001")
        func otherNumber(_ body: [UInt8], _ replacement: String) -> [UInt8] {
            Array(
                String(decoding: body, as: UTF8.self).replacingOccurrences(
                    of: #""phone_number_id":"106540352242922""#, with: replacement
                ).utf8)
        }
        let theirs = otherNumber(
            textMessage(id: "wamid.THEIRS", from: "2348090000002"), #""phone_number_id":"999999999999999""#)
        let unnamed = otherNumber(textMessage(id: "wamid.UNNAMED", from: "2348090000003"), #""x":"1""#)
        let page = Array(
            String(decoding: textMessage(id: "wamid.PAGE", from: "2348090000004"), as: UTF8.self)
                .replacingOccurrences(of: #""object":"whatsapp_business_account""#, with: #""object":"page""#).utf8)
        for body in [theirs, unnamed, page] {
            #expect(harness.post(body).response.status == 200)
        }
        #expect(try harness.count("inboundMessage") == 0)
        #expect(try harness.count("outbox") == 0)
        let reasons = try harness.store.database.query("SELECT reason FROM keptBody ORDER BY id").map {
            $0[0].string ?? ""
        }
        #expect(reasons.count == 3)
        #expect(reasons[0].contains(#"for business number "999999999999999", not ours"#))
        #expect(reasons[1].contains("for business number absent, not ours"))
        #expect(reasons[2].contains(#"object "page", not whatsapp_business_account"#))
        // A status for another number's message is not recorded against ours either.
        let status = Array(
            #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"999999999999999"},"statuses":[{"id":"wamid.X","status":"delivered","timestamp":"1764000001","recipient_id":"2348012345678"}]}}]}]}
            """#.utf8)
        #expect(harness.post(status).response.status == 200)
        #expect(try harness.count("messageStatus") == 0)
        // Ours is answered as ever.
        #expect(harness.post(ours).response.status == 200)
        #expect(try harness.count("outbox") == 1)
    }

    @Test func noConfiguredBusinessNumberRefusesEveryPost() throws {
        let harness = try Harness(phoneNumberID: "")
        let outcome = harness.post(textMessage(id: "wamid.NOID"))
        #expect(outcome.response.status == 503)
        #expect(try harness.count("inboundMessage") == 0)
    }

    @Test func oneBodyWithManyMessagesRecordsEachOnce() throws {
        let harness = try Harness()
        let messages = (0..<5).map { index in
            #"{"from":"23480000000\#(index)","id":"wamid.MANY\#(index)","timestamp":"1764000000","type":"text","text":{"body":"hi"}}"#
        }
        let contacts = (0..<5).map { #"{"profile":{"name":"C\#($0)"},"wa_id":"23480000000\#($0)"}"# }
        let body = Array(
            #"""
            {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"106540352242922"},"contacts":[\#(contacts.joined(separator: ","))],"messages":[\#(messages.joined(separator: ","))]}}]}]}
            """#.utf8)
        #expect(harness.post(body).response.status == 200)
        #expect(try harness.count("customer") == 5)
        #expect(try harness.count("outbox") == 5)
        #expect(harness.post(body).response.status == 200)
        #expect(try harness.count("outbox") == 5)
    }
}

@Suite struct EveryUpstreamFixtureTests {
    static let names = fixtureNames(withExtension: "json", in: Bundle.module)

    /// Whatever Meta sends, a signed delivery is acknowledged (200) and never crashes or asks for a retry.
    @Test(arguments: names)
    func everyFixtureIsAcknowledged(name: String) throws {
        let body = try fixtureBytes(name, in: Bundle.module)
        // Each sample as if its business number were ours, so all of it is read, not set aside as another's.
        let harness = try Harness(phoneNumberID: businessNumberID(body) ?? "106540352242922")
        #expect(harness.post(body).response.status == 200)
    }

    @Test func fixturesArePresent() {
        #expect(Self.names.count >= 30)
    }
}

/// The first `metadata.phone_number_id` of a webhook body.
func businessNumberID(_ body: [UInt8]) -> String? {
    guard let text = String(bytes: body, encoding: .utf8),
        let match = text.firstMatch(of: /"phone_number_id"\s*:\s*"([^"]*)"/)
    else { return nil }
    return String(match.1)
}

func prettyJSON(_ bytes: [UInt8]) -> String {
    guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
        let data = try? JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    else { return String(decoding: bytes, as: UTF8.self) }
    return String(decoding: data, as: UTF8.self) + "\n"
}

@Suite struct InboundSummaryTests {
    @Test func whatStaffSeeOfEachMessage() {
        #expect(WhatsAppWebhook.summary(.text("2 jollof")) == "2 jollof")
        #expect(
            WhatsAppWebhook.summary(.listReply(id: "category:1", title: "Main Dishes", description: nil))
                == "Main Dishes [category:1]")
        #expect(
            WhatsAppWebhook.summary(
                .location(
                    .init(
                        latitude: 6.5, longitude: 3.4, name: "Ikeja City Mall", address: "Obafemi Awolowo Way", url: nil
                    )))
                == "6.5,3.4 Ikeja City Mall Obafemi Awolowo Way")
        #expect(WhatsAppWebhook.summary(.text(String(repeating: "a", count: 5000)))?.count == 1000)
        #expect(WhatsAppWebhook.summary(.unsupported(type: "unsupported", errorCode: 131051)) == nil)
    }
}

extension ConversationRunner {
    /// Mama Put with default settings; order ids count up from T0001 so transcripts and assertions are stable.
    static var testing: ConversationRunner {
        let counter = Locked(0)
        return ConversationRunner(
            settings: Settings(restaurantName: "Mama Put"),
            paymentCallbackURL: "https://food.example.com/payments/return/",
            newID: {
                counter.mutate { $0 += 1 }
                let value = counter.value
                return "T" + String(repeating: "0", count: max(0, 4 - String(value).count)) + String(value)
            })
    }
}
