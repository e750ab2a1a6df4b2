import AggregatorCore

extension VSphereBackend {
    /// Runs a plan made by ``plan(_:)``: the steps of its ``VSpherePlan`` payload in order, each
    /// reported to `context.recorder`, every task followed to its end (its moref on the step's
    /// record as `task`).
    ///
    /// Idempotent: a port group of the switch carrying the VLAN is reused; a VM of the plan's name
    /// whose annotation carries this job's marker (`vmaggregator-job: ID`) is reused, and steps
    /// whose effect is there (CPUs and memory equal, NIC on the port group, disk at size, disk
    /// count, customization pending or done, powered on) are skipped. A VM of that name without
    /// the marker is left alone and the job fails (409). Nothing is rolled back.
    ///
    /// Resuming (`context.recordedSteps`): finished steps are not run again (the clone's `vm_id`
    /// and the port group's key are restored), and the task an unfinished step had started is
    /// followed to its end before the step looks again.
    /// - Throws: ``BackendError`` with the vCenter's fault, or `CancellationError`.
    func executeCreate(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        let payload = try plan.payload(as: VSpherePlan.self)
        return try await VSphereRun(backend: self, plan: plan, payload: payload, job: context).run()
    }
}
