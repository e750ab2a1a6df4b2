/// Builds the deterministic starting inventory of a simulated cluster:
/// nodes `pve1…pveN`, storages `local` (dir) and `local-lvm` (lvmthin) per
/// node plus an optional shared `rbd` storage, bridges `vmbr0` (VLAN-aware)
/// and `vmbr1`, the templates, and the ordinary VMs spread over the nodes.
struct InventorySeeder {
    let options: SimulatedProxmoxOptions
    /// Epoch seconds the inventory is seeded at.
    let now: Double

    private static let words = ["web", "db", "app", "api", "cache", "mq", "ci", "mon", "proxy", "worker"]
    private static let isoImages = [
        "iso/redos-8-20240218.0-Everything-x86_64-DVD1.iso": 11_811_160_064,
        "iso/ubuntu-22.04.4-live-server-amd64.iso": 2_104_408_064,
    ]

    func seed() -> ClusterModel {
        let nodeCount = max(1, options.nodeCount)
        let nodes = (1...nodeCount).map { index in
            PVENode(
                name: "pve\(index)", nodeID: index, ip: "10.0.0.\(10 + index)", online: true,
                capacity: PVENodeCapacity(cpus: 32, memory: 128 << 30, rootDisk: 100 << 30), bootTime: now - 2_592_000 - Double(index * 3600),
                nextPID: 100_000 + index * 7919
            )
        }
        var storages = [
            PVEStorage(id: "local", type: "dir", content: ["iso", "vztmpl", "backup", "snippets"], shared: false,
                capacity: 100 << 30, baseUsed: 6 << 30),
            PVEStorage(id: "local-lvm", type: "lvmthin", content: ["images", "rootdir"], shared: false,
                capacity: 1 << 40, baseUsed: 0),
        ]
        if let shared = options.sharedStorage, Identifiers.isID(shared), !["local", "local-lvm"].contains(shared) {
            storages.append(PVEStorage(id: shared, type: "rbd", content: ["images", "rootdir"], shared: true,
                capacity: 8 << 40, baseUsed: 0))
        }
        var model = ClusterModel(
            clusterName: options.name,
            nodes: nodes,
            storages: storages,
            bridges: [
                PVEBridge(iface: "vmbr0", ports: "eno1", vlanAware: true, carriesNodeAddress: true, gateway: "10.0.0.1"),
                PVEBridge(iface: "vmbr1", ports: "eno2", vlanAware: false, carriesNodeAddress: false, gateway: nil),
            ],
            pools: Set(options.pools),
            macCounter: UInt32(truncatingIfNeeded: Self.hash(options.name)),
            agentDelay: options.guestAgentDelay.seconds
        )
        for node in nodes {
            model.volumes[VolumeLocation(storage: "local", node: node.name)] = Self.isoImages
        }
        for template in options.templates { seedTemplate(template, into: &model) }
        for index in 0..<max(0, options.vmCount) { seedVM(index, into: &model) }
        return model
    }

    private func seedTemplate(_ template: SimulatedProxmoxTemplate, into model: inout ClusterModel) {
        guard model.vms[template.vmid] == nil, Identifiers.isVMID(String(template.vmid)) else { return }
        let node = template.node.flatMap { model.node($0)?.name } ?? model.nodes[0].name
        let storage = template.storage.flatMap { model.storage($0) }.flatMap { $0.holdsImages ? $0 : nil }
            ?? model.storage("local-lvm")!
        var config = VMConfig()
        config["name"] = template.name
        config["ostype"] = "l26"
        config["cores"] = String(template.cores)
        config["sockets"] = "1"
        config["memory"] = String(template.memoryMiB)
        config["scsihw"] = "virtio-scsi-single"
        let disk = model.allocateVolume(storage: storage, node: node, vmid: template.vmid, bytes: template.diskGiB << 30,
            name: "base-\(template.vmid)-disk-0")
        config["scsi0"] = "\(disk),iothread=1,size=\(template.diskGiB)G"
        if template.cloudInit {
            let cloudInit = model.allocateVolume(storage: storage, node: node, vmid: template.vmid, bytes: 4 << 20,
                name: "vm-\(template.vmid)-cloudinit")
            config["ide2"] = "\(cloudInit),media=cdrom"
            config["ipconfig0"] = "ip=dhcp"
            config["boot"] = "order=scsi0;ide2;net0"
        } else {
            config["boot"] = "order=scsi0;net0"
        }
        config["net0"] = "virtio=\(model.newMAC()),bridge=vmbr0"
        if template.agent { config["agent"] = "1" }
        config["serial0"] = "socket"
        config["vga"] = "serial0"
        config["template"] = "1"
        config["smbios1"] = "uuid=\(uuid(template.vmid))"
        config["meta"] = "creation-qemu=8.1.5,ctime=1717171717"
        config["description"] = "Cloud image template \(template.name)"
        model.vms[template.vmid] = PVEVM(vmid: template.vmid, node: node, config: config)
    }

