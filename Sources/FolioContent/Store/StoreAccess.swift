import Glibc

/// What this process may do with a store's file and folder (access(2), the effective user's view).
public enum StoreAccess {
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The folder holding `path` can take new files (a WAL store writes `-wal` and `-shm` there).
    public static func folderIsWritable(_ path: String) -> Bool {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        return access(folder, W_OK) == 0
    }

    /// The store can be opened for writing: the file (when it exists) and its folder are writable.
    /// A missing file in a missing folder counts as writable (the folder is created).
    public static func isWritable(_ path: String) -> Bool {
        if exists(path) { return access(path, W_OK) == 0 && folderIsWritable(path) }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        return exists(folder) ? access(folder, W_OK) == 0 : true
    }
}
