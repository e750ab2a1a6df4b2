import AggregatorCore
import BackendSupport

/// What the vCenter holds that a plan depends on: datacenters, VM folders, clusters, datastores,
/// distributed switches and their port groups, VM names and templates, and the template's devices.
struct VSphereSurvey: Sendable {
    struct Named: Sendable, Hashable {
        var reference: ManagedObjectReference
        var name: String
        /// The datacenter it is in; nil when it could not be placed.
        var datacenter: String?
    }

    struct Datacenter: Sendable, Hashable {
        var reference: ManagedObjectReference
        var name: String
        var vmFolder: ManagedObjectReference?
    }

    struct Folder: Sendable, Hashable {
        var reference: ManagedObjectReference
        var name: String
        var parent: ManagedObjectReference?
    }

    struct ClusterEntry: Sendable, Hashable {
        var named: Named
        /// The cluster's root resource pool (`resourcePool`).
        var resourcePool: ManagedObjectReference?
        /// Datastores its hosts reach (`datastore`).
        var datastores: [ManagedObjectReference]
        /// Its hosts (`host`).
        var hosts: [ManagedObjectReference] = []
    }

    struct Switch: Sendable, Hashable {
        var named: Named
        var uuid: String?
        /// The hosts that are members of the switch (`summary.hostMember`).
        var hostMembers: [ManagedObjectReference] = []
    }

    struct PortGroup: Sendable, Hashable {
        var reference: ManagedObjectReference
        var name: String
        var key: String
        var switchRef: ManagedObjectReference?
        /// The VLAN id of its default port configuration; nil for a trunk, a private VLAN or none.
        var vlanID: Int?
    }

    struct Machine: Sendable, Hashable {
        var named: Named
        var isTemplate: Bool
    }

    var datacenters: [Datacenter] = []
    var folders: [Folder] = []
    var clusters: [ClusterEntry] = []
    var datastores: [Named] = []
    var switches: [Switch] = []
    var portGroups: [PortGroup] = []
    var machines: [Machine] = []
    /// The template's devices; nil when there is no template to read.
    var templateDevices: [VSphereDevice]?

    /// The container view's types and the properties read of each.
    static let viewTypes = ["Datacenter", "Folder", "ClusterComputeResource", "Datastore", "DistributedVirtualSwitch",
                            "DistributedVirtualPortgroup", "VirtualMachine"]
    static let properties: [(type: String, paths: [String])] = [
        ("Datacenter", ["name", "vmFolder"]),
        ("Folder", ["name", "parent"]),
        ("ClusterComputeResource", ["name", "parent", "resourcePool", "datastore", "host"]),
        ("Datastore", ["name", "parent"]),
        // vCenter applies a property spec to subtypes too (VmwareDistributedVirtualSwitch); the simulator
        // names its switch by the base type.
        ("DistributedVirtualSwitch", ["name", "parent", "uuid", "summary.hostMember"]),
        ("DistributedVirtualPortgroup", ["name", "key", "config.distributedVirtualSwitch", "config.defaultPortConfig"]),
        ("VirtualMachine", ["name", "parent", "config.template"]),
    ]

    init() {}

    /// The survey of what one container view read returned.
    init(_ objects: [ObjectContent]) {
        var topology = VSphereInventory.Topology()
        for object in objects { topology.add(object) }
        func named(_ object: ObjectContent) -> Named {
            Named(reference: object.reference, name: object.string("name") ?? object.reference.value,
                  datacenter: topology.dataCenter(of: object.reference))
        }
        for object in objects {
            switch object.reference.type {
            case "Datacenter":
                datacenters.append(Datacenter(reference: object.reference, name: object.string("name") ?? object.reference.value,
                                              vmFolder: object.reference("vmFolder")))
            case "Folder":
                folders.append(Folder(reference: object.reference, name: object.string("name") ?? object.reference.value,
                                      parent: object.reference("parent")))
            case "ClusterComputeResource":
                clusters.append(ClusterEntry(named: named(object), resourcePool: object.reference("resourcePool"),
                                             datastores: object.references("datastore"), hosts: object.references("host")))
            case "Datastore":
                datastores.append(named(object))
            case "VmwareDistributedVirtualSwitch", "DistributedVirtualSwitch":
                switches.append(Switch(named: named(object), uuid: object.string("uuid"),
                                       hostMembers: object.references("summary.hostMember")))
            case "DistributedVirtualPortgroup":
                portGroups.append(Self.portGroup(object))
            case "VirtualMachine":
                machines.append(Machine(named: named(object), isTemplate: object.bool("config.template") ?? false))
            default: break
            }
        }
    }

    /// A port group object: its switch and the VLAN id of its default port configuration
    /// (`VmwareDistributedVirtualSwitchVlanIdSpec`; trunk and private VLAN specs carry none).
    static func portGroup(_ object: ObjectContent) -> PortGroup {
        var vlan: Int?
        if let spec = object.properties["config.defaultPortConfig"]?.child("vlan"),
           spec.schemaType == nil || spec.schemaType == "VmwareDistributedVirtualSwitchVlanIdSpec" {
            vlan = spec.text(of: "vlanId").flatMap { Int($0.trimmingWhitespace()) }
        }
        return PortGroup(reference: object.reference, name: object.string("name") ?? object.reference.value,
                         key: object.string("key") ?? object.reference.value,
                         switchRef: object.reference("config.distributedVirtualSwitch"), vlanID: vlan)
    }

    /// The VM folder at `path` (`apps/web`) under `datacenter`'s VM folder, or that folder for nil.
    func vmFolder(in datacenter: Datacenter, path: String?) -> ManagedObjectReference? {
        guard var current = datacenter.vmFolder else { return nil }
        for name in (path ?? "").split(separator: "/").map(String.init) {
            guard let child = folders.first(where: { $0.parent == current && $0.name == name }) else { return nil }
            current = child.reference
        }
        return current
    }

    /// The port groups of `switchRef` carrying VLAN `vlanID`.
    func portGroups(of switchRef: ManagedObjectReference, vlanID: Int) -> [PortGroup] {
        portGroups.filter { $0.switchRef == switchRef && $0.vlanID == vlanID }
    }
}

extension VSphereBackend {
    /// Reads the survey: one container view read of the whole inventory, then the template's
    /// devices when a template of that name exists.
    func survey(template: String?) async throws -> VSphereSurvey {
        let objects = try await session.withContainerView(of: VSphereSurvey.viewTypes) { view in
            try await session.retrieve(PropertyFilter(properties: VSphereSurvey.properties, source: .view(view)))
        }
        var survey = VSphereSurvey(objects)
        if let template, let found = survey.machines.first(where: { $0.isTemplate && $0.named.name == template }) {
            let read = try await readObject(found.named.reference, paths: ["config.hardware.device"])
            survey.templateDevices = VSphereDevice.list(read?.properties["config.hardware.device"])
        }
        return survey
    }
}
