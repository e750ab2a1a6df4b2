import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Server

/// A backend with a fixed inventory, or a fixed failure.
struct FixedBackend: VLANCreatingBackend, VMCreatingBackend {
    var name: String
    var kind: BackendKind = "ovirt"
    var failure: BackendError.Code?
    var vms: [VM] = []
    /// Every execute call, for assertions.
    var executions = ExecutionLog()
    /// Told each VM id the engine was asked for, once it answered (the live model's re-read of a
    /// VM a job made, say).
    var vmReads: AsyncStream<String>.Continuation?

    init(name: String, kind: BackendKind = "ovirt", failure: BackendError.Code? = nil) {
        self.name = name
        self.kind = kind
        self.failure = failure
        vms = [
            VM(engine: name, id: "\(name)-1", name: "web-01", status: "up", cluster: "Default", host: "h1",
               cpus: 2, cores: 2, memoryBytes: 2 << 30, ipAddresses: ["10.0.0.1"],
               creationTime: Date(timeIntervalSince1970: 1_700_000_000)),
            VM(engine: name, id: "\(name)-2", name: "db-01", status: "down", cluster: "Prod"),
        ]
    }

    func check() throws {
        if let failure { throw BackendError(failure, engine: name, message: "connection refused by \(name):443") }
    }

    func listVMs() async throws -> [VM] {
        try check()
        return vms
    }

    func listHosts() async throws -> [Hypervisor] {
        try check()
        return [Hypervisor(engine: name, id: "\(name)-h1", name: "h1", status: "up", cluster: "Default")]
    }

    func listClusters() async throws -> [Cluster] {
        try check()
        return [Cluster(engine: name, id: "\(name)-c1", name: "Default", dataCenter: "Default")]
    }

    func probe() async throws -> EngineProbe {
        try check()
        return EngineProbe(product: "oVirt Engine", version: "4.5.5")
    }

    func shutdown() async {}

    /// The VM an execute made (named after what it was asked to create), as the engine reads it back.
    func vm(id: String) async throws -> VM? {
        defer { vmReads?.yield(id) }
        try check()
        if let made = vms.first(where: { $0.id == id }) { return made }
        guard id == "vm-1", let target = await executions.targets.last else { return nil }
        return VM(engine: name, id: id, name: target, status: "up", cluster: "Default")
    }

    func host(id: String) async throws -> Hypervisor? {
        try await listHosts().first { $0.id == id }
    }

    func cluster(id: String) async throws -> Cluster? {
        try await listClusters().first { $0.id == id }
    }

    func plan(_ item: ProvisioningItem) async throws -> PlanOutcome {
        try check()
        if item.vm?.name == "taken" {
            return .invalid([ValidationIssue(path: "\(item.path).vm.name", message: "a VM named taken already exists")])
        }
        return .ready(try ProvisioningPlan(
            engine: name, kind: kind,
            steps: [.init(name: "create_network", description: "POST /networks"), .init(name: "create_vm", description: "POST /vms")],
            payload: StubPlan(target: item.vm?.name ?? item.vlan.networkName)))
    }

    func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        let target = try plan.payload(as: StubPlan.self).target
        await executions.add(target, correlation: context.correlationID)
        await context.recorder.stepStarted("create_network", description: "POST /networks")
        await context.recorder.stepSucceeded("create_network", detail: nil, engineIDs: ["network_id": "n-1"])
        await context.recorder.stepStarted("create_vm", description: "POST /vms")
        if target.contains("fail") {
            let error = BackendError(.httpStatus, engine: name, message: "Cannot add VM. Disk is locked.", httpStatus: 409)
            await context.recorder.stepFailed("create_vm", error: error)
            throw error
        }
        await context.recorder.stepSucceeded("create_vm", detail: nil, engineIDs: ["vm_id": "vm-1"])
        return ProvisioningResult(engineIDs: ["vm_id": "vm-1"], summary: "created")
    }
}

/// A ``FixedBackend`` of a kind that creates VMs but no VLANs.
struct VMOnlyBackend: VMCreatingBackend {
    var base: FixedBackend
    var name: String { base.name }
    var kind: BackendKind { base.kind }
    func listVMs() async throws -> [VM] { try await base.listVMs() }
    func listHosts() async throws -> [Hypervisor] { try await base.listHosts() }
    func listClusters() async throws -> [Cluster] { try await base.listClusters() }
    func probe() async throws -> EngineProbe { try await base.probe() }
    func shutdown() async {}
    func vm(id: String) async throws -> VM? { try await base.vm(id: id) }
    func host(id: String) async throws -> Hypervisor? { try await base.host(id: id) }
    func cluster(id: String) async throws -> Cluster? { try await base.cluster(id: id) }
    func plan(_ item: ProvisioningItem) async throws -> PlanOutcome { try await base.plan(item) }
    func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        try await base.execute(plan, context: context)
    }
}

/// The test backend's typed plan: all its execution reads.
struct StubPlan: Codable, Sendable {
    var target: String
}

/// What a test backend was asked to execute.
actor ExecutionLog {
    private(set) var targets: [String] = []
    private(set) var correlations: [String] = []

    func add(_ target: String, correlation: String) {
        targets.append(target)
        correlations.append(correlation)
    }
}


