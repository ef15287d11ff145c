import Foundation

/// Paystack's events as its servers send them: the shape of PaystackOSS's `charge.success` sample (card payment,
/// `metadata: 0`, the log and authorization blocks), with the fields a test varies filled in.
public enum PaystackEvents {
    public static func chargeSuccess(
        reference: String, amount: Int, currency: String = "NGN", domain: String = "test", id: Int = 302961,
        status: String = "success"
    ) -> [UInt8] {
        Array(
            #"""
            {"event":"charge.success","data":{"id":\#(id),"domain":"\#(domain)","status":"\#(status)","reference":"\#(reference)","amount":\#(amount),"message":null,"gateway_response":"Approved by Financial Institution","paid_at":"2026-11-26T10:10:19.000Z","created_at":"2026-11-26T10:09:56.000Z","channel":"card","currency":"\#(currency)","ip_address":"41.242.49.37","metadata":0,"log":{"time_spent":16,"attempts":1,"authentication":"pin","errors":0,"success":false,"mobile":false,"input":[],"channel":null,"history":[{"type":"input","message":"Filled these fields: card number, card expiry, card cvv","time":15},{"type":"action","message":"Attempted to pay","time":15},{"type":"auth","message":"Authentication Required: pin","time":16}]},"fees":null,"customer":{"id":68324,"first_name":"BoJack","last_name":"Horseman","email":"bojack@horseman.com","customer_code":"CUS_qo38as2hpsgk2r0","phone":null,"metadata":null,"risk_action":"default"},"authorization":{"authorization_code":"AUTH_f5rnfq9p","bin":"539999","last4":"8877","exp_month":"08","exp_year":"2020","card_type":"mastercard DEBIT","bank":"Guaranty Trust Bank","country_code":"NG","brand":"mastercard","account_name":"BoJack Horseman"},"plan":{}}}
            """#.utf8)
    }

    /// `refund.processed` as in Paystack's refund samples (the amount is a string there).
    public static func refundProcessed(
        reference: String, amount: Int, currency: String = "NGN", domain: String = "test"
    )
        -> [UInt8]
    {
        Array(
            #"""
            {"event":"refund.processed","data":{"status":"processed","transaction_reference":"\#(reference)","refund_reference":"RF\#(reference)-\#(amount)","amount":"\#(amount)","currency":"\#(currency)","processor":"mpgs_zen","customer":{"first_name":"Damilola","last_name":"Kwabena","email":"damilola@email.com"},"integration":412829,"domain":"\#(domain)"}}
            """#.utf8)
    }

    /// `refund.failed` as in Paystack's refund samples (the amount is an integer there).
    public static func refundFailed(reference: String, amount: Int, domain: String = "test") -> [UInt8] {
        Array(
            #"""
            {"event":"refund.failed","data":{"status":"failed","transaction_reference":"\#(reference)","refund_reference":"TRF_9vgfawjnoz58uxy","amount":\#(amount),"currency":"NGN","processor":"instant-transfer","customer":{"first_name":"Tobi","last_name":"Digz","email":"tobi@mail.com"},"integration":412325,"domain":"\#(domain)"}}
            """#.utf8)
    }

    /// `charge.dispute.create` (a chargeback), trimmed to the fields of Paystack's sample that matter.
    public static func disputeCreated(reference: String, amount: Int, domain: String = "test") -> [UInt8] {
        Array(
            #"""
            {"event":"charge.dispute.create","data":{"id":358950,"refund_amount":\#(amount),"currency":"NGN","status":"awaiting-merchant-feedback","resolution":null,"domain":"\#(domain)","transaction":{"id":896467688,"domain":"\#(domain)","status":"success","reference":"\#(reference)","amount":\#(amount),"currency":"NGN","metadata":""},"transaction_reference":null,"category":"chargeback","customer":{"id":5406463,"email":"example@test.com"},"created_at":"2026-11-26T13:46:57.000Z"}}
            """#.utf8)
    }

    /// What `GET /transaction/verify/{reference}` answers for a payment in `status`.
    public static func verifyResponse(
        reference: String, amount: Int, status: String = "success", currency: String = "NGN", domain: String = "test"
    ) -> [UInt8] {
        Array(
            #"""
            {"status":true,"message":"Verification successful","data":{"id":4099260516,"domain":"\#(domain)","status":"\#(status)","reference":"\#(reference)","receipt_number":null,"amount":\#(amount),"message":null,"gateway_response":"Successful","paid_at":"2026-11-26T10:10:19.000Z","created_at":"2026-11-26T10:09:56.000Z","channel":"card","currency":"\#(currency)","ip_address":"197.210.54.33","metadata":"","fees":10283,"customer":{"id":181873746,"email":"demo@test.com"},"authorization":{"last4":"4081","bin":"408408"},"requested_amount":\#(amount),"paidAt":"2026-11-26T10:10:19.000Z"}}
            """#.utf8)
    }
}
