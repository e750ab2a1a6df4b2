import Hummingbird
import NIOCore
import SimulatorSupport

/// Test-only endpoints under `/__sim/`, which no real cluster has, over
/// ``SimulatedProxmoxAdmin``. No authentication; JSON in and out.
///
/// - `GET /__sim/state` → cluster name, nodes, VMs, faults, pending task failures
/// - `GET /__sim/vms/{vmid}` → the VM with its configuration
/// - `POST /__sim/vms/{vmid}/status` `{"status": "running"|"stopped"|"paused"}`
/// - `POST /__sim/vms/{vmid}/agent` `{"responding": bool}`
/// - `POST /__sim/vms/{vmid}/lock` `{"lock": "backup"}` (`null` clears)
/// - `POST /__sim/vms/{vmid}/protection` `{"protection": bool}`
/// - `DELETE /__sim/vms/{vmid}` → removed "by someone else"
/// - `GET /__sim/storage/{storage}/volumes?node=N`; `POST /__sim/storage/{storage}/volumes`
///   `{"node", "name", "size"}` → a volume no configuration references
/// - `POST /__sim/nodes/{node}/status` `{"status": "online"|"offline"}`
/// - `GET|POST|DELETE /__sim/faults` `{"method", "path", "status", "count"?, "message"?, "latency_ms"?}`
/// - `GET /__sim/tasks`; `POST /__sim/tasks/fail` `{"type", "exitstatus"?, "count"?}`; `DELETE /__sim/tasks/fail`
/// - `POST /__sim/expire-tickets`
///
/// Refusals answer `{"error": message}` with 404, 400 or 409.
struct PVEAdminController<Context: RequestContext>: Sendable {
    let admin: SimulatedProxmoxAdmin

    func addRoutes(to router: Router<Context>) {
        router.get("__sim/state") { _, _ in
            Self.json(.object([
                "cluster": .string(admin.state.snapshot().model.clusterName),
                "nodes": .array(admin.nodes.map { .object(["name": .string($0.name), "online": .bool($0.online)]) }),
                "vms": .array(admin.vms.map { Self.describe($0, withConfig: false) }),
                "faults": .array(admin.faults.map(Self.describe)),
                "pending_task_failures": .object(admin.state.snapshot().model.pendingTaskFailures.mapValues { .array($0.map(PVEJSON.string)) }),
            ]))
        }
        router.get("__sim/vms/:vmid") { _, context in
            guard let vmid = context.parameters.get("vmid").flatMap(Int.init), let vm = admin.vm(vmid) else {
                return Self.error(SimulatedProxmoxAdminError(.notFound, "no VM \(context.parameters.get("vmid") ?? "")"))
            }
            return Self.json(Self.describe(vm, withConfig: true))
        }
        router.post("__sim/vms/:vmid/status") { request, context in
            try await perform(request, context) { body, vmid throws(SimulatedProxmoxAdminError) in
                guard let status = body["status"]?.stringValue else { throw Self.missing("status") }
                try admin.setVMStatus(vmid, to: status)
            }
        }
        router.post("__sim/vms/:vmid/agent") { request, context in
            try await perform(request, context) { body, vmid throws(SimulatedProxmoxAdminError) in
                guard case .bool(let responding) = body["responding"] ?? .null else { throw Self.missing("responding") }
                try admin.setGuestAgent(vmid, responding: responding)
            }
        }
        router.post("__sim/vms/:vmid/lock") { request, context in
            try await perform(request, context) { body, vmid throws(SimulatedProxmoxAdminError) in
                try admin.setLock(vmid, to: body["lock"]?.stringValue)
            }
        }
        router.post("__sim/vms/:vmid/protection") { request, context in
            try await perform(request, context) { body, vmid throws(SimulatedProxmoxAdminError) in
                guard case .bool(let protected) = body["protection"] ?? .null else { throw Self.missing("protection") }
                try admin.setProtection(vmid, protected)
            }
        }
        router.get("__sim/storage/:storage/volumes") { request, context in
            let storage = context.parameters.get("storage") ?? ""
            let node = request.uri.queryParameters.get("node") ?? "pve1"
            return Self.json(.object(["volumes": .object(admin.volumes(storage: storage, node: node).mapValues { .int($0) })]))
        }
        router.post("__sim/storage/:storage/volumes") { request, context in
            let storage = context.parameters.get("storage") ?? ""
            guard let body = await Self.body(request) else { return Self.error(Self.notJSON) }
            guard let node = body["node"]?.stringValue, let name = body["name"]?.stringValue, let size = body["size"]?.intValue else {
                return Self.error(SimulatedProxmoxAdminError(.invalid, "'node', 'name' and 'size' are required"))
            }
            do throws(SimulatedProxmoxAdminError) {
                let volid = try admin.addVolume(storage: storage, node: node, name: name, bytes: size)
                return Self.json(.object(["volid": .string(volid), "size": .int(size)]), status: .created)
            } catch {
                return Self.error(error)
            }
        }
        router.delete("__sim/vms/:vmid") { request, context in
            try await perform(request, context) { _, vmid throws(SimulatedProxmoxAdminError) in
                try admin.removeVM(vmid)
            }
        }
        router.post("__sim/nodes/:node/status") { request, context in
            let node = context.parameters.get("node") ?? ""
            guard let body = await Self.body(request) else { return Self.error(Self.notJSON) }
            let status = body["status"]?.stringValue
            guard status == "online" || status == "offline" else {
                return Self.error(SimulatedProxmoxAdminError(.invalid, "'status' must be online or offline"))
            }
            do throws(SimulatedProxmoxAdminError) {
                try admin.setNodeOnline(node, status == "online")
            } catch {
                return Self.error(error)
            }
            return Self.json(.object(["node": .string(node), "status": .string(status!)]))
        }
        router.get("__sim/faults") { _, _ in Self.json(.object(["faults": .array(admin.faults.map(Self.describe))])) }
        router.post("__sim/faults") { request, _ in
            guard let body = await Self.body(request) else { return Self.error(Self.notJSON) }
            guard let path = body["path"]?.stringValue, path.hasPrefix("/"), let status = body["status"]?.intValue,
                (100...599).contains(status)
            else {
                return Self.error(SimulatedProxmoxAdminError(.invalid, "'path' (starting with '/') and 'status' (100-599) are required"))
            }
            let count = body["count"]?.intValue ?? 1
            let rule = SimulatedProxmoxFaultRule(
                method: body["method"]?.stringValue ?? "*", path: path, status: status, count: count > 0 ? count : nil,
                message: body["message"]?.stringValue ?? "injected fault",
                latency: .milliseconds(body["latency_ms"]?.intValue ?? 0)
            )
            admin.addFault(rule)
            return Self.json(Self.describe(rule), status: .created)
        }
        router.delete("__sim/faults") { _, _ in Self.json(.object(["cleared": .int(admin.clearFaults())])) }
        router.get("__sim/tasks") { _, _ in
            Self.json(.object(["tasks": .array(admin.tasks.map { task in
                .object([
                    "upid": .string(task.upid), "node": .string(task.node), "type": .string(task.type), "id": .string(task.id),
                    "user": .string(task.user), "exitstatus": task.exitStatus.map(PVEJSON.string) ?? .null,
                ])
            })]))
        }
        router.post("__sim/tasks/fail") { request, _ in
            guard let body = await Self.body(request) else { return Self.error(Self.notJSON) }
            guard let type = body["type"]?.stringValue, !type.isEmpty else { return Self.error(Self.missing("type")) }
            let exitStatus = body["exitstatus"]?.stringValue ?? "injected task failure"
            admin.failNextTask(type: type, exitStatus: exitStatus, count: body["count"]?.intValue ?? 1)
            return Self.json(.object(["type": .string(type), "exitstatus": .string(exitStatus)]), status: .created)
        }
        router.delete("__sim/tasks/fail") { _, _ in Self.json(.object(["cleared": .int(admin.clearTaskFailures())])) }
        router.post("__sim/expire-tickets") { _, _ in
            admin.expireTickets()
            return Self.json(.object(["expired": .bool(true)]))
        }
    }

