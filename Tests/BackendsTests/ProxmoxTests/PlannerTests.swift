import AggregatorCore
import Foundation
import Testing

@testable import ProxmoxBackend

@Suite("Proxmox: planning from a survey of the engine")
struct PlannerTests {
    private func outcome(_ item: ProvisioningItem, survey: ProxmoxSurvey? = nil) throws -> PlanOutcome {
        guard case .section(let section) = ProxmoxSection.decode(item), let vm = item.vm else {
            throw BackendError(.invalidResponse, engine: "lab", message: "bad fixture")
        }
        var planner = ProxmoxPlanner(engine: "lab", item: item, vm: vm, section: section,
                                     survey: try survey ?? ProxmoxFixtures.survey())
        return try planner.outcome()
    }

    private func issues(_ item: ProvisioningItem, survey: ProxmoxSurvey? = nil) throws -> [ValidationIssue] {
        guard case .invalid(let issues) = try outcome(item, survey: survey) else { return [] }
        return issues
    }

    @Test("a valid item plans clone, configure, resize, one disk, start and wait, with every value in the payload")
    func ready() throws {
        guard case .ready(let plan) = try outcome(try ProxmoxFixtures.item()) else {
            Issue.record("not ready: \(try issues(try ProxmoxFixtures.item()))")
            return
        }
        #expect(plan.steps.map(\.name) == ["clone_vm", "configure_vm", "resize_boot_disk", "add_disk[0]", "start_vm",
                                           "wait_running"])
        let payload = try plan.payload(as: ProxmoxPlan.self)
        #expect(payload.templateVMID == 9000 && payload.templateNode == "pve1")
        #expect(payload.node == "pve1" && payload.storage == "local-lvm" && payload.bridge == "vmbr0")
        #expect(payload.vlanTag == 2921)
        #expect(payload.memoryMiB == 8192 && payload.cores == 4)
        #expect(payload.ipConfig == "ip=10.29.21.10/24,gw=10.29.21.1")
        #expect(payload.nameservers == "10.0.0.2 10.0.0.3")
        #expect(payload.searchDomain == "lab.example")
        #expect(payload.bootDiskSlot == "scsi0" && payload.bootDiskGiB == 40)
        #expect(payload.extraDisks == [ProxmoxPlan.ExtraDisk(requestIndex: 1, slot: "scsi1", sizeGiB: 100, mountPoint: "/data")])
        #expect(payload.metaText.contains("document 6666"))
        #expect(payload.steps.map(\.name) == plan.steps.map(\.name))
        let disk = try #require(plan.steps.first { $0.name == "add_disk[0]" })
        #expect(disk.description.contains("cannot upload cloud-init snippets"))
    }

    @Test("a boot disk as large as the template's is not resized")
    func noResize() throws {
        let item = try ProxmoxFixtures.item(disks: [DiskSpec(sizeGB: 20, mountPoint: "/", sparse: true)])
        guard case .ready(let plan) = try outcome(item) else {
            Issue.record("not ready")
            return
        }
        #expect(plan.steps.map(\.name) == ["clone_vm", "configure_vm", "start_vm", "wait_running"])
    }

    @Test("a template given by vmid")
    func templateByID() throws {
        guard case .ready(let plan) = try outcome(try ProxmoxFixtures.item(template: "9000")) else {
            Issue.record("not ready")
            return
        }
        #expect(try plan.payload(as: ProxmoxPlan.self).templateName == "redos8-template")
    }

    @Test("every problem at once, each at its field")
    func everything() throws {
        let item = try ProxmoxFixtures.item(
            section: #"{"node":"pve1","storage":"local","bridge":"vmbr1"}"#, name: "web01", cores: 64, memoryGB: 128,
            disks: [DiskSpec(sizeGB: 10, mountPoint: "/", sparse: true)])
        let found = try issues(item)
        let paths = Set(found.map(\.path))
        #expect(paths == ["[0].proxmox.storage", "[0].proxmox.bridge", "[0].vm.name", "[0].vm.cores", "[0].vm.memory",
                          "[0].vm.disks[0].size"], "\(found)")
        #expect(found.first { $0.path == "[0].proxmox.storage" }?.message.contains("does not hold VM disks") == true)
        #expect(found.first { $0.path == "[0].proxmox.bridge" }?.message.contains("not VLAN-aware") == true)
        #expect(found.first { $0.path == "[0].vm.name" }?.message.contains("vmid 100") == true)
        #expect(found.first { $0.path == "[0].vm.disks[0].size" }?.fix == "set the size to 20 or more")
    }

    @Test("unknown and offline nodes", arguments: [("pve9", "not found"), ("pve3", "is offline")])
    func nodes(node: String, message: String) throws {
        var survey = try ProxmoxFixtures.survey()
        survey.storages = nil
        survey.interfaces = nil
        let found = try issues(try ProxmoxFixtures.item(section: #"{"node":"\#(node)","storage":"local-lvm"}"#),
                               survey: survey)
        #expect(found.contains { $0.path == "[0].proxmox.node" && $0.message.contains(message) }, "\(found)")
    }

    @Test("templates: missing, not a template, on another node with local disks")
    func templates() throws {
        let missing = try issues(try ProxmoxFixtures.item(template: "nope"))
        #expect(missing.contains { $0.path == "[0].vm.template" && $0.message.contains("redos8-template (9000)") })
        var survey = try ProxmoxFixtures.survey()
        survey.templateConfig = nil
        let notTemplate = try issues(try ProxmoxFixtures.item(template: "100"), survey: survey)
        #expect(notTemplate.contains { $0.path == "[0].vm.template" && $0.message.contains("is not a template") })

        var remote = try ProxmoxFixtures.survey()
        remote.templateNodeStorages = remote.storages
        let elsewhere = try issues(try ProxmoxFixtures.item(template: "remote-template"), survey: remote)
        #expect(elsewhere.contains { $0.path == "[0].vm.template" && $0.message.contains("local storage") }, "\(elsewhere)")
        #expect(elsewhere.contains { $0.path == "[0].proxmox.storage" && $0.message.contains("not shared") })
    }

    @Test("a taken vmid, a missing pool, a missing snippet")
    func sectionReferences() throws {
        var survey = try ProxmoxFixtures.survey()
        survey.pools = ["db"]
        survey.snippets = try ProxmoxFixtures.data([ProxmoxVolume].self, ProxmoxFixtures.snippets)
        let item = try ProxmoxFixtures.item(section: #"""
            {"node":"pve1","storage":"local-lvm","vmid":100,"pool":"web","cicustom":"local:snippets/missing.yaml"}
            """#)
        let found = try issues(item, survey: survey)
        #expect(Set(found.map(\.path)) == ["[0].proxmox.vmid", "[0].proxmox.pool", "[0].proxmox.cicustom"], "\(found)")
        let present = try ProxmoxFixtures.item(section: #"""
            {"node":"pve1","storage":"local-lvm","cicustom":"local:snippets/mount-data.yaml"}
            """#)
        guard case .ready(let plan) = try outcome(present, survey: survey) else {
            Issue.record("not ready")
            return
        }
        #expect(try plan.payload(as: ProxmoxPlan.self).cicustom == "user=local:snippets/mount-data.yaml")
    }

    @Test("the payload's JSON: snake-case keys and step names, and back")
    func payloadJSON() throws {
        guard case .ready(let plan) = try outcome(try ProxmoxFixtures.item()) else {
            Issue.record("not ready")
            return
        }
        let payload = try plan.payload(as: ProxmoxPlan.self)
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        #expect(json.contains(#""steps":["clone_vm","configure_vm","resize_boot_disk","add_disk[0]","start_vm","wait_running"]"#))
        #expect(json.contains(#""memory_mib":8192"#) && json.contains(#""boot_disk_gib":40"#))
        #expect(try JSONDecoder().decode(ProxmoxPlan.self, from: Data(json.utf8)) == payload)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ProxmoxPlan.Step.self, from: Data(#""add_disk[x]""#.utf8))
        }
    }
}
