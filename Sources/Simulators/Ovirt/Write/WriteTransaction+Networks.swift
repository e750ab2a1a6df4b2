import Foundation

/// Networks, vNIC profiles and their attachment to clusters.
extension WriteTransaction {
    // MARK: Networks

    mutating func addNetwork(_ body: RequestNode) throws(EngineFault) -> String {
        try require(body, type: "Network", ["name", "dataCenter.name|id"])
        let name = body.string("name")!
        let dataCenterReference = body.child("data_center")!
        let dataCenter: SimDataCenter
        if let id = dataCenterReference.id {
            beginJob("Adding network \(name) to Data Center: ")
            guard let found = inventory.dataCenter(id) else { throw .badRequest("Data Center doesn't exist.") }
            dataCenter = found
        } else {
            let dcName = dataCenterReference.referenceName ?? ""
            guard let found = inventory.dataCenters.first(where: { $0.name == dcName }) else {
                throw .entityNotFound("Datacenter: name=\(dcName)")
            }
            dataCenter = found
        }
        beginJob("Adding network \(name) to Data Center: \(dataCenter.name)")
        var vlan: Int?
        if let vlanNode = body.child("vlan"), let text = vlanNode.id {
            guard let value = Int(text) else { throw .malformed("Invalid VLAN id '\(text)'") }
            guard (0...4094).contains(value) else { throw .badRequest(EngineMessages.vlanOutOfRange) }
            vlan = value
        }
        if inventory.networks.contains(where: { $0.dataCenterID == dataCenter.id && $0.name == name }) {
            throw .conflict(EngineMessages.networkNameInUse(name))
        }
        var usages = ["vm"]
        if let usagesNode = body.child("usages") {
            usages = usagesNode.children.filter { $0.name == "usage" }.map { $0.text.trimmingCharacters(in: .whitespaces) }
        }
        let profileRequired = body.bool("profile_required") ?? true
        var network = SimNetwork(
            id: Self.newID(),
            name: name,
            description: body.string("description") ?? "",
            dataCenterID: dataCenter.id,
            vlanID: vlan,
            mtu: body.int("mtu") ?? 0,
            usages: usages,
            vnicProfileIDs: [],
            comment: body.string("comment") ?? "",
            profileRequired: profileRequired
        )
        if usages.contains("vm"), profileRequired {
            let profile = SimVnicProfile(id: Self.newID(), name: name, networkID: network.id)
            network.vnicProfileIDs = [profile.id]
            inventory.vnicProfiles.append(profile)
            event(
                1122,
                "VM network interface profile \(name) was added to network \(name) in Data Center: \(dataCenter.name). (User: \(userName))",
                dataCenter: dataCenter.id
            )
        }
        inventory.networks.append(network)
        event(942, "Finished adding Network \(name) to Data Center: \(dataCenter.name)", dataCenter: dataCenter.id)
        commitJob()
        return network.id
    }

    mutating func updateNetwork(_ id: String, _ body: RequestNode) throws(EngineFault) -> String {
        guard let index = inventory.networks.firstIndex(where: { $0.id == id }) else { throw .notFound }
        var network = inventory.networks[index]
        beginJob("Updating network \(network.name)")
        if let name = body.string("name"), name != network.name {
            if inventory.networks.contains(where: { $0.dataCenterID == network.dataCenterID && $0.name == name && $0.id != id }) {
                throw .conflict(EngineMessages.networkNameInUse(name).replacingOccurrences(of: "Cannot add", with: "Cannot edit"))
            }
            network.name = name
        }
        if let vlanText = body.child("vlan")?.id {
            guard let value = Int(vlanText), (0...4094).contains(value) else {
                throw .badRequest(EngineMessages.vlanOutOfRange)
            }
            network.vlanID = value
        }
        if let description = body.string("description") { network.description = description }
        if let comment = body.string("comment") { network.comment = comment }
        if let mtu = body.int("mtu") { network.mtu = mtu }
        inventory.networks[index] = network
        commitJob()
        return id
    }

    func vmsUsing(network id: String, cluster: String? = nil) -> [String] {
        let profiles = Set(inventory.vnicProfiles.filter { $0.networkID == id }.map(\.id))
        return inventory.vms
            .filter { vm in (cluster == nil || vm.clusterID == cluster) && vm.nics.contains { profiles.contains($0.vnicProfileID) } }
            .map(\.name)
            .sorted()
    }

    func isManagement(_ network: SimNetwork) -> Bool {
        network.usages.contains("management") || inventory.clusters.contains { $0.networkIDs.first == network.id }
    }

    mutating func removeNetwork(_ id: String) throws(EngineFault) {
        guard let network = inventory.network(id) else { throw .notFound }
        let dcName = inventory.dataCenter(network.dataCenterID)?.name ?? ""
        beginJob("Removing network \(network.name) from Data Center: \(dcName)")
        if isManagement(network) { throw .badRequest(EngineMessages.managementNetworkMandatory(network.name)) }
        let users = vmsUsing(network: id)
        if !users.isEmpty { throw .conflict(EngineMessages.networkInUse(action: "remove", byVMs: users)) }
        for index in inventory.clusters.indices {
            inventory.clusters[index].networkIDs.removeAll { $0 == id }
            inventory.clusters[index].requiredNetworkIDs.remove(id)
        }
        for index in inventory.hosts.indices where inventory.hosts[index].networkAttachments.contains(where: { $0.networkID == id }) {
            // The engine removes it from the hosts with a persistent setup networks.
            inventory.hosts[index].networkAttachments.removeAll { $0.networkID == id }
        }
        inventory.vnicProfiles.removeAll { $0.networkID == id }
        inventory.networks.removeAll { $0.id == id }
        event(944, "Finished Network \(network.name) removal from Data Center: \(dcName)", dataCenter: network.dataCenterID)
        commitJob()
    }

