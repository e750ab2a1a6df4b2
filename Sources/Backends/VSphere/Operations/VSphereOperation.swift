import AggregatorCore
import BackendSupport

/// The vCenter calls of one VM operation's steps: each `…_Task` reported and followed to its
/// end; a guest shutdown (which is not a task) followed by reading the power state.
struct VSphereOperation: Sendable {
    let tasks: VSphereTaskFollower
    let vm: ManagedObjectReference
    /// The VM's name, for messages.
    let name: String
    /// Pause between two reads of the power state while a guest shuts down.
    var pollInterval: Duration

    var session: VSphereSession { tasks.session }
    var engine: String { session.engine }
    var what: String { "VM \(name) (\(vm.value))" }

    /// What the operations read of a VM.
    static let paths = ["name", "runtime.powerState", "config.template", "config.hardware.device", "disabledMethod",
                        "guest.toolsRunningStatus"]

    /// The VM's properties now; nil when the vCenter has no such VM (or it is a template).
    func read() async throws -> ObjectContent? {
        do {
            let objects = try await session.retrieve(PropertyFilter(properties: [("VirtualMachine", Self.paths)],
                                                                   source: .objects([vm])))
            guard let object = objects.first(where: { $0.reference == vm }), object.bool("config.template") != true,
                  object.string("name") != nil
            else { return nil }
            return object
        } catch let error as BackendError where error.code == .notFound {
            return nil
        }
    }

    /// The VM's common status now, nil when it is gone.
    func status() async throws -> String? {
        try await read().map { VSphereInventory.vmStatus($0.string("runtime.powerState")) }
    }

    /// The vim25 method of an operation, for plans.
    static func method(_ operation: VMOperation) -> String {
        switch operation {
        case .start: "PowerOnVM_Task"
        case .stop: "PowerOffVM_Task"
        case .shutdown: "ShutdownGuest"
        case .reboot: "RebootGuest (ResetVM_Task without VMware Tools)"
        case .suspend: "SuspendVM_Task"
        case .delete: "Destroy_Task"
        }
    }

    /// Virtual disks among a VM's devices (`config.hardware.device`).
    static func diskCount(_ object: ObjectContent) -> Int {
        (object.properties["config.hardware.device"]?.children ?? []).filter { $0.schemaType == "VirtualDisk" }.count
    }

    /// Whether something disabled `Destroy_Task` on the VM (`disabledMethod`, set by solutions such
    /// as backup products with `AuthorizationManager.DisableMethods`): vSphere's delete protection.
    static func deleteProtected(_ object: ObjectContent) -> Bool {
        (object.properties["disabledMethod"]?.children ?? []).contains { $0.text.trimmingWhitespace() == "Destroy_Task" }
    }

    /// Makes the call of `operation`, reports its task through `reported`, and follows the task.
    func perform(_ operation: VMOperation, plan: VMOperationPlan,
                 reported: (String) async -> Void) async throws -> (detail: String, ids: [String: String]) {
        switch operation {
        case .start:
            let task = try await run("PowerOnVM_Task", reported)
            return ("\(name) is running", ["task": task])
        case .stop:
            let task = try await run("PowerOffVM_Task", reported)
            return ("\(name) is stopped", ["task": task])
        case .suspend:
            let task = try await run("SuspendVM_Task", reported)
            return ("\(name) is suspended", ["task": task])
        case .delete:
            let task = try await run("Destroy_Task", reported)
            let disks = plan.diskCount == 1 ? "its 1 disk" : "its \(plan.diskCount) disks"
            return ("\(name) destroyed with \(disks)", ["task": task])
        case .reboot:
            return try await reboot(reported)
        case .shutdown:
            return try await shutdown(plan: plan, reported)
        }
    }

