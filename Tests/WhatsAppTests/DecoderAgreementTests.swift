import Foundation
import JSON
import TestSupport
import Testing
@_spi(Reference) import WhatsApp

/// `WebhookNotification.decode` reads the bytes itself (the JSON module's `JSONValue`) instead of going through
/// `JSONDecoder`, which cost a tenth of a FastCGI worker's time. It must mean the same thing as the decoder it
/// replaced: the same notification from every body `JSONDecoder` accepts, a refusal of every body it refuses.
/// The fuzzer's whatsapp-webhook target checks the same on millions of mutated bodies (fuzz/README.md).
@Suite struct DecoderAgreementTests {
    static let fixtures = fixtureNames(withExtension: "json", in: Bundle.module)

    /// Bodies that walk the quirks both decoders must share.
    static let quirks: [String] = [
        #"{"entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w1","from":"1","timestamp":"1.0e3","type":"text","text":{"body":"a\u00e9\ud83d\ude00\n"}}]}}]}]}"#,
        #"{"entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w2","timestamp":1e3,"type":"location","location":{"latitude":"6.5","longitude":1e-400}}]}}]}]}"#,
        #"{"entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w3","timestamp":01,"type":"location","location":{"latitude":1.5,"longitude":-0}}]}}]}]}"#,
        #"{"entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w4","type":"text","text":{"body":"bad \x escape"}}]}}]}]}"#,
        #"{"entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w5","id":"w6","type":"text","text":{"body":"first key wins"},}],}},],},],}"#,
        #"{"entry":[{"changes":[{"field":"messages","value":{"statuses":[{"id":"s","status":"failed","errors":[{"code":"131047"},{"code":1.5},{"code":131026}]}],"messages":[null,7,{"id":""}]}}]}]}"#,
        #"{"entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w7","type":"order","order":{"product_items":[null,1,{}]}},{"id":"w8","type":"contacts","contacts":"x"}]}}]}]}"#,
        // Order lines: prices read as Decimal (JSONDecoder) must equal prices read from the number's bytes.
        #"{"entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"o1","type":"order","order":{"catalog_id":7,"text":"","product_items":[{"product_retailer_id":"a","quantity":"3","item_price":7.990},{"product_retailer_id":"b","quantity":2.0,"item_price":1E+3},{"product_retailer_id":"c","quantity":1.5,"item_price":-0},{"product_retailer_id":"d","quantity":-1,"item_price":1e400},{"product_retailer_id":"e","quantity":1e300,"item_price":1e-400},{"product_retailer_id":"f","item_price":1e200},{"product_retailer_id":"g","item_price":123456789012345678901234567890123456789012},{"product_retailer_id":"h","item_price":"7.99"},{"product_retailer_id":"i","item_price":"1."},{"product_retailer_id":"j","item_price":"01"},{"product_retailer_id":"k","item_price":true},{"product_retailer_id":"l","item_price":01},{"product_retailer_id":"m","item_price":1.5e-3,"quantity":9223372036854775807},{"product_retailer_id":5},{"product_retailer_id":""},"x"]}}]}}]}]}"#,
        "\u{FEFF}{\"object\":\"whatsapp_business_account\"}",
        "{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{\"id\":\"w9\",\"type\":\"text\",\"text\":{\"body\":\"raw\ttab\"}}]}}]}]}",
        #"{"entry":null}"#, #"{"entry":"x"}"#, "[]", "7", #""\u12""#, "{} x", "{\"a\":1,,}", "[,1]", "nul", "",
        #"{"a":"\uD800"}"#, #"{"a":"\uZZZZ","entry":[]}"#, #"{"a":"\uA4""}"#, #"{"a":-}"#, #"{"a":1.}"#, "{\"a\":.5}",
    ]

    func expectAgreement(_ body: [UInt8], _ label: String) {
        let fast = Result { try WebhookNotification.decode(body) }
        let reference = Result { try WebhookNotification.decodeWithJSONDecoder(body) }
        switch (fast, reference) {
        case (.success(let mine), .success(let theirs)): #expect(mine == theirs, "\(label)")
        case (.failure, .failure): break
        case (.success(let mine), .failure(let theirs)):
            Issue.record("\(label): accepted (\(mine)) what JSONDecoder refuses (\(theirs))")
        case (.failure(let mine), .success(let theirs)):
            Issue.record("\(label): refused (\(mine)) what JSONDecoder accepts (\(theirs))")
        }
    }

    @Test(arguments: fixtures)
    func everyFixtureDecodesAsJSONDecoderDecodesIt(name: String) throws {
        expectAgreement(try fixture(name), name)
    }

    @Test func theQuirksAgree() {
        for body in Self.quirks { expectAgreement(Array(body.utf8), body) }
    }

    @Test func aKeyThatIsNotJSONTextRefusesTheBody() {
        // The one deliberate difference: JSONDecoder refuses some such documents and only the object in others.
        #expect(throws: WebhookDecodingError.self) {
            try WebhookNotification.decode(Array("{\"entry\":[{\"id\u{1}\":1}]}".utf8))
        }
        #expect(throws: WebhookDecodingError.self) { try WebhookNotification.decode(Array(#"{"\x":1}"#.utf8)) }
    }
}

@Suite struct JSONValueTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func leavesAreReadWhenAskedForAndWrongTypesReadAsNil() throws {
        let json = try parse(#"{"s":"a\"b\\c\/\u00e9\ud83d\ude00","n":-12,"f":2.5,"e":1E3,"b":true,"z":null,"o":{}}"#)
        #expect(json["s"]?.string == "a\"b\\c/é😀")
        #expect(json["n"]?.int64 == -12)
        #expect(json["f"]?.int64 == nil)
        #expect(json["f"]?.double == 2.5)
        #expect(json["e"]?.int64 == 1000)
        #expect(json["b"]?.string == nil)
        #expect(json["z"]?.isNull == true)
        #expect(json["o"]?.isObject == true)
        #expect(json["missing"] == nil)
        #expect(json["s"]?["s"] == nil)
    }

    @Test func numbersOutsideJSONsGrammarOrRangeAreUnusable() throws {
        for text in ["01", "1.", "-", "1e", "1e+", "1.5.5", "1-2", "-01"] {
            #expect(try parse("[\(text)]").array?.first?.double == nil, "\(text)")
        }
        #expect(try parse("[9223372036854775807]").array?.first?.int64 == Int64.max)
        #expect(try parse("[9223372036854775808]").array?.first?.int64 == nil)
        #expect(try parse("[1e400]").array?.first?.double == nil)
        #expect(try parse("[1e-400]").array?.first?.double == nil)
        #expect(try parse("[1e-400]").array?.first?.int64 == 0)
    }

    @Test func structureIsCheckedAtOnce() {
        for text in ["", " ", "{", "[+1]", "[1 2]", #"{"a" 1}"#, "{,}", "[,1]", "{} x", "tru", #"{"a":"\u12"}"#] {
            #expect(throws: JSONSyntaxError.self, "\(text)") { try JSONValue.parse(Array(text.utf8)) }
        }
        let deep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try JSONValue.parse(Array(fine.utf8)) }
    }
}
