import AggregatorApp
import AggregatorCore
import AggregatorTesting
import EngineHTTP
import Foundation
import Logging
import PostgresJobStore
import PostgresNIO
import Testing

/// Two applications on one PostgreSQL database, as two `aggregator serve` replicas run: a job one
/// of them stops in the middle of is resumed by the other from its recorded steps, and a replica
/// that loses a job's lease stops touching it.
/// The PostgreSQL server that `VMAGG_TEST_DATABASE_URL` names (`scripts/test.sh` starts one).
let testDatabaseServer: DatabaseURL.Postgres? = {
    guard let text = ProcessInfo.processInfo.environment["VMAGG_TEST_DATABASE_URL"],
          case .postgresql(let server) = try? DatabaseURL.parse(text)
    else { return nil }
    return server
}()

@Suite(.enabled(if: testDatabaseServer != nil, "needs VMAGG_TEST_DATABASE_URL (scripts/test.sh starts PostgreSQL)"),
       .timeLimit(.minutes(1)))
struct ReplicaTests {

    @Test func aJobAReplicaStopsInTheMiddleOfIsResumedByAnotherWithoutRedoingItsSteps() async throws {
        let database = try await Self.freshDatabase()
        let engine = ResumableEngine()
        let (first, firstPorts) = try await Self.replica("a", engine: engine, database: database, lease: .seconds(1))
        let (second, secondPorts) = try await Self.replica("b", engine: engine, database: database, lease: .seconds(1))

        try await second.withRunning { _ in
            var secondListening = secondPorts.makeAsyncIterator()
            let secondPort = try #require(await secondListening.next())
            let jobID = try await first.withRunning { _ in
                var listening = firstPorts.makeAsyncIterator()
                let port = try #require(await listening.next())
                let answer = try await Self.post(port: port, path: "/ovirt/create_vm", file: "create_vm.json")
                #expect(answer.status == 202)
                let job = try #require(answer.json?["jobs"] as? [[String: Any]]).first
                // Stop the first replica while its job waits on the engine in its second step.
                await engine.waitUntilInsideSecondStep()
                return try #require(job?["id"] as? String)
            }
            // The second replica follows the job (announced by the database) until it ends.
            let answer = try await Self.get(port: secondPort, path: "/api/v1/jobs/\(jobID)?wait=50&revision=0")
            var job = try #require(answer.json)
            var revision = job["revision"] as? Int ?? 0
            while job["state"] as? String == "running" || job["state"] as? String == "queued" {
                job = try #require(try await Self.get(
                    port: secondPort, path: "/api/v1/jobs/\(jobID)?wait=50&revision=\(revision)").json)
                revision = job["revision"] as? Int ?? revision
            }
            #expect(job["state"] as? String == "succeeded")
            #expect(job["runner"] as? String == "b")
            #expect(job["attempts"] as? Int == 2)
            let steps = try #require(job["steps"] as? [[String: Any]])
            #expect(steps.map { $0["name"] as? String } == ["create_network", "create_vm"],
                    "each step is recorded once, the interrupted one reopened")
            #expect(steps.map { $0["state"] as? String } == ["succeeded", "succeeded"])
        }
        #expect(await engine.networksCreated == 1, "the step done before the takeover was not done again")
        #expect(await engine.vmsCreated == 1)
    }

    @Test func aReplicaThatLosesAJobsLeaseStopsItAndWritesNothingMore() async throws {
        let database = try await Self.freshDatabase()
        let engine = ResumableEngine(completesOnResume: false)
        let clock = ManualClock()
        let (app, ports) = try await Self.replica("a", engine: engine, database: database, lease: .seconds(30), clock: clock)
        try await app.withRunning { _ in
            var listening = ports.makeAsyncIterator()
            let port = try #require(await listening.next())
            let answer = try await Self.post(port: port, path: "/ovirt/create_vm", file: "create_vm.json")
            let jobID = try #require((answer.json?["jobs"] as? [[String: Any]])?.first?["id"] as? String)
            await engine.waitUntilInsideSecondStep()
            // Another replica holds the job now (as after a long pause of this one).
            try await Self.withClient(database) { client in
                _ = try await client.query("UPDATE job SET lease_owner = 'thief' WHERE id = \(jobID)")
            }
            let before = try await Self.withClient(database) { client in
                try await Self.body(of: jobID, client)
            }
            // The next renewal finds the lease gone: the job is cancelled on this replica.
            var sleeps = clock.sleeps.makeAsyncIterator()
            _ = await sleeps.next()
            clock.advance(by: .seconds(10))
            await engine.waitUntilCancelled()
            let after = try await Self.withClient(database) { client in
                try await Self.body(of: jobID, client)
            }
            #expect(after == before, "a replica without the lease wrote to the job")
        }
    }

    // MARK: Support

    static func freshDatabase() async throws -> DatabaseURL.Postgres {
        var server = try #require(testDatabaseServer)
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await withClient(server) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        server.database = name
        return server
    }

    static func withClient<T: Sendable>(_ server: DatabaseURL.Postgres,
                                        _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: .init(
            host: server.host, port: server.port, username: server.username, password: server.password?.value,
            database: server.database, tls: .disable), backgroundLogger: Logger(label: "test"))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    static func body(of id: String, _ client: PostgresClient) async throws -> String? {
        for try await body in try await client.query("SELECT body FROM job WHERE id = \(id)").decode(String.self) {
            return body
        }
        return nil
    }

    /// A replica named `name` over one `e15-test` engine of the resumable kind.
    static func replica(_ name: String, engine: ResumableEngine, database: DatabaseURL.Postgres, lease: Duration,
                        clock: any Clock<Duration> = ContinuousClock()) async throws -> (AggregatorApplication, AsyncStream<Int>) {
        var registry = BackendRegistry()
        registry.register("ovirt") { entry, _ in ResumableBackend(name: entry.name, engine: engine) }
        var configuration = AggregatorConfiguration(backends: [
            BackendConfiguration(name: "e15-test", kind: "ovirt", url: "https://e15-test.example/ovirt-engine/api"),
        ])
        configuration.database.url = .postgresql(database)
        configuration.database.tls = .disable
        configuration.database.lease = lease
        configuration.database.replicaName = name
        var options = AggregatorApplication.Options(host: "127.0.0.1", port: 0)
        options.shutdownSignals = []
        options.metrics = false
        options.clock = clock
        var logger = Logger(label: "test.\(name)")
        logger.logLevel = .warning
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        let app = try await AggregatorApplication.build(
            configuration, registry: registry, options: options, logger: logger, onServerRunning: { port.yield($0) })
        return (app, ports)
    }

    struct Answer {
        var status: Int
        var json: [String: Any]?
    }

    static func post(port: Int, path: String, file: String) async throws -> Answer {
        let document = try Data(contentsOf: AggregatorApplicationTests.examples.appendingPathComponent(file))
        return try await send(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)\(path)",
                                          headers: [("Content-Type", "application/json")], body: Array(document)))
    }

    static func get(port: Int, path: String) async throws -> Answer {
        try await send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)\(path)"))
    }

    static func send(_ request: HTTPRequest) async throws -> Answer {
        let response = try await HTTPClient.withHTTPClient { client in try await client.execute(request) }
        return Answer(status: response.status,
                      json: try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }
}

