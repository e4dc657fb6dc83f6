import ConnectionSimulation
import Testing
@testable import FolioHTTP

/// The connection state machine, driven without sockets (`ConnectionSimulator`: a fake clock, a
/// fake socket, a responder that answers each request with a line naming it).
@Suite("HTTPConnection state machine (fake clock, fake socket)")
struct HTTPConnectionTests {
    /// The timer tests' deadlines (head 10 s, body 30 s, idle 60 s, write 20 s), small bodies.
    static let limits: HTTPLimits = {
        var l = ConnectionTimerTests.limits
        l.maxBodyBytes = 64
        return l
    }()

    static func get(_ path: String, _ extra: String = "") -> String {
        "GET \(path) HTTP/1.1\r\nHost: a\r\n\(extra)\r\n"
    }

    @Test("a request: dispatched, answered, written, then idle with the idle deadline")
    func oneRequest() {
        var s = ConnectionSimulator(limits: Self.limits, now: 100)
        #expect(s.connection.wantsInput)
        s.receive(Self.get("/a"))
        #expect(s.dispatched == ["/a"])
        #expect(s.responses == ["R /a 0 keep"])
        #expect(s.steps == ["request", "write", "awaitInput"])
        #expect(s.outcome == .awaitInput(idle: true))
        #expect(s.connection.timer.phase == .idle)
        #expect(s.connection.timer.deadline == 160)
        #expect(s.connection.isIdle)
    }

    @Test("16 pipelined requests in one read: answered in order, written in one write")
    func pipelining16() {
        var s = ConnectionSimulator(limits: Self.limits)
        let paths = (1...16).map { "/p\($0)" }
        s.receive(paths.map { Self.get($0) }.joined())
        #expect(s.dispatched == paths)
        #expect(s.responses == paths.map { "R \($0) 0 keep" })
        #expect(s.steps.filter { $0 == "write" }.count == 1)
        #expect(s.outcome == .awaitInput(idle: true))
    }

    @Test("pipelined requests arriving one byte at a time, with bodies of both framings")
    func pipeliningByteByByte() {
        var s = ConnectionSimulator(limits: Self.limits)
        let stream = Self.get("/a")
            + "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
            + "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
            + Self.get("/d")
        for byte in Array(stream.utf8) { s.receive([byte]) }
        #expect(s.dispatched == ["/a", "/b", "/c", "/d"])
        #expect(s.bodies.map { String(decoding: $0, as: UTF8.self) } == ["", "hello", "abcde", ""])
        #expect(s.responses == ["R /a 0 keep", "R /b 5 keep", "R /c 5 keep", "R /d 0 keep"])
        #expect(s.outcome == .awaitInput(idle: true))
    }

    @Test("a parked request holds back the ones pipelined after it; responses keep their order")
    func parkedInThePipeline() {
        var s = ConnectionSimulator(limits: Self.limits, now: 0)
        s.parkRequests = true
        s.receive(Self.get("/slow"))
        #expect(s.outcome == .awaitResponse)
        #expect(s.connection.isParked)
        #expect(!s.connection.wantsInput)  // nothing is read while a response is computed
        s.parkRequests = false
        // The next requests were in the same read as the parked one.
        var t = ConnectionSimulator(limits: Self.limits, now: 0)
        t.parkRequests = true
        t.receive(Self.get("/1") + Self.get("/2") + Self.get("/3"))
        #expect(t.dispatched == ["/1"])
        #expect(t.outcome == .awaitResponse)
        t.parkRequests = false
        t.completeParked()
        #expect(t.dispatched == ["/1", "/2", "/3"])
        #expect(t.responses == ["D /1 0 keep", "R /2 0 keep", "R /3 0 keep"])
        #expect(t.outcome == .awaitInput(idle: true))
    }

