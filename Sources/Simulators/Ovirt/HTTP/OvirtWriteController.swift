import Foundation
import HTTPTypes
import Hummingbird

/// Serves the engine's writes: POST (add and actions), PUT (update) and
/// DELETE under `/ovirt-engine/api`, with XML or JSON bodies.
///
/// Statuses follow the REST layer: add → 201 with a `Location` header (202
/// for a VM, whose creation runs async tasks), action → 200 with
/// `<action><status>complete</status><job/></action>` (a VM action also names
/// the VM; suspend, which runs async tasks, answers 202 with `pending`),
/// update → 200 with the object, remove of a VM → 200 with the action body
/// (`?async=true`: 202 without one), other removes → 200 without a body.
/// Failures are engine faults; a failed VM action answers the action itself
/// with the fault inside and `status` `failed`, as `actionFailure` does.
struct OvirtWriteController: Sendable {
    let state: EngineState

    /// Request bodies are small; anything larger is refused.
    private static var maxBodySize: Int { 1 << 20 }

    func handle(_ request: Request, path: APIPath, format: OvirtFormat) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: Self.maxBodySize)
        let bytes = Array(buffer.readableBytesView)
        let query = QueryParameters(request.uri.query)
        let correlationID = request.headers[HTTPField.Name("Correlation-Id")!] ?? query["correlation_id"]
            ?? UUID().uuidString.lowercased()
        let segments = path.segments.map(\.name)
        let vmAction = request.method == .post && segments.count == 3 && segments[0] == "vms"
            && Self.vmActions.contains(segments[2])
        do {
            return try await dispatch(
                method: request.method,
                segments: segments,
                body: { root in
                    do {
                        return try RequestNode.parse(bytes, contentType: request.headers[.contentType], root: root)
                    } catch let error as RequestBodyError {
                        throw EngineFault.malformed(error.message)
                    }
                },
                query: query,
                correlationID: correlationID,
                format: format,
                expectsCreated: request.headers[.expect]?.lowercased().contains("201-created") ?? false
            )
        } catch let fault as EngineFault {
            guard let detail = fault.detail else { return OvirtResponse.empty(fault.status) }
            if vmAction {
                let async = (try? RequestNode.parse(bytes, contentType: request.headers[.contentType], root: "action"))?.bool("async")
                let node = Representer.actionFailure(reason: fault.reason, detail: detail, async: async)
                return OvirtResponse.document(.object(node), format: format, status: fault.status)
            }
            return OvirtResponse.fault(status: fault.status, reason: fault.reason, detail: detail, format: format)
        }
    }

    /// The VM actions the simulator runs.
    static let vmActions: Set<String> = ["start", "stop", "shutdown", "reboot", "suspend"]

    private enum Outcome {
        /// 201 (or 202) with the object at `path`, rendered from the settled inventory.
        case created(status: HTTPResponse.Status, path: [String], render: @Sendable (Representer) throws -> OvirtNode?)
        case updated(render: @Sendable (Representer) throws -> OvirtNode?)
        case action(jobID: String?)
        /// A VM action's reply; `accepted` answers 202 (async tasks running), unless
        /// the action asked `async=false`, when the REST layer waits for the tasks.
        case vmAction(vmID: String, jobID: String?, async: Bool?, accepted: Bool)
        case removed
        /// A removed VM: the action body, or 202 without one for `?async=true`.
        case removedVM(jobID: String?, async: Bool)
    }

    private func dispatch(
        method: HTTPRequest.Method,
        segments: [String],
        body: (String) throws -> RequestNode,
        query: QueryParameters,
        correlationID: String,
        format: OvirtFormat,
        expectsCreated: Bool
    ) async throws -> Response {
        let detachOnly = query["detach_only"]?.lowercased() == "true"
        let force = query["force"]?.lowercased() == "true"
        let outcome: Outcome
        switch (method, segments.count) {
        case (.post, 1):
            outcome = try add(segments[0], body: body, correlationID: correlationID)
        case (.post, 3):
            outcome = try post(segments[0], id: segments[1], sub: segments[2], body: body, correlationID: correlationID)
        case (.put, 2):
            let (collection, id) = (segments[0], segments[1])
            switch collection {
            case "vms":
                let node = try body("vm")
                _ = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.updateVM(id, node) }
                outcome = .updated { representer in try representer.inventory.vm(id).map { try representer.vm($0) } }
            case "networks":
                let node = try body("network")
                _ = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.updateNetwork(id, node) }
                outcome = .updated { representer in try representer.inventory.network(id).map { try representer.network($0) } }
            default:
                throw EngineFault.notFound
            }
        case (.put, 4) where segments[0] == "vms" && segments[2] == "diskattachments":
            let (vmID, diskID) = (segments[1], segments[3])
            let node = try body("disk_attachment")
            _ = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in
                try tx.updateDiskAttachment(vm: vmID, disk: diskID, node)
            }
            outcome = .updated { representer in
                try representer.inventory.vm(vmID)?.diskAttachments.first { $0.diskID == diskID }
                    .map { try representer.diskAttachment($0, ownerKind: "vms", ownerID: vmID) }
            }
        case (.delete, 2) where segments[0] == "vms":
            let id = segments[1]
            let job = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in
                try tx.removeVM(id, detachOnly: detachOnly, force: force)
            }
            outcome = .removedVM(jobID: job, async: query["async"]?.lowercased() == "true")
        case (.delete, 2):
            let (collection, id) = (segments[0], segments[1])
            try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in
                switch collection {
                case "networks": try tx.removeNetwork(id)
                case "vnicprofiles": try tx.removeVnicProfile(id)
                default: throw EngineFault.notFound
                }
            }
            outcome = .removed
        case (.delete, 4):
            let (collection, id, sub, subID) = (segments[0], segments[1], segments[2], segments[3])
            try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in
                switch (collection, sub) {
                case ("clusters", "networks"): try tx.detachNetwork(fromCluster: id, networkID: subID)
                case ("vms", "diskattachments"): try tx.removeDiskAttachment(vm: id, disk: subID, detachOnly: detachOnly)
                case ("vms", "nics"): try tx.removeNic(vm: id, nic: subID)
                case ("networks", "vnicprofiles"): try tx.removeVnicProfile(subID)
                default: throw EngineFault.notFound
                }
            }
            outcome = .removed
        default:
            throw EngineFault.notFound
        }
        return try await respond(outcome, format: format, expectsCreated: expectsCreated)
    }

    private func add(_ collection: String, body: (String) throws -> RequestNode, correlationID: String) throws -> Outcome {
        switch collection {
        case "networks":
            let node = try body("network")
            let id = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.addNetwork(node) }
            return .created(status: .created, path: ["networks", id]) { representer in
                try representer.inventory.network(id).map { try representer.network($0) }
            }
        case "vnicprofiles":
            let node = try body("vnic_profile")
            let id = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.addVnicProfile(node) }
            return .created(status: .created, path: ["vnicprofiles", id]) { representer in
                try representer.inventory.vnicProfile(id).map { try representer.vnicProfile($0) }
            }
        case "vms":
            let node = try body("vm")
            let id = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.addVM(node) }
            return .created(status: .accepted, path: ["vms", id]) { representer in
                try representer.inventory.vm(id).map { try representer.vm($0) }
            }
        default:
            throw EngineFault.notFound
        }
    }

    private func post(
        _ collection: String,
        id: String,
        sub: String,
        body: (String) throws -> RequestNode,
        correlationID: String
    ) throws -> Outcome {
        switch (collection, sub) {
        case ("clusters", "networks"):
            let node = try body("network")
            let networkID = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in
                try tx.attachNetwork(toCluster: id, node)
            }
            return .created(status: .created, path: ["clusters", id, "networks", networkID]) { representer in
                try representer.inventory.network(networkID).map { try representer.network($0, clusterID: id) }
            }
        case ("datacenters", "networks"):
            var node = try body("network")
            node.children.removeAll { $0.name == "data_center" }
            node.children.append(RequestNode(name: "data_center", attributes: ["id": id]))
            let networkID = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.addNetwork(node) }
            return .created(status: .created, path: ["datacenters", id, "networks", networkID]) { representer in
                try representer.inventory.network(networkID).map { try representer.network($0) }
            }
        case ("networks", "vnicprofiles"):
            var node = try body("vnic_profile")
            node.children.removeAll { $0.name == "network" }
            node.children.append(RequestNode(name: "network", attributes: ["id": id]))
            let profileID = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.addVnicProfile(node) }
            return .created(status: .created, path: ["vnicprofiles", profileID]) { representer in
                try representer.inventory.vnicProfile(profileID).map { try representer.vnicProfile($0) }
            }
        case ("hosts", "setupnetworks"):
            let node = try body("action")
            let job = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.setupNetworks(host: id, node) }
            return .action(jobID: job)
        case ("hosts", "commitnetconfig"):
            let job = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.commitNetConfig(host: id) }
            return .action(jobID: job)
        case ("vms", "diskattachments"):
            let node = try body("disk_attachment")
            let diskID = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.addDisk(vm: id, node) }
            return .created(status: .created, path: ["vms", id, "diskattachments", diskID]) { representer in
                try representer.inventory.vm(id)?.diskAttachments.first { $0.diskID == diskID }
                    .map { try representer.diskAttachment($0, ownerKind: "vms", ownerID: id) }
            }
        case ("vms", "nics"):
            let node = try body("nic")
            let nicID = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in try tx.addNic(vm: id, node) }
            return .created(status: .created, path: ["vms", id, "nics", nicID]) { representer in
                try representer.inventory.vm(id).flatMap { vm in
                    try vm.nics.first { $0.id == nicID }.map { try representer.nic($0, vm: vm) }
                }
            }
        case ("vms", let verb) where Self.vmActions.contains(verb):
            let node = try body("action")
            let job = try state.write(correlationID: correlationID) { (tx: inout WriteTransaction) throws(EngineFault) in
                switch verb {
                case "start": try tx.start(vm: id, node)
                case "stop": try tx.stop(vm: id, node)
                case "shutdown": try tx.shutdown(vm: id, node)
                case "reboot": try tx.reboot(vm: id)
                default: try tx.suspend(vm: id)
                }
            }
            return .vmAction(vmID: id, jobID: job, async: node.bool("async"), accepted: verb == "suspend")
        default:
            throw EngineFault.notFound
        }
    }

    private func respond(_ outcome: Outcome, format: OvirtFormat, expectsCreated: Bool) async throws -> Response {
        switch outcome {
        case .created(var status, let path, let render):
            if status == .accepted, expectsCreated {
                // `Expect: 201-created`: the engine waits for the async tasks, then answers 201.
                try await Task.sleep(for: state.options.asyncDelay + .milliseconds(20))
                status = .created
            }
            let representer = Representer(state.inventory)
            guard let node = try render(representer) else { return OvirtResponse.empty(.notFound) }
            var response = OvirtResponse.document(.object(node), format: format, status: status)
            response.headers[.location] = Representer.apiPath + "/" + path.joined(separator: "/")
            return response
        case .updated(let render):
            let representer = Representer(state.inventory)
            guard let node = try render(representer) else { return OvirtResponse.empty(.notFound) }
            return OvirtResponse.document(.object(node), format: format)
        case .action(let jobID):
            return OvirtResponse.document(.object(Representer.actionReply(jobID: jobID)), format: format)
        case .vmAction(let vmID, let jobID, let async, let accepted):
            guard accepted else {
                return OvirtResponse.document(.object(Representer.vmActionReply(vmID: vmID, jobID: jobID, async: async)), format: format)
            }
            if async == false {
                // `<async>false</async>`: the REST layer waits for the async tasks, then answers 200.
                try await Task.sleep(for: state.options.asyncDelay + .milliseconds(20))
                return OvirtResponse.document(.object(Representer.vmActionReply(vmID: vmID, jobID: jobID, async: async)), format: format)
            }
            let node = Representer.vmActionReply(vmID: vmID, jobID: jobID, status: "pending", async: true)
            return OvirtResponse.document(.object(node), format: format, status: .accepted)
        case .removed:
            return OvirtResponse.empty(.ok)
        case .removedVM(let jobID, let async):
            if async { return OvirtResponse.empty(.accepted) }
            return OvirtResponse.document(.object(Representer.actionReply(jobID: jobID)), format: format)
        }
    }
}