    mutating func addVnicProfile(_ body: RequestNode) throws(EngineFault) -> String {
        try require(body, type: "VnicProfile", ["name", "network.id"])
        let name = body.string("name")!
        let networkID = body.child("network")!.id!
        guard let network = inventory.network(networkID) else { throw .entityNotFound("Network: id=\(networkID)") }
        beginJob("Adding vNIC profile \(name) to network \(network.name)")
        if inventory.vnicProfiles.contains(where: { $0.networkID == networkID && $0.name == name }) {
            throw .conflict(EngineMessages.vnicProfileNameInUse(action: "add"))
        }
        let profile = SimVnicProfile(id: Self.newID(), name: name, networkID: networkID)
        inventory.vnicProfiles.append(profile)
        if let index = inventory.networks.firstIndex(where: { $0.id == networkID }) {
            inventory.networks[index].vnicProfileIDs.append(profile.id)
        }
        let dcName = inventory.dataCenter(network.dataCenterID)?.name ?? ""
        event(
            1122,
            "VM network interface profile \(name) was added to network \(network.name) in Data Center: \(dcName). (User: \(userName))",
            dataCenter: network.dataCenterID
        )
        commitJob()
        return profile.id
    }

    mutating func removeVnicProfile(_ id: String) throws(EngineFault) {
        guard let profile = inventory.vnicProfile(id) else { throw .notFound }
        beginJob("Removing vNIC profile \(profile.name)")
        let users = inventory.vms.filter { $0.nics.contains { $0.vnicProfileID == id } }.map(\.name).sorted()
        if !users.isEmpty {
            throw .conflict("Cannot remove VM network interface profile. The VM network interface profile is in use by the following VMs: \(users.joined(separator: ", ")).")
        }
        inventory.vnicProfiles.removeAll { $0.id == id }
        for index in inventory.networks.indices { inventory.networks[index].vnicProfileIDs.removeAll { $0 == id } }
        commitJob()
    }

    // MARK: Cluster networks

    mutating func attachNetwork(toCluster clusterID: String, _ body: RequestNode) throws(EngineFault) -> String {
        guard let clusterIndex = inventory.clusters.firstIndex(where: { $0.id == clusterID }) else { throw .notFound }
        let cluster = inventory.clusters[clusterIndex]
        try require(body, type: "Network", ["id|name"])
        let network: SimNetwork
        if let id = body.id {
            guard let found = inventory.network(id) else { throw .entityNotFound("GetNetworkById") }
            network = found
        } else {
            let name = body.string("name") ?? ""
            guard let found = inventory.networks.first(where: { $0.name == name && $0.dataCenterID == cluster.dataCenterID }) else {
                throw .entityNotFound("Network: name=\(name)")
            }
            network = found
        }
        beginJob("Attaching Network \(network.name) to Cluster \(cluster.name)")
        if cluster.networkIDs.contains(network.id) {
            throw .conflict(EngineMessages.networkAlreadyAttachedToCluster)
        }
        inventory.clusters[clusterIndex].networkIDs.append(network.id)
        if body.bool("required") ?? true {
            inventory.clusters[clusterIndex].requiredNetworkIDs.insert(network.id)
        }
        event(946, "Network \(network.name) attached to Cluster \(cluster.name)", cluster: cluster.id, dataCenter: cluster.dataCenterID)
        commitJob()
        return network.id
    }

    mutating func detachNetwork(fromCluster clusterID: String, networkID: String) throws(EngineFault) {
        guard let clusterIndex = inventory.clusters.firstIndex(where: { $0.id == clusterID }),
            inventory.clusters[clusterIndex].networkIDs.contains(networkID),
            let network = inventory.network(networkID)
        else { throw .notFound }
        let cluster = inventory.clusters[clusterIndex]
        beginJob("Detaching Network \(network.name) from Cluster \(cluster.name)")
        if cluster.networkIDs.first == networkID {
            throw .badRequest(EngineMessages.managementNetworkMandatory(network.name))
        }
        let users = vmsUsing(network: networkID, cluster: clusterID)
        if !users.isEmpty { throw .conflict(EngineMessages.networkInUse(action: "detach", byVMs: users)) }
        inventory.clusters[clusterIndex].networkIDs.removeAll { $0 == networkID }
        inventory.clusters[clusterIndex].requiredNetworkIDs.remove(networkID)
        for index in inventory.hosts.indices where inventory.hosts[index].clusterID == clusterID {
            inventory.hosts[index].networkAttachments.removeAll { $0.networkID == networkID }
        }
        event(948, "Network \(network.name) detached from Cluster \(cluster.name)", cluster: cluster.id, dataCenter: cluster.dataCenterID)
        commitJob()
    }
}
