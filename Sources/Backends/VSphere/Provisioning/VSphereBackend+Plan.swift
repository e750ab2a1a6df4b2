import AggregatorCore
import BackendSupport

extension VSphereBackend: VMCreatingBackend, VLANCreatingBackend {
    /// Validates `item` against the live vCenter and returns the plan, or every problem found.
    /// Creates nothing.
    ///
    /// Reads the inventory in one container view read (datacenters, VM folders, clusters with
    /// their resource pools and datastores, datastores, distributed switches, port groups with
    /// their VLAN, VM names and templates), then the template's devices.
    /// - Throws: ``BackendError`` when the vCenter cannot be read.
    public func plan(_ item: ProvisioningItem) async throws -> PlanOutcome {
        guard item.action == .createVM || item.action == .createVLAN else {
            return .invalid([ValidationIssue(path: item.fieldPath("action"),
                                             message: "vsphere engines cannot '\(item.action)'",
                                             fix: "use create_vlan or create_vm")])
        }
        if item.action == .createVM, item.vm == nil {
            return .invalid([ValidationIssue(path: item.fieldPath("vm"), message: "is required for create_vm")])
        }
        let section: VSphereSection
        switch VSphereSection.decode(item) {
        case .invalid(let issues): return .invalid(issues)
        case .section(let decoded): section = decoded
        }
        let survey = try await survey(template: item.action == .createVM ? item.vm?.template : nil)
        var planner = VSpherePlanner(engine: name, item: item, section: section, survey: survey)
        return try planner.outcome()
    }
}