@Suite struct ServerRoutesTests {
    func app(_ backends: [FixedBackend]) -> some ApplicationProtocol {
        let inventory = EngineSet(
            backends: backends.map {
                RegisteredBackend(backend: $0, timeout: .seconds(5), url: "https://\($0.name).example/ovirt-engine/api",
                                  tags: ["dc-\($0.name)"])
            },
            logger: Logger(label: "test"))
        return Application(router: AggregatorServer.buildRouter(inventory: inventory))
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
        return try #require(object as? [String: Any])
    }

    @Test func seedVMListIsKeyedByEngineInConfigOrder() async throws {
        try await app([FixedBackend(name: "e15-test"), FixedBackend(name: "e15")]).test(.router) { client in
            try await client.execute(uri: "/ovirt/vm_list", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("{\"e15-test\":["))
                let body = try json(response.body)
                var vms = try #require(body["e15"] as? [[String: Any]])
                #expect(vms.count == 2)
                #expect(vms.map { $0["name"] as? String } == ["db-01", "web-01"], "listing order is by name")
                vms = vms.filter { $0["name"] as? String == "web-01" }
                #expect(vms[0]["engine"] as? String == "e15")
                #expect(vms[0]["memory_bytes"] as? Int == 2 << 30)
                #expect(vms[0]["ip_addresses"] as? [String] == ["10.0.0.1"])
                #expect(vms[0]["creation_time"] as? String == "2023-11-14T22:13:20Z")
                #expect(body["_errors"] == nil)
            }
        }
    }

    @Test func seedListReportsTheFailedEngineAndKeepsTheOthers() async throws {
        try await app([FixedBackend(name: "a"), FixedBackend(name: "b", failure: .connectionRefused)]).test(.router) {
            client in
            try await client.execute(uri: "/ovirt/host_list", method: .get) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect((body["a"] as? [Any])?.count == 1)
                #expect((body["b"] as? [Any])?.count == 0)
                let errors = try #require(body["_errors"] as? [String: [String: Any]])
                #expect(errors["b"]?["error"] as? String == "connection_refused")
                #expect((errors["b"]?["message"] as? String)?.contains("connection refused") == true)
            }
        }
    }

    @Test func allEnginesDownIsABadGatewayNotA500() async throws {
        try await app([FixedBackend(name: "a", failure: .timeout)]).test(.router) { client in
            try await client.execute(uri: "/ovirt/cluster_list", method: .get) { response in
                #expect(response.status == .badGateway)
            }
            try await client.execute(uri: "/api/v1/vms", method: .get) { response in
                #expect(response.status == .badGateway)
                let body = try json(response.body)
                #expect((body["error"] as? [String: Any])?["code"] as? String == "all_engines_failed")
            }
        }
    }

    @Test func flatListWithFilters() async throws {
        try await app([FixedBackend(name: "a"), FixedBackend(name: "b")]).test(.router) { client in
            try await client.execute(uri: "/api/v1/vms?status=up&name=WEB", method: .get) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                let items = try #require(body["items"] as? [[String: Any]])
                #expect(items.map { $0["engine"] as? String } == ["a", "b"])
                #expect(body["count"] as? Int == 2)
                #expect(body["complete"] as? Bool == true)
                #expect((body["engines"] as? [Any])?.count == 2)
            }
            try await client.execute(uri: "/api/v1/vms?engine=b&cluster=prod", method: .get) { response in
                let items = try #require(try json(response.body)["items"] as? [[String: Any]])
                #expect(items.count == 1)
                #expect(items.first?["name"] as? String == "db-01")
                #expect(items.first?["engine"] as? String == "b")
            }
            try await client.execute(uri: "/api/v1/hosts?engine=a,b", method: .get) { response in
                let body = try json(response.body)
                #expect((body["items"] as? [Any])?.count == 2)
            }
            try await client.execute(uri: "/api/v1/clusters?name=def", method: .get) { response in
                let body = try json(response.body)
                #expect((body["items"] as? [Any])?.count == 2)
            }
        }
    }

    @Test func badFiltersAreClear400s() async throws {
        try await app([FixedBackend(name: "a")]).test(.router) { client in
            try await client.execute(uri: "/api/v1/vms?engine=zz", method: .get) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try json(response.body)["error"] as? [String: Any])
                #expect(error["code"] as? String == "unknown_engine")
                #expect((error["fix"] as? String)?.contains("a") == true)
            }
            try await client.execute(uri: "/api/v1/vms?colour=red", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/vmware/vm_list", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func backendsAndIndex() async throws {
        try await app([FixedBackend(name: "a"), FixedBackend(name: "b", failure: .unauthorized)]).test(.router) {
            client in
            try await client.execute(uri: "/api/v1/backends", method: .get) { response in
                let items = try #require(try json(response.body)["items"] as? [[String: Any]])
                #expect(items.count == 2)
                #expect(items[0]["version"] as? String == "4.5.5")
                #expect(items[0]["url"] as? String == "https://a.example/ovirt-engine/api")
                #expect(items[0]["tags"] as? [String] == ["dc-a"])
                #expect((items[0]["capabilities"] as? [String])?.contains("list_vms") == true)
                #expect((items[1]["status"] as? [String: Any])?["error"] as? String == "unauthorized")
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect((body["endpoints"] as? [String])?.contains("/ovirt/vm_list") == true)
            }
        }
    }
}
