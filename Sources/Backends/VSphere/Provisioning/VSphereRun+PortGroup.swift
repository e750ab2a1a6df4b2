import AggregatorCore
import BackendSupport

extension VSphereRun {
    /// Every distributed port group now.
    func portGroups() async throws -> [VSphereSurvey.PortGroup] {
        let paths = ["name", "key", "config.distributedVirtualSwitch", "config.defaultPortConfig"]
        let objects = try await session.withContainerView(of: ["DistributedVirtualPortgroup"]) { view in
            try await session.retrieve(PropertyFilter(properties: [("DistributedVirtualPortgroup", paths)],
                                                      source: .view(view)))
        }
        return objects.map(VSphereSurvey.portGroup)
    }

    static func ids(_ group: VSphereSurvey.PortGroup) -> [String: String] {
        ["port_group_id": group.reference.value, "port_group_key": group.key]
    }

    /// Reuses the port group named in the request, or one of the switch carrying the VLAN; else
    /// makes one (`AddDVPortgroup_Task`) and reads it back by name.
    func portGroupStep() async throws {
        let step = VSpherePlan.Step.portGroup
        let network = payload.network
        try await finishRecordedTask(of: step)
        let groups = try await portGroups()
        if network.named {
            guard let group = groups.first(where: { $0.reference == network.existingPortGroup }) else {
                try await self.step(step) {
                    throw BackendError(.notFound, engine: engine, message: "port group \(network.portGroupName) "
                                           + "named in the request is gone from switch \(network.switchName)")
                }
                return
            }
            portGroupKey = group.key
            await skip(step, "port group \(group.name) (\(group.reference.value)) named in the request: used",
                       ids: Self.ids(group))
            return
        }
        let carrying = groups.filter { $0.switchRef == network.switchRef && $0.vlanID == network.vlanID }
        if let group = carrying.first(where: { $0.name == network.portGroupName }) ?? carrying.first {
            portGroupKey = group.key
            await skip(step, "port group \(group.name) (\(group.reference.value)) of switch \(network.switchName) "
                           + "carries VLAN \(network.vlanID): reused", ids: Self.ids(group))
            return
        }
        try await self.step(step) {
            do {
                try await runTask(step, "AddDVPortgroup_Task", on: network.switchRef, [
                    VSphereSpecs.portGroup(name: network.portGroupName, vlanID: network.vlanID, ports: Self.portGroupPorts),
                ])
            } catch let error as BackendError where error.message.contains("DuplicateName") {
                // Another job (another replica) made the same port group meanwhile: reuse it when it
                // carries the VLAN; a port group of that name on another VLAN fails the step.
                let same = try await portGroups().first {
                    $0.switchRef == network.switchRef && $0.name == network.portGroupName && $0.vlanID == network.vlanID
                }
                guard let same else { throw error }
                portGroupKey = same.key
                return ("port group \(same.name) (\(same.reference.value)) with VLAN \(network.vlanID) was made "
                            + "meanwhile by another job: reused", Self.ids(same))
            }
            let made = try await portGroups().first { $0.switchRef == network.switchRef && $0.name == network.portGroupName }
            guard let made else {
                throw BackendError(.invalidResponse, engine: engine,
                                   message: "AddDVPortgroup_Task succeeded but switch \(network.switchName) has no port "
                                       + "group \(network.portGroupName)")
            }
            portGroupKey = made.key
            return ("made port group \(made.name) (\(made.reference.value)) with VLAN \(network.vlanID) on switch "
                        + network.switchName, Self.ids(made))
        }
    }
}
