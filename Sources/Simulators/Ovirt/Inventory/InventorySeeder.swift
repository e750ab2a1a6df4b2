/// Builds an engine's initial inventory, deterministically from the engine
/// name: the same name always yields the same ids, names and figures, and
/// addresses and MACs no other engine shows (see ``AddressPlan``).
struct InventorySeeder {
    var engineName: String
    var vmCount: Int
    var hostCount: Int
    /// ``SimulatedEngineOptions/addressVariant``.
    var addressVariant = 0

    /// A fixed "now" (2025-01-01T00:00:00Z) so that seeded dates never move.
    static let referenceTime: Int64 = 1_735_689_600_000

    private static let gibibyte: Int64 = 1 << 30

    func seed() -> EngineInventory {
        var rng = SeededGenerator(seed: StableHash.fnv1a(engineName))
        let addresses = AddressPlan(engineName: engineName, vmCount: vmCount, hostCount: hostCount, variant: addressVariant)
        var inventory = EngineInventory(engineName: engineName, addresses: addresses)
        let ids = StableID(engine: engineName)

        let dataCenter = SimDataCenter(
            id: ids.make("datacenter", 0),
            name: "Default",
            description: "The default Data Center",
            versionMajor: 4,
            versionMinor: 7
        )
        inventory.dataCenters = [dataCenter]

        let management = SimNetwork(
            id: ids.make("network", 0),
            name: "ovirtmgmt",
            description: "Management Network",
            dataCenterID: dataCenter.id,
            vlanID: nil,
            mtu: 0,
            usages: ["management", "vm"],
            vnicProfileIDs: [ids.make("vnicprofile", 0)]
        )
        inventory.networks = [management]
        inventory.vnicProfiles = [SimVnicProfile(id: management.vnicProfileIDs[0], name: "ovirtmgmt", networkID: management.id)]

        let cluster = SimCluster(
            id: ids.make("cluster", 0),
            name: "Default",
            description: "The default server cluster",
            dataCenterID: dataCenter.id,
            cpuType: "Intel Cascadelake Server Family",
            versionMajor: 4,
            versionMinor: 7,
            networkIDs: [management.id],
            requiredNetworkIDs: [management.id]
        )
        inventory.clusters = [cluster]

        let storageType = rng.next(upperBound: 2) == 0 ? "nfs" : "fcp"
        let storage = SimStorageDomain(
            id: ids.make("storagedomain", 0),
            name: "hosted_storage",
            description: "",
            storageType: storageType,
            dataCenterID: dataCenter.id,
            available: Int64(2048 + rng.next(upperBound: 2048)) * Self.gibibyte,
            used: Int64(1024 + rng.next(upperBound: 1024)) * Self.gibibyte,
            committed: Int64(3072 + rng.next(upperBound: 2048)) * Self.gibibyte,
            nfsAddress: storageType == "nfs" ? "nfs01.\(engineName).lab.local" : nil,
            nfsPath: storageType == "nfs" ? "/export/hosted_storage" : nil
        )
        inventory.storageDomains = [storage]

        let hostCount = max(0, self.hostCount)
        for index in 0..<hostCount {
            let number = Self.pad(index + 1, 2)
            let hostID = ids.make("host", index)
            let slaves = (1...2).map { slot in
                // The generator still draws the three bytes it once used, so every later seeded value stays put.
                for _ in 0..<3 { _ = rng.next(upperBound: 256) }
                return SimHostNic(
                    id: ids.make("hostnic-\(index)", slot),
                    name: "eno\(slot)",
                    mac: addresses.hostMAC(host: index, slot: slot),
                    speed: 10_000_000_000,
                    mtu: 1500
                )
            }
            let bond = SimHostNic(
                id: ids.make("hostnic-\(index)", 0),
                name: "bond0",
                mac: slaves[0].mac,
                speed: 20_000_000_000,
                mtu: 1500,
                bondSlaveIDs: slaves.map(\.id),
                bondOptions: [("mode", "4"), ("miimon", "100"), ("xmit_hash_policy", "2")],
                ipAddress: addresses.hostAddress(index),
                netmask: "255.255.255.0",
                gateway: addresses.hostGateway(index),
                networkID: management.id
            )
            let host = SimHost(
                id: hostID,
                name: "\(engineName)-host\(number)",
                address: "\(engineName)-host\(number).lab.local",
                clusterID: cluster.id,
                status: "up",
                cpuModel: "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz",
                cpuSpeedMHz: 3000,
                sockets: 2,
                coresPerSocket: 24,
                threadsPerCore: 2,
                memory: Int64([512, 768, 1024][rng.next(upperBound: 3)]) * Self.gibibyte,
                serialNumber: "CZ\(2000 + rng.next(upperBound: 7000))\(Self.pad(rng.next(upperBound: 100_000), 5))",
                hardwareUUID: ids.make("host-hw", index).uppercased(),
                spm: index == 0,
                nics: [bond] + slaves,
                networkAttachments: [
                    SimNetworkAttachment(
                        id: ids.make("networkattachment-\(index)", 0),
                        networkID: management.id,
                        nicID: bond.id,
                        bootProtocol: "static",
                        address: bond.ipAddress,
                        netmask: bond.netmask,
                        gateway: bond.gateway
                    )
                ]
            )
            inventory.hosts.append(host)
        }

        let blank = SimTemplate(
            id: EngineInventory.blankTemplateID,
            name: "Blank",
            description: "Blank template",
            clusterID: nil,
            memory: Self.gibibyte,
            cores: 1,
            osType: "other",
            creationTime: 1_199_145_600_000,
            diskIDs: []
        )
        let packerDisk = SimDisk(
            id: ids.make("disk-template", 0),
            name: "redos8_Disk1",
            description: "",
            provisionedSize: 20 * Self.gibibyte,
            actualSize: 3 * Self.gibibyte + Int64(rng.next(upperBound: 1 << 30)),
            format: "cow",
            sparse: true,
            storageDomainID: storage.id,
            imageID: ids.make("image-template", 0),
            bootable: true
        )
        let packer = SimTemplate(
            id: ids.make("template", 1),
            name: "template-packer-redos8-03092024",
            description: "RED OS 8 base image built by packer on 03.09.2024",
            clusterID: cluster.id,
            memory: 4 * Self.gibibyte,
            cores: 2,
            osType: "rhel_8x64",
            creationTime: 1_725_363_000_000,
            diskIDs: [packerDisk.id]
        )
        inventory.templates = [blank, packer]
        inventory.disks = [packerDisk]

        let roles = Self.roles
        for index in 0..<max(0, vmCount) {
            let role = roles[rng.next(upperBound: roles.count)]
            let name = "\(role.prefix)-\(Self.pad(index + 1, vmCount >= 1000 ? 4 : 3))"
            let vmID = ids.make("vm", index)
            let statusRoll = rng.next(upperBound: 100)
            let status = statusRoll < 82 ? "up" : (statusRoll < 97 ? "down" : "suspended")
            let hostID: String? = status == "up" && hostCount > 0 ? inventory.hosts[index % hostCount].id : nil
            let memory = Int64([2, 4, 4, 8, 8, 16, 32][rng.next(upperBound: 7)]) * Self.gibibyte
            let cores = [1, 2, 2, 4, 4, 8][rng.next(upperBound: 6)]
            let creation = Self.referenceTime - Int64(1 + rng.next(upperBound: 400)) * 86_400_000
                - Int64(rng.next(upperBound: 86_400_000))
            // Drawn for the last byte of the MAC the seeder once made; kept so every later seeded value stays put.
            _ = rng.next(upperBound: 256)
            let mac = addresses.seededGuestMAC(index)
            let nic = SimVMNic(
                id: ids.make("vmnic", index),
                name: "nic1",
                mac: mac,
                vnicProfileID: management.vnicProfileIDs[0]
            )
            let disk = SimDisk(
                id: ids.make("disk", index),
                name: "\(name)_Disk1",
                description: "",
                provisionedSize: Int64([20, 40, 50, 80, 100][rng.next(upperBound: 5)]) * Self.gibibyte,
                actualSize: Int64(3 + rng.next(upperBound: 15)) * Self.gibibyte,
                format: "cow",
                sparse: true,
                storageDomainID: storage.id,
                imageID: ids.make("image", index),
                bootable: true
            )
            inventory.disks.append(disk)
            let isUp = status == "up"
            let devices: [SimReportedDevice] = isUp ? [
                SimReportedDevice(
                    id: ids.make("reporteddevice", index),
                    name: "eth0",
                    mac: mac,
                    ipv4: addresses.seededGuestAddress(index),
                    ipv6: AddressPlan.linkLocalAddress(mac: mac)
                ),
            ] : []
            let osType = role.os
            let vm = SimVM(
                id: vmID,
                name: name,
                description: role.description,
                comment: rng.next(upperBound: 3) == 0 ? "owner: \(role.team)" : "",
                clusterID: cluster.id,
                hostID: hostID,
                templateID: osType.hasPrefix("windows") ? blank.id : packer.id,
                status: status,
                memory: memory,
                sockets: 1,
                cores: cores,
                threads: 1,
                osType: osType,
                fqdn: isUp ? "\(name).\(engineName).lab.local" : nil,
                creationTime: creation,
                startTime: isUp ? creation + Int64(rng.next(upperBound: 30 * 86_400)) * 1000 : nil,
                stopTime: isUp ? nil : creation + Int64(30 + rng.next(upperBound: 300)) * 86_400_000 / 10,
                highlyAvailable: rng.next(upperBound: 4) == 0,
                guestDistribution: osType.hasPrefix("windows") ? "Microsoft Windows Server 2019" : "RED OS",
                guestKernel: osType.hasPrefix("windows") ? "" : "6.1.52-1.el8",
                nics: [nic],
                diskAttachments: [SimDiskAttachment(diskID: disk.id, bootable: true, interface: "virtio_scsi")],
                reportedDevices: devices
            )
            inventory.vms.append(vm)
        }
        return inventory
    }

