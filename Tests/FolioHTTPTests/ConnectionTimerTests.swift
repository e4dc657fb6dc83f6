import Testing
@testable import FolioHTTP

@Suite("Connection timer (fake clock)")
struct ConnectionTimerTests {
    static let limits: HTTPLimits = {
        var l = HTTPLimits()
        l.headerTimeout = 10
        l.bodyTimeout = 30
        l.idleTimeout = 60
        l.writeTimeout = 20
        return l
    }()

    @Test("idle: closes silently after idleTimeout")
    func idle() {
        let t = ConnectionTimer(now: 100, limits: Self.limits)
        #expect(t.phase == .idle)
        #expect(t.deadline == 160)
        #expect(t.expiry(now: 159.999) == nil)
        #expect(t.expiry(now: 160) == .close)
    }

    @Test("a partial head: 408 after headerTimeout, measured from the first byte")
    func partialHead() {
        var t = ConnectionTimer(now: 0, limits: Self.limits)
        t.requestBytesArrived(now: 5)
        #expect(t.phase == .readingHead)
        #expect(t.deadline == 15)
        // More bytes of the same head do not extend the deadline (slowloris).
        t.requestBytesArrived(now: 14)
        #expect(t.deadline == 15)
        #expect(t.expiry(now: 14.9) == nil)
        #expect(t.expiry(now: 15) == .requestTimeout)
    }

    @Test("body phase: 408 after bodyTimeout")
    func body() {
        var t = ConnectionTimer(now: 0, limits: Self.limits)
        t.requestBytesArrived(now: 1)
        t.awaitingBody(now: 2)
        #expect(t.phase == .readingBody)
        #expect(t.deadline == 32)
        t.requestBytesArrived(now: 20)  // body bytes: no change
        #expect(t.phase == .readingBody)
        #expect(t.expiry(now: 31) == nil)
        #expect(t.expiry(now: 32) == .requestTimeout)
    }

    @Test("writing: wroteSome pushes the deadline, a stalled reader is closed")
    func writing() {
        var t = ConnectionTimer(now: 0, limits: Self.limits)
        t.requestBytesArrived(now: 0)
        t.responded(now: 1, pendingOutput: true, partialRequestBuffered: false)
        #expect(t.phase == .writing)
        #expect(t.deadline == 21)
        t.wroteSome(now: 15)
        #expect(t.deadline == 35)
        #expect(t.expiry(now: 34) == nil)
        #expect(t.expiry(now: 35) == .close)
        // wroteSome outside the writing phase changes nothing.
        var idle = ConnectionTimer(now: 0, limits: Self.limits)
        idle.wroteSome(now: 50)
        #expect(idle.deadline == 60)
    }

    @Test("responded: idle, or straight to reading a pipelined partial head")
    func responded() {
        var t = ConnectionTimer(now: 0, limits: Self.limits)
        t.requestBytesArrived(now: 0)
        t.responded(now: 3, pendingOutput: false, partialRequestBuffered: false)
        #expect(t.phase == .idle)
        #expect(t.deadline == 63)
        t.requestBytesArrived(now: 4)
        t.responded(now: 5, pendingOutput: false, partialRequestBuffered: true)
        #expect(t.phase == .readingHead)
        #expect(t.deadline == 15)
        #expect(t.expiry(now: 15) == .requestTimeout)
        // Pending output wins over a buffered partial request.
        t.responded(now: 6, pendingOutput: true, partialRequestBuffered: true)
        #expect(t.phase == .writing)
        #expect(t.deadline == 26)
    }
}
