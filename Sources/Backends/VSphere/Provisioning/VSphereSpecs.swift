import AggregatorCore

/// The vim25 data objects a create sends, written in the WSDL's member order (vCenter refuses
/// members out of order).
enum VSphereSpecs {
    /// `DVPortgroupConfigSpec` of an early-binding port group with `ports` ports on VLAN `vlanID`.
    static func portGroup(name: String, vlanID: Int, ports: Int) -> SOAPNode {
        SOAPNode("spec", type: "DVPortgroupConfigSpec", [
            SOAPNode("name", text: name),
            SOAPNode("numPorts", text: "\(ports)"),
            SOAPNode("defaultPortConfig", type: "VMwareDVSPortSetting", [
                SOAPNode("vlan", type: "VmwareDistributedVirtualSwitchVlanIdSpec", [
                    SOAPNode("inherited", text: "false"),
                    SOAPNode("vlanId", text: "\(vlanID)"),
                ]),
            ]),
            SOAPNode("type", text: "earlyBinding"),
        ])
    }

    /// `VirtualMachineCloneSpec`: into `pool` on `datastore`, powered off, not a template, with
    /// the annotation (a vCenter keeps it; the simulator sets it with the reconfiguration).
    static func clone(pool: ManagedObjectReference, datastore: ManagedObjectReference, annotation: String) -> SOAPNode {
        SOAPNode("spec", [
            SOAPNode("location", [SOAPNode(reference: "datastore", datastore), SOAPNode(reference: "pool", pool)]),
            SOAPNode("template", text: "false"),
            SOAPNode("config", [SOAPNode("annotation", text: annotation)]),
            SOAPNode("powerOn", text: "false"),
        ])
    }

    /// A `VirtualMachineConfigSpec` named `spec` with `members`, which must be in WSDL order
    /// (annotation, numCPUs, numCoresPerSocket, memoryMB, deviceChange).
    static func config(_ members: [SOAPNode]) -> SOAPNode {
        SOAPNode("spec", type: "VirtualMachineConfigSpec", members)
    }

    /// One `deviceChange` entry.
    static func deviceChange(_ operation: String, fileOperation: String? = nil, device: SOAPNode) -> SOAPNode {
        var members = [SOAPNode("operation", text: operation)]
        if let fileOperation { members.append(SOAPNode("fileOperation", text: fileOperation)) }
        members.append(device)
        return SOAPNode("deviceChange", type: "VirtualDeviceConfigSpec", members)
    }

    /// A NIC backing on a distributed port group.
    static func portBacking(switchUUID: String, portGroupKey: String) -> SOAPNode {
        SOAPNode("backing", type: "VirtualEthernetCardDistributedVirtualPortBackingInfo", [
            SOAPNode("port", [SOAPNode("switchUuid", text: switchUUID), SOAPNode("portgroupKey", text: portGroupKey)]),
        ])
    }

    /// Connected now and at power on.
    static let connected = SOAPNode("connectable", [
        SOAPNode("startConnected", text: "true"), SOAPNode("allowGuestControl", text: "true"),
        SOAPNode("connected", text: "true"),
    ])

    /// The device `nic` (as read) moved to the port group, connected at power on.
    static func editedNIC(_ nic: XMLElement, backing: SOAPNode) -> SOAPNode {
        var node = SOAPNode(copying: nic, named: "device")
        node.replace("backing", with: backing, after: ["key", "deviceInfo"])
        node.replace("connectable", with: connected, after: ["key", "deviceInfo", "backing"])
        return node
    }

    /// A new `VirtualVmxnet3` on the port group, for a template without a NIC.
    static func newNIC(backing: SOAPNode) -> SOAPNode {
        SOAPNode("device", type: "VirtualVmxnet3", [
            SOAPNode("key", text: "-1"), backing, connected, SOAPNode("addressType", text: "generated"),
        ])
    }