/// The engine both replicas share: it counts what was made, and holds a job's second step until
/// the job is cancelled, the first time; a resumed job's second step completes.
actor ResumableEngine {
    private(set) var networksCreated = 0
    private(set) var vmsCreated = 0
    private var attempts = 0
    private var inside = false
    private var cancelled = false
    private var insideWaiters: [CheckedContinuation<Void, Never>] = []
    private var cancelWaiters: [CheckedContinuation<Void, Never>] = []
    let completesOnResume: Bool

    init(completesOnResume: Bool = true) {
        self.completesOnResume = completesOnResume
    }

    func createNetwork() { networksCreated += 1 }

    /// The second step's engine call: whether it completes now (it holds the first time).
    func enterSecondStep() -> Bool {
        attempts += 1
        inside = true
        for waiter in insideWaiters { waiter.resume() }
        insideWaiters.removeAll()
        if attempts > 1, completesOnResume {
            vmsCreated += 1
            return true
        }
        return false
    }

    func markCancelled() {
        cancelled = true
        for waiter in cancelWaiters { waiter.resume() }
        cancelWaiters.removeAll()
    }

    func waitUntilInsideSecondStep() async {
        if inside { return }
        await withCheckedContinuation { insideWaiters.append($0) }
    }

    func waitUntilCancelled() async {
        if cancelled { return }
        await withCheckedContinuation { cancelWaiters.append($0) }
    }
}

/// A kind whose plan has two steps and that resumes as real kinds do: a step an earlier run
/// recorded as succeeded is not run again.
struct ResumableBackend: VMCreatingBackend {
    var name: String
    var kind: BackendKind { "ovirt" }
    let engine: ResumableEngine

    struct Plan: Codable, Sendable {
        var target: String
    }

    func listVMs() async throws -> [VM] { [] }
    func listHosts() async throws -> [Hypervisor] { [] }
    func listClusters() async throws -> [Cluster] { [] }
    func probe() async throws -> EngineProbe { EngineProbe(product: "oVirt Engine", version: "4.5.5") }
    func shutdown() async {}
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
        if context.completedStep("create_network") == nil {
            await context.recorder.stepStarted("create_network", description: "POST /networks")
            await engine.createNetwork()
            await context.recorder.stepSucceeded("create_network", detail: nil, engineIDs: ["network_id": "n-1"])
        }
        await context.recorder.stepStarted("create_vm", description: "POST /vms")
        if await engine.enterSecondStep() {
            await context.recorder.stepSucceeded("create_vm", detail: nil, engineIDs: ["vm_id": "v-1"])
            return ProvisioningResult(engineIDs: ["vm_id": "v-1"], summary: "VM made")
        }
        // The engine does not answer this time: only the job's cancellation ends the wait.
        let (answer, cancelled) = AsyncStream.makeStream(of: Never.self)
        await withTaskCancellationHandler {
            for await _ in answer {}
        } onCancel: {
            cancelled.finish()
        }
        await engine.markCancelled()
        throw CancellationError()
    }
}
