import AggregatorCore

/// The typed plan of one VM operation (start, stop, shutdown, reboot, suspend, delete), made by a
/// kind's `planOperation(_:)` against the VM as the engine has it now and stored with the job as
/// the ``ProvisioningPlan/payload``. Both kinds use it; ``node`` is Proxmox VE's.
///
/// The kind's `execute(_:context:)` tells it from a create's plan with ``operation(of:)`` and runs
/// ``steps`` through ``VMOperationRun``.
public struct VMOperationPlan: Codable, Sendable, Hashable {
    /// One engine call of the plan, in order.
    public struct Step: Codable, Sendable, Hashable {
        /// The call: a power action, or the delete.
        public var operation: VMOperation
        /// The VM was already in the state the call leads to when it was planned.
        public var alreadyDone: Bool

        /// A step making the call of `operation`; `alreadyDone` when the VM is in its state already.
        public init(_ operation: VMOperation, alreadyDone: Bool = false) {
            self.operation = operation
            self.alreadyDone = alreadyDone
        }

        /// The step's name in the job's record (`stop_vm`, `delete_vm`).
        public var name: String { operation.jobAction.rawValue }
    }

    /// What the job does; also what marks the payload as an operation's.
    public var vmOperation: VMOperation
    /// The engine's id of the VM (oVirt's UUID, Proxmox VE's vmid).
    public var vmID: String
    /// The VM's name on the engine when planned, for messages.
    public var vmName: String
    /// The node the VM is on (Proxmox VE); nil for oVirt.
    public var node: String?
    /// Power off after a shutdown that timed out; power off a running VM before deleting it.
    public var force: Bool
    /// How long a shutdown waits for the guest.
    public var shutdownTimeoutSeconds: Int
    /// The disks a delete removes with the VM.
    public var diskCount: Int
    /// The calls, in order (a forced delete of a running VM: the stop, then the delete).
    public var steps: [Step]

    /// A plan of `steps` for the VM `vmID`; see the properties.
    public init(vmOperation: VMOperation, vmID: String, vmName: String, node: String? = nil, force: Bool,
                shutdownTimeoutSeconds: Int, diskCount: Int, steps: [Step]) {
        self.vmOperation = vmOperation
        self.vmID = vmID
        self.vmName = vmName
        self.node = node
        self.force = force
        self.shutdownTimeoutSeconds = shutdownTimeoutSeconds
        self.diskCount = diskCount
        self.steps = steps
    }

    private struct Marker: Decodable {
        var vmOperation: VMOperation?
    }

    /// The operation a stored plan runs, or nil for a plan of another sort (a create).
    public static func operation(of plan: ProvisioningPlan) -> VMOperation? {
        (try? plan.payload(as: Marker.self))?.vmOperation
    }
}
