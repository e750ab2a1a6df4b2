import Synchronization

/// The VMs whose guest agent did not answer lately, so full reads do not wait for them again
/// and again: an agent that is not installed or not running costs a timeout on every call, and a
/// cluster of such VMs would otherwise make every listing as slow as its agents.
///
/// A VM whose agent failed is not asked again until `retryAfter` has passed; a VM that is not
/// running any more is forgotten at the next read.
final class ProxmoxAgentBackoff: Sendable {
    private let until = Mutex<[Int: ContinuousClock.Instant]>([:])
    let retryAfter: Duration

    init(retryAfter: Duration) {
        self.retryAfter = retryAfter
    }

    /// Whether `vmid`'s agent may be asked now.
    func mayAsk(_ vmid: Int) -> Bool {
        let now = ContinuousClock.now
        return until.withLock { entries in
            guard let deadline = entries[vmid] else { return true }
            if deadline <= now {
                entries[vmid] = nil
                return true
            }
            return false
        }
    }

    /// `vmid`'s agent did not answer: leave it alone for `retryAfter`.
    func failed(_ vmid: Int) {
        let deadline = ContinuousClock.now.advanced(by: retryAfter)
        until.withLock { $0[vmid] = deadline }
    }

    /// `vmid`'s agent answered.
    func answered(_ vmid: Int) {
        until.withLock { $0[vmid] = nil }
    }

    /// Forgets every VM but `running` (after a full read).
    func keep(only running: Set<Int>) {
        until.withLock { entries in entries = entries.filter { running.contains($0.key) } }
    }
}
