/// What can be done to an existing VM: the power actions and delete.
public enum VMOperation: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Power on (a suspended VM resumes).
    case start
    /// Power off at once, as pulling the plug.
    case stop
    /// Ask the guest to shut down; after the timeout the job fails, or with `force` powers off.
    case shutdown
    /// Restart the guest.
    case reboot
    /// Save the VM's memory and stop it; `start` resumes it.
    case suspend
    /// Remove the VM with its disks.
    case delete

    /// The power actions (``BackendCapabilities/powerVMs``).
    public static let power: [VMOperation] = [.start, .stop, .shutdown, .reboot, .suspend]

    /// The capability a kind needs for it.
    public var capability: BackendCapabilities { self == .delete ? .deleteVMs : .powerVMs }

    /// The job's action (`stop_vm`).
    public var jobAction: ProvisioningAction { ProvisioningAction(rawValue: "\(rawValue)_vm") }

    /// The operation a job's action names, if it names one.
    public init?(jobAction: ProvisioningAction) {
        guard jobAction.rawValue.hasSuffix("_vm") else { return nil }
        self.init(rawValue: String(jobAction.rawValue.dropLast(3)))
    }

    public var description: String { rawValue }
}

/// One VM operation as a kind plans it: which VM, as the live model knows it, and how.
public struct VMOperationRequest: Sendable, Hashable, Codable {
    public var operation: VMOperation
    public var engine: String
    /// The engine's id of the VM (the `id` `/api/v1/vms` lists).
    public var vmID: String
    /// The VM's name as the request confirmed it (delete) or the live model lists it.
    public var vmName: String
    /// `stop` for a VM that will not shut down in time, or a running VM being deleted (powered off first).
    public var force: Bool
    /// How long a `shutdown` waits for the guest.
    public var shutdownTimeoutSeconds: Int
    /// Where the request named the VM (`vms[2]`, or the path), for messages.
    public var path: String

    public init(operation: VMOperation, engine: String, vmID: String, vmName: String, force: Bool = false,
                shutdownTimeoutSeconds: Int = 300, path: String = "vm") {
        self.operation = operation
        self.engine = engine
        self.vmID = vmID
        self.vmName = vmName
        self.force = force
        self.shutdownTimeoutSeconds = shutdownTimeoutSeconds
        self.path = path
    }
}
