import Foundation
import Paystack
import TestSupport
import Testing

private func event(_ fixture: String) throws -> PaystackEvent {
    try PaystackEvent.decode(try fixtureBytes(fixture, in: .module))
}

private func decode(_ json: String) throws -> PaystackEvent {
    try PaystackEvent.decode(Array(json.utf8))
}

private func decodingError(_ json: String) -> PaystackDecodingError? {
    do {
        _ = try decode(json)
        return nil
    } catch let error as PaystackDecodingError {
        return error
    } catch {
        Issue.record("not a PaystackDecodingError: \(error)")
        return nil
    }
}

@Suite struct ChargeEventTests {
    @Test func aCardChargeWithMetadataZero() throws {
        let decoded = try event("charge_success.json")
        #expect(decoded.name == "charge.success")
        #expect(
            decoded.payload
                == .charge(
                    Charge(
                        id: 302961, domain: "live", status: "success", reference: "qTPrJoy9Bx", amount: 10000,
                        currency: "NGN", paidAt: "2016-09-30T21:10:19.000Z", channel: "card",
                        gatewayResponse: "Approved by Financial Institution", customerEmail: "bojack@horseman.com",
                        cardLast4: "8877")))
        #expect(decoded.dedupeKey == "qTPrJoy9Bx")
        #expect(decoded.reference == "qTPrJoy9Bx")
    }

    @Test func aGhanaMobileMoneyChargeWithEmptyMetadata() throws {
        let decoded = try event("charge_success_mobile_money_ghs.json")
        guard case .charge(let charge) = decoded.payload else {
            Issue.record("not a charge: \(decoded.payload)")
            return
        }
        #expect(charge.reference == "gf4n3ykzj6a7u89")
        #expect(charge.amount == 100)
        #expect(charge.currency == "GHS")
        #expect(charge.channel == "mobile_money")
        #expect(charge.paidAt == "2018-11-15T06:10:54.000Z")
        #expect(charge.cardLast4 == "X149")
        #expect(charge.id == 59214)
    }

    @Test func aUSSDCharge() throws {
        let decoded = try event("charge_success_ussd.json")
        guard case .charge(let charge) = decoded.payload else {
            Issue.record("not a charge: \(decoded.payload)")
            return
        }
        #expect(charge.reference == "2ofkbk0yie6dvzb")
        #expect(charge.amount == 150_000)
        #expect(charge.currency == "NGN")
        #expect(charge.channel == "ussd")
        #expect(charge.status == "success")
        #expect(charge.gatewayResponse == "Payment successful")
    }

    @Test func metadataOfAnyShapeAndAStringAmountDecode() throws {
        for metadata in ["0", #""""#, "null", #"{"order_code":"WO-1"}"#, "[1]", #""{\"a\":1}""#] {
            let decoded = try decode(
                #"{"event":"charge.success","data":{"reference":"WO-1-1","amount":"610000","currency":"NGN","#
                    + #""status":"success","metadata":\#(metadata)}}"#)
            #expect(
                decoded.payload
                    == .charge(Charge(status: "success", reference: "WO-1-1", amount: 610_000, currency: "NGN")))
        }
    }

    @Test func paidAtFallsBackToCamelCase() throws {
        let decoded = try decode(
            #"{"event":"charge.success","data":{"reference":"r","amount":1,"currency":"NGN","status":"success","#
                + #""paidAt":"2024-01-01T00:00:00.000Z"}}"#)
        guard case .charge(let charge) = decoded.payload else {
            Issue.record("not a charge")
            return
        }
        #expect(charge.paidAt == "2024-01-01T00:00:00.000Z")
    }

    @Test func onlyTheLastFourCharactersOfACardAreKept() throws {
        let decoded = try decode(
            #"{"event":"charge.success","data":{"reference":"r","amount":1,"currency":"NGN","status":"success","#
                + #""authorization":{"bin":"539999","last4":"5399998877"}}}"#)
        guard case .charge(let charge) = decoded.payload else {
            Issue.record("not a charge")
            return
        }
        #expect(charge.cardLast4 == "8877")
    }

    @Test func aChargeWithoutWhatMoneyDependsOnThrows() {
        let fields = [
            "reference": #""reference":"WO-1-1""#, "amount": #""amount":610000"#, "currency": #""currency":"NGN""#,
            "status": #""status":"success""#,
        ]
        for missing in fields.keys.sorted() {
            let data = fields.filter { $0.key != missing }.map(\.value).joined(separator: ",")
            let error = decodingError(#"{"event":"charge.success","data":{\#(data)}}"#)
            #expect(error != nil, "without \(missing)")
            #expect(error?.message.contains(missing) == true, "\(error?.message ?? "") names \(missing)")
        }
    }

    @Test func aChargeWithAnUnusableAmountOrReferenceThrows() {
        let rest = #""currency":"NGN","status":"success""#
        #expect(decodingError(#"{"event":"charge.success","data":{"reference":"r","amount":"50.00",\#(rest)}}"#) != nil)
        #expect(decodingError(#"{"event":"charge.success","data":{"reference":"r","amount":"",\#(rest)}}"#) != nil)
        #expect(decodingError(#"{"event":"charge.success","data":{"reference":"r","amount":-100,\#(rest)}}"#) != nil)
        #expect(decodingError(#"{"event":"charge.success","data":{"reference":"r","amount":null,\#(rest)}}"#) != nil)
        #expect(decodingError(#"{"event":"charge.success","data":{"reference":42,"amount":1,\#(rest)}}"#) != nil)
        #expect(decodingError(#"{"event":"charge.success","data":{"reference":"","amount":1,\#(rest)}}"#) != nil)
        #expect(decodingError(#"{"event":"charge.success","data":"nope"}"#) != nil)
        #expect(decodingError(#"{"event":"charge.success"}"#) != nil)
    }
}

@Suite struct RefundEventTests {
    @Test func processedWithAStringAmount() throws {
        let decoded = try event("refund_processed.json")
        #expect(decoded.name == "refund.processed")
        #expect(
            decoded.payload
                == .refund(
                    Refund(
                        status: "processed", transactionReference: "T2154954_412829_3be32076_6lcg3",
                        refundReference: "132013318360", amount: 5000, currency: "NGN", domain: "live")))
        #expect(decoded.dedupeKey == "132013318360")
        #expect(decoded.reference == "T2154954_412829_3be32076_6lcg3")
    }

    @Test func failedWithAnIntegerAmount() throws {
        let decoded = try event("refund_failed.json")
        #expect(
            decoded.payload
                == .refund(
                    Refund(
                        status: "failed", transactionReference: "T9171231_412325_3be2736c_n6tml",
                        refundReference: "TRF_9vgfawjnoz58uxy", amount: 20000, currency: "NGN", domain: "live")))
        #expect(decoded.dedupeKey == "TRF_9vgfawjnoz58uxy")
    }

    @Test func pendingWithoutARefundReferenceKeysOnTransactionAndAmount() throws {
        let decoded = try event("refund_pending.json")
        #expect(
            decoded.payload
                == .refund(
                    Refund(
                        status: "pending", transactionReference: "tvunjbbd_412829_4b18075d_c7had", refundReference: nil,
                        amount: 10000, currency: "NGN", domain: "live")))
        #expect(decoded.dedupeKey == "tvunjbbd_412829_4b18075d_c7had:10000")
        #expect(decoded.reference == "tvunjbbd_412829_4b18075d_c7had")
    }

    @Test func aRefundWithoutStatusTakesItFromTheEventName() throws {
        let decoded = try decode(
            #"{"event":"refund.processing","data":{"transaction_reference":"t","amount":5,"currency":"NGN"}}"#)
        #expect(
            decoded.payload
                == .refund(Refund(status: "processing", transactionReference: "t", amount: 5, currency: "NGN")))
    }

    @Test func aRefundWithoutTransactionReferenceOrAmountThrows() {
        #expect(decodingError(#"{"event":"refund.processed","data":{"amount":5,"currency":"NGN"}}"#) != nil)
        #expect(
            decodingError(#"{"event":"refund.processed","data":{"transaction_reference":"t","currency":"NGN"}}"#) != nil
        )
        #expect(decodingError(#"{"event":"refund.processed","data":{"transaction_reference":"t","amount":5}}"#) != nil)
    }
}

