import AggregatorCore

/// Requests the vcsim default inventory can run: datacenter DC0, cluster DC0_C0, datastore
/// LocalDS_0, distributed switch DVS0, template tmpl-linux.
enum VSphereFixtures {
    static let placement = #"{"datacenter":"DC0","cluster":"DC0_C0","datastore":"LocalDS_0","switch":"DVS0"}"#

    static func item(name: String = "app01", engine: String = "vc-lab", section: String = placement,
                     cores: Int = 2, memoryGB: Int = 4,
                     disks: [DiskSpec] = [DiskSpec(sizeGB: 40, mountPoint: "/", sparse: true),
                                          DiskSpec(sizeGB: 20, mountPoint: "/data", sparse: true)],
                     vlan: Int = 2923) throws -> ProvisioningItem {
        let vm = VMSpec(name: name, hostname: "\(name).lab.example", cores: cores, memoryGB: memoryGB, disks: disks,
                        template: VCSimEngine.template, nicName: "eth0", address: "10.29.23.10",
                        netmask: "255.255.255.0", gateway: "10.29.23.1", dnsServers: ["10.0.0.2", "10.0.0.3"])
        return ProvisioningItem(index: 0, action: .createVM, meta: RequestMeta(documentNum: "7002", owner: "ops"),
                                engine: engine, section: try JSONParser.parse(Array(section.utf8)),
                                sectionName: "placement", vlan: VLANSpec(name: "vlan\(vlan)", id: vlan), vm: vm)
    }

    static func vlanItem(engine: String = "vc-lab", vlan: Int = 2931) throws -> ProvisioningItem {
        ProvisioningItem(index: 0, action: .createVLAN, meta: RequestMeta(documentNum: "7003", owner: "ops"),
                         engine: engine, section: try JSONParser.parse(Array(placement.utf8)),
                         sectionName: "placement", vlan: VLANSpec(name: "vlan\(vlan)", id: vlan), vm: nil)
    }
}
