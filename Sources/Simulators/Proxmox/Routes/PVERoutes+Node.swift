/// Per-node methods: `GET /nodes/{node}/status` (`PVE::API2::Nodes`),
/// `…/storage` (`PVE::API2::Storage::Status`) and `…/network`
/// (`PVE::API2::Network`). All are proxied to the node.
extension PVERoutes {
    var nodeRoutes: [APIRoute] {
        [
            APIRoute("GET", "nodes/{node}/status", proxyToNode: true) { call in
                APIResult(.object(nodeStatus(call.node)))
            },
            APIRoute(
                "GET", "nodes/{node}/storage",
                schema: [
                    "storage": .storage(), "content": .string(), "enabled": .boolean(), "target": .node(optional: true),
                    "format": .boolean(),
                ],
                proxyToNode: true
            ) { call throws(PVEError) in
                try storageIndex(call)
            },
            APIRoute(
                "GET", "nodes/{node}/network",
                schema: [
                    "type": .oneOf([
                        "bridge", "bond", "eth", "alias", "vlan", "OVSBridge", "OVSBond", "OVSPort", "OVSIntPort", "vnet",
                        "any_bridge", "any_local_bridge",
                    ])
                ],
                proxyToNode: true
            ) { call in
                APIResult(.array(network(call.node, type: call.params.string("type"))))
            },
        ]
    }

    private func nodeStatus(_ name: String) -> [String: PVEJSON] {
        let (model, now) = state.snapshot()
        let node = model.node(name)!
        let resource = nodeResource(node, model: model, now: now)
        let used = resource["mem"]?.intValue ?? 0
        let version = Self.version
        return [
            "uptime": .int(Int(now - node.bootTime)),
            "idle": .int(0),
            "loadavg": .array([.string("0.31"), .string("0.42"), .string("0.40")]),
            "kversion": .string("Linux 6.8.12-9-pve #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-9 (2025-03-16T19:18Z)"),
            "current-kernel": .object([
                "sysname": .string("Linux"), "release": .string("6.8.12-9-pve"), "machine": .string("x86_64"),
                "version": .string("#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-9 (2025-03-16T19:18Z)"),
            ]),
            "boot-info": .object(["mode": .string("efi"), "secureboot": .int(0)]),
            "cpuinfo": .object([
                "model": .string("Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz"), "cpus": .int(node.maxCPU),
                "sockets": .int(2), "cores": .int(node.maxCPU / 2), "mhz": .string("2100.000"), "hvm": .string("1"),
                "user_hz": .int(100), "flags": .string("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr vmx"),
            ]),
            "cpu": resource["cpu"] ?? .double(0),
            "wait": .double(0.0012),
            "memory": .object(["total": .int(node.maxMemory), "used": .int(used), "free": .int(node.maxMemory - used)]),
            "swap": .object(["total": .int(8 << 30), "used": .int(0), "free": .int(8 << 30)]),
            "ksm": .object(["shared": .int(0)]),
            "rootfs": .object([
                "total": .int(node.rootDisk), "used": .int(12 << 30), "avail": .int(node.rootDisk - (12 << 30) - (5 << 30)),
                "free": .int(node.rootDisk - (12 << 30)),
            ]),
            "pveversion": .string("pve-manager/\(version.version)/\(version.repoid)"),
        ]
    }

    private func storageIndex(_ call: APICall) throws(PVEError) -> APIResult {
        let model = state.snapshot().model
        let node = call.node
        var target = call.params.string("target")
        if target == node || target == "localhost" { target = nil }
        let wanted = call.params.string("content").map(Identifiers.splitList)
        if let storage = call.params.string("storage"), model.storage(storage) == nil {
            throw .parameter("storage", "No such storage.")
        }
        var entries: [PVEJSON] = []
        for storage in model.storages.sorted(by: { $0.id < $1.id }) {
            if let wanted, !wanted.contains(where: storage.content.contains) { continue }
            if let name = call.params.string("storage"), name != storage.id { continue }
            if target != nil, !storage.shared { continue }
            let used = model.used(storage: storage, node: node)
            var entry: [String: PVEJSON] = [
                "storage": .string(storage.id), "type": .string(storage.type),
                "content": .string(storage.content.joined(separator: ",")), "shared": .flag(storage.shared),
                "active": .int(1), "enabled": .int(1), "total": .int(storage.capacity), "used": .int(used),
                "avail": .int(storage.capacity - used), "used_fraction": .double(Double(used) / Double(storage.capacity)),
            ]
            if call.params.bool("format") == true {
                entry["format"] = storage.type == "dir"
                    ? .array([.object(["raw": .int(1), "qcow2": .int(1), "vmdk": .int(1)]), .string("qcow2")])
                    : .array([.object(["raw": .int(1)]), .string("raw")])
            }
            entries.append(.object(entry))
        }
        return APIResult(.array(entries))
    }

    /// `/etc/network/interfaces` of a node: two NICs, `vmbr0` (VLAN-aware,
    /// with the node's address) and `vmbr1`.
    private func network(_ nodeName: String, type: String?) -> [PVEJSON] {
        let model = state.snapshot().model
        let node = model.node(nodeName)!
        var interfaces: [(type: String, fields: [String: PVEJSON])] = []
        for (index, nic) in ["eno1", "eno2"].enumerated() {
            interfaces.append(("eth", [
                "iface": .string(nic), "type": .string("eth"), "method": .string("manual"), "method6": .string("manual"),
                "families": .array([.string("inet")]), "active": .int(1), "exists": .int(1), "priority": .int(index + 3),
            ]))
        }
        for (index, bridge) in model.bridges.enumerated() {
            var fields: [String: PVEJSON] = [
                "iface": .string(bridge.iface), "type": .string("bridge"), "method6": .string("manual"),
                "families": .array([.string("inet")]), "active": .int(1), "autostart": .int(1),
                "bridge_ports": .string(bridge.ports), "bridge_stp": .string("off"), "bridge_fd": .string("0"),
                "priority": .int(index + 5), "method": .string(bridge.carriesNodeAddress ? "static" : "manual"),
            ]
            if bridge.vlanAware {
                fields["bridge_vlan_aware"] = .int(1)
                fields["bridge_vids"] = .string("2-4094")
            }
            if bridge.carriesNodeAddress {
                fields["address"] = .string(node.ip)
                fields["netmask"] = .string("24")
                fields["cidr"] = .string("\(node.ip)/24")
                if let gateway = bridge.gateway { fields["gateway"] = .string(gateway) }
            }
            interfaces.append(("bridge", fields))
        }
        return interfaces.filter { interface in
            guard let type else { return true }
            if type == "any_bridge" || type == "any_local_bridge" { return interface.type == "bridge" }
            return interface.type == type
        }.sorted { ($0.fields["iface"]?.stringValue ?? "") < ($1.fields["iface"]?.stringValue ?? "") }
            .map { .object($0.fields) }
    }
}
