import AggregatorCore
import BackendSupport

extension VSphereBackend: JobExecutingBackend {
    /// Runs a plan this kind made: a VM operation's (``planOperation(_:)``) through
    /// ``executeOperation(_:context:)``, a create's or a port group's (``plan(_:)``) through
    /// ``executeCreate(_:context:)``.
    public func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        if VMOperationPlan.operation(of: plan) != nil {
            return try await executeOperation(plan, context: context)
        }
        return try await executeCreate(plan, context: context)
    }
}