@Suite struct DisputeAndOtherEventTests {
    @Test func aDisputeTakesTheReferenceFromItsTransaction() throws {
        let decoded = try event("charge_dispute_create.json")
        #expect(decoded.name == "charge.dispute.create")
        #expect(
            decoded.payload
                == .dispute(
                    Dispute(
                        id: 358950, status: "awaiting-merchant-feedback", domain: "live",
                        transactionReference: "v3mjfgbnc19v97x", amount: 5800, currency: "NGN", category: "chargeback"))
        )
        #expect(decoded.dedupeKey == "dispute-358950-awaiting-merchant-feedback")
        #expect(decoded.reference == "v3mjfgbnc19v97x")
    }

    @Test func aDisputeFallsBackToTransactionReferenceAndNeedsAnIDForADedupeKey() throws {
        let decoded = try decode(#"{"event":"charge.dispute.resolve","data":{"transaction_reference":"WO-1-1"}}"#)
        #expect(decoded.payload == .dispute(Dispute(transactionReference: "WO-1-1")))
        #expect(decoded.reference == "WO-1-1")
        #expect(decoded.dedupeKey == nil)
        let withoutStatus = try decode(#"{"event":"charge.dispute.remind","data":{"id":"7"}}"#)
        #expect(withoutStatus.dedupeKey == "dispute-7")
    }

    @Test func anUnknownEventIsRecordedWhateverItsData() throws {
        let transfer = try decode(#"{"event":"transfer.success","data":{"amount":"x"}}"#)
        #expect(transfer == PaystackEvent(name: "transfer.success", payload: .other))
        #expect(transfer.dedupeKey == nil)
        #expect(transfer.reference == nil)
        #expect(try decode(#"{"event":"charge.failed"}"#).payload == .other)
    }

    @Test func notJSONOrNoEventStringThrows() {
        #expect(decodingError("") != nil)
        #expect(decodingError("{\"event\":") != nil)
        #expect(decodingError("<html>") != nil)
        #expect(decodingError("[]") != nil)
        #expect(decodingError(#"{"data":{}}"#) != nil)
        #expect(decodingError(#"{"event":42,"data":{}}"#) != nil)
        #expect(decodingError(#"{"event":null}"#) != nil)
        #expect(
            decodingError(#"{"event":"charge.success","data":{"reference":"r","amount":1}}"#)?.description.hasPrefix(
                "Paystack") == true)
    }
}
