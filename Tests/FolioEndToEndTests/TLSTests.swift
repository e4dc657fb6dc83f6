import Foundation
import Glibc
import Testing

/// HTTPS against the real binary, with curl and `openssl s_client` as the clients: both protocol
/// versions, what is refused, the handshake timeout, SIGHUP with a new and with a broken
/// certificate, start-up errors, and the plain port's redirect.
@Suite(.serialized) struct TLSTests {
    /// A folder with a fresh self-signed certificate and key for localhost (`folio cert`).
    final class Certificates {
        let directory: URL
        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("folio-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try make("cert.pem", "key.pem")
        }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        /// Writes another certificate and key pair under these names.
        func make(_ cert: String, _ key: String) throws {
            let r = try FolioTool.run(["cert", "--self-signed", "--host", "localhost", "--cert", path(cert), "--key", path(key)])
            #expect(r.status == 0, "\(r.output)")
        }
        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    /// A server with HTTPS on a free port; Public/big.txt is 100 KiB (several TLS records).
    func server(_ certs: Certificates, tls extra: [String: Any] = [:]) throws -> ServerProcess {
        var tls: [String: Any] = ["certificate": certs.path("cert.pem"), "private_key": certs.path("key.pem"), "port": 0]
        for (k, v) in extra { tls[k] = v }
        return try ServerProcess(config: ["tls": tls]) { dir in
            try String(repeating: "0123456789abcdef", count: 6_400).write(to: dir.appendingPathComponent("Public/big.txt"),
                                                                          atomically: true, encoding: .utf8)
        }
    }

    @Test func curlOverTLS13AndTLS12() throws {
        let certs = try Certificates()
        let server = try server(certs)
        defer { server.stop() }
        #expect(server.tlsPort > 0 && server.port > 0)
        for versions in [["--tlsv1.3"], ["--tlsv1.2", "--tls-max", "1.2"]] {
            let r = try Client.run("/usr/bin/curl", ["-sv", "--cacert", certs.path("cert.pem")] + versions
                                   + ["https://localhost:\(server.tlsPort)/api/v1/articles?per_page=1"])
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("< HTTP/1.1 200 OK"))
            #expect(r.output.contains(versions[0] == "--tlsv1.3" ? "SSL connection using TLSv1.3" : "SSL connection using TLSv1.2"))
            #expect(r.output.contains("ALPN: server accepted http/1.1"))
            #expect(r.output.contains("\"data\":["), "the API's JSON")
        }
        // The plain port still serves (tls.plain_http defaults to "serve").
        let plain = try Client.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(server.port)/healthz"])
        #expect(plain.output == "{\"status\":\"ok\"}")
        let metrics = try Client.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(server.port)/metrics"])
        #expect(metrics.output.contains("folio_tls_handshakes_total 2"))
    }

    /// Sixteen requests in one TLS write, answered in order; large answers span several records.
    @Test func pipelinedRequestsAndLargeAnswersOverTLS() throws {
        let certs = try Certificates()
        let server = try server(certs)
        defer { server.stop() }
        for version: Int32 in [12, 13] {
            let c = try RawClient(port: server.tlsPort, tls: RawClient.TLS(caFile: certs.path("cert.pem"), version: version))
            #expect(c.tlsVersion == (version == 12 ? "TLSv1.2" : "TLSv1.3"))
            let targets = (0..<16).map { $0 % 2 == 0 ? "/healthz" : "/big.txt" }
            c.send(targets.map { "GET \($0) HTTP/1.1\r\nHost: localhost\r\n\r\n" }.joined())
            for target in targets {
                let r = try c.readResponse()
                #expect(r.status == 200, "\(target)")
                if target == "/healthz" {
                    #expect(r.text == "{\"status\":\"ok\"}")
                } else {
                    #expect(r.body.count == 102_400 && r.text.hasSuffix("0123456789abcdef"), "\(target)")
                }
            }
        }
    }