    @Test("an earlier response waits in a full socket while the next request is parked: written first")
    func outputBeforeAParkedResponse() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.socketRoom = 0
        s.receive(Self.get("/1"))
        #expect(s.outcome == .awaitWritable)
        s.socketDrains()
        #expect(s.responses == ["R /1 0 keep"])
        s.parkRequests = true
        s.receive(Self.get("/2"))
        #expect(s.outcome == .awaitResponse)
        s.completeParked()
        #expect(s.responses == ["R /1 0 keep", "D /2 0 keep"])
    }

    @Test("Expect: 100-continue: the interim answer goes out before the body arrives, and only then")
    func hundredContinue() {
        var s = ConnectionSimulator(limits: Self.limits, now: 0)
        s.receive("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        #expect(String(decoding: s.written, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
        #expect(s.dispatched.isEmpty)
        #expect(s.connection.timer.phase == .readingBody)
        #expect(s.connection.timer.deadline == 30)
        s.receive("abcd")
        #expect(s.dispatched == ["/u"])
        #expect(String(decoding: s.written, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\nR /u 4 keep\n")

        // The body came with the head: no interim answer.
        var t = ConnectionSimulator(limits: Self.limits)
        t.receive("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\nabcd")
        #expect(t.responses == ["R /u 4 keep"])
    }

    @Test("Connection: close — answered, then the sending side shut and lingering until the peer closes or 2 s pass")
    func closeAndLinger() {
        var s = ConnectionSimulator(limits: Self.limits, now: 10)
        s.receive(Self.get("/a", "Connection: close\r\n") + Self.get("/never"))
        #expect(s.dispatched == ["/a"])  // nothing after a closing request is handled
        #expect(s.responses == ["R /a 0 close"])
        #expect(s.outcome == .linger)
        #expect(s.connection.isLingering)
        #expect(!s.connection.wantsInput)
        s.advance(to: 11.9)
        #expect(s.outcome == .linger)
        s.advance(to: 12)
        #expect(s.outcome == .close)
        #expect(s.connection.isClosed)
        #expect(s.writesAfterEnd == 0 && s.dispatchesAfterEnd == 0)
    }

    @Test("a peer that half-closes after its request still gets the answer, then the connection closes (no lingering)")
    func halfCloseAfterRequest() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.socketRoom = 0
        s.receive(Self.get("/a"))
        #expect(s.outcome == .awaitWritable)
        s.connection.peerFinishedSending()
        s.socketDrains()
        #expect(s.responses == ["R /a 0 keep"])
        #expect(s.outcome == .close)

        // With the request and the FIN read together.
        var t = ConnectionSimulator(limits: Self.limits)
        t.connection.received(Array(Self.get("/b", "Connection: close\r\n").utf8)[...], now: 0)
        t.connection.peerFinishedSending()
        t.run()
        #expect(t.responses == ["R /b 0 close"])
        #expect(t.outcome == .close)
    }

    @Test("a peer that half-closes in the middle of a request is closed without an answer")
    func halfCloseMidRequest() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.receive("GET /a HTTP/1.1\r\nHo")
        #expect(s.outcome == .awaitInput(idle: false))
        s.peerFinishes()
        #expect(s.outcome == .close)
        #expect(s.written.isEmpty)
    }

    @Test("idle timeout: closed in silence at idleTimeout after the last response")
    func idleTimeout() {
        var s = ConnectionSimulator(limits: Self.limits, now: 0)
        s.receive(Self.get("/a"))
        s.advance(to: 59.9)
        #expect(s.outcome == .awaitInput(idle: true))
        s.advance(to: 60)
        #expect(s.outcome == .close)
        #expect(s.responses == ["R /a 0 keep"])
    }

    @Test("head timeout: a partial head gets 408 at headerTimeout after its first byte, then the connection lingers")
    func headTimeout() {
        var s = ConnectionSimulator(limits: Self.limits, now: 0)
        s.receive("GET /a HT")
        s.advance(to: 5)
        s.receive("TP/1.1\r\n")  // more bytes do not extend the deadline (slowloris)
        s.advance(to: 9.99)
        #expect(s.written.isEmpty)
        s.advance(to: 10)
        #expect(s.responses == ["E 408"])
        #expect(s.outcome == .linger)
        #expect(s.dispatched.isEmpty)
    }

    @Test("body timeout: a body that stops arriving gets 408 at bodyTimeout after the head")
    func bodyTimeout() {
        var s = ConnectionSimulator(limits: Self.limits, now: 0)
        s.receive("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
        s.advance(to: 29.9)
        #expect(s.written.isEmpty)
        s.advance(to: 30)
        #expect(s.responses == ["E 408"])
        #expect(s.dispatched.isEmpty)
    }

    @Test("write timeout: a client that stops reading is closed; one that reads slowly keeps its connection")
    func writeTimeout() {
        var s = ConnectionSimulator(limits: Self.limits, now: 0)
        s.socketRoom = 0
        s.receive(Self.get("/a"))
        #expect(s.outcome == .awaitWritable)
        #expect(s.connection.timer.phase == .writing)
        s.advance(to: 19.9)
        #expect(s.outcome == .awaitWritable)
        s.advance(to: 20)
        #expect(s.outcome == .close)
        #expect(s.written.isEmpty)

        var t = ConnectionSimulator(limits: Self.limits, now: 0)
        t.socketRoom = 0
        t.receive(Self.get("/b"))
        t.advance(to: 15)
        t.socketDrains(room: 3)  // some bytes go: the deadline starts again
        #expect(t.outcome == .awaitWritable)
        #expect(t.connection.timer.deadline == 35)
        t.advance(to: 34)
        t.socketDrains()
        #expect(t.responses == ["R /b 0 keep"])
        #expect(t.outcome == .awaitInput(idle: true))
        #expect(t.connection.timer.phase == .idle)
    }

    @Test("a deferred response that outlives the write timeout: the work is cancelled, 503 answered, connection closed after it")
    func responseTimeout() {
        var s = ConnectionSimulator(limits: Self.limits, now: 0)
        s.parkRequests = true
        s.receive(Self.get("/slow") + Self.get("/next"))
        s.advance(to: 19)
        #expect(s.outcome == .awaitResponse)
        s.advance(to: 20)
        #expect(s.cancelled == [0])
        #expect(s.responses == ["E 503"])
        #expect(s.outcome == .linger)
        #expect(s.dispatched == ["/slow"])  // the pipelined request behind it is not handled
        s.completeParked()  // the work finishes late: nothing happens
        #expect(s.responses == ["E 503"])
    }

    @Test("a hang-up while parked cancels the work")
    func hangUpWhileParked() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.parkRequests = true
        s.receive(Self.get("/slow"))
        s.hangUp()
        #expect(s.cancelled == [0])
        #expect(s.connection.isClosed)
        s.completeParked()
        #expect(s.written.isEmpty)
    }

    @Test("a failed write while a later request is parked ends the connection and hands back the work to cancel")
    func failedWriteWhileParked() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.parkedTargets = ["/2"]
        s.socketFails = true
        s.receive(Self.get("/1") + Self.get("/2"))
        #expect(s.dispatched == ["/1", "/2"])
        #expect(s.cancelled == [1])
        #expect(s.parked == nil)
        #expect(s.outcome == .close)
    }

    @Test("a body still arriving after a blocked write gets its 408 at the body deadline, not a silent close")
    func bodyDeadlineAfterBlockedWrite() {
        var s = ConnectionSimulator(limits: Self.limits, now: 0)
        s.socketRoom = 0
        s.receive("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        #expect(s.outcome == .awaitWritable)  // the 100 Continue waits in a full socket
        #expect(s.connection.timer.phase == .writing)
        s.advance(to: 5)
        s.socketDrains()
        #expect(s.connection.timer.phase == .readingBody)
        #expect(s.connection.timer.deadline == 35)
        s.advance(to: 34.9)
        #expect(!String(decoding: s.written, as: UTF8.self).hasSuffix("E 408\n"))
        s.advance(to: 35)
        #expect(String(decoding: s.written, as: UTF8.self).hasSuffix("E 408\n"))
    }

    @Test("drain: an idle connection closes at once")
    func drainIdle() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.receive(Self.get("/a"))
        s.drain()
        #expect(s.outcome == .close)
        #expect(s.responses == ["R /a 0 keep"])
    }

    @Test("drain during a deferred response: the response goes out with close, then the connection lingers")
    func drainWhileParked() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.parkRequests = true
        s.receive(Self.get("/slow"))
        s.drain()
        #expect(s.outcome == .awaitResponse)
        s.completeParked()
        #expect(s.responses == ["D /slow 0 close"])
        #expect(s.outcome == .linger)
    }

    @Test("drain while a body arrives: the request is answered with close")
    func drainDuringBody() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.receive("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab")
        s.drain()
        #expect(s.outcome == .awaitInput(idle: false))
        s.receive("cd")
        #expect(s.responses == ["R /a 4 close"])
        #expect(s.outcome == .linger)
    }

    @Test("drain with output still waiting: written, then closed; nothing more is read")
    func drainWithOutputPending() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.socketRoom = 0
        s.receive(Self.get("/a"))
        s.drain()
        #expect(s.outcome == .awaitWritable)
        s.socketDrains()
        #expect(s.responses == ["R /a 0 keep"])
        #expect(s.outcome == .linger)
    }

    @Test("a malformed request is refused, the rest of the input dropped, and the connection lingers")
    func refusal() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.receive(Self.get("/ok") + "GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n" + Self.get("/smuggled"))
        #expect(s.dispatched == ["/ok"])
        #expect(s.responses == ["R /ok 0 keep", "E 400"])
        #expect(s.outcome == .linger)
    }

    @Test("a body over the limit is refused with 413 before it is read")
    func bodyTooLarge() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.receive("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 65\r\n\r\n")
        #expect(s.responses == ["E 413"])
        #expect(s.steps.first == "refuse 413")
    }

    @Test("maxRequestsPerConnection: the last allowed request is answered with close")
    func requestLimit() {
        var limits = Self.limits
        limits.maxRequestsPerConnection = 3
        var s = ConnectionSimulator(limits: limits)
        s.receive(Self.get("/1") + Self.get("/2") + Self.get("/3") + Self.get("/4"))
        #expect(s.responses == ["R /1 0 keep", "R /2 0 keep", "R /3 0 close"])
        #expect(s.outcome == .linger)
    }

    @Test("large responses are written between pipelined requests; a full socket stops the pipeline until it drains")
    func flushThresholdAndBackPressure() {
        var s = ConnectionSimulator(limits: Self.limits)
        // Fill the output above the threshold first, with the socket full.
        s.socketRoom = 0
        s.connection.received(Array((Self.get("/1") + Self.get("/2")).utf8)[...], now: 0)
        s.connection.output.append([UInt8](repeating: 0x2e, count: HTTPConnection<Int>.flushThreshold))
        s.run()
        #expect(s.dispatched.isEmpty)  // over the threshold: write before handling more
        #expect(s.outcome == .awaitWritable)
        s.socketDrains()
        #expect(s.dispatched == ["/1", "/2"])
        #expect(s.outcome == .awaitInput(idle: true))
    }

    @Test("TLS: no HTTP before the handshake; its deadline closes in silence; once done, requests flow")
    func handshake() {
        var s = ConnectionSimulator(limits: Self.limits, now: 0, handshakeDeadline: 10)
        #expect(s.connection.isHandshaking)
        s.run()
        #expect(s.outcome == .awaitInput(idle: false))
        s.advance(to: 9.9)
        #expect(s.connection.isHandshaking)
        s.advance(to: 10)
        #expect(s.outcome == .close)
        #expect(s.written.isEmpty)

        var t = ConnectionSimulator(limits: Self.limits, now: 0, handshakeDeadline: 10)
        t.handshakeFinishes()
        #expect(!t.connection.isHandshaking)
        t.receive(Self.get("/a"))
        #expect(t.responses == ["R /a 0 keep"])
    }

    @Test("after close: no step writes or dispatches, whatever arrives")
    func nothingAfterClose() {
        var s = ConnectionSimulator(limits: Self.limits)
        s.receive(Self.get("/a"))
        s.hangUp()
        let taken = s.receive(Self.get("/b"))
        #expect(!taken)
        s.socketDrains()
        s.advance(to: 1000)
        s.drain()
        #expect(s.dispatched == ["/a"])
        #expect(s.writesAfterEnd == 0 && s.dispatchesAfterEnd == 0)
        #expect(s.connection.isClosed)
    }
}
