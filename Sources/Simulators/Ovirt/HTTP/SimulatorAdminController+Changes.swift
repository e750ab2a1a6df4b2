import Foundation
import Hummingbird
import SimulatorSupport

/// The admin interface's changes "made by someone else" and event stream
/// faults, over ``SimulatedEngineAdmin``. JSON in and out, no authentication;
/// VMs, hosts and clusters by id or name.
///
/// - `POST /__sim/vms` `{"name", "cluster"?, "status"?, "host"?, "ip"?, "delete_protected"?}` → 201 `{"id", "name"}`
/// - `POST /__sim/vms/{vm}/status` `{"status", "host"?}` → 200 the VM's `{"id", "name", "status", "host"}`
/// - `POST /__sim/vms/{vm}/migrate` `{"host"}` → 200 the VM
/// - `DELETE /__sim/vms/{vm}` → 200 `{"removed": id}`
/// - `POST /__sim/vms/{vm}/delete_protected` `{"delete_protected": bool}` → 200 the VM
/// - `POST /__sim/vms/{vm}/lock` `{}` / `DELETE /__sim/vms/{vm}/lock` → 200 the VM (with `"locked"`)
/// - `POST /__sim/hosts` `{"name", "cluster"?}` → 201 `{"id", "name"}`
/// - `POST /__sim/hosts/{host}/status` `{"status"}` → 200 `{"id", "name", "status"}`
/// - `DELETE /__sim/hosts/{host}` → 200 `{"removed": id}`
/// - `GET /__sim/events` → `{"last_index", "next_index", "stored"}`
/// - `POST /__sim/events/drop` `{"count"}`, `/hold` `{"count", "delay_ms"?}`,
///   `/purge` `{}`, `/reset` `{"next_index"}` → 200 with the log's state
///
/// Refusals answer `{"error": message}` with 404 (unknown object), 400 (bad
/// value) or 409 (does not fit the current state).
extension SimulatorAdminController {
    private var admin: SimulatedEngineAdmin { SimulatedEngineAdmin(state: state) }

