import AggregatorCore
import Foundation
import Testing

@testable import VSphereBackend

/// A vCenter as the planner sees it: vcsim's default inventory (DC0, DC0_C0 on LocalDS_0, DVS0)
/// with a second datastore no cluster host reaches, a VM folder `apps/web`, a port group of VLAN
/// 2950 and the template `tmpl-linux` with a 1 GiB boot disk on a paravirtual SCSI controller.
private enum Lab {
    static let datacenter = ManagedObjectReference("Datacenter", "datacenter-2")
    static let vmFolder = ManagedObjectReference("Folder", "group-4")
    static let apps = ManagedObjectReference("Folder", "group-v20")
    static let web = ManagedObjectReference("Folder", "group-v21")
    static let cluster = ManagedObjectReference("ClusterComputeResource", "domain-c7")
    static let pool = ManagedObjectReference("ResourcePool", "resgroup-8")
    static let localDS = ManagedObjectReference("Datastore", "datastore-5")
    static let farDS = ManagedObjectReference("Datastore", "datastore-6")
    static let dvs = ManagedObjectReference("DistributedVirtualSwitch", "dvs-9")
    static let template = ManagedObjectReference("VirtualMachine", "vm-70")
    static let uuid = "fea97929-4b2d-5972-b146-930c6d0b4014"
    static let placement = #"{"datacenter":"DC0","cluster":"DC0_C0","datastore":"LocalDS_0","switch":"DVS0"}"#

    static func survey(templateDevices: [VSphereDevice]? = devices()) -> VSphereSurvey {
        var survey = VSphereSurvey()
        survey.datacenters = [.init(reference: datacenter, name: "DC0", vmFolder: vmFolder)]
        survey.folders = [.init(reference: vmFolder, name: "vm", parent: datacenter),
                          .init(reference: apps, name: "apps", parent: vmFolder),
                          .init(reference: web, name: "web", parent: apps)]
        survey.clusters = [.init(named: .init(reference: cluster, name: "DC0_C0", datacenter: "DC0"), resourcePool: pool,
                                 datastores: [localDS])]
        survey.datastores = [.init(reference: localDS, name: "LocalDS_0", datacenter: "DC0"),
                             .init(reference: farDS, name: "FarDS", datacenter: "DC0")]
        survey.switches = [.init(named: .init(reference: dvs, name: "DVS0", datacenter: "DC0"), uuid: uuid)]
        survey.portGroups = [
            .init(reference: .init("DistributedVirtualPortgroup", "dvportgroup-11"), name: "DVS0-DVUplinks-9",
                  key: "dvportgroup-11", switchRef: dvs, vlanID: nil),
            .init(reference: .init("DistributedVirtualPortgroup", "dvportgroup-13"), name: "DC0_DVPG0",
                  key: "dvportgroup-13", switchRef: dvs, vlanID: 0),
            .init(reference: .init("DistributedVirtualPortgroup", "dvportgroup-30"), name: "db-2950",
                  key: "dvportgroup-30", switchRef: dvs, vlanID: 2950),
        ]
        survey.machines = [.init(named: .init(reference: template, name: "tmpl-linux", datacenter: "DC0"), isTemplate: true),
                           .init(named: .init(reference: .init("VirtualMachine", "vm-55"), name: "DC0_H0_VM0",
                                              datacenter: "DC0"), isTemplate: false)]
        survey.templateDevices = templateDevices
        return survey
    }

    static func devices(disks: Int = 1) -> [VSphereDevice] {
        var devices = [VSphereDevice(type: "VirtualPCIController", key: 100),
                       VSphereDevice(type: "ParaVirtualSCSIController", key: 202, controllerKey: 100, unitNumber: 3),
                       VSphereDevice(type: "VirtualE1000", key: 4000, controllerKey: 100, unitNumber: 7,
                                     portGroupKey: "dvportgroup-13")]
        for index in 0..<disks {
            devices.append(VSphereDevice(type: "VirtualDisk", key: 2000 + index, controllerKey: 202, unitNumber: index,
                                         capacityKiB: 1 << 20))
        }
        return devices
    }