    private func seedVM(_ index: Int, into model: inout ClusterModel) {
        let vmid = 100 + index
        guard model.vms[vmid] == nil else { return }
        let node = model.nodes[index % model.nodes.count]
        let storage = model.storage("local-lvm")!
        let word = Self.words[index % Self.words.count]
        let number = index / Self.words.count + 1
        let vlan = 2921 + index % 4
        let sizes = [32, 50, 100]
        var config = VMConfig()
        config["name"] = "\(word)-\(number < 10 ? "0" : "")\(number)"
        config["ostype"] = "l26"
        config["cores"] = String([1, 2, 4][index % 3])
        config["sockets"] = "1"
        config["memory"] = String([2048, 4096, 8192][index % 3])
        config["scsihw"] = "virtio-scsi-single"
        let disk = model.allocateVolume(storage: storage, node: node.name, vmid: vmid, bytes: sizes[index % 3] << 30)
        config["scsi0"] = "\(disk),iothread=1,size=\(sizes[index % 3])G"
        let cloudInit = model.allocateVolume(storage: storage, node: node.name, vmid: vmid, bytes: 4 << 20, name: "vm-\(vmid)-cloudinit")
        config["ide2"] = "\(cloudInit),media=cdrom"
        config["boot"] = "order=scsi0;ide2;net0"
        config["net0"] = "virtio=\(model.newMAC()),bridge=vmbr0,tag=\(vlan)"
        let subnet = "10.29.\(vlan - 2900)"
        config["ipconfig0"] = index % 6 == 5 ? "ip=dhcp" : "ip=\(subnet).\(10 + index % 240)/24,gw=\(subnet).1"
        config["nameserver"] = "10.0.0.53"
        config["searchdomain"] = "example.lab"
        config["ciuser"] = "cloud-user"
        if index % 7 != 6 { config["agent"] = "1" }
        if index % 3 != 2 { config["tags"] = index % 2 == 0 ? "prod" : "test" }
        config["smbios1"] = "uuid=\(uuid(vmid))"
        config["vmgenid"] = uuid(vmid + 1_000_000)
        config["meta"] = "creation-qemu=8.1.5,ctime=1717171717"
        var vm = PVEVM(vmid: vmid, node: node.name, config: config)
        if index % 5 != 4 {
            let nodeIndex = model.nodes.firstIndex { $0.name == node.name }!
            vm.runState = index % 13 == 12 ? .paused : .running
            vm.startedAt = now - Double(3600 * (index + 1))
            vm.agentReadyAt = vm.startedAt! + 20
            vm.pid = model.nodes[nodeIndex].nextPID
            model.nodes[nodeIndex].nextPID += 3
            vm.guestInterfaces = ClusterModel.guestInterfaces(vmid: vmid, config: config)
        }
        model.vms[vmid] = vm
    }

    /// A stable UUID for `seed` within this cluster.
    private func uuid(_ seed: Int) -> String {
        let high = Self.hash("\(options.name)/\(seed)/a")
        let low = Self.hash("\(options.name)/\(seed)/b")
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, 16 - text.count)) + text
        }
        let h = hex(high, 16)
        let l = hex(low, 16)
        return "\(h.prefix(8))-\(h.dropFirst(8).prefix(4))-4\(h.suffix(3))-a\(l.prefix(3))-\(l.suffix(12))"
    }

    /// FNV-1a, stable across runs (unlike `Hasher`).
    static func hash(_ text: String) -> UInt64 {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01B3
        }
        return value
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
