import AggregatorCore
import BackendSupport
import EngineHTTP
import Foundation

/// The engine calls of one VM operation's steps on Proxmox VE: the VM's node is read from
/// `/cluster/resources` at each call (it may have migrated since planning), the call's task (UPID)
/// is reported, then followed to its end.
struct ProxmoxOperation: Sendable {
    let tasks: ProxmoxTaskFollower
    let vmid: Int
    /// The VM's name, for messages.
    let name: String

    var session: ProxmoxSession { tasks.session }
    var engine: String { session.engine }
    var what: String { "VM \(name) (vmid \(vmid))" }

    /// `nodes/NODE/qemu/VMID`.
    static func path(node: String, vmid: Int) -> String { "nodes/\(FormEncoding.pathSegment(node))/qemu/\(vmid)" }

    /// The `status/…` call of a power action; a paused VM (running, QEMU paused) is started with `resume`.
    static func verb(_ operation: VMOperation, status: String?) -> String {
        operation == .start && status == "paused" ? "resume" : operation.rawValue
    }

    /// The VM's entry of `/cluster/resources`, nil when the cluster has none (or it is a template).
    func guest() async throws -> ProxmoxResource? {
        let guests = try await session.get([ProxmoxResource].self, path: "cluster/resources", query: [("type", "vm")],
                                           expected: "a JSON resource list")
        return guests.first { $0.vmidValue == vmid && $0.type != "lxc" && $0.template?.value != true }
    }

    /// The VM's common status now, nil when the cluster has no such VM.
    func status() async throws -> String? {
        guard let guest = try await guest(), let node = guest.node else { return nil }
        let status = try await session.get(ProxmoxVMStatus.self, path: "\(Self.path(node: node, vmid: vmid))/status/current",
                                           expected: "a JSON VM status")
        return ProxmoxMapping.vmStatus(status: status.status, lock: status.lock, qmpStatus: status.qmpstatus).common
    }

    /// Makes the call of `operation`, reports its task through `reported`, and follows the task.
    func perform(_ operation: VMOperation, plan: VMOperationPlan,
                 reported: (String) async -> Void) async throws -> (detail: String, ids: [String: String]) {
        guard let guest = try await guest(), let node = guest.node else {
            throw BackendError(.notFound, engine: engine, message: "\(what) is no longer on the cluster")
        }
        let vmPath = Self.path(node: node, vmid: vmid)
        let upid: String?
        let detail: String
        switch operation {
        case .delete:
            upid = try await call("DELETE", vmPath, query: [("purge", "1"), ("destroy-unreferenced-disks", "1")],
                                  operation, reported)
            let disks = plan.diskCount == 1 ? "its 1 disk" : "its \(plan.diskCount) disks"
            detail = "\(name) destroyed with \(disks)"
        case .shutdown:
            var form: [(name: String, value: String)] = [("timeout", "\(plan.shutdownTimeoutSeconds)")]
            if plan.force { form.append(("forceStop", "1")) }
            do {
                upid = try await call("POST", "\(vmPath)/status/shutdown", form: form, operation, reported)
            } catch let error as BackendError
                where error.code == .invalidResponse && !plan.force && error.message.lowercased().contains("timeout")
            {
                throw BackendError(.timeout, engine: engine, message:
                    "\(what) did not shut down within \(plan.shutdownTimeoutSeconds) s (the shutdown timeout); it was "
                    + "left running. Pass force=true to power it off after the timeout (\(error.message))")
            }
            detail = "\(name) is down"
        default:
            let current = try await status()
            let verb = Self.verb(operation, status: current)
            var form: [(name: String, value: String)] = []
            if operation == .suspend { form.append(("todisk", "1")) }
            upid = try await call("POST", "\(vmPath)/status/\(verb)", form: form, operation, reported)
            switch operation {
            case .start: detail = current == "suspended" || verb == "resume" ? "\(name) resumed; it is running" : "\(name) is running"
            case .stop: detail = "\(name) is stopped"
            case .reboot: detail = "\(name) restarted; it is running"
            default: detail = "\(name) is suspended to disk"
            }
        }
        var ids = ["vm_id": "\(vmid)"]
        if let upid { ids["upid"] = upid }
        return (detail, ids)
    }

    /// Sends the call, reports its task id and follows the task; the engine's refusals said plainly.
    private func call(_ method: String, _ path: String, query: [(name: String, value: String)] = [],
                      form: [(name: String, value: String)] = [], _ operation: VMOperation,
                      _ reported: (String) async -> Void) async throws -> String? {
        let upid: String?
        do {
            let response = try await session.send(ProxmoxRequest(method: method, path: path, query: query,
                                                                 form: method == "DELETE" ? nil : form))
            upid = (try? JSONDecoder().decode(ProxmoxEnvelope<String>.self, from: Data(response.body)))?.data
        } catch let error as BackendError {
            throw clarified(error, operation)
        }
        guard let upid, upid.hasPrefix("UPID:") else { return nil }
        await reported(upid)
        do {
            try await tasks.waitForTask(upid, what: "\(operation.jobAction) \(name)")
        } catch let error as BackendError where error.code == .invalidResponse {
            throw clarified(error, operation)
        }
        return upid
    }

    /// The engine's refusal, said plainly: protection, a lock, a VM in the wrong state.
    func clarified(_ error: BackendError, _ operation: VMOperation) -> BackendError {
        let text = error.message.lowercased()
        let message: String
        if text.contains("protection") {
            message = "\(what) is protected (protection: 1); turn protection off on the engine to delete it"
        } else if text.contains("is locked") {
            message = "\(what) is locked on the engine (another task holds it); try again when it has finished"
        } else if text.contains("already running") || text.contains("is running") {
            message = "\(what) is running, so the engine refused to \(operation) it"
        } else if text.contains("not running") {
            message = "\(what) is not running, so the engine refused to \(operation) it"
        } else {
            return error
        }
        return BackendError(error.code, engine: engine, message: "\(message) (the engine said: \(error.message))",
                            httpStatus: error.httpStatus)
    }
}
