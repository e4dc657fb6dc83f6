import Foundation
import Testing

/// Health, readiness during drain, Prometheus metrics, request ids and JSON logs of the real binary.
@Suite("Operations end to end", .serialized)
struct OperationsTests {
    @Test func healthAndReadiness() throws {
        let server = try ServerProcess(config: ["access_log": false])
        defer { server.stop() }
        let c = try RawClient(port: server.port)
        c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        let h = try c.readResponse()
        #expect(h.status == 200)
        #expect(h.json?["status"] as? String == "ok")
        c.send("GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n")
        let r = try c.readResponse()
        #expect(r.status == 200)
        #expect(r.json?["status"] as? String == "ready")
    }

    @Test func readinessIs503WhileDraining() throws {
        let server = try ServerProcess(config: ["access_log": false])
        let c = try RawClient(port: server.port)
        c.noDelay()
        c.send("GET /readyz HTTP/1.1\r\nHost: t\r\n")  // in flight: the head is not finished
        #expect(c.waitUntilServerHasRead(), "the server never read the unfinished head")
        kill(server.process.processIdentifier, SIGTERM)
        // Readiness turns 503 before the server prints that it is draining.
        #expect(server.waitForOutput("SIGTERM received"), "\(server.printed)")
        #expect(server.printed.contains("SIGTERM received, draining 1 connections"), "\(server.printed)")
        c.send("\r\n")
        let r = try c.readResponse()
        #expect(r.status == 503)
        #expect(r.header("Content-Type") == "application/problem+json")
        #expect(r.header("Connection") == "close")
        #expect(r.json?["detail"] as? String == "not ready: starting or draining")
        let (status, output) = server.stop()
        #expect(status == 0)
        #expect(output.contains("drained 1 connections, closed 0 at the deadline"), "\(output)")
    }

