import Foundation

/// Host network setup (`setupnetworks`, `commitnetconfig`).
extension WriteTransaction {
    // MARK: Host networking

    mutating func setupNetworks(host hostID: String, _ action: RequestNode) throws(EngineFault) -> String? {
        guard let hostIndex = inventory.hosts.firstIndex(where: { $0.id == hostID }) else { throw .notFound }
        var host = inventory.hosts[hostIndex]
        beginJob("Configuring networks on host \(host.name)")
        guard let cluster = inventory.cluster(host.clusterID) else { throw .notFound }
        var attachments = host.networkAttachments

        let removedIDs = action.items("removed_network_attachments", "network_attachment").compactMap(\.id)
        let unknown = removedIDs.filter { id in !attachments.contains { $0.id == id } }
        if !unknown.isEmpty { throw .badRequest(EngineMessages.attachmentsToRemoveDoNotExist(unknown)) }
        attachments.removeAll { removedIDs.contains($0.id) }

        for item in action.items("modified_network_attachments", "network_attachment") {
            let network: SimNetwork
            if let reference = item.child("network"), let id = reference.id {
                guard let found = inventory.network(id) else { throw .badRequest(EngineMessages.networkIDNotExists(id)) }
                network = found
            } else if let name = item.child("network")?.referenceName {
                guard let found = inventory.networks.first(where: { $0.name == name && $0.dataCenterID == cluster.dataCenterID }) else {
                    throw .badRequest(EngineMessages.networkNameNotExists(name))
                }
                network = found
            } else if let id = item.id, let existing = attachments.first(where: { $0.id == id }),
                let found = inventory.network(existing.networkID)
            {
                network = found
            } else {
                throw .badRequest(
                    "Cannot setup Networks. There's unset networkId or networkName among given network attachments. At least one of them should be set."
                )
            }
            guard cluster.networkIDs.contains(network.id) else {
                throw .badRequest(EngineMessages.networkNotInCluster(network.name))
            }
            let nicReference = item.child("host_nic")
            let nicID = nicReference?.id
            let nicName = nicReference?.referenceName
            let nic = host.nics.first { ($0.id == nicID && nicID != nil) || ($0.name == nicName && nicID == nil && nicName != nil) }
            var existingIndex = attachments.firstIndex { $0.networkID == network.id }
            if let id = item.id {
                guard let index = attachments.firstIndex(where: { $0.id == id }) else {
                    throw .badRequest("Cannot setup Networks. Updated Network Attachment (id '\(id)') does not exist.")
                }
                existingIndex = index
            }
            let targetNIC: SimHostNic
            if let nic {
                targetNIC = nic
            } else if nicReference == nil, let existingIndex, let current = host.nics.first(where: { $0.id == attachments[existingIndex].nicID }) {
                targetNIC = current
            } else {
                throw .badRequest(EngineMessages.hostNicNotExists(id: nicID, name: nicName))
            }
            if host.nics.contains(where: { $0.bondSlaveIDs.contains(targetNIC.id) }) {
                throw .badRequest(EngineMessages.attachmentOnSlaveOrVlan(network: network.name, nic: targetNIC.name))
            }
            var attachment = existingIndex.map { attachments[$0] }
                ?? SimNetworkAttachment(id: Self.newID(), networkID: network.id, nicID: targetNIC.id)
            attachment.nicID = targetNIC.id
            if let assignment = item.items("ip_address_assignments", "ip_address_assignment").first {
                attachment.bootProtocol = assignment.string("assignment_method") ?? "none"
                attachment.address = assignment.string("ip.address")
                attachment.netmask = assignment.string("ip.netmask")
                attachment.gateway = assignment.string("ip.gateway")
            }
            if let existingIndex {
                attachments[existingIndex] = attachment
            } else {
                attachments.append(attachment)
            }
        }

        // Per NIC: at most one untagged network; VLAN tags unique.
        var untaggedViolations: [String] = []
        for nic in host.nics {
            let networks = attachments.filter { $0.nicID == nic.id }.compactMap { inventory.network($0.networkID) }
            if networks.filter({ $0.vlanID == nil }).count > 1 { untaggedViolations.append(nic.name) }
            var seen: Set<Int> = []
            for vlan in networks.compactMap(\.vlanID) where !seen.insert(vlan).inserted {
                throw .conflict(EngineMessages.vlanInUse(vlan))
            }
        }
        if !untaggedViolations.isEmpty { throw .conflict(EngineMessages.untaggedNotExclusive(untaggedViolations)) }

        let changed = attachments.map(\.id) != host.networkAttachments.map(\.id)
            || zip(attachments, host.networkAttachments).contains { $0.nicID != $1.nicID || $0.address != $1.address }
        host.networkAttachments = attachments
        if action.bool("commit_on_success") == true {
            host.netConfigCommitted = true
            event(10903, "(1/1): Successfully applied changes on host \(host.name). (User: \(userName))", host: host.id)
        } else if changed {
            host.netConfigCommitted = false
        }
        inventory.hosts[hostIndex] = host
        return commitJob()
    }

    mutating func commitNetConfig(host hostID: String) throws(EngineFault) -> String? {
        guard let hostIndex = inventory.hosts.firstIndex(where: { $0.id == hostID }) else { throw .notFound }
        let name = inventory.hosts[hostIndex].name
        beginJob("Applying saved network configuration to Host \(name)")
        inventory.hosts[hostIndex].netConfigCommitted = true
        event(1104, "Network changes were saved on host \(name)", host: hostID)
        return commitJob()
    }
}
