import Foundation
import Storage
import TestSupport
import Testing

/// `whatsorder simulate` driven through a real terminal (Debian's tmux: send-keys, capture-pane): a whole order is
/// typed in, and the screen is checked at each step.
@Suite(.serialized) struct SimulateTests {
    @Test(arguments: Stack.Mode.allCases)
    func aWholeOrderTypedIntoTheSimulator(mode: Stack.Mode) throws {
        let installed = try shell("command -v tmux || true", in: Stack.root)
        #expect(
            !installed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
            "tmux is not installed: run scripts/install-deps")
        let stack = try Stack(mode: mode, dev: true)
        defer { stack.stop() }
        let session = "wo-sim-\(UUID().uuidString.prefix(8))"
        let command =
            "cd \(Stack.root) && cgi-bin/whatsorder simulate --url http://127.0.0.1:\(stack.port) --as 2348095550101"
            + " --name Tolu --config \(stack.configPath); sleep 30"
        // A tmux server of the test's own (-L): a developer's tmux is left alone, and killing this server ends the
        // simulator in its pane.
        let tmux = "tmux -L \(session)"
        _ = try shell("\(tmux) new-session -d -s \(session) -x 140 -y 60 '\(command)'", in: Stack.root)
        defer { _ = try? shell("\(tmux) kill-server", in: Stack.root) }

        func screen() -> String {
            (try? shell("\(tmux) capture-pane -p -J -t \(session) -S -1000", in: Stack.root)) ?? ""
        }
        func type(_ text: String, thenSee expected: String) throws {
            _ = try shell(
                "\(tmux) send-keys -t \(session) -l '\(text)' && \(tmux) send-keys -t \(session) Enter", in: Stack.root)
            try waitUntil(timeout: 20) { screen().contains(expected) }
        }

        try waitUntil { screen().contains("You are +2348095550101 (Tolu)") }
        try type("hi", thenSee: "[1] Main Dishes")
        try type("1", thenSee: "[1] Jollof Rice & Chicken")
        try type("1", thenSee: "How many would you like?")
        try type("2", thenSee: "Added 2 × Jollof Rice & Chicken (₦5,000).")
        try type("1", thenSee: "How would you like to get your order?")
        try type("2", thenSee: "Confirm to get your payment link")
        try type("1", thenSee: "[Pay now] → http://127.0.0.1:\(stack.port)/dev/checkout/")
        try type("pay", thenSee: "Payment received, thank you!")
        try type("status", thenSee: "is paid, and with the kitchen.")
        let text = screen()
        #expect(text.contains("(taps [Main Dishes])"))
        #expect(text.contains("(taps [Checkout])"))
        #expect(try stack.query("SELECT status FROM customerOrder").map { $0[0].string } == ["paid"])
    }
}
