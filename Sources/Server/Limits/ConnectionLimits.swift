/// Limits of the HTTP listener that keep `/health` answering whatever clients do: how many
/// connections stay open, how long a connection may idle or take to send a request, and how much
/// of an unread body is drained before closing after an early answer.
///
/// ```swift
/// var limits = ConnectionLimits()
/// limits.maxConnections = 1000
/// limits.headerTimeout = .seconds(5)
/// ```
///
/// Answers that wait on purpose (`?wait=` on a create) are not cut: the timeouts bound the time
/// a client takes to *send* a request, not the time the server takes to answer it.
public struct ConnectionLimits: Sendable, Hashable {
    /// Most client connections open at once (`server.max_connections`). Defaults to 4096, and is
    /// lowered at start to stay below the process's open-file limit.
    ///
    /// At the limit a new connection closes the connection that has been idle longest (one with no
    /// request being answered), so idle or half-open clients cannot lock others out; when every
    /// connection is busy the new one is closed.
    public var maxConnections: Int = 4096

    /// A connection with no request in progress is closed after this long (`server.idle_timeout`),
    /// including one that never sends anything. Defaults to 30 seconds.
    public var idleTimeout: Duration = .seconds(30)

    /// A request's line and headers must arrive within this long of its first byte
    /// (`server.header_timeout`), or the connection is answered 408 and closed. Defaults to 10 seconds.
    public var headerTimeout: Duration = .seconds(10)

    /// A whole request, headers and body, must arrive within this long of its first byte
    /// (`server.request_timeout`), or the connection is closed. Defaults to 60 seconds.
    public var requestTimeout: Duration = .seconds(60)

    /// After an answer written before its request's body ended (a 413, a 404 on a POST), the rest
    /// of the body is read and dropped for at most this long (`server.lingering_time`) before the
    /// connection is closed. Defaults to 10 seconds.
    ///
    /// Closing a socket with unread data makes the kernel reset the connection, and a client that
    /// sends its whole body before reading (Python's `http.client`) then sees
    /// `ConnectionResetError` instead of the answer; this lingering close (nginx's
    /// `lingering_close`) lets it finish sending and read the answer.
    public var lingeringTime: Duration = .seconds(10)

    /// At most this many bytes of the rest of a body are read and dropped after an early answer
    /// (`server.lingering_bytes`); past them, or when the request declares more than this still to
    /// come, the connection is closed. Defaults to 64 MiB.
    public var lingeringBytes: Int = 64 << 20

    /// Creates limits; every property left out keeps its default.
    public init(maxConnections: Int = 4096, idleTimeout: Duration = .seconds(30), headerTimeout: Duration = .seconds(10),
                requestTimeout: Duration = .seconds(60), lingeringTime: Duration = .seconds(10),
                lingeringBytes: Int = 64 << 20) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.requestTimeout = requestTimeout
        self.lingeringTime = lingeringTime
        self.lingeringBytes = lingeringBytes
    }

    /// The connection limit that fits under `openFiles` descriptors, keeping some for engines,
    /// the job database and logs.
    /// - Parameter openFiles: The process's soft open-file limit.
    /// - Returns: `maxConnections`, or less when the descriptors would not suffice (at least 16).
    public func effectiveMaxConnections(openFiles: Int) -> Int {
        let reserve = min(1024, max(64, openFiles / 4))
        return max(16, min(maxConnections, openFiles - reserve))
    }
}
