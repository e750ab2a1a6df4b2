import AggregatorCore

/// One read of the engine's inventory, before mapping: guests, nodes and cluster status.
struct ProxmoxInventory: Sendable {
    var guests: [ProxmoxResource]
    var nodes: [ProxmoxResource]
    var status: [ProxmoxClusterStatusEntry]

    /// The cluster's name (`type: cluster`), nil for a standalone node.
    static func clusterName(_ status: [ProxmoxClusterStatusEntry]) -> String? {
        status.first { $0.type == "cluster" }.flatMap { ProxmoxMapping.nonEmpty($0.name) }
    }

    /// The name the one cluster goes by: the cluster's, or for a standalone node (no `type: cluster`
    /// entry) the name of the node that answered, else the first node.
    var clusterName: String {
        if let name = Self.clusterName(status) { return name }
        let nodes = status.filter { $0.type == "node" }
        if let local = nodes.first(where: { $0.local?.value == true }), let name = ProxmoxMapping.nonEmpty(local.name) {
            return name
        }
        return nodes.compactMap { ProxmoxMapping.nonEmpty($0.name) }.first
            ?? self.nodes.compactMap { ProxmoxMapping.nonEmpty($0.node) }.sorted().first ?? "proxmox"
    }

    /// QEMU guests that are not templates.
    var vms: [ProxmoxResource] { guests.filter { $0.isQemu && !$0.isTemplate && $0.vmidValue != nil } }

    /// Running VMs by node.
    var runningByNode: [String: Int] {
        var counts: [String: Int] = [:]
        for vm in vms where vm.status == "running" {
            if let node = vm.node { counts[node, default: 0] += 1 }
        }
        return counts
    }

    /// The common model; `ips` holds the guest agent's addresses by vmid.
    func readout(engine: String, ips: [Int: [String]] = [:]) -> EngineReadout {
        let cluster = clusterName
        let addresses = Dictionary(status.filter { $0.type == "node" }.compactMap { entry in
            entry.name.map { ($0, entry.ip) }
        }, uniquingKeysWith: { first, _ in first })
        let running = runningByNode
        let vmList = vms.compactMap { resource in
            ProxmoxMapping.vm(resource, engine: engine, cluster: cluster, ipAddresses: resource.vmidValue.flatMap { ips[$0] } ?? [])
        }
        let hosts = nodes.compactMap { resource -> Hypervisor? in
            let name = resource.node ?? resource.name ?? ""
            return ProxmoxMapping.host(resource, engine: engine, cluster: cluster, address: addresses[name] ?? nil,
                                       runningVMs: running[name] ?? 0)
        }
        let clusterEntry = Cluster(engine: engine, id: cluster, name: cluster, hostCount: hosts.count,
                                   vmCount: vmList.filter { $0.host != nil }.count)
        return EngineReadout(vms: vmList, hosts: hosts, clusters: [clusterEntry])
    }
}