    @Test func metricsAreValidPrometheusText() throws {
        let server = try ServerProcess(config: ["access_log": false])
        defer { server.stop() }
        let c = try RawClient(port: server.port)
        for path in ["/api/v1/articles", "/api/v1/site", "/nope", "/api/v1/articles?pgae=1"] {
            c.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try c.readResponse()
        }
        let rssBefore = Self.residentBytes(pid: server.process.processIdentifier)
        c.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
        let m = try c.readResponse()
        let rssAfter = Self.residentBytes(pid: server.process.processIdentifier)
        #expect(m.status == 200)
        #expect(m.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let lines = m.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(!lines.isEmpty)
        var samples: [String: Double] = [:]
        var typed = Set<String>()
        for line in lines {
            if line.hasPrefix("# HELP ") {
                #expect(line.split(separator: " ").count >= 4, "\(line)")
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 4 && ["counter", "gauge", "histogram"].contains(String(parts[3])), "\(line)")
                typed.insert(String(parts[2]))
            } else {
                // name{labels} value
                let sample = try #require(Self.parseSample(String(line)), "not a sample: \(line)")
                samples[sample.key] = sample.value
                let family = sample.name.replacingOccurrences(of: "_bucket", with: "").replacingOccurrences(of: "_sum", with: "")
                    .replacingOccurrences(of: "_count", with: "")
                #expect(typed.contains(family) || typed.contains(sample.name), "sample before its TYPE: \(line)")
            }
        }
        #expect(samples["folio_http_requests_total{route=\"/api/v1/articles\",status=\"2xx\"}"] == 1)
        #expect(samples["folio_http_requests_total{route=\"/api/v1/articles\",status=\"4xx\"}"] == 1)
        #expect(samples["folio_http_requests_total{route=\"unmatched\",status=\"4xx\"}"] == 1)
        #expect(samples["folio_articles_loaded"] == 4)
        #expect(samples["folio_open_connections"] ?? 0 >= 1)
        #expect(samples["folio_snapshot_generation"] == 1)
        // Resident memory is the server's own VmRSS (read around the scrape), within a sane bound
        // for four articles: tens of MiB for a debug build, never hundreds.
        let rss = try #require(samples["folio_resident_memory_bytes"])
        #expect(rssBefore > 0 && rssAfter > 0)
        let slack = 4.0 * 1024 * 1024
        #expect(rss >= Double(min(rssBefore, rssAfter)) - slack && rss <= Double(max(rssBefore, rssAfter)) + slack,
                "metric \(rss) vs /proc \(rssBefore)…\(rssAfter)")
        #expect(rss > 4 * 1024 * 1024 && rss < 256 * 1024 * 1024, "\(rss)")
        #expect(samples["folio_http_request_duration_seconds_count{route=\"/api/v1/site\"}"] == 1)
        #expect(samples["folio_http_request_duration_seconds_bucket{route=\"/api/v1/site\",le=\"+Inf\"}"] == 1)
        #expect(samples.keys.contains("folio_uptime_seconds"))
        #expect(samples.keys.contains("folio_bytes_sent_total"))
    }

    /// VmRSS of process `pid` from /proc, in bytes (0 when unreadable).
    static func residentBytes(pid: Int32) -> Int {
        let text = String(decoding: TCPTable.readProcFile("/proc/\(pid)/status"), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (Int(line.filter(\.isNumber)) ?? 0) * 1024
        }
        return 0
    }

    static func parseSample(_ line: String) -> (key: String, name: String, value: Double)? {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
        let key = String(line[..<space])
        let name = String(key.prefix { $0 != "{" })
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else { return nil }
        if key.contains("{") {
            guard key.hasSuffix("}") else { return nil }
            let labels = key.dropFirst(name.count + 1).dropLast()
            for pair in labels.split(separator: ",") {
                guard let eq = pair.firstIndex(of: "="), pair[pair.index(after: eq)...].hasPrefix("\""),
                      pair.hasSuffix("\"") else { return nil }
            }
        }
        return (key, name, value)
    }

    @Test func requestIdIsEchoedOrMade() throws {
        let server = try ServerProcess(config: ["access_log": false])
        defer { server.stop() }
        let c = try RawClient(port: server.port)
        c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: trace-42.a_b\r\n\r\n")
        #expect(try c.readResponse().header("X-Request-Id") == "trace-42.a_b")
        c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: bad id <script>\r\n\r\n")
        let made = try c.readResponse().header("X-Request-Id")
        #expect(made != nil && made != "bad id <script>")
        c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        let another = try c.readResponse().header("X-Request-Id")
        #expect(another != nil && another != made)
    }

    @Test func jsonAccessLogLines() throws {
        let server = try ServerProcess(config: ["log_format": "json"])
        let c = try RawClient(port: server.port)
        c.send("GET /api/v1/site HTTP/1.1\r\nHost: t\r\nX-Request-Id: log-check-1\r\n\r\n")
        #expect(try c.readResponse().status == 200)
        let (_, output) = server.stop()
        for line in output.split(separator: "\n") {  // start-up and drain lines are JSON too
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not JSON: \(line)")
        }
        let started = try #require(output.split(separator: "\n").first { $0.contains("folio listening on") })
        let event = try #require(try JSONSerialization.jsonObject(with: Data(started.utf8)) as? [String: Any])
        #expect(event["level"] as? String == "info")
        #expect(event["time"] is String)
        let line = try #require(output.split(separator: "\n").first { $0.contains("log-check-1") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["method"] as? String == "GET")
        #expect(object["path"] as? String == "/api/v1/site")
        #expect((object["status"] as? NSNumber)?.intValue == 200)
        #expect(object["request_id"] as? String == "log-check-1")
        #expect(object["us"] != nil && object["bytes"] != nil && object["time"] != nil)
    }

    @Test func logLevelFiltersTheServersOwnEvents() throws {
        // At "warning", start-up, SIGHUP and drain (all info) print nothing; the access log is
        // not filtered by level.
        let server = try ServerProcess(environment: ["FOLIO_LOG_LEVEL": "warning"], fixedPort: ServerProcess.unusedPort())
        let c = try RawClient(port: server.port)
        c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: level-check\r\n\r\n")
        #expect(try c.readResponse().status == 200)
        kill(server.process.processIdentifier, SIGHUP)
        c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try c.readResponse().status == 200)
        let (status, output) = server.stop()
        #expect(status == 0)
        #expect(output.contains("level-check"), "\(output)")
        #expect(!output.contains("folio listening on") && !output.contains("SIGHUP") && !output.contains("drained"), "\(output)")

        let info = try ServerProcess(environment: ["FOLIO_LOG_LEVEL": "info"])
        kill(info.process.processIdentifier, SIGHUP)
        #expect(FolioTool.eventually { info.printed.contains("folio: SIGHUP:") }, "\(info.printed)")
        let (_, infoOutput) = info.stop()
        #expect(infoOutput.contains("folio listening on") && infoOutput.contains("drained"), "\(infoOutput)")
    }

    @Test func searchesAnsweredOffTheLoopKeepPipelineOrder() throws {
        let server = try ServerProcess(config: ["access_log": false])
        defer { server.stop() }
        let c = try RawClient(port: server.port)
        c.send("GET /api/v1/search?q=elections HTTP/1.1\r\nHost: t\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
            + "GET /api/v1/articles?q=Turkiye&fields=title HTTP/1.1\r\nHost: t\r\n\r\nGET /api/v1/site HTTP/1.1\r\nHost: t\r\n\r\n")
        let search = try c.readResponse()
        let health = try c.readResponse()
        let list = try c.readResponse()
        let site = try c.readResponse()
        #expect(search.status == 200 && search.text.contains("<mark>elections<\\/mark>"))
        #expect(search.header("X-Request-Id") != nil)
        #expect(health.text == #"{"status":"ok"}"#)
        #expect(list.status == 200 && list.text.contains("Türkiye"))
        #expect(site.status == 200 && site.text.contains("Center of Analysis"))
    }
}
