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

private struct FakeOptions: SimulatorOptions {
    var name = "fake"
    var host = "127.0.0.1"
    var port = 0
    var latency: Duration = .zero
    var tlsCertificatePath: String? = nil
    var tlsKeyPath: String? = nil
    /// The port the fake service reports; nil makes it fail before listening.
    var boundPort: Int? = 4242
    var events = Events()

    func apiURL(port: Int) -> String { "http://\(host):\(port)/fake" }
}

/// A service that reports its port, then runs until the group shuts it down.
private struct FakeService: Service {
    let options: FakeOptions
    let onServerRunning: @Sendable (Int) async -> Void

    func run() async throws {
        guard let port = options.boundPort else { throw FakeError() }
        options.events.record("listening")
        await onServerRunning(port)
        try? await gracefulShutdown()
        options.events.record("stopped")
    }
}

private struct FakeAdmin: SimulatorAdministration {
    let options: FakeOptions

    init(_ options: FakeOptions) { self.options = options }

    func buildApplication(logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void) throws -> FakeService {
        FakeService(options: options, onServerRunning: onServerRunning)
    }
}

private typealias FakeSimulator = RunningSimulator<FakeAdmin>

@Suite("Scoped simulator start", .timeLimit(.minutes(1)))
struct RunningSimulatorTests {
    let logger = Logger(label: "simulator-support-tests")

    @Test func bodySeesTheListeningSimulatorAndItStopsOnReturn() async throws {
        let options = FakeOptions()
        let port = try await FakeSimulator.withRunning(options, logger: logger) { simulator in
            #expect(simulator.name == "fake")
            #expect(simulator.apiURL == "http://127.0.0.1:4242/fake")
            #expect(options.events.all == ["listening"])
            return simulator.port
        }
        #expect(port == 4242)
        #expect(options.events.all == ["listening", "stopped"])
    }

    @Test func itStopsWhenTheBodyThrows() async throws {
        let options = FakeOptions()
        await #expect(throws: FakeError.self) {
            try await FakeSimulator.withRunning(options, logger: logger) { _ in
                throw FakeError()
            }
        }
        #expect(options.events.all == ["listening", "stopped"])
    }

    @Test func startFailsWhenTheServiceFailsBeforeListening() async throws {
        var options = FakeOptions()
        options.boundPort = nil
        await #expect(throws: (any Error).self) {
            try await FakeSimulator.withRunning(options, logger: logger) { _ in
                Issue.record("the body must not run")
            }
        }
        #expect(options.events.all.isEmpty)
    }
}
