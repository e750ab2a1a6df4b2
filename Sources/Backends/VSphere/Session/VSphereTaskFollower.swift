import AggregatorCore
import BackendSupport

/// Follows vSphere tasks (`Task` managed objects a `…_Task` method returns) to their end, for a
/// job's steps (creates and VM operations).
struct VSphereTaskFollower: Sendable {
    let session: VSphereSession
    let options: VSphereOptions

    var engine: String { session.engine }

    /// What a finished task left: its result (a `ManagedObjectReference` for a clone) when it has one.
    struct Outcome: Sendable {
        var result: XMLElement?
        /// The result as a reference (the new VM of a `CloneVM_Task`).
        var reference: ManagedObjectReference? { ManagedObjectReference(result) }
    }

    /// Reads the task's `info` every `task_poll_interval` until its state is `success` or `error`.
    ///
    /// - Parameters:
    ///   - task: The task.
    ///   - what: The step, in messages (`clone`).
    /// - Throws: ``BackendError`` carrying the task's fault (`clone: task task-12 failed: DuplicateName: …`)
    ///   when it failed; `.timeout` after `task_timeout`; `CancellationError`.
    @discardableResult
    func waitForTask(_ task: ManagedObjectReference, what: String) async throws -> Outcome {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.taskTimeout)
        let filter = PropertyFilter(properties: [("Task", ["info.state", "info.error", "info.result"])],
                                    source: .objects([task]))
        while true {
            guard let info = try await session.retrieve(filter).first else {
                throw BackendError(.notFound, engine: engine,
                                   message: "\(what): task \(task.value) is unknown to the vCenter (tasks are kept "
                                       + "about 10 minutes after they end)")
            }
            let state = info.string("info.state")
            switch state {
            case "success":
                return Outcome(result: info.properties["info.result"])
            case "error":
                let fault = info.properties["info.error"].map(SOAPFault.init(localized:))
                    ?? SOAPFault(type: nil, message: "the task failed without a fault")
                throw BackendError(.httpStatus, engine: engine,
                                   message: "\(what): task \(task.value) failed: \(fault.summary)")
            default:
                guard clock.now < deadline else {
                    throw BackendError(.timeout, engine: engine,
                                       message: "\(what): task \(task.value) did not finish within "
                                           + "\(options.taskTimeout.milliseconds / 1000) s (task_timeout); it is "
                                           + "still \(state ?? "running") on the vCenter")
                }
                try await Task.sleep(for: options.taskPollInterval)
            }
        }
    }

    /// Calls a `…_Task` method and returns the task it started.
    func start(_ method: String, on this: ManagedObjectReference, _ arguments: [SOAPNode] = []) async throws
        -> ManagedObjectReference {
        let answer = try await session.call(method, on: this, arguments)
        guard let task = ManagedObjectReference(answer.first) else {
            throw session.errors.invalid([], expected: "a Task reference", call: "\(method) on \(this)")
        }
        return task
    }
}
