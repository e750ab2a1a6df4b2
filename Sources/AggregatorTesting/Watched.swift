import Synchronization

/// A value the code under test changes while a test waits for it to reach a state: each change
/// wakes the waiters whose condition now holds, so the test waits on the change itself instead of
/// polling or sleeping.
///
/// ```swift
/// let lines = Watched<[String]>([])
/// // … the code under test calls `lines.update { $0.append(line) }` …
/// await lines.wait { $0.contains("Serving") }
/// ```
public final class Watched<Value: Sendable>: Sendable {
    private struct Waiter {
        var condition: @Sendable (Value) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var value: Value
        var waiters: [Int: Waiter] = [:]
        var nextID = 0
    }

    private let state: Mutex<State>

    public init(_ value: Value) {
        state = Mutex(State(value: value))
    }

    /// The value now.
    public var value: Value { state.withLock { $0.value } }

    /// Changes the value and wakes every waiter whose condition holds after the change.
    public func update(_ change: (inout Value) -> Void) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state.value)
            let value = state.value
            let due = state.waiters.filter { $0.value.condition(value) }.map(\.key)
            return due.compactMap { state.waiters.removeValue(forKey: $0)?.continuation }
        }
        for continuation in woken { continuation.resume() }
    }

    /// Waits until `condition` holds (returns at once if it already does, and when the task is
    /// cancelled).
    /// - Returns: The value when the wait ended.
    @discardableResult
    public func wait(until condition: @escaping @Sendable (Value) -> Bool) async -> Value {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state -> Bool in
                    if Task.isCancelled || condition(state.value) { return true }
                    state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
        return value
    }
}
