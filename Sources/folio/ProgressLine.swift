import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `\r` counter line on stderr for long commands, shown only when stderr
/// is a terminal, plus helpers for the summary.
struct ProgressLine: Sendable {
    let enabled: Bool
    let started: Date

    init() {
        enabled = isatty(STDERR_FILENO) != 0
        started = Date()
    }

    /// Replaces the current line with `text` (terminal only).
    func update(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    /// Clears the counter line (terminal only).
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    var elapsed: Double { Date().timeIntervalSince(started) }

    static func seconds(_ s: Double) -> String { String(format: "%.2f s", s) }
}

/// Writes a line to stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