    static func item(section: String = placement, name: String = "app01", vlan: Int = 2923,
                     vlanName: String? = nil, template: String = "tmpl-linux",
                     disks: [DiskSpec] = [DiskSpec(sizeGB: 40, mountPoint: "/", sparse: true),
                                          DiskSpec(sizeGB: 20, mountPoint: "/data", sparse: true)]) throws -> ProvisioningItem {
        var item = try VSphereFixtures.item(name: name, section: section, disks: disks, vlan: vlan)
        item.vm?.template = template
        if let vlanName { item.vlan = VLANSpec(name: vlanName, id: vlan) }
        return item
    }

    static func outcome(_ item: ProvisioningItem, survey: VSphereSurvey = survey()) throws -> PlanOutcome {
        guard case .section(let section) = VSphereSection.decode(item) else {
            throw BackendError(.invalidResponse, engine: "vc-lab", message: "bad fixture")
        }
        var planner = VSpherePlanner(engine: "vc-lab", item: item, section: section, survey: survey)
        return try planner.outcome()
    }

    static func issues(_ item: ProvisioningItem, survey: VSphereSurvey = survey()) throws -> [ValidationIssue] {
        guard case .invalid(let issues) = try outcome(item, survey: survey) else { return [] }
        return issues
    }

    static func plan(_ item: ProvisioningItem, survey: VSphereSurvey = survey()) throws -> ProvisioningPlan {
        guard case .ready(let plan) = try outcome(item, survey: survey) else {
            throw BackendError(.invalidResponse, engine: "vc-lab", message: "not ready: \(try issues(item, survey: survey))")
        }
        return plan
    }
}

