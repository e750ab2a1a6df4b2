/// A kind whose engines say cheaply what they hold, so the live model can check itself between
/// full reads (``EngineModel/checkConsistency()``): a change stream that lost an event without
/// noticing (an event dropped at the tail of the log, a rolled-back transaction) shows as a
/// difference, and the model reads the engine in full.
public protocol ConsistencyProbing: VirtualizationBackend {
    /// What the engine says about itself now, and whether its change stream holds anything the
    /// feed at `cursor` has not reported.
    func consistencySummary(after cursor: ChangeCursor?) async throws -> EngineSummary
    /// Whether the engine counts `vm` among its active VMs in ``EngineSummary/vms``.
    func activity(of vm: VM) -> EngineSummary.Activity
    /// Whether the engine counts `host` among its active hosts in ``EngineSummary/hosts``.
    func activity(of host: Hypervisor) -> EngineSummary.Activity
    /// Whether ``EngineSummary/exceptionalVMs`` lists `vm` (its status is one of the few the
    /// summary lists one by one, such as paused or suspended).
    func isExceptional(_ vm: VM) -> Bool
}
