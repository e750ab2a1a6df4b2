import BackendSupport

/// One virtual device of a VM's `config.hardware.device`, with the fields provisioning looks at
/// and the element itself (an edit sends the device back as the vCenter gave it, changed).
struct VSphereDevice: Sendable {
    /// The device's type (`VirtualDisk`, `VirtualVmxnet3`, `ParaVirtualSCSIController`).
    var type: String
    var key: Int
    var controllerKey: Int?
    var unitNumber: Int?
    /// A disk's size.
    var capacityKiB: Int64?
    /// A NIC's port group key, when it is on a distributed port group.
    var portGroupKey: String?
    /// The element as read; nil for devices made in tests.
    var element: XMLElement?

    /// The ethernet card types of vim25 (every `VirtualEthernetCard` subtype).
    static let nicTypes: Set<String> = [
        "VirtualE1000", "VirtualE1000e", "VirtualPCNet32", "VirtualVmxnet", "VirtualVmxnet2", "VirtualVmxnet3",
        "VirtualVmxnet3Vrdma", "VirtualSriovEthernetCard",
    ]
    /// The SCSI controller types (unit 7 is the controller's own).
    static let scsiControllerTypes: Set<String> = [
        "ParaVirtualSCSIController", "VirtualLsiLogicController", "VirtualLsiLogicSASController",
        "VirtualBusLogicController",
    ]

    init(type: String, key: Int, controllerKey: Int? = nil, unitNumber: Int? = nil, capacityKiB: Int64? = nil,
         portGroupKey: String? = nil, element: XMLElement? = nil) {
        self.type = type
        self.key = key
        self.controllerKey = controllerKey
        self.unitNumber = unitNumber
        self.capacityKiB = capacityKiB
        self.portGroupKey = portGroupKey
        self.element = element
    }

    /// A `VirtualDevice` element of an `ArrayOfVirtualDevice`; nil without a type or key.
    init?(_ element: XMLElement) {
        guard let type = element.schemaType, let key = element.text(of: "key").flatMap({ Int($0.trimmingWhitespace()) })
        else { return nil }
        self.init(type: type, key: key,
                  controllerKey: element.text(of: "controllerKey").flatMap { Int($0.trimmingWhitespace()) },
                  unitNumber: element.text(of: "unitNumber").flatMap { Int($0.trimmingWhitespace()) },
                  capacityKiB: element.text(of: "capacityInKB").flatMap { Int64($0.trimmingWhitespace()) },
                  portGroupKey: element.descendant("backing.port.portgroupKey")?.text.trimmingWhitespace(),
                  element: element)
    }

    /// The devices of a `config.hardware.device` value.
    static func list(_ value: XMLElement?) -> [VSphereDevice] {
        (value?.children ?? []).compactMap(VSphereDevice.init)
    }

    var isDisk: Bool { type == "VirtualDisk" }
    var isNIC: Bool { Self.nicTypes.contains(type) }
    var isSCSIController: Bool { Self.scsiControllerTypes.contains(type) }
}

extension [VSphereDevice] {
    /// The disks, in the order the VM lists them; the first is the boot disk.
    var disks: [VSphereDevice] { filter(\.isDisk) }

    /// The first ethernet card.
    var firstNIC: VSphereDevice? { first(where: \.isNIC) }

    /// The next unit number free on `controller` for a new disk: SCSI controllers have units
    /// 0–15 with 7 their own, IDE controllers 0–1, SATA 0–29; nil when it is full.
    func freeUnit(on controller: Int) -> Int? {
        let type = first { $0.key == controller }?.type ?? ""
        let used = Set(filter { $0.controllerKey == controller }.compactMap(\.unitNumber))
        let units: [Int]
        if VSphereDevice.scsiControllerTypes.contains(type) {
            units = [Int](0...15).filter { $0 != 7 }
        } else if type == "VirtualIDEController" {
            units = [0, 1]
        } else {
            units = [Int](0...29)
        }
        return units.first { !used.contains($0) }
    }
}
