import AggregatorCore
import Logging
import ProxmoxSimulator
import Synchronization

@testable import ProxmoxBackend

/// Runs `body` with a simulated cluster, stopping it on every path.
func withSimulatedProxmox<T>(
    _ name: String, configure: (inout SimulatedProxmoxOptions) -> Void = { _ in },
    _ body: (SimulatedProxmox) async throws -> T
) async throws -> T {
    var options = SimulatedProxmoxOptions(name: name)
    options.taskDelay = .milliseconds(50)
    options.guestAgentDelay = .milliseconds(100)
    configure(&options)
    let cluster = try await SimulatedProxmox.start(options, logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() })
    do {
        let result = try await body(cluster)
        await cluster.stop()
        return result
    } catch {
        await cluster.stop()
        throw error
    }
}

extension BackendConfiguration {
    /// An entry for a simulated cluster: its password user, or its default API token.
    static func simulated(_ cluster: SimulatedProxmox, token: Bool = false, password: String = "admin") -> BackendConfiguration {
        let apiToken = SimulatedProxmoxAPIToken.default
        return BackendConfiguration(name: cluster.name, kind: ProxmoxBackend.kind, url: cluster.apiURL,
                                    username: token ? apiToken.tokenID : "root@pam",
                                    password: Secret(token ? apiToken.secret : password),
                                    connectTimeout: .seconds(5), requestTimeout: .seconds(20))
    }
}

/// Runs `body` with a backend for `configuration` (quick polls), shutting it down on every path.
func withProxmoxBackend<T>(
    _ configuration: BackendConfiguration, logger: Logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
    _ body: (ProxmoxBackend) async throws -> T
) async throws -> T {
    var options = ProxmoxOptions()
    options.taskPollInterval = .milliseconds(25)
    options.taskTimeout = .seconds(30)
    options.agentTimeout = .seconds(2)
    let backend = try ProxmoxBackend(configuration: configuration, logger: logger, options: options)
    do {
        let result = try await body(backend)
        await backend.shutdown()
        return result
    } catch {
        await backend.shutdown()
        throw error
    }
}

/// Keeps every step event of a job, in order.
final class RecordingJobRecorder: JobRecorder {
    enum Event: Sendable, Hashable {
        case started(String)
        case succeeded(String, detail: String?, ids: [String: String])
        case failed(String, message: String)
        case skipped(String, reason: String)
        case reported(String, ids: [String: String])
    }

    private let box = Mutex<[Event]>([])
    private let stream: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    var events: [Event] { box.withLock { $0 } }

    /// Waits for the first event (from the start) that `matches`.
    func first(where matches: (Event) -> Bool) async -> Event? {
        for await event in stream where matches(event) { return event }
        return nil
    }

    private func record(_ event: Event) {
        box.withLock { $0.append(event) }
        continuation.yield(event)
    }

    func stepStarted(_ name: String, description: String) async { record(.started(name)) }
    func stepSucceeded(_ name: String, detail: String?, engineIDs: [String: String]) async {
        record(.succeeded(name, detail: detail, ids: engineIDs))
    }
    func stepFailed(_ name: String, error: BackendError) async { record(.failed(name, message: error.message)) }
    func stepSkipped(_ name: String, reason: String) async { record(.skipped(name, reason: reason)) }
    func stepReportedIDs(_ name: String, engineIDs: [String: String]) async { record(.reported(name, ids: engineIDs)) }

    /// Names of the steps that succeeded, skipped or failed, in order, with how they ended.
    var outcomes: [String] {
        events.compactMap { event in
            switch event {
            case .succeeded(let name, _, _): "\(name): succeeded"
            case .skipped(let name, _): "\(name): skipped"
            case .failed(let name, _): "\(name): failed"
            default: nil
            }
        }
    }
}

extension JobContext {
    static func test(_ jobID: String, recorder: RecordingJobRecorder) -> JobContext {
        JobContext(jobID: jobID, correlationID: jobID, recorder: recorder,
                   logger: Logger(label: "job") { _ in SwiftLogNoOpLogHandler() })
    }
}
