import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SQLiteJobStore
import Testing

@testable import Server

/// The VM operation routes over an engine kept in memory: roles, the audit, dry runs that change
/// nothing, a delete's name check, bulk limits, and the refusals a client relies on.
@Suite(.timeLimit(.minutes(1)))
struct OperationsRoutesTests {
    @Test func whoMayDoWhatAndEveryAttemptIsAudited() async throws {
        try await OperationsHarness.with { harness in
            try await harness.application(auth: true).test(.router) { client in
                let reader = try await client.execute(uri: "/api/v1/vms/e15/vm-1/stop", method: .post,
                                                      headers: OperationsHarness.bearer(.reader))
                #expect(reader.status == .forbidden)
                let stop = try await client.execute(uri: "/api/v1/vms/e15/vm-1/stop?wait=30", method: .post,
                                                    headers: OperationsHarness.bearer(.operator))
                #expect(stop.status == .ok)
                let job = try #require((try OperationsHarness.json(stop.body)["jobs"] as? [[String: Any]])?.first)
                #expect(job["state"] as? String == "succeeded")
                #expect(job["action"] as? String == "stop_vm")
                #expect(job["vm_id"] as? String == "vm-1")
                #expect(await harness.engine.status("vm-1") == "down")
                let listed = try await client.execute(uri: "/api/v1/vms/e15/vm-1", method: .get,
                                                      headers: OperationsHarness.bearer(.reader))
                #expect(try OperationsHarness.json(listed.body)["status"] as? String == "down",
                        "a wait that saw the job end finds the live model showing what it did")

                let operatorDelete = try await client.execute(uri: "/api/v1/vms/e15/vm-2?name=db-01", method: .delete,
                                                              headers: OperationsHarness.bearer(.operator))
                #expect(operatorDelete.status == .forbidden, "a delete needs operations.delete_role, admin by default")
                #expect(OperationsHarness.text(operatorDelete.body).contains("operations.delete_role"))
                #expect(await harness.engine.status("vm-2") == "down")
                let adminDelete = try await client.execute(uri: "/api/v1/vms/e15/vm-2?name=db-01&wait=30", method: .delete,
                                                           headers: OperationsHarness.bearer(.admin))
                #expect(adminDelete.status == .ok)
                #expect(await harness.engine.status("vm-2") == nil)

                let audit = try await harness.store.auditEntries(matching: AuditFilter())
                let byOutcome = Dictionary(grouping: audit, by: \.outcome)
                #expect(byOutcome[.denied]?.map(\.who).sorted() == ["operator-token", "reader-token"])
                #expect(Set(byOutcome[.denied]?.map(\.action) ?? []) == ["stop_vm", "delete_vm"],
                        "a refused attempt is on record under the operation it asked for")
                #expect(Set(byOutcome[.accepted]?.map(\.action) ?? []) == ["stop_vm", "delete_vm"])
                #expect(byOutcome[.accepted]?.allSatisfy { $0.items.first?.jobID != nil } == true,
                        "an accepted operation's entry names its job")
            }
        }
    }

    @Test func whoamiSaysWhatTheCallerMayDo() async throws {
        for (deleteRole, expected) in [(Role.admin, [Role.reader: [false, false], .operator: [true, false], .admin: [true, true]]),
                                       (.operator, [.reader: [false, false], .operator: [true, true], .admin: [true, true]])] {
            var settings = OperationSettings()
            settings.deleteRole = deleteRole
            try await OperationsHarness.with(settings: settings) { harness in
                try await harness.application(auth: true).test(.router) { client in
                    for (role, may) in expected {
                        let answer = try await client.execute(uri: "/api/v1/whoami", method: .get,
                                                              headers: OperationsHarness.bearer(role))
                        let body = try OperationsHarness.json(answer.body)
                        let found = try #require(body["may"] as? [String: Bool])
                        #expect([found["operate"], found["delete"]] == may.map { $0 }, "\(role) with delete_role \(deleteRole)")
                        #expect(body["role"] as? String == role.name)
                    }
                }
            }
        }
    }

    @Test func anOperatorMayDeleteWhereTheConfigurationSaysSo() async throws {
        var settings = OperationSettings()
        settings.deleteRole = .operator
        try await OperationsHarness.with(settings: settings) { harness in
            try await harness.application(auth: true).test(.router) { client in
                let delete = try await client.execute(uri: "/api/v1/vms/e15/vm-2?name=db-01&wait=30", method: .delete,
                                                      headers: OperationsHarness.bearer(.operator))
                #expect(delete.status == .ok)
            }
        }
    }

    @Test func aDryRunListsThePlanAndChangesNothing() async throws {
        try await OperationsHarness.with { harness in
            try await harness.application().test(.router) { client in
                let answer = try await client.execute(
                    uri: "/api/v1/vms/actions?dry_run=true", method: .post,
                    body: ByteBuffer(string: #"{"action": "stop", "query": {"engine": "e15", "name": "web"}}"#))
                #expect(answer.status == .ok)
                let body = try OperationsHarness.json(answer.body)
                let vms = try #require(body["vms"] as? [[String: Any]])
                #expect(vms.compactMap { $0["name"] as? String }.sorted() == ["web-01", "web-02", "web-03"])
                #expect(vms.allSatisfy { ($0["plan"] as? [String: Any])?["steps"] != nil })
                #expect(await harness.engine.executions == 0)
                #expect(try await harness.store.jobs(matching: JobFilter()).isEmpty)
                #expect(await harness.engine.status("web-1") == "up")
            }
        }
    }

    @Test func aDeleteMustNameTheVMAndAVMThatIsGoneAnswersTheJobThatRemovedIt() async throws {
        try await OperationsHarness.with { harness in
            try await harness.application().test(.router) { client in
                let wrong = try await client.execute(uri: "/api/v1/vms/e15/vm-2?name=web-01", method: .delete)
                #expect(wrong.status == .unprocessableContent)
                let issues = try #require(try OperationsHarness.json(wrong.body)["issues"] as? [[String: Any]])
                #expect(issues.first?["path"] as? String == "id.name")
                let unnamed = try await client.execute(uri: "/api/v1/vms/e15/vm-2", method: .delete)
                #expect(unnamed.status == .unprocessableContent)
                #expect(await harness.engine.status("vm-2") == "down", "nothing was deleted")

                let first = try await client.execute(uri: "/api/v1/vms/e15/vm-2?name=db-01&wait=30", method: .delete)
                let removal = try #require((try OperationsHarness.json(first.body)["jobs"] as? [[String: Any]])?.first)
                let again = try await client.execute(uri: "/api/v1/vms/e15/vm-2?name=db-01", method: .delete)
                #expect(again.status == .ok)
                let answered = try #require((try OperationsHarness.json(again.body)["jobs"] as? [[String: Any]])?.first)
                #expect(answered["id"] as? String == removal["id"] as? String)
                #expect(answered["reused"] as? Bool == true)
            }
        }
    }

    @Test func unknownEnginesVMsActionsAndKindsWithoutTheCapabilityAreRefusedWithTheirCodes() async throws {
        try await OperationsHarness.with { harness in
            try await harness.application().test(.router) { client in
                for (uri, method, status, code) in [
                    ("/api/v1/vms/nope/vm-1/stop", HTTPRequest.Method.post, HTTPResponse.Status.notFound, "unknown_engine"),
                    ("/api/v1/vms/e15/no-such-vm/stop", .post, .notFound, "unknown_vm"),
                    ("/api/v1/vms/e15/vm-1/explode", .post, .notFound, "unknown_action"),
                    ("/api/v1/vms/lister/l-1/stop", .post, .unprocessableContent, "unsupported_capability"),
                    ("/api/v1/vms/e15/vm-1/stop?force=maybe", .post, .badRequest, "bad_parameter"),
                ] {
                    let answer = try await client.execute(uri: uri, method: method)
                    #expect(answer.status == status, "\(uri)")
                    let error = try OperationsHarness.json(answer.body)["error"] as? [String: Any]
                    #expect(error?["code"] as? String == code, "\(uri)")
                }
                let unsupported = try await client.execute(uri: "/api/v1/vms/lister/l-1/stop", method: .post)
                #expect(OperationsHarness.text(unsupported.body).contains("power_vms"))
            }
        }
    }

    @Test func aBulkRequestIsBoundedAndRunsOneJobPerVM() async throws {
        var settings = OperationSettings()
        settings.maxBulk = 2
        settings.bulkCeiling = 3
        try await OperationsHarness.with(settings: settings) { harness in
            try await harness.application().test(.router) { client in
                let query = #"{"action": "stop", "query": {"engine": "e15", "name": "web"}}"#
                let tooMany = try await client.execute(uri: "/api/v1/vms/actions", method: .post, body: ByteBuffer(string: query))
                #expect(tooMany.status == .unprocessableContent)
                #expect(OperationsHarness.text(tooMany.body).contains("too_many_vms"))
                let aboveCeiling = try await client.execute(
                    uri: "/api/v1/vms/actions", method: .post,
                    body: ByteBuffer(string: #"{"action": "stop", "query": {"name": "web"}, "max": 4}"#))
                #expect(aboveCeiling.status == .unprocessableContent)
                #expect(await harness.engine.executions == 0)

                let raised = try await client.execute(
                    uri: "/api/v1/vms/actions?wait=30", method: .post,
                    body: ByteBuffer(string: #"{"action": "stop", "query": {"engine": "e15", "name": "web"}, "max": 3}"#))
                #expect(raised.status == .ok)
                let jobs = try #require(try OperationsHarness.json(raised.body)["jobs"] as? [[String: Any]])
                #expect(jobs.count == 3)
                #expect(Set(jobs.compactMap { $0["vm_id"] as? String }) == ["web-1", "web-2", "web-3"])
                #expect(await harness.engine.status("web-2") == "down")

                let badBody = try await client.execute(
                    uri: "/api/v1/vms/actions", method: .post,
                    body: ByteBuffer(string: #"{"action": "stop", "vms": [{"engine": "e15"}], "colour": 1}"#))
                #expect(badBody.status == .unprocessableContent)
                let paths = try #require(try OperationsHarness.json(badBody.body)["issues"] as? [[String: Any]])
                    .compactMap { $0["path"] as? String }
                #expect(paths.sorted() == ["colour", "vms[0].id"])
            }
        }
    }
}

/// An engine in memory whose VMs can be operated.
actor OperatedEngine {
    private var statuses: [String: String]
    private var names: [String: String]
    private(set) var executions = 0

    init() {
        statuses = ["vm-1": "up", "vm-2": "down", "web-1": "up", "web-2": "up", "web-3": "up"]
        names = ["vm-1": "app-01", "vm-2": "db-01", "web-1": "web-01", "web-2": "web-02", "web-3": "web-03"]
    }

    func status(_ id: String) -> String? { statuses[id] }

    func vms(engine: String) -> [VM] {
        statuses.keys.sorted().map { VM(engine: engine, id: $0, name: names[$0]!, status: statuses[$0]!) }
    }

    func apply(_ operation: VMOperation, to id: String) {
        executions += 1
        switch operation {
        case .start, .reboot: statuses[id] = "up"
        case .stop, .shutdown: statuses[id] = "down"
        case .suspend: statuses[id] = "suspended"
        case .delete:
            statuses[id] = nil
            names[id] = nil
        }
    }
}

/// A kind that powers and deletes the VMs of an ``OperatedEngine``.
struct OperatedBackend: VMPowerBackend, VMDeletingBackend {
    var name: String
    var kind: BackendKind { "ovirt" }
    let engine: OperatedEngine

    func listVMs() async throws -> [VM] { await engine.vms(engine: name) }
    func listHosts() async throws -> [Hypervisor] { [] }
    func listClusters() async throws -> [Cluster] { [] }
    func probe() async throws -> EngineProbe { EngineProbe(product: "oVirt Engine", version: "4.5.5") }
    func shutdown() async {}
    func vm(id: String) async throws -> VM? { await engine.vms(engine: name).first { $0.id == id } }
    func host(id: String) async throws -> Hypervisor? { nil }
    func cluster(id: String) async throws -> Cluster? { nil }

    func planOperation(_ request: VMOperationRequest) async throws -> PlanOutcome {
        guard await engine.status(request.vmID) != nil else {
            throw BackendError(.notFound, engine: name, message: "no VM \(request.vmID)")
        }
        return .ready(try ProvisioningPlan(
            engine: name, kind: kind, steps: [.init(name: "\(request.operation)_vm", description: "\(request.operation) \(request.vmName)")],
            payload: request))
    }

    func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        let request = try plan.payload(as: VMOperationRequest.self)
        let step = "\(request.operation)_vm"
        await context.recorder.stepStarted(step, description: step)
        await engine.apply(request.operation, to: request.vmID)
        await context.recorder.stepSucceeded(step, detail: nil, engineIDs: ["vm_id": request.vmID])
        return ProvisioningResult(engineIDs: ["vm_id": request.vmID], summary: "\(request.operation) \(request.vmName)")
    }
}

/// An engine `e15` of the operated kind, one `lister` engine whose kind only lists, a runner on a
/// fresh SQLite file, and a token per role.
struct OperationsHarness: Sendable {
    var engine: OperatedEngine
    var store: SQLiteJobStore
    var runner: JobRunner
    var inventory: EngineSet
    var settings: OperationSettings

    func application(auth: Bool = false) -> some ApplicationProtocol {
        let access = auth ? AccessControl(auth: AuthConfiguration(tokens: AuthHarness.configuredTokens)) : .open()
        return Application(router: AggregatorServer.buildRouter(inventory: inventory, jobs: runner, access: access,
                                                                operations: settings))
    }

    static func with(settings: OperationSettings = OperationSettings(), _ body: (OperationsHarness) async throws -> Void)
        async throws
    {
        let engine = OperatedEngine()
        var lister = FixedBackend(name: "lister")
        lister.vms = [VM(engine: "lister", id: "l-1", name: "listed", status: "up")]
        let inventory = EngineSet(backends: [
            RegisteredBackend(backend: OperatedBackend(name: "e15", engine: engine), timeout: .seconds(5)),
            RegisteredBackend(backend: ListingOnlyBackend(inner: lister), timeout: .seconds(5)),
        ], logger: Logger(label: "test"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ops-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
        let runner = JobRunner(store: store, inventory: inventory, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runner.run() }
            defer { group.cancelAll() }
            try await body(OperationsHarness(engine: engine, store: store, runner: runner, inventory: inventory,
                                             settings: settings))
        }
    }

    static func bearer(_ role: Role) -> HTTPFields { AuthHarness.bearer(AuthHarness.tokens[role]) }
    static func json(_ buffer: ByteBuffer) throws -> [String: Any] { try AuthHarness.json(buffer) }
    static func text(_ buffer: ByteBuffer) -> String { AuthHarness.text(buffer) }
}

/// A kind that lists and does nothing else.
struct ListingOnlyBackend: VirtualizationBackend {
    var inner: FixedBackend
    var name: String { inner.name }
    var kind: BackendKind { "listing" }
    func listVMs() async throws -> [VM] { try await inner.listVMs() }
    func listHosts() async throws -> [Hypervisor] { [] }
    func listClusters() async throws -> [Cluster] { [] }
    func probe() async throws -> EngineProbe { EngineProbe(product: "Lister", version: "1") }
    func shutdown() async {}
    func vm(id: String) async throws -> VM? { try await inner.listVMs().first { $0.id == id } }
    func host(id: String) async throws -> Hypervisor? { nil }
    func cluster(id: String) async throws -> Cluster? { nil }
}
