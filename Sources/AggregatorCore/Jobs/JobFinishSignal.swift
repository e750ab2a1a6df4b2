import Synchronization

/// Tells waiters that a job reached a final state (or the runner stopped), so
/// ``JobRunner/wait(for:timeout:)`` reads the store when something changed instead of polling it.
///
/// Each signal bumps a generation; a waiter takes the generation before it reads the store and
/// then waits for a later one, so a job that finishes between the read and the wait is not missed.
final class JobFinishSignal: Sendable {
    private struct State {
        var generation = 0
        var waiters: [Int: (after: Int, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    /// The current generation.
    var generation: Int { state.withLock { $0.generation } }

    /// Wakes every waiter.
    func signal() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation += 1
            let woken = state.waiters.values.map(\.continuation)
            state.waiters.removeAll()
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once the generation is past `generation`, or when the caller is cancelled.
    func changed(after generation: Int) async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation > generation || Task.isCancelled { return true }
                    state.waiters[id] = (generation, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }
}
