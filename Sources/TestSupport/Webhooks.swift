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