    /// Starts the task of `method` on the VM, reports it and follows it; refusals said plainly.
    private func run(_ method: String, _ reported: (String) async -> Void) async throws -> String {
        let task: ManagedObjectReference
        do {
            task = try await tasks.start(method, on: vm)
        } catch let error as BackendError {
            throw clarified(error, method)
        }
        await reported(task.value)
        do {
            try await tasks.waitForTask(task, what: "\(method) \(name)")
        } catch let error as BackendError {
            throw clarified(error, method)
        }
        return task.value
    }

    /// `RebootGuest` when VMware Tools run in the guest; a hard reset (`ResetVM_Task`) otherwise,
    /// or when the vCenter does not offer the guest call.
    private func reboot(_ reported: (String) async -> Void) async throws -> (detail: String, ids: [String: String]) {
        let tools = try await read()?.string("guest.toolsRunningStatus")
        if tools == "guestToolsRunning" {
            do {
                _ = try await session.call("RebootGuest", on: vm)
                return ("the guest of \(name) was asked to restart (RebootGuest)", [:])
            } catch let error as BackendError where !Self.unavailable(error) {
                throw clarified(error, "RebootGuest")
            } catch {
                // No guest call here: reset instead (below).
            }
        }
        let task = try await run("ResetVM_Task", reported)
        return ("\(name) was reset (VMware Tools are not running in the guest)", ["task": task])
    }

    /// `ShutdownGuest`, then the power state read until it is `poweredOff`, for at most the plan's
    /// shutdown timeout; then a power off when `force` is set, else a failure naming the timeout.
    private func shutdown(plan: VMOperationPlan,
                          _ reported: (String) async -> Void) async throws -> (detail: String, ids: [String: String]) {
        do {
            _ = try await session.call("ShutdownGuest", on: vm)
        } catch let error as BackendError where Self.unavailable(error) {
            guard plan.force else {
                throw BackendError(error.code, engine: engine, message:
                    "\(what): the guest cannot be asked to shut down (VMware Tools are not running); pass force=true "
                    + "to power it off (the vCenter said: \(error.message))", httpStatus: error.httpStatus)
            }
            let task = try await run("PowerOffVM_Task", reported)
            return ("\(name) was powered off (VMware Tools are not running in the guest)", ["task": task])
        } catch let error as BackendError {
            throw clarified(error, "ShutdownGuest")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(plan.shutdownTimeoutSeconds))
        while clock.now < deadline {
            if try await status() != "up" { return ("\(name) is down", [:]) }
            try await Task.sleep(for: pollInterval)
        }
        guard plan.force else {
            throw BackendError(.timeout, engine: engine, message:
                "\(what) did not shut down within \(plan.shutdownTimeoutSeconds) s (the shutdown timeout); it was left "
                + "running. Pass force=true to power it off after the timeout")
        }
        let task = try await run("PowerOffVM_Task", reported)
        return ("\(name) did not shut down within \(plan.shutdownTimeoutSeconds) s and was powered off", ["task": task])
    }

    /// Whether the vCenter cannot ask this guest anything: no VMware Tools, or no such method.
    static func unavailable(_ error: BackendError) -> Bool {
        ["ToolsUnavailable", "MethodNotFound", "NotSupported", "does not implement"].contains { error.message.contains($0) }
    }

    /// The vCenter's refusal, said plainly: a disabled method, a power state, a task in progress.
    func clarified(_ error: BackendError, _ method: String) -> BackendError {
        let text = error.message
        let message: String
        if text.contains("MethodDisabled") {
            message = "\(what): \(method) is disabled on this VM (a solution such as a backup product disabled it)"
        } else if text.contains("InvalidPowerState") {
            message = "\(what) is not in a power state that allows \(method)"
        } else if text.contains("TaskInProgress") {
            message = "\(what) is busy with another task; try again when it has finished"
        } else {
            return error
        }
        return BackendError(error.code, engine: engine, message: "\(message) (the vCenter said: \(error.message))",
                            httpStatus: error.httpStatus)
    }
}
