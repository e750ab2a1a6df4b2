import Logging
import Testing

@testable import AggregatorCore

/// A backend whose behaviour each test scripts: answer, fail, hang or be slow.
struct ScriptedBackend: VirtualizationBackend {
    enum Behaviour: Sendable {
        case answer(vms: Int)
        case fail(BackendError.Code, String)
        case delay(Duration, vms: Int)
        case garbage
    }

    var name: String
    var kind: BackendKind = "test"
    var behaviour: Behaviour
    /// Counts engine calls.
    var calls = CallCounter()
    /// Calls in progress at once, shared by the backends of one test.
    var inFlight = InFlight()

    func vm(id: String) async throws -> VM? { try await listVMs().first { $0.id == id } }
    func host(id: String) async throws -> AggregatorCore.Host? { nil }
    func cluster(id: String) async throws -> Cluster? { nil }

    func listVMs() async throws -> [VM] {
        await calls.increment()
        switch behaviour {
        case .answer(let count):
            return (0..<count).map { VM(engine: name, id: "\(name)-\($0)", name: "vm\($0)", status: "up") }
        case .fail(let code, let message):
            throw BackendError(code, engine: name, message: message)
        case .delay(let duration, let count):
            await inFlight.enter()
            defer { Task { await inFlight.leave() } }
            try await Task.sleep(for: duration)
            return (0..<count).map { VM(engine: name, id: "\(name)-\($0)", name: "vm\($0)", status: "up") }
        case .garbage:
            struct NotABackendError: Error {}
            throw NotABackendError()
        }
    }

    func listHosts() async throws -> [Host] { [] }
    func listClusters() async throws -> [Cluster] { [] }
    func probe() async throws -> EngineProbe { EngineProbe(product: "test", version: "1") }
    func shutdown() async {}
}

/// The most calls seen in progress at the same time.
actor InFlight {
    private var current = 0
    private(set) var peak = 0
    func enter() {
        current += 1
        peak = max(peak, current)
    }
    func leave() { current -= 1 }
}

actor CallCounter {
    private(set) var count = 0
    func increment() { count += 1 }
}

@Suite struct InventoryTests {
    func inventory(_ backends: [(ScriptedBackend, Duration)]) -> Inventory {
        Inventory(backends: backends.map { RegisteredBackend(backend: $0.0, timeout: $0.1) },
                  logger: Logger(label: "test"))
    }

    @Test(.timeLimit(.minutes(1)))
    func oneFailingEngineDoesNotCostTheOthers() async {
        let inventory = inventory([
            (ScriptedBackend(name: "a", behaviour: .answer(vms: 3)), .seconds(5)),
            (ScriptedBackend(name: "b", behaviour: .fail(.connectionRefused, "connection refused")), .seconds(5)),
            (ScriptedBackend(name: "c", behaviour: .answer(vms: 2)), .seconds(5)),
        ])
        let result = await inventory.listVMs()
        #expect(result.items.count == 5)
        #expect(result.statuses.map(\.engine) == ["a", "b", "c"])
        #expect(result.failures.map(\.engine) == ["b"])
        #expect(result.failures.first?.error == "connection_refused")
        #expect(result.items.allSatisfy { $0.engine != "b" })
    }

    @Test(.timeLimit(.minutes(1)))
    func slowEngineTimesOutAloneAndIsNamed() async {
        let clock = ContinuousClock()
        let start = clock.now
        let inventory = inventory([
            (ScriptedBackend(name: "fast", behaviour: .answer(vms: 4)), .seconds(5)),
            (ScriptedBackend(name: "slow", behaviour: .delay(.seconds(30), vms: 1)), .milliseconds(300)),
        ])
        let result = await inventory.listVMs()
        let elapsed = clock.now - start
        #expect(result.items.count == 4)
        let slow = result.statuses.first { $0.engine == "slow" }
        #expect(slow?.ok == false)
        #expect(slow?.error == "timeout")
        // The slow engine would answer after 30 s; well under that means its 300 ms timeout cut it off.
        #expect(elapsed < .seconds(15), "the timeout must cancel the slow engine, took \(elapsed)")
    }

