/// The engine's audit log (`GET /events`), with the stream faults tests
/// inject into it.
///
/// Every appended event takes the next index, whether it is stored or not,
/// so indexes always increase (until ``reset(nextIndex:)``):
///
/// - dropped events take an index and are never stored: a hole that never fills;
/// - held events are stored only after the event that follows them, and then
///   only ``holdDelay`` milliseconds later: a client polling in between sees
///   the later index first, and the held one appears afterwards with its
///   lower index;
/// - ``purge()`` forgets what is stored (the engine no longer holds those
///   events); new events keep increasing indexes;
/// - ``reset(nextIndex:)`` forgets everything and numbers on from a given
///   index, so indexes go backwards, as after an engine restore.
struct EventLog: Sendable {
    /// Stored events, in the order they were stored (not necessarily by index).
    private(set) var stored: [SimEvent] = []
    /// The index the next event gets; the engine's audit log ids are a sequence.
    private(set) var nextIndex = 1000
    /// How many of the next events are dropped.
    var dropCount = 0
    /// How many of the next (not dropped) events are held.
    var holdCount = 0
    /// How long held events wait after the event that followed them, in ms.
    var holdDelay: Int64 = 2000
    /// Held events waiting for a follower.
    private var held: [SimEvent] = []
    /// Held events whose follower is stored, with the time they are due.
    private var releasing: [(due: Int64, events: [SimEvent])] = []

    /// Appends an event at `now`, giving it the next index; returns the index.
    @discardableResult
    mutating func append(_ event: SimEvent, now: Int64) -> Int {
        var event = event
        event.index = nextIndex
        nextIndex += 1
        if dropCount > 0 {
            dropCount -= 1
        } else if holdCount > 0 {
            holdCount -= 1
            held.append(event)
        } else {
            stored.append(event)
            if !held.isEmpty {
                releasing.append((now + holdDelay, held))
                held.removeAll()
                release(now: now)
            }
        }
        return event.index
    }

    /// Stores the held events that are due at `now`.
    mutating func release(now: Int64) {
        guard !releasing.isEmpty else { return }
        while let first = releasing.first, first.due <= now {
            stored.append(contentsOf: first.events)
            releasing.removeFirst()
        }
    }

    /// Forgets every stored event; held events and the numbering are kept.
    /// Returns how many events were forgotten.
    @discardableResult
    mutating func purge() -> Int {
        let count = stored.count
        stored.removeAll()
        return count
    }

    /// Forgets every event, stored or held, clears pending drops and holds,
    /// and continues numbering at `nextIndex`. Returns how many stored events
    /// were forgotten.
    @discardableResult
    mutating func reset(nextIndex: Int) -> Int {
        let count = stored.count
        stored.removeAll()
        held.removeAll()
        releasing.removeAll()
        dropCount = 0
        holdCount = 0
        self.nextIndex = nextIndex
        return count
    }

    /// The highest stored index, if any.
    var lastIndex: Int? { stored.map(\.index).max() }
}
