import Logging
import Synchronization

/// Collects every log line (message and metadata) of the loggers it makes, so a test can check
/// what was logged (and that no secret was).
public final class LogRecorder: Sendable {
    private struct Waiter {
        var matches: @Sendable (String) -> Bool
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var lines: [String] = []
        var waiters: [Int: Waiter] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Every line so far, oldest first: `LEVEL message key=value ...`.
    public var all: [String] { state.withLock { $0.lines } }

    /// Adds a line, and wakes whoever waits for it.
    public func append(_ line: String) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.lines.append(line)
            let lines = state.lines
            let done = state.waiters.filter { lines.count(where: $0.value.matches) >= $0.value.count }.map(\.key)
            return done.compactMap { state.waiters.removeValue(forKey: $0)?.continuation }
        }
        for continuation in woken { continuation.resume() }
    }

    /// Waits until at least `count` lines contain every one of `fragments` (returns at once if
    /// they already do, and when the task is cancelled): a signal that the code under test got
    /// that far, without polling.
    public func waitForLines(containing fragments: [String], count: Int = 1) async {
        let matches: @Sendable (String) -> Bool = { line in fragments.allSatisfy { line.contains($0) } }
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state -> Bool in
                    if Task.isCancelled || state.lines.count(where: matches) >= count { return true }
                    state.waiters[id] = Waiter(matches: matches, count: count, continuation: continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// A trace-level logger whose lines land in this recorder.
    public func logger(_ label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Lines whose text contains `fragment`.
    public func lines(containing fragment: String) -> [String] { all.filter { $0.contains(fragment) } }

    /// Waits until at least `count` lines contain `fragment` (see ``waitForLines(containing:count:)``).
    public func waitForLines(containing fragment: String, count: Int = 1) async {
        await waitForLines(containing: [fragment], count: count)
    }
}

/// The handler of ``LogRecorder``'s loggers.
public struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        recorder.append("\(event.level) \(event.message) \(rendered)")
    }
}
