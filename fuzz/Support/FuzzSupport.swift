/// What every harness shares: turning libFuzzer's buffer into the values the product receives, and failing loudly.

/// libFuzzer's input as the bytes a handler would read from a request body or a file.
public func fuzzBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}

/// The input as text the way the product reads untrusted bytes: invalid UTF-8 is repaired, never refused, so the
/// fuzzer's odd bytes reach the parser as the replacement characters a real request would carry.
public func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
}

/// A property the product promises. A violation is a crash on purpose: libFuzzer only keeps inputs that crash, and
/// a wrong answer that never traps would otherwise pass unnoticed.
public func expect(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID,
    line: UInt = #line
) {
    if !condition() { fatalError("fuzz property violated: \(message())", file: file, line: line) }
}

/// A fixed "now" (Unix seconds) for the code that takes the clock as an argument: 2026-11-25 12:00 UTC, the start
/// of the conversation transcripts, so seeds signed for it stay valid forever.
public let fuzzNow: Int64 = 1_795_608_000

/// Splits `bytes` at the first newline: a header line and the rest (the body), for harnesses whose seeds are
/// written as `header\nbody`.
public func splitFirstLine(_ bytes: [UInt8]) -> (line: [UInt8], rest: [UInt8]) {
    guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return (bytes, []) }
    return (Array(bytes[..<newline]), Array(bytes[(newline + 1)...]))
}
