import Logging

/// Collects every log line (message and metadata) of the loggers it makes, so a test can check
/// what was logged (and that no secret was).
public final class LogRecorder: Sendable {
    private let lines = Watched<[String]>([])

    public init() {}

    /// Every line so far, oldest first: `LEVEL message key=value ...`.
    public var all: [String] { lines.value }

    /// Adds a line, and wakes whoever waits for it.
    public func append(_ line: String) {
        lines.update { $0.append(line) }
    }

    /// Waits until at least `count` lines contain every one of `fragments` (returns at once if
    /// they already do, and when the task is cancelled): a signal that the code under test got
    /// that far, without polling.
    public func waitForLines(containing fragments: [String], count: Int = 1) async {
        await lines.wait { lines in
            lines.count { line in fragments.allSatisfy { line.contains($0) } } >= count
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
