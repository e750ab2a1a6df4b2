import Logging
import Testing

@testable import AggregatorCore

/// A backend whose behaviour each test scripts: answer, fail, hang until cancelled, answer only
/// once every engine of the test is being read, or throw something that is not a backend error.
struct ScriptedBackend: VirtualizationBackend {
    enum Behaviour: Sendable {
        case answer(vms: Int)
        case fail(BackendError.Code, String)
        case hang
        case meet(Meeting, vms: Int)
        case garbage
    }

    var name: String
    var kind: BackendKind = "test"
    var behaviour: Behaviour
    /// Counts engine calls.
    var calls = CallCounter()

    func vm(id: String) async throws -> VM? { try await listVMs().first { $0.id == id } }
    func host(id: String) async throws -> Hypervisor? { nil }
    func cluster(id: String) async throws -> Cluster? { nil }

    func listVMs() async throws -> [VM] {
        await calls.increment()
        switch behaviour {
        case .answer(let count):
            return vms(count)
        case .fail(let code, let message):
            throw BackendError(code, engine: name, message: message)
        case .hang:
            let (never, ended) = AsyncStream.makeStream(of: Never.self)
            await withTaskCancellationHandler {
                for await _ in never {}
            } onCancel: {
                ended.finish()
            }
            throw CancellationError()
        case .meet(let meeting, let count):
            await meeting.arrive()
            return vms(count)
        case .garbage:
            struct NotABackendError: Error {}
            throw NotABackendError()
        }
    }

    private func vms(_ count: Int) -> [VM] {
        (0..<count).map { VM(engine: name, id: "\(name)-\($0)", name: "vm\($0)", status: "up") }
    }

    func listHosts() async throws -> [Hypervisor] { [] }
    func listClusters() async throws -> [Cluster] { [] }
    func probe() async throws -> EngineProbe { EngineProbe(product: "test", version: "1") }
    func shutdown() async {}
}

/// Lets no one through until `expected` callers have arrived: engines read one after another
/// would wait for ever (and the test's time limit would fail it).
actor Meeting {
    private let expected: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(expected: Int) { self.expected = expected }

    func arrive() async {
        if waiting.count + 1 == expected {
            for waiter in waiting { waiter.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

actor CallCounter {
    private(set) var count = 0
    func increment() { count += 1 }
}

/// The read path: every listing goes through the live model, which reads each engine bounded by
/// its own timeout, so one engine that is down, slow or answers garbage never costs the others.
@Suite struct EngineReadTests {
    func inventory(_ backends: [(ScriptedBackend, Duration)]) -> EngineSet {
        EngineSet(backends: backends.map { RegisteredBackend(backend: $0.0, timeout: $0.1) },
                  logger: Logger(label: "test"))
    }

    @Test(.timeLimit(.minutes(1)))
    func oneFailingEngineDoesNotCostTheOthers() async {
        let inventory = inventory([
            (ScriptedBackend(name: "a", behaviour: .answer(vms: 3)), .seconds(5)),
            (ScriptedBackend(name: "b", behaviour: .fail(.connectionRefused, "connection refused")), .seconds(5)),
            (ScriptedBackend(name: "c", behaviour: .answer(vms: 2)), .seconds(5)),
        ])
        let listing = await inventory.model.vms()
        #expect(listing.items.count == 5)
        #expect(listing.statuses.map(\.engine) == ["a", "b", "c"])
        let failures = listing.statuses.filter { !$0.ok }
        #expect(failures.map(\.engine) == ["b"])
        #expect(failures.first?.error == "connection_refused")
        #expect(listing.items.allSatisfy { $0.engine != "b" })
    }

    @Test(.timeLimit(.minutes(1)))
    func hungEngineTimesOutAloneAndIsNamed() async {
        let inventory = inventory([
            (ScriptedBackend(name: "fast", behaviour: .answer(vms: 4)), .seconds(5)),
            (ScriptedBackend(name: "hung", behaviour: .hang), .milliseconds(300)),
        ])
        // The hung engine never answers: only its timeout can end this listing.
        let listing = await inventory.model.vms()
        #expect(listing.items.count == 4)
        let hung = listing.statuses.first { $0.engine == "hung" }
        #expect(hung?.ok == false)
        #expect(hung?.error == "timeout")
        #expect(hung?.message?.contains("300 ms (request_timeout)") == true)
    }

    @Test(.timeLimit(.minutes(1)))
    func enginesAreReadConcurrently() async {
        let meeting = Meeting(expected: 6)
        let inventory = inventory((0..<6).map {
            (ScriptedBackend(name: "e\($0)", behaviour: .meet(meeting, vms: 1)), .seconds(50))
        })
        let listing = await inventory.model.vms()
        #expect(listing.items.count == 6)
        #expect(listing.statuses.allSatisfy { $0.ok })
    }

    @Test func unexpectedErrorsBecomeInvalidResponse() async {
        let inventory = inventory([(ScriptedBackend(name: "g", behaviour: .garbage), .seconds(5))])
        let listing = await inventory.model.vms()
        #expect(listing.statuses.first?.error == "invalid_response")
    }

    @Test func selectedEnginesOnly() async {
        let a = ScriptedBackend(name: "a", behaviour: .answer(vms: 1))
        let inventory = inventory([(a, .seconds(5)), (ScriptedBackend(name: "b", behaviour: .answer(vms: 2)), .seconds(5))])
        let listing = await inventory.model.vms(InventoryQuery(engines: ["b"]))
        #expect(listing.statuses.map(\.engine) == ["b"])
        #expect(listing.items.count == 2)
        #expect(await a.calls.count == 0, "an engine that was not asked for was read")
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
    func concurrentListingsCostTheEngineOneReadThenAnswerFromMemory() async {
        let backend = ScriptedBackend(name: "a", behaviour: .answer(vms: 2))
        let inventory = inventory([(backend, .seconds(5))])
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<5 { group.addTask { await inventory.model.vms().items.count } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == [2, 2, 2, 2, 2])
        #expect(await backend.calls.count == 1)
        _ = await inventory.model.vms()
        #expect(await backend.calls.count == 1, "a later listing is answered from memory")
    }

    @Test(.timeLimit(.minutes(1)))
    func aCallToOneEngineIsBoundedByItsTimeoutAndUnknownEnginesAreNotFound() async {
        let inventory = inventory([(ScriptedBackend(name: "hung", behaviour: .hang), .milliseconds(200))])
        let hung = await inventory.call("hung", name: "plan") { try await $0.listVMs() }
        #expect(throws: BackendError.self) { try hung.get() }
        if case .failure(let error) = hung { #expect(error.code == .timeout) }
        let unknown = await inventory.call("nope", name: "plan") { try await $0.listVMs() }
        if case .failure(let error) = unknown { #expect(error.code == .notFound) } else { Issue.record("answered") }
    }
}
