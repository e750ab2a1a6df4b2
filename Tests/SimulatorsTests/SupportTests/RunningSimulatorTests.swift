import Hummingbird
import Logging
import ServiceLifecycle
import SimulatorSupport
import Synchronization
import Testing

/// What happened to a fake simulator, in order.
private final class Events: Sendable {
    private let log = Mutex<[String]>([])
    func record(_ event: String) { log.withLock { $0.append(event) } }
    var all: [String] { log.withLock { $0 } }
}

private struct FakeError: Error, Equatable {}

/// A simulator that records being started and stopped.
private struct RecordingSimulator: RunnableSimulator {
    let events: Events
    var port: Int { 4242 }
    var apiURL: String { "http://127.0.0.1:4242/fake" }

    static func start(_ options: Events, logger: Logger) async throws -> RecordingSimulator {
        options.record("started")
        return RecordingSimulator(events: options)
    }

    func stop() async { events.record("stopped") }
}

/// A service that reports `port` (or fails first when it is nil), then runs until the group shuts it down.
private struct FakeService: Service {
    let port: Int?
    let events: Events
    let onServerRunning: @Sendable (Int) async -> Void

    func run() async throws {
        guard let port else { throw FakeError() }
        events.record("listening")
        await onServerRunning(port)
        try? await gracefulShutdown()
        events.record("stopped")
    }
}

private struct FakeOptions: SimulatorOptions {
    var name = "fake"
    var host = "127.0.0.1"
    var port = 0
    var latency: Duration = .zero
    var tlsCertificatePath: String? = nil
    var tlsKeyPath: String? = nil

    func apiURL(port: Int) -> String { "http://\(host):\(port)/fake" }
}

private struct FakeAdmin: SimulatorAdministration {
    let options: FakeOptions

    init(_ options: FakeOptions) { self.options = options }

    func buildRouter(tls: SimulatorTLS?) -> Router<BasicRequestContext> {
        SimulatorApplication.buildRouter(latency: options.latency) { router in
            router.get("fake") { _, _ in "ok" }
        }
    }
}

@Suite("Scoped simulator start", .timeLimit(.minutes(1)))
struct RunningSimulatorTests {
    let logger = Logger(label: "simulator-support-tests")

    @Test func withRunningStopsTheSimulatorWhenTheBodyReturns() async throws {
        let events = Events()
        let port = try await RecordingSimulator.withRunning(events, logger: logger) { simulator in
            #expect(events.all == ["started"])
            return simulator.port
        }
        #expect(port == 4242)
        #expect(events.all == ["started", "stopped"])
    }

    @Test func withRunningStopsTheSimulatorWhenTheBodyThrows() async throws {
        let events = Events()
        await #expect(throws: FakeError.self) {
            try await RecordingSimulator.withRunning(events, logger: logger) { _ in
                throw FakeError()
            }
        }
        #expect(events.all == ["started", "stopped"])
    }

    @Test func serverStartReturnsOnceListeningAndStopWaitsForTheService() async throws {
        let events = Events()
        let server = try await SimulatorServer.start(name: "fake", logger: logger) { onServerRunning in
            FakeService(port: 4242, events: events, onServerRunning: onServerRunning)
        }
        #expect(server.port == 4242)
        #expect(events.all == ["listening"])
        await server.stop()
        #expect(events.all == ["listening", "stopped"])
    }

    @Test func serverStartThrowsWhenTheServiceFailsBeforeListening() async throws {
        let events = Events()
        await #expect(throws: FakeError.self) {
            _ = try await SimulatorServer.start(name: "fake", logger: logger) { onServerRunning in
                FakeService(port: nil, events: events, onServerRunning: onServerRunning)
            }
        }
        #expect(events.all.isEmpty)
    }

    @Test func runningSimulatorServesOnAFreePortAndNamesItsURL() async throws {
        try await RunningSimulator<FakeAdmin>.withRunning(FakeOptions(), logger: logger) { simulator in
            #expect(simulator.port > 0)
            #expect(simulator.name == "fake")
            #expect(simulator.apiURL == "http://127.0.0.1:\(simulator.port)/fake")
            #expect(simulator.admin.options.name == "fake")
        }
    }
}
