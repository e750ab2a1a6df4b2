/// A kind that runs jobs: it executes the plans it made (creates, VM operations).
public protocol JobExecutingBackend: VirtualizationBackend {
    /// Executes a plan this kind made: the steps of its typed ``ProvisioningPlan/payload``,
    /// in order, reporting each to `context.recorder` and tagging every engine call with
    /// `context.correlationID` where the engine takes one. The plan is all it reads of the request.
    /// Idempotent: what already is as requested is reused or left alone, not redone; a job resumed
    /// after a takeover (`context.recordedSteps`) does not redo its finished steps.
    /// - Throws: ``BackendError`` with the engine's fault text when a step fails (after recording it).
    func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult
}

/// A kind that creates objects from provisioning items: the plan and its execution. A kind
/// conforms through what it creates, ``VMCreatingBackend`` and/or ``VLANCreatingBackend``.
public protocol ProvisioningBackend: JobExecutingBackend {
    /// Validates one item against the live engine (the kind-specific section, references such
    /// as cluster, storage domain, template and host NIC, names already in use) and returns the
    /// plan of engine calls, or every problem found, with paths like `[0].ovirt.cluster`.
    /// Creates nothing.
    func plan(_ item: ProvisioningItem) async throws -> PlanOutcome
}

/// A kind that creates VMs (`create_vm`, ``BackendCapabilities/createVM``).
public protocol VMCreatingBackend: ProvisioningBackend {}

/// A kind that creates VLAN networks (`create_vlan`, ``BackendCapabilities/createVLAN``).
public protocol VLANCreatingBackend: ProvisioningBackend {}
