import Foundation

/// One text message from one customer, shaped exactly as Meta sends it (contacts block included).
public func textMessage(id: String, from: String = "2348012345678", text: String = "hi", name: String = "Ada")
    -> [UInt8]
{
    Array(
        #"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"\#(name)"},"wa_id":"\#(from)"}],"messages":[{"from":"\#(from)","id":"\#(id)","timestamp":"1764000000","type":"text","text":{"body":"\#(text)"}}]}}]}]}
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
