import Foundation

/// One text message from one customer, shaped exactly as Meta sends it (contacts block included).
/// `sentAt` (Unix seconds) defaults to now: an old timestamp makes the bot treat the message as a late redelivery.
public func textMessage(
    id: String, from: String = "2348012345678", text: String = "hi", name: String = "Ada",
    sentAt: Int = Int(Date().timeIntervalSince1970)
) -> [UInt8] {
    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    return Array(
        #"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"\#(name)"},"wa_id":"\#(from)"}],"messages":[{"from":"\#(from)","id":"\#(id)","timestamp":"\#(sentAt)","type":"text","text":{"body":"\#(escaped)"}}]}}]}]}
        """#.utf8)
}

/// A tapped reply button (`button_reply`) or list row (`list_reply`), shaped as Meta sends it.
public func tapMessage(
    id: String, from: String = "2348012345678", choice: String, title: String, list: Bool = false,
    sentAt: Int = Int(Date().timeIntervalSince1970)
) -> [UInt8] {
    let kind = list ? "list_reply" : "button_reply"
    return Array(
        #"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ada"},"wa_id":"\#(from)"}],"messages":[{"context":{"from":"15550783881","id":"wamid.PREVIOUS"},"from":"\#(from)","id":"\#(id)","timestamp":"\#(sentAt)","type":"interactive","interactive":{"type":"\#(kind)","\#(kind)":{"id":"\#(choice)","title":"\#(title)"}}}]}}]}]}
        """#.utf8)
}

/// A staff member's reply on their phone to a message we sent them (WhatsApp's reply: `context.id` is the wamid of
/// the message answered), shaped as Meta's sample of a reply with context.
public func replyMessage(
    id: String, from: String, to wamid: String, text: String, name: String = "Bola",
    sentAt: Int = Int(Date().timeIntervalSince1970)
) -> [UInt8] {
    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    return Array(
        #"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"\#(name)"},"wa_id":"\#(from)"}],"messages":[{"context":{"from":"15550783881","id":"\#(wamid)"},"from":"\#(from)","id":"\#(id)","timestamp":"\#(sentAt)","text":{"body":"\#(escaped)"},"type":"text"}]}}]}]}
        """#.utf8)
}

/// A photo with a caption, shaped as Meta's image sample (the media itself is fetched separately, by its id).
public func imageMessage(
    id: String, from: String = "2348012345678", caption: String, sentAt: Int = Int(Date().timeIntervalSince1970)
) -> [UInt8] {
    Array(
        #"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ada"},"wa_id":"\#(from)"}],"messages":[{"from":"\#(from)","id":"\#(id)","timestamp":"\#(sentAt)","type":"image","image":{"caption":"\#(caption)","mime_type":"image/jpeg","sha256":"4654+8g=","id":"65463453"}}]}}]}]}
        """#.utf8)
}

/// A value several test threads share, behind a lock.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    public init(_ value: Value) { stored = value }

    public var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    public func mutate(_ change: (inout Value) -> Void) {
        lock.lock()
        change(&stored)
        lock.unlock()
    }
}

/// A cart sent from WhatsApp's catalog (`type` `order`), shaped as Meta's order webhook example
/// (Tests/WhatsAppTests/Fixtures/meta_docs_message_order.json): each line a retailer id, a quantity and the price the
/// customer's phone showed, in major units.
public func orderMessage(
    id: String, from: String = "2348012345678", catalogID: String = "1234567890123456",
    lines: [(retailerID: String, quantity: Int, price: String)], text: String = "",
    sentAt: Int = Int(Date().timeIntervalSince1970)
) -> [UInt8] {
    let items = lines.map {
        #"{"product_retailer_id":"\#($0.retailerID)","quantity":\#($0.quantity),"item_price":\#($0.price),"currency":"NGN"}"#
    }.joined(separator: ",")
    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    return Array(
        #"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ada"},"wa_id":"\#(from)"}],"messages":[{"from":"\#(from)","id":"\#(id)","timestamp":"\#(sentAt)","type":"order","order":{"catalog_id":"\#(catalogID)","text":"\#(escaped)","product_items":[\#(items)]}}]}}]}]}
        """#.utf8)
}
