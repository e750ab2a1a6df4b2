// Temporary: the Core API this backend is written against, until it lands on main. Deleted by the merge.
import AggregatorCore
import Foundation

extension VM {
    var rawStatus: String? { get { nil } set {} }
}

extension AggregatorCore.Host {
    var rawStatus: String? { get { nil } set {} }
}

struct FieldPaths: Sendable, Hashable {
    var vmName: String
    var template: String
    var cores: String
    var memory: String
    var disks: String
    var diskSizeKey: String
    var vlanName: String
    var vlanID: String
    var address: String
    func disk(_ index: Int) -> String { "\(disks)[\(index)]" }
    func diskSize(_ index: Int) -> String { "\(disk(index)).\(diskSizeKey)" }
}

extension ProvisioningItem {
    var paths: FieldPaths {
        FieldPaths(vmName: "\(path).vm.name", template: "\(path).vm.template", cores: "\(path).vm.cores",
                   memory: "\(path).vm.memory", disks: "\(path).vm.disks", diskSizeKey: "size",
                   vlanName: "\(path).vlan.name", vlanID: "\(path).vlan.id", address: "\(path).vm.address")
    }
    func sectionPath(_ field: String) -> String { "\(path).\(sectionName).\(field)" }
    func fieldPath(_ components: String...) -> String { ([path] + components).joined(separator: ".") }
}

extension ProvisioningPlan {
    init(engine: String, kind: BackendKind, steps: [Step], payload: some Encodable) throws(BackendError) {
        let data: Data
        do { data = try JSONEncoder().encode(payload) } catch {
            throw BackendError(.invalidResponse, engine: engine, message: "\(error)")
        }
        self.init(engine: engine, steps: steps, context: ["payload": String(decoding: data, as: UTF8.self)])
    }

    func payload<P: Decodable>(as type: P.Type) throws(BackendError) -> P {
        do { return try JSONDecoder().decode(type, from: Data((context["payload"] ?? "").utf8)) } catch {
            throw BackendError(.invalidResponse, engine: engine, message: "\(error)")
        }
    }
}

extension BackendRegistry {
    mutating func register(_ kind: BackendKind, defaultUsername: String?,
                           fetchCACertificate: (@Sendable (BackendConfiguration) async throws -> String)?,
                           factory: @escaping Factory) {
        register(kind, factory: factory)
    }
}

extension ProxmoxBackend {
    public func execute(_ plan: ProvisioningPlan, for item: ProvisioningItem, context: JobContext) async throws
        -> ProvisioningResult
    {
        try await execute(plan, context: context)
    }
}