    func addChangeRoutes(to router: Router<Context>) {
        router.post("__sim/vms") { request, _ in
            try await perform(request) { body in
                guard let name = body["name"] as? String else { return missing("name") }
                let vm = try admin.addVM(
                    name: name,
                    cluster: body["cluster"] as? String,
                    status: body["status"] as? String ?? "down",
                    host: body["host"] as? String,
                    ip: body["ip"] as? String,
                    deleteProtected: Self.bool(body["delete_protected"]) ?? false
                )
                return json(["id": vm.id, "name": vm.name], status: .created)
            }
        }
        router.post("__sim/vms/:vm/status") { request, context in
            let key = context.parameters.get("vm") ?? ""
            return try await perform(request) { body in
                guard let status = body["status"] as? String else { return missing("status") }
                try admin.setVMStatus(key, to: status, host: body["host"] as? String)
                return describeVM(key)
            }
        }
        router.post("__sim/vms/:vm/migrate") { request, context in
            let key = context.parameters.get("vm") ?? ""
            return try await perform(request) { body in
                guard let host = body["host"] as? String else { return missing("host") }
                try admin.migrateVM(key, to: host)
                return describeVM(key)
            }
        }
        router.delete("__sim/vms/:vm") { request, context in
            let key = context.parameters.get("vm") ?? ""
            return try await perform(request) { _ in
                let id = state.inventory.vms.first { $0.id == key || $0.name == key }?.id ?? key
                try admin.removeVM(key)
                return json(["removed": id])
            }
        }
        router.post("__sim/vms/:vm/delete_protected") { request, context in
            let key = context.parameters.get("vm") ?? ""
            return try await perform(request) { body in
                guard let enabled = Self.bool(body["delete_protected"]) else { return missing("delete_protected") }
                try admin.setDeleteProtected(key, enabled)
                return describeVM(key)
            }
        }
        router.post("__sim/vms/:vm/lock") { request, context in
            let key = context.parameters.get("vm") ?? ""
            return try await perform(request) { _ in
                try admin.lockVM(key)
                return describeVM(key)
            }
        }
        router.delete("__sim/vms/:vm/lock") { request, context in
            let key = context.parameters.get("vm") ?? ""
            return try await perform(request) { _ in
                try admin.unlockVM(key)
                return describeVM(key)
            }
        }
        router.post("__sim/hosts") { request, _ in
            try await perform(request) { body in
                guard let name = body["name"] as? String else { return missing("name") }
                let host = try admin.addHost(name: name, cluster: body["cluster"] as? String)
                return json(["id": host.id, "name": host.name], status: .created)
            }
        }
        router.post("__sim/hosts/:host/status") { request, context in
            let key = context.parameters.get("host") ?? ""
            return try await perform(request) { body in
                guard let status = body["status"] as? String else { return missing("status") }
                try admin.setHostStatus(key, to: status)
                guard let host = state.inventory.hosts.first(where: { $0.id == key || $0.name == key }) else {
                    return json(["error": "no host '\(key)'"], status: .notFound)
                }
                return json(["id": host.id, "name": host.name, "status": host.status])
            }
        }
        router.delete("__sim/hosts/:host") { request, context in
            let key = context.parameters.get("host") ?? ""
            return try await perform(request) { _ in
                let id = state.inventory.hosts.first { $0.id == key || $0.name == key }?.id ?? key
                try admin.removeHost(key)
                return json(["removed": id])
            }
        }
        router.get("__sim/events") { _, _ in eventLogState() }
        router.post("__sim/events/drop") { request, _ in
            try await perform(request) { body in
                guard let count = Self.int(body["count"]), count >= 0 else { return missing("count") }
                admin.dropEvents(count)
                return eventLogState()
            }
        }
        router.post("__sim/events/hold") { request, _ in
            try await perform(request) { body in
                guard let count = Self.int(body["count"]), count >= 0 else { return missing("count") }
                admin.holdEvents(count, delay: .milliseconds(Self.int(body["delay_ms"]) ?? 2000))
                return eventLogState()
            }
        }
        router.post("__sim/events/purge") { request, _ in
            try await perform(request) { _ in
                let purged = admin.purgeEvents()
                return eventLogState(extra: ["purged": purged])
            }
        }
        router.post("__sim/events/reset") { request, _ in
            try await perform(request) { body in
                guard let next = Self.int(body["next_index"]) else { return missing("next_index") }
                let forgotten = admin.resetEvents(nextIndex: next)
                return eventLogState(extra: ["purged": forgotten])
            }
        }
    }

    /// Reads the JSON object body (empty means `{}`), runs `body`, and turns
    /// admin refusals into `{"error"}` answers.
    private func perform(
        _ request: Request,
        _ body: ([String: Any]) throws -> Response
    ) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        var object: [String: Any] = [:]
        if buffer.readableBytes > 0 {
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
                return json(["error": "the body must be a JSON object"], status: .badRequest)
            }
            object = parsed
        }
        do {
            return try body(object)
        } catch let error as SimulatedEngineAdminError {
            return json(["error": error.message], status: HTTPResponse.Status(code: error.code.httpStatus))
        }
    }

    static func bool(_ value: Any?) -> Bool? {
        switch value {
        case let flag as Bool: flag
        case let text as String: ["true": true, "false": false][text.lowercased()]
        default: nil
        }
    }

    private func missing(_ field: String) -> Response {
        json(["error": "'\(field)' is required"], status: .badRequest)
    }

    private func describeVM(_ key: String) -> Response {
        let inventory = state.inventory
        guard let vm = inventory.vms.first(where: { $0.id == key || $0.name == key }) else {
            return json(["error": "no VM '\(key)'"], status: .notFound)
        }
        return json([
            "id": vm.id, "name": vm.name, "status": vm.status,
            "host": vm.hostID.map { $0 as Any } ?? NSNull(),
            "delete_protected": vm.deleteProtected, "locked": inventory.heldVMIDs.contains(vm.id),
        ])
    }

    private func eventLogState(extra: [String: Any] = [:]) -> Response {
        let (last, next, stored, dropping, holding) = state.withEventLog { log in
            (log.lastIndex, log.nextIndex, log.stored.count, log.dropCount, log.holdCount)
        }
        var object: [String: Any] = [
            "last_index": last.map { $0 as Any } ?? NSNull(), "next_index": next, "stored": stored,
            "dropping": dropping, "holding": holding,
        ]
        object.merge(extra) { $1 }
        return json(object)
    }
}
