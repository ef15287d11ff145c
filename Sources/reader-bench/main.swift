import Conversation
import Domain
import Foundation

// The reader's microbenchmark (bench/reader): reads every line of the corpus files given, many times, and prints
// lines per second. Not installed: it measures, it serves nothing.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments == ["--first-only"] {
    // What a process that serves one request (CGI) pays for its first reading, tables included.
    _ = Reader(menu: SampleMenu.menu).read("hi")
    exit(0)
}
guard !arguments.isEmpty else {
    FileHandle.standardError.write(Data("usage: reader-bench CORPUS.txt... [--rounds N]\n".utf8))
    exit(64)
}
var rounds = 20
var files: [String] = []
var index = 0
while index < arguments.count {
    if arguments[index] == "--rounds", index + 1 < arguments.count {
        rounds = Int(arguments[index + 1]) ?? rounds
        index += 2
    } else {
        files.append(arguments[index])
        index += 1
    }
}
var typed: [(String, Reader.Mode)] = []
for file in files {
    let text = try String(contentsOfFile: file, encoding: .utf8)
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let fields = line.components(separatedBy: " | ")
        guard fields.count == 3 else { continue }
        let mode: Reader.Mode =
            ["awaitingAddress", "awaitingLandmark"].contains(fields[0])
            ? .address : fields[0] == "awaitingEmail" ? .email : .anything
        typed.append((fields[1].replacingOccurrences(of: "\\n", with: "\n"), mode))
    }
}
let menu = SampleMenu.menu
// The first reading in a process also builds the phrase tables: what a CGI process (one request) pays.
let firstStart = DispatchTime.now().uptimeNanoseconds
_ = Reader(menu: menu).read("hi")
let firstMicros = Double(DispatchTime.now().uptimeNanoseconds - firstStart) / 1e3
let secondStart = DispatchTime.now().uptimeNanoseconds
_ = Reader(menu: menu).read("hello")
let secondMicros = Double(DispatchTime.now().uptimeNanoseconds - secondStart) / 1e3
print(
    String(
        format: "first reading in a process %.0f µs (the next, with a new reader: %.0f µs)", firstMicros, secondMicros))
if arguments.contains("--first-only") { exit(0) }
var checksum = 0

/// Lines per second over `rounds` rounds: (median, min, max).
@MainActor func measure(_ readOne: (String, Reader.Mode) -> Int) -> (Double, Double, Double) {
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for (text, mode) in typed { checksum &+= readOne(text, mode) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        samples.append(Double(typed.count) / seconds)
    }
    samples.sort()
    return (samples[samples.count / 2], samples[0], samples[samples.count - 1])
}

@MainActor func report(_ name: String, _ result: (Double, Double, Double)) {
    print(
        "\(name): \(typed.count) lines × \(rounds) rounds, median \(Int(result.0)) lines/s "
            + "(\(String(format: "%.1f", 1e6 / result.0)) µs a line), min \(Int(result.1)), max \(Int(result.2))")
}

// A reader built for each line, as a webhook request that builds its own would; and one reader kept for all lines.
report("reader built per line", measure { text, mode in Reader(menu: menu).read(text, mode: mode).parts.count })
let kept = Reader(menu: menu)
report("reader kept", measure { text, mode in kept.read(text, mode: mode).parts.count })

// The reducer itself, per message, on the texts bench/run posts: a new customer's single message, and the steps of a
// whole order (bench/make-bodies.py --mix), each with a context holding a kept reader as a FastCGI worker has.
@MainActor func reduceCost(_ texts: [String], fromScratch: Bool) -> Double {
    let settings = Settings(restaurantName: "Bench Kitchen")
    let reader = Reader(menu: menu)
    var samples: [Double] = []
    for _ in 0..<rounds {
        var state = State()
        var now: Int64 = 1_795_608_000_000
        let start = DispatchTime.now().uptimeNanoseconds
        var count = 0
        for _ in 0..<200 {
            for text in texts {
                if fromScratch { state = State() }
                now += 1_000
                let context = Context(
                    settings: settings, menu: menu, customerKey: "1", now: now, previousMessageAt: now - 1_000,
                    newID: "ID\(count)", reader: reader)
                state = reduce(state, .customerSent(.text(text), sentAt: now), context).state
                count += 1
            }
        }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(count))
    }
    samples.sort()
    return samples[samples.count / 2]
}
let single = ["hi", "menu", "1", "Jollof please", "hello there", "2 zobo"]
let order = [
    "hi", "1", "1", "2", "add 1 zobo", "3 fries", "remove fries", "cart", "checkout", "pickup", "skip", "confirm",
    "status",
]
print(
    String(
        format: "reduce: a new customer's first message %.1f µs; a step of a whole order %.1f µs",
        reduceCost(single, fromScratch: true), reduceCost(order, fromScratch: false)))

// The state's trip through the store (JSON, as Store.encode and storedConversation do it), for a state halfway
// through a second order.
@MainActor func stateCodingCost() throws -> Double {
    let json =
        #"{"step":"choosingFulfilment","latestSentAt":1796639754000,"offersNumbers":false,"pendingOrder":{"code":"WO-NY28RMMF","total":60000,"email":"customer-251@example.com","attempt":1},"cart":[{"itemID":9,"unitPrice":60000,"name":"Zobo Drink","quantity":1}],"lastOrder":{"lines":[{"name":"Zobo Drink","itemID":9,"quantity":1,"unitPrice":60000}],"code":"WO-NY28RMMF","total":60000,"fulfilment":{"pickup":{}},"status":"awaiting_payment"},"lastItemID":6}"#
    let data = Data(json.utf8)
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<2000 {
            let state = try JSONDecoder().decode(State.self, from: data)
            checksum &+= try JSONEncoder().encode(state).count
        }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / 2000)
    }
    samples.sort()
    return samples[samples.count / 2]
}
print(String(format: "state through Foundation's JSON (the store's codec before): %.1f µs", try stateCodingCost()))
print("[checksum \(checksum)]")