    /// Six one-second engines all in flight at once: counted, not timed, so a loaded machine
    /// cannot make it flaky (asked one after another, the peak would be 1).
    @Test(.timeLimit(.minutes(1)))
    func enginesAreAskedConcurrently() async {
        let gauge = InFlight()
        let inventory = inventory((0..<6).map {
            (ScriptedBackend(name: "e\($0)", behaviour: .delay(.seconds(1), vms: 1), inFlight: gauge), .seconds(10))
        })
        let result = await inventory.listVMs()
        #expect(result.items.count == 6)
        #expect(await gauge.peak == 6, "all six engines should be asked at once")
    }

    @Test func unexpectedErrorsBecomeInvalidResponse() async {
        let inventory = inventory([(ScriptedBackend(name: "g", behaviour: .garbage), .seconds(5))])
        let result = await inventory.listVMs()
        #expect(result.failures.first?.error == "invalid_response")
    }

    @Test func selectedEnginesOnly() async {
        let inventory = inventory([
            (ScriptedBackend(name: "a", behaviour: .answer(vms: 1)), .seconds(5)),
            (ScriptedBackend(name: "b", behaviour: .answer(vms: 2)), .seconds(5)),
        ])
        let result = await inventory.listVMs(engines: ["b"])
        #expect(result.statuses.map(\.engine) == ["b"])
        #expect(result.items.count == 2)
    }

    @Test func registryBuildsKnownKindsAndRejectsUnknownOnes() throws {
        var registry = BackendRegistry()
        registry.register("test") { config, _ in ScriptedBackend(name: config.name, behaviour: .answer(vms: 1)) }
        #expect(registry.kinds == ["test"])
        let ok = AggregatorConfiguration(backends: [BackendConfiguration(name: "a", kind: "test", url: "http://a/")])
        #expect(try registry.makeBackends(for: ok, logger: Logger(label: "t")).map(\.name) == ["a"])
        let bad = AggregatorConfiguration(backends: [BackendConfiguration(name: "b", kind: "nope", url: "http://b/")])
        #expect(throws: ConfigurationErrors.self) { try registry.makeBackends(for: bad, logger: Logger(label: "t")) }
    }

    @Test(.timeLimit(.minutes(1)))
    func concurrentRequestsShareOneEngineCall() async {
        let backend = ScriptedBackend(name: "a", behaviour: .delay(.milliseconds(300), vms: 2))
        let inventory = Inventory(backends: [RegisteredBackend(backend: backend, timeout: .seconds(5))],
                                  logger: Logger(label: "test"))
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<5 { group.addTask { await inventory.listVMs().items.count } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == [2, 2, 2, 2, 2])
        #expect(await backend.calls.count == 1)
        _ = await inventory.listVMs()
        #expect(await backend.calls.count == 2, "without a TTL, a later request asks the engine again")
    }

    @Test(.timeLimit(.minutes(1)))
    func ttlServesFromMemoryUntilRefreshAndNeverKeepsFailures() async {
        let backend = ScriptedBackend(name: "a", behaviour: .answer(vms: 3))
        let failing = ScriptedBackend(name: "b", behaviour: .fail(.timeout, "slow"))
        let inventory = Inventory(
            backends: [RegisteredBackend(backend: backend, timeout: .seconds(5)),
                       RegisteredBackend(backend: failing, timeout: .seconds(5))],
            cacheTTL: .seconds(60), logger: Logger(label: "test"))
        let first = await inventory.listVMs()
        #expect(first.statuses[0].cachedAgeMs == nil)
        let second = await inventory.listVMs()
        #expect(second.items.count == 3)
        #expect(second.statuses[0].cachedAgeMs != nil)
        #expect(await backend.calls.count == 1)
        #expect(await failing.calls.count == 2, "failures are asked again")
        let refreshed = await inventory.listVMs(refresh: true)
        #expect(refreshed.statuses[0].cachedAgeMs == nil)
        #expect(await backend.calls.count == 2)
    }
}
