/// How the live model keeps one engine current.
public struct RefreshSettings: Sendable, Hashable {
    /// Time between full reads of an engine that reports its changes. Defaults to 15 minutes.
    public var fullRefresh: Duration = .seconds(900)
    /// Time between full reads of an engine whose kind has no change stream, which only full
    /// reads keep current. Defaults to 30 seconds; `full_refresh` in the configuration sets both.
    public var fullRefreshWithoutChangeFeed: Duration = .seconds(30)
    /// Time between polls of the engine's change stream. Defaults to 1 second.
    public var eventsPoll: Duration = .seconds(1)
    /// Objects re-read at once after a batch of changes. Defaults to 4.
    public var targetedReadsInFlight = 4
    /// How long one probe of the engine (login and version, for `GET /api/v1/backends`) answers
    /// every caller. Defaults to 5 seconds.
    public var probeCache: Duration = .seconds(5)
    /// Shortest time between two full reads asked for by requests (`?refresh=true`); a request
    /// inside it answers from the read just made and says so. Defaults to 10 seconds.
    public var refreshMinInterval: Duration = .seconds(10)
    /// Time between consistency probes of an engine whose kind can say what it holds
    /// (``ConsistencyProbing``); zero turns them off. Defaults to 60 seconds.
    public var consistencyProbe: Duration = .seconds(60)
    /// When a VM seen starting has no guest addresses yet, it is re-read this long after it was
    /// seen, for each entry, until they appear (the guest agent reports them without an event).
    /// Defaults to 10 s, 30 s and 2 minutes.
    public var guestAddressRereads: [Duration] = [.seconds(10), .seconds(30), .seconds(120)]
    /// Time between re-reads of every running VM the model holds without guest addresses; zero
    /// turns them off. Defaults to 5 minutes.
    public var guestAddressSweep: Duration = .seconds(300)
    /// Most VMs one sweep re-reads. Defaults to 500.
    public var guestAddressSweepLimit = 500

    public init(fullRefresh: Duration = .seconds(900), eventsPoll: Duration = .seconds(1)) {
        self.fullRefresh = fullRefresh
        self.eventsPoll = eventsPoll
    }
}

/// One engine's items as the model holds them at one moment.
public struct EngineSnapshot: Sendable {
    public var vms = RecordTable<VM>()
    public var hosts = RecordTable<Hypervisor>()
    public var clusters = RecordTable<Cluster>()
    /// When the data was last confirmed current (a full read or a change poll that succeeded).
    public var syncedAt: ContinuousClock.Instant?
    /// A full read succeeded at least once.
    public var loaded = false
    /// A full read was attempted at least once.
    public var tried = false
    /// When the last full read started, and how long it took.
    public var lastFullReadStart: ContinuousClock.Instant?
    public var lastFullReadDuration: Duration?
    /// Why the last refresh (full read, poll or re-read) failed; nil when it succeeded.
    public var lastError: BackendError?
    /// When the last full read that succeeded started.
    public var lastSuccessfulFullRead: ContinuousClock.Instant?
    /// When the last consistency probe got the engine's answer, and what it found different
    /// (empty when the model agreed).
    public var lastConsistencyProbe: ContinuousClock.Instant?
    public var lastConsistencyDifferences: [String] = []
    /// Full reads a consistency probe started, since the server started.
    public var consistencyFullReads = 0

    public init() {}
}