    /// The disk `disk` (as read) at `kib` KiB.
    static func resizedDisk(_ disk: XMLElement, kib: Int64) -> SOAPNode {
        var node = SOAPNode(copying: disk, named: "device")
        let before = ["key", "deviceInfo", "backing", "connectable", "slotInfo", "controllerKey", "unitNumber", "numaNode"]
        node.replace("capacityInKB", with: SOAPNode("capacityInKB", text: "\(kib)"), after: before)
        node.replace("capacityInBytes", with: SOAPNode("capacityInBytes", text: "\(kib * 1024)"),
                     after: before + ["capacityInKB"])
        return node
    }

    /// A new flat disk of `kib` KiB on `datastore`, at `unit` of `controller`.
    static func newDisk(key: Int, controller: Int, unit: Int, kib: Int64, datastore: ManagedObjectReference,
                        thin: Bool) -> SOAPNode {
        SOAPNode("device", type: "VirtualDisk", [
            SOAPNode("key", text: "\(key)"),
            SOAPNode("backing", type: "VirtualDiskFlatVer2BackingInfo", [
                SOAPNode("fileName", text: ""),
                SOAPNode(reference: "datastore", datastore),
                SOAPNode("diskMode", text: "persistent"),
                SOAPNode("thinProvisioned", text: thin ? "true" : "false"),
            ]),
            SOAPNode("controllerKey", text: "\(controller)"),
            SOAPNode("unitNumber", text: "\(unit)"),
            SOAPNode("capacityInKB", text: "\(kib)"),
            SOAPNode("capacityInBytes", text: "\(kib * 1024)"),
        ])
    }

    /// `CustomizationSpec` of a Linux guest with one NIC on a static address.
    static func customization(_ address: VSpherePlan.Address) -> SOAPNode {
        var identity = [SOAPNode("hostName", type: "CustomizationFixedName", [SOAPNode("name", text: address.hostName)])]
        identity.append(SOAPNode("domain", text: address.domain ?? "localdomain"))
        var global: [SOAPNode] = []
        if let domain = address.domain { global.append(SOAPNode("dnsSuffixList", text: domain)) }
        global += address.dnsServers.map { SOAPNode("dnsServerList", text: $0) }
        var adapter = [
            SOAPNode("ip", type: "CustomizationFixedIp", [SOAPNode("ipAddress", text: address.ip)]),
            SOAPNode("subnetMask", text: address.netmask),
            SOAPNode("gateway", text: address.gateway),
        ]
        adapter += address.dnsServers.map { SOAPNode("dnsServerList", text: $0) }
        if let domain = address.domain { adapter.append(SOAPNode("dnsDomain", text: domain)) }
        return SOAPNode("spec", [
            SOAPNode("identity", type: "CustomizationLinuxPrep", identity),
            SOAPNode("globalIPSettings", global),
            SOAPNode("nicSettingMap", [SOAPNode("adapter", adapter)]),
        ])
    }
}

extension SOAPNode {
    /// XML Schema types a value may carry (`xsi:type="xsd:string"`), which keep their prefix when
    /// an element read is sent back.
    private static let schemaPrimitives: Set<String> = [
        "string", "boolean", "byte", "short", "int", "long", "float", "double", "dateTime", "base64Binary", "anyURI",
    ]

    /// The element `element` read from an answer, to send back (renamed `name`).
    init(copying element: XMLElement, named name: String? = nil) {
        let type = element.schemaType.map { Self.schemaPrimitives.contains($0) ? "xsd:\($0)" : $0 }
        if element.children.isEmpty {
            self.init(name ?? element.name, type: type, text: element.text)
        } else {
            self.init(name ?? element.name, type: type, element.children.map { SOAPNode(copying: $0) })
        }
        for (key, value) in element.attributes where key == "type" { attributes[key] = value }
    }

    /// Replaces the child `name` with `node`, or inserts `node` after the last child named in
    /// `earlier` (the members the WSDL puts before it) when there is none.
    mutating func replace(_ name: String, with node: SOAPNode, after earlier: [String]) {
        if let index = children.firstIndex(where: { $0.name == name }) {
            children[index] = node
            return
        }
        let position = children.lastIndex { earlier.contains($0.name) }.map { $0 + 1 } ?? 0
        children.insert(node, at: position)
    }
}
