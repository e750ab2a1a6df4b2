import AggregatorCore

extension VSphereBackend {
    /// Runs a create's plan (being written).
    func executeCreate(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        throw BackendError(.unsupported, engine: name, message: "creating on vSphere is not built yet")
    }
}
