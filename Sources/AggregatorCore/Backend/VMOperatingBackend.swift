/// A kind that operates existing VMs: it plans an operation against the engine's current state
/// and runs the plan as a job (``JobExecutingBackend/execute(_:context:)``). A kind conforms
/// through what it can do: ``VMPowerBackend`` and/or ``VMDeletingBackend``.
public protocol VMOperatingBackend: JobExecutingBackend {
    /// Reads the VM on the engine and plans `request`: the engine calls it will make, each step
    /// saying what it does (`POST /vms/{id}/stop`, `DELETE … removes the VM and its 2 disks`), a
    /// step already satisfied marked so (stopping a VM that is down). Changes nothing.
    /// - Returns: The plan, or why the engine refuses it (protection, a running VM to delete without
    ///   `force`, a name that is not the VM's), each problem with its path and fix.
    /// - Throws: ``BackendError`` when the engine cannot be read; `.notFound` when the VM is gone.
    func planOperation(_ request: VMOperationRequest) async throws -> PlanOutcome
}

/// A kind that starts, stops, shuts down, reboots and suspends VMs (``BackendCapabilities/powerVMs``).
public protocol VMPowerBackend: VMOperatingBackend {}

/// A kind that deletes VMs with their disks (``BackendCapabilities/deleteVMs``).
public protocol VMDeletingBackend: VMOperatingBackend {}
