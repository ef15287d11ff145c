import Foundation
import Testing

/// Compares `actual` with `Goldens/<name>.txt` beside the calling test file. A missing golden (or
/// `RECORD_GOLDENS=1`) is written and the test fails, so a recording is always looked at before it is trusted.
public func assertGolden(
    _ actual: String, named name: String, filePath: StaticString = #filePath,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let testFile = URL(fileURLWithPath: "\(filePath)")
    let url = testFile.deletingLastPathComponent().appendingPathComponent("Goldens")
        .appendingPathComponent("\(name).txt")
    let record = ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1"
    let expected = try? String(contentsOf: url, encoding: .utf8)
    if record || expected == nil {
        try? FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        Issue.record("Recorded golden \(name).txt; check it and run again.", sourceLocation: sourceLocation)
        return
    }
    if actual != expected {
        Issue.record(
            "Golden \(name).txt differs:\n\(lineDiff(expected: expected ?? "", actual: actual))",
            sourceLocation: sourceLocation)
    }
}

/// The first differing lines, enough to see what changed without a diff tool.
public func lineDiff(expected: String, actual: String) -> String {
    let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var out: [String] = []
    for index in 0..<max(old.count, new.count) where out.count < 12 {
        let a = index < old.count ? String(old[index]) : "<none>"
        let b = index < new.count ? String(new[index]) : "<none>"
        if a != b { out.append("line \(index + 1):\n  - \(a)\n  + \(b)") }
    }
    return out.joined(separator: "\n")
}
