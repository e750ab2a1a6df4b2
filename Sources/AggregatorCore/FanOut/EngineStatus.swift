/// How one engine answered one fan-out request.
public struct EngineStatus: Sendable, Hashable {
    /// Engine name.
    public var engine: String
    /// Backend kind (`ovirt`).
    public var kind: String
    /// True when the engine answered and its items are included.
    public var ok: Bool
    /// Number of items the engine returned.
    public var count: Int
    /// Time the engine took, in milliseconds.
    public var durationMs: Int64
    /// Machine-readable failure code (`connection_refused`, `timeout`, `unauthorized`, ...).
    public var error: String?
    /// Human-readable failure reason, with the engine's own fault text where there is one.
    public var message: String?
    /// HTTP status the engine answered with, when the failure was an HTTP answer.
    public var httpStatus: Int?
    /// Age in milliseconds of an answer served from the inventory cache; absent when live.
    public var cachedAgeMs: Int64?
    /// How old the engine's data in the live model is: time since the model last confirmed it
    /// current (a full read or a change poll that succeeded). Absent before any data was read.
    public var ageMs: Int64?
    /// True when the data shown is the last good data of an engine whose refresh failed, or
    /// older than the model's refresh settings allow. Absent when there is no data.
    public var stale: Bool?
    /// What `?refresh=true` did for this engine: `read` (a full read was made or joined for
    /// this request) or `recent` (a request read it in full moments ago, within the engine's
    /// `refresh_min_interval`; ``ageMs`` tells how long ago). Absent without `refresh=true`.
    public var refresh: String?

    public init(engine: String, kind: String, ok: Bool, count: Int, durationMs: Int64,
                error: String? = nil, message: String? = nil, httpStatus: Int? = nil, cachedAgeMs: Int64? = nil) {
        self.engine = engine
        self.kind = kind
        self.ok = ok
        self.count = count
        self.durationMs = durationMs
        self.error = error
        self.message = message
        self.httpStatus = httpStatus
        self.cachedAgeMs = cachedAgeMs
    }
}
