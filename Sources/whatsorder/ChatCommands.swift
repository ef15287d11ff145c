import App
import ArgumentParser
import Bootstrap
import Conversation
import Domain
import Foundation
import Storage

struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take a customer's chat from the bot, answer in it, and hand it back.",
        discussion: """
            A customer typing "agent" or "human" pauses the bot for them and tells staff. While paused, their \
            messages are recorded and not answered, until `chat resume` or HANDOFF_TIMEOUT after the last \
            `chat pause` or `chat send`. NUMBER is the customer's WhatsApp number (any spacing, + optional).
            """,
        subcommands: [Pause.self, Resume.self, Send.self])

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the bot answering this customer.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The customer's WhatsApp number.") var number: String

        func run() throws { try chat(number, .staffTookOver, options: options, done: "the bot is paused") }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give the chat back to the bot.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The customer's WhatsApp number.") var number: String

        func run() throws { try chat(number, .staffHandedBack, options: options, done: "the bot answers again") }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write to the customer (inside WhatsApp's 24-hour window only).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The customer's WhatsApp number.") var number: String
        @Argument(help: "The message.") var text: String

        func run() throws {
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("the message is empty")
            }
            try chat(number, .staffSent(text), options: options, done: "message queued", needsWindow: true)
        }
    }
}

extension ParsableCommand {
    func chat(_ number: String, _ event: Event, options: ConfigOptions, done: String, needsWindow: Bool = false) throws
    {
        try exitOnFailure {
            let (config, store) = try options.openCurrentStore()
            defer { store.close() }
            let digits = String(number.unicodeScalars.filter { ("0"..."9").contains($0) })
            guard !digits.isEmpty, let customer = try store.customer(CustomerIdentity(waID: digits, userID: nil)) else {
                throw Failure.data("no customer with the number \(number) has written to us")
            }
            let now = Live.nowMilliseconds()
            if needsWindow {
                let last = try store.lastInboundAt(customer.id) ?? 0
                guard now - last <= OrderDesk.window else {
                    throw Failure.data(
                        "+\(digits) last wrote more than 24 hours ago: WhatsApp only delivers approved templates now")
                }
            }
            let conversation = try configured { try Live.conversationRunner(config) }
            let menu = try store.loadMenu()
            let rows = try store.advanceConversation(of: customer.id, now: now) { snapshot, record in
                conversation.step(event, snapshot: snapshot, customer: record, menu: menu, now: now)
            }
            print("+\(digits): \(done)\(rows > 0 ? "; customer told" : "").")
            if rows > 0 {
                SenderWakeup(config: config, log: Live.stderrLogger(config: config, component: "chat")).wake()
            }
        }
    }
}