    @Test func opensslClientResumesAndPipelines() throws {
        let certs = try Certificates()
        let server = try server(certs)
        defer { server.stop() }
        let session = certs.path("session.pem")
        let request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /api/v1/tags HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        let first = try Client.run("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(server.tlsPort)", "-servername", "localhost",
                                                        "-CAfile", certs.path("cert.pem"), "-alpn", "http/1.1", "-tls1_3",
                                                        "-sess_out", session, "-ign_eof"], input: request)
        #expect(first.output.contains("Verify return code: 0 (ok)"), "\(first.output)")
        #expect(first.output.contains("ALPN protocol: http/1.1"))
        #expect(first.output.components(separatedBy: "HTTP/1.1 200 OK").count == 3, "two pipelined answers")
        let second = try Client.run("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(server.tlsPort)", "-servername", "localhost",
                                                         "-CAfile", certs.path("cert.pem"), "-tls1_3", "-sess_in", session, "-ign_eof"],
                                    input: "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        #expect(second.output.contains("Reused, TLSv1.3"), "\(second.output)")
        #expect(second.output.contains("HTTP/1.1 200 OK"))
    }

    @Test func oldProtocolsAndPlaintextAreRefused() throws {
        let certs = try Certificates()
        let server = try server(certs)
        defer { server.stop() }
        for version in ["-tls1", "-tls1_1"] {
            let r = try Client.run("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(server.tlsPort)", version,
                                                        "-cipher", "DEFAULT@SECLEVEL=0"],
                                   input: "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(r.status != 0, "\(version) was accepted: \(r.output)")
            #expect(!r.output.contains("HTTP/1.1 200"))
        }
        // A plaintext request on the HTTPS port: closed, nothing in plain text comes back.
        let raw = try RawClient(port: server.tlsPort)
        raw.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let answer = raw.readAll(timeout: 5)
        #expect(!String(decoding: answer, as: UTF8.self).contains("HTTP/1.1"))
        // An SSLv2-style hello (an old client): refused the same way.
        let old = try RawClient(port: server.tlsPort)
        old.send([0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10] + [UInt8](repeating: 0x01, count: 37))
        #expect(!String(decoding: old.readAll(timeout: 5), as: UTF8.self).contains("HTTP"))
        // And the server is fine.
        let after = try Client.run("/usr/bin/curl", ["-s", "--cacert", certs.path("cert.pem"), "https://localhost:\(server.tlsPort)/healthz"])
        #expect(after.output == "{\"status\":\"ok\"}")
        let metrics = try Client.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(server.port)/metrics"])
        #expect(metrics.output.contains("folio_tls_failed_total 4"), "\(metrics.output)")
    }

    @Test func aStalledHandshakeIsClosedAtItsTimeoutWhileOthersAreServed() throws {
        let certs = try Certificates()
        let server = try server(certs, tls: ["handshake_timeout": 1])
        defer { server.stop() }
        // One client sends half a ClientHello record header and stops; another sends nothing.
        let stalled = try RawClient(port: server.tlsPort)
        stalled.send([0x16, 0x03, 0x01])
        let silent = try RawClient(port: server.tlsPort)
        let started = Date()
        let served = try Client.run("/usr/bin/curl", ["-s", "--cacert", certs.path("cert.pem"), "https://localhost:\(server.tlsPort)/healthz"])
        #expect(served.output == "{\"status\":\"ok\"}")
        #expect(stalled.isClosed(timeout: 10))
        #expect(silent.isClosed(timeout: 10))
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.9 && waited < 8, "closed after \(waited) s with a 1 s handshake timeout")
    }

    @Test func sighupServesANewCertificateAndKeepsOpenConnections() throws {
        let certs = try Certificates()
        try certs.make("cert-b.pem", "key-b.pem")
        let server = try server(certs)
        defer { server.stop() }
        let url = "https://localhost:\(server.tlsPort)/healthz"
        // A keep-alive connection opened with the first certificate.
        let open = try Client.Session(["s_client", "-connect", "127.0.0.1:\(server.tlsPort)", "-servername", "localhost",
                                       "-CAfile", certs.path("cert.pem"), "-ign_eof", "-quiet"])
        defer { open.close() }
        try open.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(open.waitFor(count: 1, of: "HTTP/1.1 200 OK"))

        // The files are replaced, then SIGHUP.
        try FileManager.default.removeItem(atPath: certs.path("cert.pem"))
        try FileManager.default.removeItem(atPath: certs.path("key.pem"))
        try FileManager.default.copyItem(atPath: certs.path("cert-b.pem"), toPath: certs.path("cert.pem"))
        try FileManager.default.copyItem(atPath: certs.path("key-b.pem"), toPath: certs.path("key.pem"))
        kill(server.process.processIdentifier, SIGHUP)
        #expect(FolioTool.eventually { server.printed.contains("reloaded the TLS certificate") }, "\(server.printed)")
        let trustsNew = try Client.run("/usr/bin/curl", ["-s", "--cacert", certs.path("cert-b.pem"), url])
        #expect(trustsNew.output == "{\"status\":\"ok\"}", "new connections get the new certificate")
        // The old connection still works.
        try open.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(open.waitFor(count: 2, of: "HTTP/1.1 200 OK"))

        // A broken file: reported, and the certificate in use stays.
        try "not a certificate".write(toFile: certs.path("cert.pem"), atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        #expect(FolioTool.eventually { server.printed.contains("still using the previous certificate") }, "\(server.printed)")
        #expect(server.printed.contains(certs.path("cert.pem")), "the message names the file")
        let still = try Client.run("/usr/bin/curl", ["-s", "--cacert", certs.path("cert-b.pem"), url])
        #expect(still.output == "{\"status\":\"ok\"}")
    }

    /// `tls.plain_http: "off"`: no plain listener at all, HTTPS only.
    @Test func httpsAlone() throws {
        let certs = try Certificates()
        let server = try server(certs, tls: ["plain_http": "off"])
        defer { server.stop() }
        #expect(server.port == 0 && server.tlsPort > 0)
        #expect(!server.printed.contains("http://127.0.0.1"), "\(server.printed)")
        let r = try Client.run("/usr/bin/curl", ["-s", "--cacert", certs.path("cert.pem"), "https://localhost:\(server.tlsPort)/healthz"])
        #expect(r.output == "{\"status\":\"ok\"}")
    }

    @Test func badCertificateFilesStopStartUpNamingTheFile() throws {
        let certs = try Certificates()
        try certs.make("other.pem", "other-key.pem")
        let missing = certs.path("missing.pem")
        let r1 = try FolioTool.run(["serve", "--port", "0", "--database", certs.path("a.sqlite"),
                                    "--tls-cert", missing, "--tls-key", certs.path("key.pem"), "--tls-port", "0"])
        #expect(r1.status != 0)
        #expect(r1.output.contains("cannot read the TLS certificate \(missing)"), "\(r1.output)")
        let r2 = try FolioTool.run(["serve", "--port", "0", "--database", certs.path("b.sqlite"),
                                    "--tls-cert", certs.path("cert.pem"), "--tls-key", certs.path("other-key.pem"), "--tls-port", "0"])
        #expect(r2.status != 0)
        #expect(r2.output.contains("does not match the certificate"), "\(r2.output)")
        #expect(r2.output.contains(certs.path("other-key.pem")))
        let r3 = try FolioTool.run(["serve", "--port", "0", "--database", certs.path("c.sqlite"), "--tls-cert", certs.path("cert.pem")])
        #expect(r3.status != 0)
        #expect(r3.output.contains("tls.certificate and tls.private_key go together"), "\(r3.output)")
    }

    @Test func plainPortRedirectsAndHTTPSSendsHSTS() throws {
        let certs = try Certificates()
        let server = try server(certs, tls: ["plain_http": "redirect", "hsts_max_age": 31_536_000])
        defer { server.stop() }
        let plain = try RawClient(port: server.port)
        plain.send("GET /api/v1/articles?per_page=2 HTTP/1.1\r\nHost: localhost:\(server.port)\r\n\r\n")
        let response = try plain.readResponse()
        #expect(response.status == 308)
        #expect(response.header("Location") == "https://localhost:\(server.tlsPort)/api/v1/articles?per_page=2")
        #expect(response.header("Strict-Transport-Security") == nil, "HSTS only over HTTPS")
        let secure = try Client.run("/usr/bin/curl", ["-si", "--cacert", certs.path("cert.pem"), "https://localhost:\(server.tlsPort)/healthz"])
        #expect(secure.output.contains("Strict-Transport-Security: max-age=31536000\r\n"), "\(secure.output)")
        // Followed by curl, the redirect lands on the API over HTTPS.
        let followed = try Client.run("/usr/bin/curl", ["-sL", "--cacert", certs.path("cert.pem"), "-o", "/dev/null", "-w", "%{http_code} %{url_effective}",
                                                        "http://localhost:\(server.port)/healthz"])
        #expect(followed.output == "200 https://localhost:\(server.tlsPort)/healthz")
    }
}

