/// One event loop's connections that wait for a request (a new one, or keep-alive between
/// requests), oldest first: at the connection limit the oldest is closed to make room for a new
/// client, as nginx reuses its "reusable" connections, so a flood of idle connections cannot lock
/// out the next real client. An intrusive doubly-linked list: joining, leaving and taking the
/// oldest are O(1) pointer updates, no allocation.
///
/// Unsafe: `previous` is `unowned(unsafe)` (a strong back pointer would make cycles, a weak one
/// allocates a side table per connection). Every member is also held by the loop's `connections`
/// table, and `leave` runs before a connection is dropped from it (`EventLoop.close`).
struct IdleConnections {
    private var oldest: Connection?
    private unowned(unsafe) var newest: Connection?
    private(set) var count = 0

    /// Appends `conn` as the newest waiting connection (no-op if it already waits).
    mutating func join(_ conn: Connection) {
        guard !conn.waitsIdle else { return }
        conn.waitsIdle = true
        conn.idleNext = nil
        conn.idlePrevious = newest
        if let last = newest { last.idleNext = conn } else { oldest = conn }
        newest = conn
        count += 1
    }

    /// Removes `conn` (no-op if it does not wait).
    mutating func leave(_ conn: Connection) {
        guard conn.waitsIdle else { return }
        conn.waitsIdle = false
        let next = conn.idleNext, previous = conn.idlePrevious
        if let previous { previous.idleNext = next } else { oldest = next }
        if let next { next.idlePrevious = previous } else { newest = previous }
        conn.idleNext = nil
        conn.idlePrevious = nil
        count -= 1
    }

    /// The connection that has waited longest, removed from the list.
    mutating func takeOldest() -> Connection? {
        guard let first = oldest else { return nil }
        leave(first)
        return first
    }
}