@Suite("vSphere: planning from a survey of the vCenter")
struct PlannerTests {
    @Test("a valid item plans port group, clone, configure, resize, one disk, customize and power on, every value in the payload")
    func ready() throws {
        let plan = try Lab.plan(try Lab.item())
        #expect(plan.kind == "vsphere")
        #expect(plan.steps.map(\.name) == ["port_group", "clone", "configure", "resize_boot_disk", "add_disk_0",
                                           "customize", "power_on"])
        #expect(plan.steps.allSatisfy { !$0.alreadyDone })
        let payload = try plan.payload(as: VSpherePlan.self)
        #expect(payload.steps.map(\.name) == plan.steps.map(\.name))
        #expect(payload.datacenter == "DC0")
        #expect(payload.network.switchRef == Lab.dvs && payload.network.switchUUID == Lab.uuid)
        #expect(payload.network.vlanID == 2923 && payload.network.portGroupName == "vlan-2923")
        #expect(payload.network.existingPortGroup == nil)
        let vm = try #require(payload.vm)
        #expect(vm.name == "app01" && vm.templateRef == Lab.template && vm.folder == Lab.vmFolder)
        #expect(vm.resourcePool == Lab.pool && vm.datastoreRef == Lab.localDS && vm.cluster == "DC0_C0")
        #expect(vm.cpus == 2 && vm.memoryMiB == 4096)
        #expect(vm.bootDiskKiB == 40 << 20)
        #expect(vm.extraDisks == [VSpherePlan.ExtraDisk(requestIndex: 1, sizeGiB: 20, thin: true, mountPoint: "/data")])
        #expect(vm.address == VSpherePlan.Address(ip: "10.29.23.10", netmask: "255.255.255.0", gateway: "10.29.23.1",
                                                  dnsServers: ["10.0.0.2", "10.0.0.3"], hostName: "app01",
                                                  domain: "lab.example"))
        #expect(vm.metaText.contains("document 7002"))
        let clone = try #require(plan.steps.first { $0.name == "clone" })
        #expect(clone.description.contains("resgroup-8") && clone.description.contains("LocalDS_0"))
    }

    @Test("the payload stores steps by name and reads back equal")
    func payloadRoundTrip() throws {
        let plan = try Lab.plan(try Lab.item())
        let payload = try plan.payload(as: VSpherePlan.self)
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        #expect(json.contains(#""add_disk_0""#) && json.contains(#""resource_pool""#))
        #expect(try JSONDecoder().decode(VSpherePlan.self, from: Data(json.utf8)) == payload)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([VSpherePlan.Step].self, from: Data(#"["explode"]"#.utf8))
        }
    }

    @Test("a port group of the switch carrying the VLAN is reused: its step is already done")
    func existingPortGroup() throws {
        let plan = try Lab.plan(try Lab.item(vlan: 2950))
        let step = try #require(plan.steps.first)
        #expect(step.name == "port_group" && step.alreadyDone)
        let network = try plan.payload(as: VSpherePlan.self).network
        #expect(network.portGroupName == "db-2950" && network.existingPortGroup?.value == "dvportgroup-30")
    }

    @Test("a port group named in the placement is used whatever its VLAN; one the switch lacks is refused")
    func namedPortGroup() throws {
        let section = #"{"datacenter":"DC0","cluster":"DC0_C0","datastore":"LocalDS_0","switch":"DVS0","port_group":"DC0_DVPG0"}"#
        let network = try Lab.plan(try Lab.item(section: section)).payload(as: VSpherePlan.self).network
        #expect(network.named && network.existingPortGroup?.value == "dvportgroup-13")
        let missing = section.replacingOccurrences(of: "DC0_DVPG0", with: "nope")
        let found = try Lab.issues(try Lab.item(section: missing))
        #expect(found.map(\.path) == ["[0].placement.port_group"])
        #expect(found[0].message.contains("DC0_DVPG0"))
    }

    @Test("the port group made for a named network takes the network's name")
    func networkName() throws {
        let plan = try Lab.plan(try Lab.item(vlan: 2924, vlanName: "2924-app"))
        #expect(try plan.payload(as: VSpherePlan.self).network.portGroupName == "2924-app")
        #expect(VSpherePlanner.portGroupName(VLANSpec(name: "vlan12", id: 12)) == "vlan-12")
        #expect(VSpherePlanner.portGroupName(VLANSpec(name: "vlan12", id: 12, suffix: "-b")) == "vlan12-b")
    }

    @Test("every problem at once, each at its field, naming what exists")
    func everything() throws {
        let section = #"{"datacenter":"DC0","cluster":"C9","datastore":"Nope","switch":"DVS9"}"#
        let found = try Lab.issues(try Lab.item(section: section, name: "DC0_H0_VM0", template: "DC0_H0_VM0"))
        let byPath = Dictionary(found.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(byPath.keys) == ["[0].placement.cluster", "[0].placement.datastore", "[0].placement.switch",
                                     "[0].vm.name", "[0].vm.template"], "\(found)")
        #expect(byPath["[0].placement.cluster"]?.message.contains("its clusters: DC0_C0") == true)
        #expect(byPath["[0].placement.datastore"]?.message.contains("FarDS, LocalDS_0") == true)
        #expect(byPath["[0].placement.switch"]?.message.contains("DVS0") == true)
        #expect(byPath["[0].vm.name"]?.message.contains("vm-55") == true)
        #expect(byPath["[0].vm.template"]?.message.contains("not a template") == true)
    }

    @Test("an unknown datacenter lists the datacenters")
    func unknownDatacenter() throws {
        let found = try Lab.issues(try Lab.item(section: #"{"datacenter":"DC9","cluster":"DC0_C0","datastore":"LocalDS_0","switch":"DVS0"}"#))
        #expect(found.map(\.path) == ["[0].placement.datacenter"])
        #expect(found[0].message.contains("its datacenters: DC0"))
    }

    @Test("a template that does not exist lists the templates")
    func missingTemplate() throws {
        let found = try Lab.issues(try Lab.item(template: "ubuntu"))
        #expect(found.map(\.path) == ["[0].vm.template"])
        #expect(found[0].message.contains("its templates: tmpl-linux"))
    }

    @Test("a datastore the cluster's hosts do not reach is refused")
    func unreachableDatastore() throws {
        let found = try Lab.issues(try Lab.item(section: #"{"datacenter":"DC0","cluster":"DC0_C0","datastore":"FarDS","switch":"DVS0"}"#))
        #expect(found.map(\.path) == ["[0].placement.datastore"])
        #expect(found[0].message.contains("not reachable") && found[0].message.contains("LocalDS_0"))
    }

    @Test("a switch none of the cluster's hosts is a member of is refused")
    func switchReach() throws {
        var survey = Lab.survey()
        survey.clusters[0].hosts = [.init("HostSystem", "host-21")]
        survey.switches[0].hostMembers = [.init("HostSystem", "host-99")]
        let found = try Lab.issues(try Lab.item(), survey: survey)
        #expect(found.map(\.path) == ["[0].placement.switch"])
        survey.switches[0].hostMembers.append(.init("HostSystem", "host-21"))
        #expect(try Lab.issues(try Lab.item(), survey: survey).isEmpty)
    }

    @Test("a boot disk smaller than the template's is refused: disks only grow")
    func shrink() throws {
        var survey = Lab.survey()
        survey.templateDevices = Lab.devices().map { device in
            var device = device
            if device.isDisk { device.capacityKiB = 50 << 20 }
            return device
        }
        let found = try Lab.issues(try Lab.item(), survey: survey)
        #expect(found.map(\.path) == ["[0].vm.disks[0].size"])
        #expect(found[0].fix == "set the size to 50 or more")
    }

    @Test("a boot disk as large as the template's is not resized")
    func noResize() throws {
        let plan = try Lab.plan(try Lab.item(disks: [DiskSpec(sizeGB: 1, mountPoint: "/", sparse: false)]))
        #expect(plan.steps.map(\.name) == ["port_group", "clone", "configure", "customize", "power_on"])
    }

    @Test("disks beyond the units the boot disk's SCSI controller has left are refused (unit 7 is the controller's)")
    func tooManyDisks() throws {
        let extra = (0..<15).map { DiskSpec(sizeGB: 1, mountPoint: "/d\($0)", sparse: true) }
        let found = try Lab.issues(try Lab.item(disks: [DiskSpec(sizeGB: 40, mountPoint: "/", sparse: true)] + extra))
        #expect(found.map(\.path) == ["[0].vm.disks[15]"], "\(found)")
        #expect(Lab.devices().freeUnit(on: 202) == 1)
        let full = Lab.devices(disks: 7)
        #expect(full.freeUnit(on: 202) == 8)
    }

    @Test("a VM folder path under the datacenter's VM folder; one that does not exist lists the top folders")
    func folders() throws {
        let section = #"{"datacenter":"DC0","cluster":"DC0_C0","datastore":"LocalDS_0","switch":"DVS0","folder":"/apps/web/"}"#
        let vm = try #require(try Lab.plan(try Lab.item(section: section)).payload(as: VSpherePlan.self).vm)
        #expect(vm.folder == Lab.web && vm.folderPath == "vm/apps/web")
        let found = try Lab.issues(try Lab.item(section: section.replacingOccurrences(of: "/apps/web/", with: "apps/db")))
        #expect(found.map(\.path) == ["[0].placement.folder"])
        #expect(found[0].message.contains("apps"))
    }

    @Test("the guest's host name is the first label of the VM's host name, made valid for customization")
    func hostLabel() {
        #expect(VSpherePlanner.hostLabel("test_vm_11") == "test-vm-11")
        #expect(VSpherePlanner.hostLabel("app-01") == "app-01")
        #expect(VSpherePlanner.hostLabel("_x_") == "x")
        #expect(VSpherePlanner.hostLabel("Ж") == "vm")
    }

    @Test("a VLAN id outside 1–4094 is refused")
    func vlanRange() throws {
        let found = try Lab.issues(try Lab.item(vlan: 4095))
        #expect(found.map(\.path) == ["[0].vlan.id"])
    }

    @Test("create_vlan plans the port group alone, without cluster or datastore")
    func createVLAN() throws {
        var item = try VSphereFixtures.vlanItem(vlan: 2931)
        item.section = try JSONParser.parse(Array(#"{"engine":"vc-lab","datacenter":"DC0","switch":"DVS0"}"#.utf8))
        item.vlan = VLANSpec(name: "2931-app", id: 2931)
        let plan = try Lab.plan(item, survey: Lab.survey(templateDevices: nil))
        #expect(plan.steps.map(\.name) == ["port_group"])
        let payload = try plan.payload(as: VSpherePlan.self)
        #expect(payload.vm == nil && payload.network.portGroupName == "2931-app")
        #expect(plan.steps[0].description.contains("AddDVPortgroup_Task") && plan.steps[0].description.contains("2931"))
    }
}