/// Client programs (curl, openssl) run to completion with input, bounded in time; and a
/// long-running `openssl s_client` whose input stays open (a keep-alive connection).
enum Client {
    static func run(_ executable: String, _ arguments: [String], input: String? = nil, timeout: TimeInterval = 20) throws -> Tool.Result {
        // s_client with -ign_eof waits for the server to close; without input, stdin closes at once.
        try Tool.run(URL(fileURLWithPath: executable), arguments, in: FileManager.default.temporaryDirectory, input: input, timeout: timeout)
    }

    /// `openssl ARGUMENTS` kept running: what is sent goes to its input, its output collects in a file.
    final class Session {
        let process = Process()
        let input = Pipe()
        let log: URL

        init(_ arguments: [String]) throws {
            log = FileManager.default.temporaryDirectory.appendingPathComponent("folio-session-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = input
            try process.run()
        }

        func send(_ text: String) throws { try input.fileHandleForWriting.write(contentsOf: Data(text.utf8)) }

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        /// Waits (bounded) until `needle` has appeared `count` times in the output.
        func waitFor(count: Int, of needle: String) -> Bool {
            FolioTool.eventually(within: 10) { output.components(separatedBy: needle).count > count }
        }

        func close() {
            try? input.fileHandleForWriting.close()
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: log)
        }
    }
}
