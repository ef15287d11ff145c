import Conversation
import Domain
import Foundation

// The reader's microbenchmark (bench/reader): reads every line of the corpus files given, many times, and prints
// lines per second. Not installed: it measures, it serves nothing.
let arguments = Array(CommandLine.arguments.dropFirst())
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
print("[checksum \(checksum)]")
