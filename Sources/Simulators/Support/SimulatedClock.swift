import Foundation
import Synchronization

/// The time source of a simulator: the wall clock, or a clock a test moves
/// by hand.
///
/// Everything a simulator does later — an oVirt VM leaving `image_locked` or
/// its guest agent reporting addresses, a Proxmox task ending, a ticket
/// expiring — is due at a time on this clock, and happens the first time
/// anything reads the simulator at or after that time. With a manual clock a
/// test decides when that is, without sleeping:
///
/// ```swift
/// let clock = SimulatedClock.manual()
/// var options = SimulatedEngineOptions(name: "e15-test")
/// options.clock = clock
/// options.guestIPDelay = .seconds(5)
/// // … start a VM: no addresses yet …
/// clock.advance(by: .seconds(5))
/// // … now the guest agent has reported them
/// ```
///
/// - Important: Request pacing (configured latency, a held 401, oVirt's
///   `Expect: 201-created` wait) still passes in real time; with a manual
///   clock the answer is the state as it is then.
public final class SimulatedClock: Sendable {
    /// Milliseconds since the epoch; nil reads the wall clock.
    private let manualTime: Mutex<Int64?>

    private init(manualTime: Int64?) {
        self.manualTime = Mutex(manualTime)
    }

    /// The wall clock.
    public static var system: SimulatedClock { SimulatedClock(manualTime: nil) }

    /// A clock that stands still until ``advance(by:)`` moves it.
    ///
    /// - Parameter start: Where it starts. Defaults to the current time.
    public static func manual(startingAt start: Date = Date()) -> SimulatedClock {
        SimulatedClock(manualTime: Self.milliseconds(start))
    }

    /// Whether ``advance(by:)`` moves this clock (it is not the wall clock).
    public var isManual: Bool { manualTime.withLock { $0 != nil } }

    /// The clock's current time.
    public var now: Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Moves a manual clock forward; the wall clock cannot be moved.
    ///
    /// - Precondition: The clock is ``manual(startingAt:)`` and `duration` is not negative.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "a simulated clock only moves forward")
        manualTime.withLock { time in
            precondition(time != nil, "the system clock cannot be advanced")
            time = time.map { $0 + Self.milliseconds(duration) }
        }
    }

    /// The current time in epoch milliseconds, as oVirt's dates are.
    public var milliseconds: Int64 {
        manualTime.withLock { $0 } ?? Self.milliseconds(Date())
    }

    /// The current time in epoch seconds, as Proxmox's dates are.
    public var seconds: Double {
        Double(milliseconds) / 1000
    }

    /// A date in whole epoch milliseconds (rounded).
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// A duration in whole milliseconds (rounded down).
    public static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
