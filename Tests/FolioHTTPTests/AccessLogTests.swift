import Foundation
import Testing
@testable import FolioHTTP

@Suite("Access log lines")
struct AccessLogTests {
    /// The longest line there can be: a 2,048-byte path of quotes (each escaped to two bytes),
    /// extra path bytes cut, the longest client request id, and the largest numbers.
    @Test("the worst-case line fits and is valid JSON", arguments: [true, false])
    func worstCase(json: Bool) throws {
        var log = AccessLog(json: json)
        let path = [UInt8](repeating: 0x22, count: 3000)[...]
        let id = try #require(RequestID(given: [UInt8](repeating: 0x61, count: RequestID.maxGivenLength)[...]))
        log.record(method: .options, path: path, status: 599, bytes: Int.max, micros: Int64.max, requestID: id)
        let line = log.buffered
        #expect(line.last == 0x0A)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.contains(String(repeating: "a", count: RequestID.maxGivenLength)))
        #expect(text.contains(String(Int.max)))
        if json {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            #expect((object["path"] as? String)?.count == AccessLog.maxPathBytes)
            #expect(object["method"] as? String == "OPTIONS")
            #expect(object["status"] as? Int == 599)
        } else {
            #expect(text.contains(" OPTIONS "))
            #expect(text.contains(" 599 "))
        }
    }

    @Test("control and non-ASCII bytes print as ?, quotes and backslashes are escaped in JSON")
    func escaping() throws {
        var log = AccessLog(json: true)
        log.record(method: .get, path: Array("/a\"b\\c\u{1}d\u{7f}".utf8)[...] + [0xC3], status: 200, bytes: 5, micros: 7, requestID: nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(log.buffered)) as? [String: Any])
        #expect(object["path"] as? String == "/a\"b\\c?d??")
        #expect(object["us"] as? Int == 7)
    }
}
