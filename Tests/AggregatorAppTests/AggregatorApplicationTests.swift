import AggregatorApp
import AggregatorCore
import AggregatorTesting
import EngineHTTP
import Foundation
import Logging
import SQLiteJobStore
import Testing

/// The application built as `aggregator serve` builds it: stopped while a job is in the middle of a
/// step: the store must say what happened, as an operator would read it after a restart.
@Suite struct AggregatorApplicationTests {
    @Test(.timeLimit(.minutes(1)))
    func aShutdownInTheMiddleOfAJobLeavesItInterruptedWithItsFinishedStepsOnRecord() async throws {
        let dataDirectory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let engine = GatedEngine()
        let (app, ports) = try await Self.application(engine: engine, dataDirectory: dataDirectory)

        let jobID = try await app.withRunning { _ in
            var listening = ports.makeAsyncIterator()
            let bound = try #require(await listening.next())
            let document = try Data(contentsOf: Self.examples.appendingPathComponent("create_vm.json"))
            let answer = try await HTTPClient.withHTTPClient { client in
                try await client.execute(HTTPRequest(
                    method: "POST", url: "http://127.0.0.1:\(bound)/ovirt/create_vm",
                    headers: [("Content-Type", "application/json")], body: Array(document)))
            }
            #expect(answer.status == 202)
            let jobs = try #require(
                (try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])?["jobs"] as? [[String: Any]])
            // Shut down once the job is inside its second step, waiting on the engine.
            await engine.waitUntilInsideSecondStep()
            return try #require(jobs.first?["id"] as? String)
        }

        // What an operator finds after the stop: the file, read afresh.
        let store = try SQLiteJobStore(path: "\(dataDirectory)/jobs.sqlite")
        let job = try #require(try await store.job(id: jobID))
        #expect(job.state == .interrupted)
        #expect(job.error?.code == "interrupted")
        #expect(job.steps.map(\.name) == ["create_network", "create_vm"])
        #expect(job.steps.map(\.state) == ["succeeded", "interrupted"])
        #expect(job.steps.first?.engineIDs["network_id"] == "n-1")
        #expect(await engine.loggedOut, "the application did not log out of the engine on shutdown")
    }

    /// A `?wait=` ends when the wait has lasted as long as asked on the application's clock, with
    /// the job as it is then: the clock is the application's, not the wall's.
    @Test(.timeLimit(.minutes(1)))
    func aWaitEndsWhenTheApplicationsClockSaysSoWithTheJobStillRunning() async throws {
        let dataDirectory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let engine = GatedEngine()
        let clock = ManualClock()
        let (app, ports) = try await Self.application(engine: engine, dataDirectory: dataDirectory, clock: clock)

        try await app.withRunning { _ in
            var listening = ports.makeAsyncIterator()
            let bound = try #require(await listening.next())
            let document = try Data(contentsOf: Self.examples.appendingPathComponent("create_vm.json"))
            async let answer = HTTPClient.withHTTPClient { client in
                try await client.execute(HTTPRequest(
                    method: "POST", url: "http://127.0.0.1:\(bound)/ovirt/create_vm?wait=30",
                    headers: [("Content-Type", "application/json")], body: Array(document)))
            }
            await engine.waitUntilInsideSecondStep()
            // The wait has started its 30 s on the application's clock; move the clock past them.
            var sleeps = clock.sleeps.makeAsyncIterator()
            _ = await sleeps.next()
            clock.advance(by: .seconds(30))
            let response = try await answer
            let jobs = try #require(
                (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["jobs"] as? [[String: Any]])
            #expect(jobs.first?["state"] as? String == "running")
            #expect(response.status == 202)
        }
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("app-\(UUID().uuidString)").path
    }

    /// The application over one `e15-test` engine of the gated kind, listening on a free port
    /// (announced on the stream), stopped by the test rather than by signals.
    static func application(engine: GatedEngine, dataDirectory: String, clock: any Clock<Duration> = ContinuousClock())
        async throws -> (AggregatorApplication, AsyncStream<Int>)
    {
        var registry = BackendRegistry()
        registry.register("ovirt") { entry, _ in GatedBackend(name: entry.name, engine: engine) }
        let configuration = AggregatorConfiguration(backends: [
            BackendConfiguration(name: "e15-test", kind: "ovirt", url: "https://e15-test.example/ovirt-engine/api"),
        ])
        var options = AggregatorApplication.Options(host: "127.0.0.1", port: 0, dataDirectory: dataDirectory)
        options.shutdownSignals = []
        options.metrics = false
        options.clock = clock
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        let app = try await AggregatorApplication.build(
            configuration, registry: registry, options: options, logger: Logger(label: "test"),
            onServerRunning: { port.yield($0) })
        return (app, ports)
    }

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples").standardized
}

/// What the test engine has seen, and the signal that a job reached its second step.
actor GatedEngine {
    private var inside = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private(set) var loggedOut = false

    func enteredSecondStep() {
        inside = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }

    func waitUntilInsideSecondStep() async {
        if inside { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func logOut() { loggedOut = true }
}

/// An engine with nothing in it whose VM creation finishes its first step and then waits in the
/// second until the job is cancelled.
struct GatedBackend: VMCreatingBackend {
    var name: String
    var kind: BackendKind { "ovirt" }
    let engine: GatedEngine

    struct Plan: Codable, Sendable {
        var target: String
    }

    func listVMs() async throws -> [VM] { [] }
    func listHosts() async throws -> [Hypervisor] { [] }
    func listClusters() async throws -> [Cluster] { [] }
    func probe() async throws -> EngineProbe { EngineProbe(product: "oVirt Engine", version: "4.5.5") }
    func shutdown() async { await engine.logOut() }
    func vm(id: String) async throws -> VM? { nil }
    func host(id: String) async throws -> Hypervisor? { nil }
    func cluster(id: String) async throws -> Cluster? { nil }

    func plan(_ item: ProvisioningItem) async throws -> PlanOutcome {
        .ready(try ProvisioningPlan(
            engine: name, kind: kind,
            steps: [.init(name: "create_network", description: "POST /networks"),
                    .init(name: "create_vm", description: "POST /vms")],
            payload: Plan(target: item.vm?.name ?? item.vlan.networkName)))
    }

    func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        await context.recorder.stepStarted("create_network", description: "POST /networks")
        await context.recorder.stepSucceeded("create_network", detail: nil, engineIDs: ["network_id": "n-1"])
        await context.recorder.stepStarted("create_vm", description: "POST /vms")
        await engine.enteredSecondStep()
        // The engine never answers: only the job's cancellation ends the wait.
        let (answer, cancelled) = AsyncStream.makeStream(of: Never.self)
        await withTaskCancellationHandler {
            for await _ in answer {}
        } onCancel: {
            cancelled.finish()
        }
        try Task.checkCancellation()
        return ProvisioningResult(engineIDs: [:], summary: "unreachable")
    }
}
