import AggregatorCore

extension OvirtBackend {
    /// Validates `item` against the live engine and returns the plan of engine calls, or every
    /// problem found. Creates nothing.
    ///
    /// Reads, mostly concurrently: the API root (version), clusters, data centers, hosts, networks
    /// named like the VLAN network, and for `create_vm` templates, storage domains and VMs named like
    /// the VM; then the data center's storage domains, the template's disks, the cluster's networks
    /// and each host's NICs and network attachments.
    /// - Throws: ``BackendError`` when the engine cannot be read.
    public func plan(_ item: ProvisioningItem) async throws -> PlanOutcome {
        let section: OvirtSection
        switch OvirtSection.decode(item) {
        case .invalid(let issues): return .invalid(issues)
        case .section(let decoded): section = decoded
        }
        guard item.action == .createVLAN || item.action == .createVM else {
            return .invalid([ValidationIssue(path: item.fieldPath("action"),
                                             message: "ovirt engines cannot '\(item.action)'",
                                             fix: "use create_vlan or create_vm")])
        }
        if item.action == .createVM, item.vm == nil {
            return .invalid([ValidationIssue(path: item.fieldPath("vm"), message: "is required for create_vm")])
        }
        let survey = try await survey(item, section)
        var planner = OvirtPlanner(engine: name, item: item, section: section, survey: survey)
        return planner.outcome()
    }
}
