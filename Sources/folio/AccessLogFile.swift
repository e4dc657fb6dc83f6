import Glibc

/// The access-log file: opened for appending at start-up, reopened on SIGHUP (after logrotate
/// has moved it) by `dup2`-ing the new file onto the same descriptor number, so the event loops,
/// which write to that number, switch files without any coordination.
struct AccessLogFile {
    let path: String
    let fd: Int32

    /// A failure to open the file, with the reason.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String) throws(Failure) {
        self.path = path
        fd = try Self.open(path)
    }

    /// Opens the path again and puts it in place of the old file; the old one is closed by dup2.
    func reopen() throws(Failure) {
        let fresh = try Self.open(path)
        defer { close(fresh) }
        guard dup2(fresh, fd) >= 0 else {
            throw Failure(description: "cannot reopen the access log \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func open(_ path: String) throws(Failure) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Failure(description: "cannot open the access log \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }
}
