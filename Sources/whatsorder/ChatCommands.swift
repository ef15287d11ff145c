import App
import ArgumentParser
import Bootstrap
import Conversation
import Domain
import Foundation
import Storage

struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Customers who asked for a person: list and read their threads, answer, hand back to the bot.",
        discussion: """
            A customer typing "agent" or "human" pauses the bot for them. While paused, each of their messages is \
            passed to every staff number ("💬 Ada (+234…), order WO-…: …"); a staff member answers by replying to \
            it on their phone, or with `chat send`. The customer types "bot" or "menu" to leave, or the bot \
            answers again after `chat resume` or HANDOFF_TIMEOUT. NUMBER is the customer's WhatsApp number (any \
            spacing, + optional).
            """,
        subcommands: [List.self, Show.self, Pause.self, Resume.self, Send.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Threads of the last day, newest first: who is waiting for a person.")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let clock = StaffClock(config: config)
                let threads = try store.chatThreads(now: Live.nowMilliseconds())
                guard !threads.isEmpty else { return print("No chats with a person in the last 24 hours.") }
                var rows = [["customer", "name", "state", "last", "said"]]
                for thread in threads {
                    let state =
                        thread.handoffUntil == nil ? "with the bot" : thread.waiting ? "WAITING" : "with a person"
                    rows.append([
                        "+" + (thread.customer.identity.waID ?? thread.customer.identity.userID ?? "?"),
                        thread.customer.name ?? "", state, clock.short(thread.last.at),
                        String(thread.last.body.prefix(60)),
                    ])
                }
                print(table(rows))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One customer's thread with staff, both ways.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The customer's WhatsApp number.") var number: String

        func run() throws {
            try exitOnFailure {
                let (config, store) = try options.openCurrentStore()
                defer { store.close() }
                let customer = try chatCustomer(number, in: store)
                let clock = StaffClock(config: config)
                let lines = try store.chatThread(customer.id)
                let name = customer.name.map { "\($0), " } ?? ""
                print("Chat with \(name)+\(customer.identity.waID ?? "")")
                if lines.isEmpty { return print("(nothing yet)") }
                for line in lines {
                    let who =
                        switch line.author {
                        case .customer: customer.name ?? "customer"
                        case .staff: "staff" + (line.who.map { " \($0)" } ?? "")
                        case .bot: "·"
                        }
                    print("\(clock.short(line.at))  \(who): \(line.body)")
                }
            }
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the bot answering this customer.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The customer's WhatsApp number.") var number: String

        func run() throws {
            try chat(number, options: options, done: "the bot is paused") { desk, customer, store, now in
                try desk.pause(customer, by: staffName, store: store, now: now)
            }
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give the chat back to the bot.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The customer's WhatsApp number.") var number: String

        func run() throws {
            try chat(number, options: options, done: "the bot answers again") { desk, customer, store, now in
                try desk.resume(customer, by: staffName, store: store, now: now)
            }
        }
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
            try chat(number, options: options, done: "message queued") { desk, customer, store, now in
                switch try desk.send(text, to: customer, by: staffName, store: store, now: now) {
                case .sent(let rows): return rows
                case .refused(let why): throw Failure.data("+\(number.filter(\.isNumber)): \(why)")
                }
            }
        }
    }
}

/// Who typed a command, for the thread: the login name.
var staffName: String { ProcessInfo.processInfo.environment["USER"].map { "(\($0))" } ?? "(command line)" }

func chatCustomer(_ number: String, in store: Store) throws -> Store.CustomerRecord {
    let digits = String(number.unicodeScalars.filter { ("0"..."9").contains($0) })
    guard !digits.isEmpty, let customer = try store.customer(CustomerIdentity(waID: digits, userID: nil)) else {
        throw Failure.data("no customer with the number \(number) has written to us")
    }
    return customer
}

extension ParsableCommand {
    func chat(
        _ number: String, options: ConfigOptions, done: String,
        _ act: (ChatDesk, CustomerID, Store, Int64) throws -> Int
    ) throws {
        try exitOnFailure {
            let (config, store) = try options.openCurrentStore()
            defer { store.close() }
            let customer = try chatCustomer(number, in: store)
            let desk = ChatDesk(conversation: try configured { try Live.conversationRunner(config) })
            let now = Live.nowMilliseconds()
            let rows = try store.writeTransaction { try act(desk, customer.id, store, now) }
            print("+\(customer.identity.waID ?? ""): \(done)\(rows > 0 ? "; customer told" : "").")
            if rows > 0 {
                SenderWakeup(config: config, log: Live.stderrLogger(config: config, component: "chat")).wake()
            }
        }
    }
}
