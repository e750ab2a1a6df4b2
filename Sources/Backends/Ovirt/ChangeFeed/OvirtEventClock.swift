import Foundation

/// The clock of the change feed's missing event indexes: epoch milliseconds (the unit the cursor
/// token carries), moving with an injected `now`.
///
/// The epoch reading is taken once, when the backend is made; from then on time is what `now`
/// says has passed, so a test that moves its clock by hand decides when the gap grace is over,
/// and with the default `ContinuousClock` a step of the wall clock does not end a grace early.
struct OvirtEventClock: Sendable {
    private let now: @Sendable () -> ContinuousClock.Instant
    private let start: ContinuousClock.Instant
    private let startMilliseconds: Int64

    init(now: @escaping @Sendable () -> ContinuousClock.Instant) {
        self.now = now
        self.start = now()
        self.startMilliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    /// The current time in epoch milliseconds.
    var milliseconds: Int64 {
        let elapsed = (now() - start).components
        return startMilliseconds + elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
    }
}
