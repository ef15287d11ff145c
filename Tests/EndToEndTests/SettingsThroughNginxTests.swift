import Foundation
import HTTPClient
import Storage
import TestSupport
import Testing

/// Settings changed with the command line under a running FastCGI stack (long-lived workers that cache the menu
/// and settings): the very next message sees the change, with no restart.
@Suite(.serialized) struct SettingsThroughNginxTests {
    typealias Customer = OrderingTests.Customer

    @Test func aSettingChangedUnderARunningStackIsSeenByTheNextMessage() throws {
        let stack = try Stack(mode: .fastcgi)
        defer { stack.stop() }
        let workers = try stack.workerPIDs()
        let kemi = Customer(stack: stack, phone: "2348030001001")
        _ = try kemi.say("hi")
        #expect(OrderingTests.text(try kemi.say("how much is delivery")[0]).contains("Delivery costs ₦500"))

        let set = try stack.whatsorder("settings set delivery-fee 700")
        #expect(set.code == 0)
        #expect(set.output == "DELIVERY_FEE: ₦700. Customers see it from their next message.")
        #expect(OrderingTests.text(try kemi.say("how much is delivery")[0]).contains("Delivery costs ₦700"))

        _ = try kemi.say("2 jollof")
        #expect(try stack.whatsorder("settings set CLOSED_NOTE 'closed today for a family event'").code == 0)
        let closed = OrderingTests.text(try kemi.say("checkout")[0])
        #expect(closed.contains("closed today for a family event"))
        #expect(try stack.whatsorder("settings set CLOSED_NOTE ''").code == 0)
        #expect(OrderingTests.text(try kemi.say("checkout")[0]).contains("How would you like to get your order"))

        let shown = try stack.whatsorder("settings show").output
        #expect(shown.contains("DELIVERY_FEE"))
        #expect(shown.contains("₦700"))
        #expect(shown.contains("config file"))
        let bad = try stack.whatsorder("settings set OPENING_HOURS 'weekdays 9 to 5'")
        #expect(bad.code == 65)
        #expect(bad.output.contains("OPENING_HOURS"))
        // A unique beginning is enough; a name several settings begin with is asked about.
        #expect(try stack.whatsorder("settings set delivery 800").output.hasPrefix("DELIVERY_FEE: ₦800."))
        let unsure = try stack.whatsorder("settings set RESTAURANT 'Mama Put'")
        #expect(unsure.code == 65)
        #expect(unsure.output.contains("did you mean \"RESTAURANT_NAME\""))
        // The same worker processes served every message: nothing was restarted.
        #expect(try stack.workerPIDs() == workers)
    }
}
