import FuzzSupport
import Gateway

// A request as a handler receives it: the CGI variables (from `environ`, or a FastCGI request's params, as
// NUL-terminated `KEY=value` C strings) and the body, with the `CONTENT_LENGTH` rules in between, then the
// response written back. Input: one `KEY=value` line per variable, an empty line, then the body bytes, the way
// `env` would print a CGI request. Seeds: fuzz/seeds/gateway-request and every provider fixture as a signed POST.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let (entries, body) = splitRequest(fuzzBytes(data, size))
    let kept = withEnviron(entries) { Request.variables($0) }
    let everything = withEnviron(entries) { Request.variables($0, everything: true) }
    for (name, value) in kept {
        // The filter only drops variables a request never reads; it never invents or changes one.
        expect(everything[name] == value, "\(name) kept with another value than the whole environment has")
    }

    let request: Request
    switch BodyPlan.plan(params: kept) {
    case .read(let length):
        expect(length >= 0 && length <= BodyPlan.maximumBytes, "a body plan of \(length) bytes")
        // The host never hands a short body on (it answers `BodyPlan.truncated`), so neither does this.
        guard body.count >= length else { return respond(BodyPlan.truncated, echo: "") }
        request = Request(params: kept, body: Array(body.prefix(length)))
    case .reject(let response):
        // Malformed (400), a POST without a length (411), too large (413): nothing else keeps a body unread.
        expect([400, 411, 413].contains(response.status), "a body plan rejecting with \(response.status)")
        expect(
            response.status != 411 || kept["REQUEST_METHOD"]?.uppercased() == "POST",
            "411 for a \(kept["REQUEST_METHOD"] ?? "GET") request")
        return respond(response, echo: "")
    }

    _ = request.method
    _ = request.path
    let query = request.query
    let signature = request.header("X-Hub-Signature-256") ?? ""
    _ = request.header("x-paystack-signature")
    _ = request.header("Content-Type")
    // NB: bytes, not Characters: "+" followed by a combining mark is one Character that is not "+", yet its "+"
    // is still decoded to a space (found by the fuzzer in CI; the harness was wrong, not the decoder).
    for (key, value) in query where !key.utf8.contains(UInt8(ascii: "%")) && !key.utf8.contains(UInt8(ascii: "+")) {
        expect(Query.percentDecode(key) == key, "percent-decoding changed \(key), which has nothing to decode")
        _ = value
    }
    // Handlers put what clients sent into responses (the handshake's challenge, a redirect's target): the bytes
    // written back must keep their shape whatever those values hold.
    return respond(.text(200, query["hub.challenge"] ?? "ok"), echo: signature + (query["reference"] ?? ""))
}

/// Splits at the first empty line: the variables above it, the body after it.
private func splitRequest(_ bytes: [UInt8]) -> (entries: [[UInt8]], body: [UInt8]) {
    var entries: [[UInt8]] = []
    var start = bytes.startIndex
    while start < bytes.endIndex {
        let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        if end == start { return (entries, Array(bytes[(end + 1)...])) }
        entries.append(Array(bytes[start..<end]))
        start = end + 1
    }
    return (entries, [])
}

/// The variables as `environ` holds them: a null-terminated array of NUL-terminated C strings. A NUL inside an
/// entry ends that C string early, as it would in a real environment block.
private func withEnviron<Result>(
    _ entries: [[UInt8]], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Result
) -> Result {
    let strings = entries.map { entry -> UnsafeMutablePointer<CChar> in
        let string = UnsafeMutablePointer<CChar>.allocate(capacity: entry.count + 1)
        for (offset, byte) in entry.enumerated() { string[offset] = CChar(bitPattern: byte) }
        string[entry.count] = 0
        return string
    }
    let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
    for (offset, string) in strings.enumerated() { array[offset] = string }
    array[strings.count] = nil
    defer {
        strings.forEach { $0.deallocate() }
        array.deallocate()
    }
    return body(array)
}

/// Serialises a response carrying `echo` in a header, and checks that no value added a line to the head.
private func respond(_ response: Response, echo: String) -> CInt {
    var response = response
    response.headers.append(Response.Header("X-Echo", echo))
    let bytes = response.serialized()
    let head = headLength(bytes)
    expect(head != nil, "a serialised response without the blank line that ends its head")
    guard let head else { return 0 }
    // "Status:", each header, and Content-Length: every line of the head ends in CRLF and no value adds one.
    let lines = 1 + response.headers.count + 1
    let newlines = bytes[..<head].filter { $0 == UInt8(ascii: "\n") }.count
    let returns = bytes[..<head].filter { $0 == UInt8(ascii: "\r") }.count
    expect(newlines == lines && returns == lines, "a header value split the head into \(newlines) lines")
    expect(bytes.count - head - 2 == response.body.count, "the body changed on the way out")
    return 0
}

/// The offset of the CRLF CRLF's second CRLF: where the head ends and the body starts.
private func headLength(_ bytes: [UInt8]) -> Int? {
    let end: [UInt8] = [13, 10, 13, 10]
    guard bytes.count >= end.count else { return nil }
    for index in 0...(bytes.count - end.count) where bytes[index..<(index + end.count)].elementsEqual(end) {
        return index + 2
    }
    return nil
}
