/// `PVE::API2::Cluster` (`status`, `resources`, `nextid`) and the node
/// index `PVE::API2::Nodes` (`GET /nodes`).
extension PVERoutes {
    var clusterRoutes: [APIRoute] {
        [
            APIRoute("GET", "cluster/status") { _ in
                let model = state.snapshot().model
                var entries: [PVEJSON] = [
                    .object([
                        "type": .string("cluster"), "id": .string("cluster"), "name": .string(model.clusterName),
                        "nodes": .int(model.nodes.count), "version": .int(model.configVersion),
                        "quorate": .flag(model.quorate),
                    ])
                ]
                for node in model.nodes {
                    entries.append(.object([
                        "type": .string("node"), "id": .string("node/\(node.name)"), "name": .string(node.name),
                        "nodeid": .int(node.nodeID), "ip": .string(node.ip), "local": .flag(node.name == localNode),
                        "online": .flag(node.online), "level": .string(""),
                    ]))
                }
                return APIResult(.array(entries))
            },
            APIRoute("GET", "cluster/resources", schema: ["type": .oneOf(["vm", "storage", "node", "sdn"])]) { call in
                APIResult(.array(resources(type: call.params.string("type"))))
            },
            APIRoute("GET", "cluster/nextid", schema: ["vmid": .vmid(optional: true)]) { call throws(PVEError) in
                let model = state.snapshot().model
                if let vmid = call.params.int("vmid") {
                    if model.vms[vmid] != nil { throw .parameter("vmid", "VM \(vmid) already exists") }
                    return APIResult(.string(call.required("vmid")))
                }
                var candidate = 100
                while model.vms[candidate] != nil { candidate += 1 }
                return APIResult(.string(String(candidate)))
            },
            APIRoute("GET", "nodes") { _ in
                let (model, now) = state.snapshot()
                return APIResult(.array(model.nodes.map { node in
                    var entry = nodeResource(node, model: model, now: now)
                    entry["ssl_fingerprint"] = .string(Self.fingerprint(node.name))
                    return .object(entry)
                }))
            },
        ]
    }

    /// `/cluster/resources`: VMs (by vmid, compared as text like Perl's
    /// `sort keys`), nodes, storages per node, SDN zones per node.
    private func resources(type: String?) -> [PVEJSON] {
        let (model, now) = state.snapshot()
        var entries: [PVEJSON] = []
        if type == nil {
            for pool in model.pools.sorted() {
                entries.append(.object(["id": .string("/pool/\(pool)"), "pool": .string(pool), "type": .string("pool")]))
            }
        }
        if type == nil || type == "vm" {
            for vmid in model.vms.keys.sorted(by: { String($0) < String($1) }) {
                entries.append(VMRendering.resource(model.vms[vmid]!, model: model, now: now))
            }
        }
        if type == nil || type == "node" {
            for node in model.nodes { entries.append(.object(nodeResource(node, model: model, now: now))) }
        }
        if type == nil || type == "storage" {
            for storage in model.storages.sorted(by: { $0.id < $1.id }) {
                for node in model.nodes {
                    var entry: [String: PVEJSON] = [
                        "id": .string("storage/\(node.name)/\(storage.id)"), "storage": .string(storage.id),
                        "node": .string(node.name), "type": .string("storage"), "plugintype": .string(storage.type),
                        "status": .string("unknown"), "shared": .flag(storage.shared),
                        "content": .string(storage.content.joined(separator: ",")),
                    ]
                    if node.online {
                        entry["status"] = .string("available")
                        entry["maxdisk"] = .int(storage.capacity)
                        entry["disk"] = .int(model.used(storage: storage, node: node.name))
                    }
                    entries.append(.object(entry))
                }
            }
        }
        if type == nil || type == "sdn" {
            for node in model.nodes where node.online {
                entries.append(.object([
                    "id": .string("sdn/\(node.name)/localnetwork"), "sdn": .string("localnetwork"),
                    "node": .string(node.name), "type": .string("sdn"), "status": .string("ok"),
                ]))
            }
        }
        return entries
    }

    /// `extract_node_stats`: an offline node keeps only its ids and status.
    func nodeResource(_ node: PVENode, model: ClusterModel, now: Double) -> [String: PVEJSON] {
        var entry: [String: PVEJSON] = [
            "id": .string("node/\(node.name)"), "node": .string(node.name), "type": .string("node"),
            "status": .string(node.online ? "online" : "offline"),
        ]
        guard node.online else { return entry }
        let running = model.vms.values.filter { $0.node == node.name && $0.runState != .stopped }
        let vmMemory = running.map { VMRendering.usage($0, now: now).mem }.reduce(0, +)
        entry["uptime"] = .int(Int(now - node.bootTime))
        entry["cpu"] = .double(min(1, 0.021 + Double(running.count) * 0.0113))
        entry["maxcpu"] = .int(node.maxCPU)
        entry["mem"] = .int(min(node.maxMemory, (6 << 30) + vmMemory))
        entry["maxmem"] = .int(node.maxMemory)
        entry["disk"] = .int(12 << 30)
        entry["maxdisk"] = .int(node.rootDisk)
        entry["level"] = .string("")
        entry["cgroup-mode"] = .int(2)
        return entry
    }

    /// A stable made-up SHA-256 fingerprint of a node's certificate.
    static func fingerprint(_ node: String) -> String {
        var bytes: [UInt8] = []
        var seed = InventorySeeder.hash("fingerprint/\(node)")
        while bytes.count < 32 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes.append(UInt8(truncatingIfNeeded: seed >> 33))
        }
        return bytes.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
