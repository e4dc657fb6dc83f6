@testable import FolioHTTP

/// Builds a request head: the lines joined with CRLF, then the empty line.
func head(_ lines: String...) -> [UInt8] {
    Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
}

/// Bytes of an ASCII string, for hand-built inputs with odd line endings or control characters.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Runs the head parser over exactly `input` (a fresh buffer of that size, so reads past the end trap).
func parseHead(_ input: ArraySlice<UInt8>, limits: HTTPLimits = HTTPLimits()) -> (HTTPHeadParseResult, [HTTPFieldRange]) {
    var fields: [HTTPFieldRange] = []
    let copy = Array(input)
    let result = copy.withUnsafeBytes { HTTPHeadParser.parse($0, limits: limits, fields: &fields) }
    return (result, fields)
}

func parseHead(_ input: [UInt8], limits: HTTPLimits = HTTPLimits()) -> (HTTPHeadParseResult, [HTTPFieldRange]) {
    parseHead(input[...], limits: limits)
}

/// The text of `input[base + start ..< base + end]`.
func text(_ input: [UInt8], _ base: Int, _ start: Int, _ end: Int) -> String {
    String(decoding: input[(base + start)..<(base + end)], as: UTF8.self)
}

/// Small limits for the 414/431 cases.
let smallLimits: HTTPLimits = {
    var l = HTTPLimits()
    l.maxRequestLineBytes = 32
    l.maxHeaderBytes = 96
    l.maxHeaderFields = 4
    l.maxBodyBytes = 64
    l.maxChunkExtensionBytes = 8
    return l
}()

/// The small limits of the fuzz target (Sources/FolioParserFuzzer), for its regression cases.
let fuzzLimits: HTTPLimits = {
    var l = HTTPLimits()
    l.maxRequestLineBytes = 48
    l.maxHeaderBytes = 160
    l.maxHeaderFields = 6
    l.maxBodyBytes = 96
    l.maxChunkExtensionBytes = 12
    return l
}()