    private struct Role {
        var prefix: String
        var description: String
        var team: String
        var os: String
    }

    private static let roles: [Role] = [
        Role(prefix: "web", description: "nginx frontend", team: "web", os: "rhel_8x64"),
        Role(prefix: "app", description: "Application server", team: "backend", os: "rhel_8x64"),
        Role(prefix: "db-pg", description: "PostgreSQL 15 node", team: "dba", os: "rhel_8x64"),
        Role(prefix: "k8s-worker", description: "Kubernetes worker node", team: "platform", os: "rhel_9x64"),
        Role(prefix: "k8s-master", description: "Kubernetes control plane", team: "platform", os: "rhel_9x64"),
        Role(prefix: "gitlab-runner", description: "GitLab CI runner", team: "devops", os: "rhel_8x64"),
        Role(prefix: "kafka", description: "Kafka broker", team: "data", os: "rhel_8x64"),
        Role(prefix: "redis", description: "Redis cache", team: "backend", os: "other_linux"),
        Role(prefix: "mon", description: "Prometheus and Grafana", team: "sre", os: "rhel_8x64"),
        Role(prefix: "ad-dc", description: "Domain controller", team: "it", os: "windows_2019x64"),
        Role(prefix: "elk", description: "Log collector", team: "sre", os: "rhel_9x64"),
        Role(prefix: "vpn", description: "VPN gateway", team: "netops", os: "other_linux"),
    ]

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func hex(_ value: Int) -> String {
        let text = String(value & 0xff, radix: 16)
        return text.count == 1 ? "0" + text : text
    }

}

/// SplitMix64: small, fast and deterministic across platforms, unlike
/// `SystemRandomNumberGenerator`.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(upperBound: Int) -> Int {
        Int(next() % UInt64(upperBound))
    }
}

enum StableHash {
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// Version-4-shaped UUIDs derived from engine name, object kind and index.
struct StableID {
    var engine: String

    func make(_ kind: String, _ index: Int) -> String {
        var generator = SeededGenerator(seed: StableHash.fnv1a("\(engine)|\(kind)|\(index)"))
        let high = generator.next()
        let low = generator.next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        var text = ""
        text.reserveCapacity(36)
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { text += "-" }
            text += InventorySeeder.hex(Int(byte))
        }
        return text
    }
}
