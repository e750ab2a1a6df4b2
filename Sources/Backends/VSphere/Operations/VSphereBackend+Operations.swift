import AggregatorCore

extension VSphereBackend {
    /// Runs a VM operation's plan (being written).
    func executeOperation(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        throw BackendError(.unsupported, engine: name, message: "operating VMs on vSphere is not built yet")
    }
}