    /// Reads the body, runs `change` for `{vmid}`, and answers the VM or the refusal.
    private func perform(
        _ request: Request,
        _ context: Context,
        _ change: ([String: PVEJSON], Int) throws(SimulatedProxmoxAdminError) -> Void
    ) async throws -> Response {
        guard let vmid = context.parameters.get("vmid").flatMap(Int.init) else {
            return Self.error(SimulatedProxmoxAdminError(.invalid, "vmid must be a number"))
        }
        guard let body = await Self.body(request) else { return Self.error(Self.notJSON) }
        do throws(SimulatedProxmoxAdminError) {
            try change(body, vmid)
        } catch {
            return Self.error(error)
        }
        guard let vm = admin.vm(vmid) else { return Self.json(.object(["removed": .int(vmid)])) }
        return Self.json(Self.describe(vm, withConfig: false))
    }

    private static var notJSON: SimulatedProxmoxAdminError {
        SimulatedProxmoxAdminError(.invalid, "the body must be a JSON object")
    }

    private static func missing(_ field: String) -> SimulatedProxmoxAdminError {
        SimulatedProxmoxAdminError(.invalid, "'\(field)' is required")
    }

    /// The JSON object body; `{}` when empty, nil when not an object.
    private static func body(_ request: Request) async -> [String: PVEJSON]? {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 64 * 1024) else { return nil }
        guard buffer.readableBytes > 0 else { return [:] }
        guard case .object(let members) = try? JSONBodyParser.parse(Array(buffer.readableBytesView)) else { return nil }
        return members
    }

    static func describe(_ vm: SimulatedProxmoxVM, withConfig: Bool) -> PVEJSON {
        var fields: [String: PVEJSON] = [
            "vmid": .int(vm.vmid), "name": .string(vm.name), "node": .string(vm.node), "status": .string(vm.status),
            "lock": vm.lock.map(PVEJSON.string) ?? .null, "template": .bool(vm.isTemplate),
        ]
        if withConfig { fields["config"] = .object(vm.config.mapValues { .string($0) }) }
        return .object(fields)
    }

    static func describe(_ rule: SimulatedProxmoxFaultRule) -> PVEJSON {
        .object([
            "method": .string(rule.method), "path": .string(rule.path), "status": .int(rule.status),
            "count": rule.count.map(PVEJSON.int) ?? .null, "message": .string(rule.message),
            "latency_ms": .int(Int(rule.latency.seconds * 1000)),
        ])
    }

    static func json(_ value: PVEJSON, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized())))
    }

    static func error(_ error: SimulatedProxmoxAdminError) -> Response {
        json(.object(["error": .string(error.message)]), status: HTTPResponse.Status(code: error.code.httpStatus))
    }
}
