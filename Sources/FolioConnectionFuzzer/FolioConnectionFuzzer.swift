// libFuzzer target for the connection state machine (HTTPConnection through ConnectionSimulator):
// each input is a sequence of events — requests of several shapes and raw bytes put in the
// socket, partial deliveries, FIN, time passing, a full or draining socket, parking and
// completing deferred responses, drain, hang-up, the end of a TLS handshake — checked after every
// event against the machine's invariants (see `ConnectionFuzzChecks.check`).
//
//     scripts/fuzz connection [SECONDS]
// Plain build: `.build/debug/FolioConnectionFuzzer FILE...` replays inputs through the same checks.

import ConnectionSimulation
import FolioHTTP

#if !FUZZING
import FuzzReplay
#endif

/// libFuzzer's entry point: one event sequence.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ConnectionFuzzChecks.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

enum ConnectionFuzzChecks {
    static let limits: HTTPLimits = {
        var l = HTTPLimits()
        l.headerTimeout = 2
        l.bodyTimeout = 3
        l.idleTimeout = 5
        l.writeTimeout = 4
        l.maxBodyBytes = 64
        l.maxHeaderBytes = 256
        l.maxRequestLineBytes = 64
        l.maxRequestsPerConnection = 12
        return l
    }()

    /// Request shapes the events put in the socket; `#` is the request's number.
    static let shapes: [String] = [
        "GET /# HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /# HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "POST /# HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "POST /# HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "PUT /# HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
        "xyz",
        "GET /# HTTP/1.0\r\n\r\n",
        "GET /# HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "POST /# HTTP/1.1\r\nHost: a\r\nContent-Length: 99\r\n\r\n",
        "GET /# HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "\r\n",
        "GET /# HTTP/1.1\r\n",
    ]

    static func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
        if !condition { fatalError("invariant: \(message())", file: file, line: line) }
    }

    static func run(_ data: [UInt8]) {
        guard let first = data.first else { return }
        var sim = ConnectionSimulator(limits: limits, now: 0, handshakeDeadline: first & 1 == 1 ? 3 : nil)
        var socket: [UInt8] = []  // bytes sent by the peer and not yet read
        var finSent = false
        var number = 0
        var i = 1
        while i + 1 < data.count {
            let op = data[i] % 12, arg = Int(data[i + 1])
            i += 2
            switch op {
            case 0, 1:
                number += 1
                let shape = shapes[arg % shapes.count].split(separator: "#", omittingEmptySubsequences: false)
                    .joined(separator: String(number))
                if !finSent { socket += Array(shape.utf8) }
            case 2:
                let n = min(socket.count, arg == 0 ? socket.count : arg)
                if n > 0, sim.receive(Array(socket[0..<n])) { socket.removeFirst(n) }
                if finSent, socket.isEmpty { sim.peerFinishes() }
            case 3:
                finSent = true
                if socket.isEmpty { sim.peerFinishes() }
            case 4:
                sim.advance(to: sim.now + Double(arg) * 0.05)
            case 5:
                sim.completeParked()
            case 6:
                sim.parkRequests.toggle()
            case 7:
                sim.socketDrains(room: arg * 4)
            case 8:
                sim.drain()
            case 9:
                if arg == 0xff { sim.hangUp() } else if arg == 0xfe { sim.socketFails = true }
            case 10:
                sim.handshakeFinishes()
            default:
                let n = min(arg % 16, data.count - i)
                if !finSent { socket += data[i..<(i + n)] }
                i += n
            }
            check(sim)
        }
        // Whatever was left: the peer's bytes arrive, the socket drains, time runs out. Every
        // parked request must have been answered or timed out, and the connection must end.
        if !socket.isEmpty { sim.receive(socket) }
        for step in 1...8 {
            sim.socketDrains()
            sim.advance(to: sim.now + 10 * Double(step))
            check(sim)
        }
        require(sim.parked == nil, "a parked request neither resumed nor timed out")
        require(sim.connection.isClosed, "the connection outlived every deadline (outcome \(sim.outcome))")
    }

    static func check(_ sim: ConnectionSimulator) {
        require(sim.writesAfterEnd == 0, "a write after close or linger")
        require(sim.dispatchesAfterEnd == 0, "a request dispatched after close or linger")
        require((sim.parked != nil) == sim.connection.isParked, "the simulator and the machine disagree about parking")
        if sim.connection.isClosed { require(sim.connection.output.isEmpty, "output kept after close") }
        // Responses in request order: the targets answered, in the order written, are the
        // targets dispatched, in the order dispatched.
        let lines = sim.responses
        let answered = lines.filter { $0.hasPrefix("R ") || $0.hasPrefix("D ") }.map { String($0.dropFirst(2).prefix { $0 != " " }) }
        // After an answer that closes (`… close`, or any refusal or timeout answer `E …`), nothing
        // more is answered.
        let isAnswer = { (line: String) in line.hasPrefix("R ") || line.hasPrefix("D ") || line.hasPrefix("E ") }
        if let last = lines.firstIndex(where: { $0.hasPrefix("E ") || (isAnswer($0) && $0.hasSuffix(" close")) }) {
            require(!lines[(last + 1)...].contains(where: isAnswer), "an answer after the connection's last one")
        }
        // A graceful close writes everything first.
        if sim.outcome == .linger, !sim.connection.isClosed { require(sim.connection.output.isEmpty, "lingering with output unsent") }
        require(answered.count <= sim.dispatched.count, "more answers than requests")
        require(Array(sim.dispatched.prefix(answered.count)) == answered,
                "responses out of order: \(answered) for \(sim.dispatched)")
    }
}

#if !FUZZING
/// Without libFuzzer: run each file named on the command line through the same checks.
@main
struct FolioConnectionFuzzer {
    static func main() { FuzzReplay.run(fuzz) }
}
#endif
