import AggregatorCore
import Testing

@testable import ProxmoxBackend

@Suite("Proxmox: the request section and the engine's rules")
struct RulesTests {
    @Test("a full section decodes; bridge defaults to vmbr0, a bare snippet is user data")
    func section() throws {
        let item = try ProxmoxFixtures.item(section: #"""
            {"engine":"lab","node":"pve1","storage":"local-lvm","pool":"web","vmid":"150","cicustom":"local:snippets/m.yaml"}
            """#)
        guard case .section(let section) = ProxmoxSection.decode(item) else {
            Issue.record("section did not decode")
            return
        }
        #expect(section.node == "pve1")
        #expect(section.bridge == "vmbr0")
        #expect(section.pool == "web")
        #expect(section.vmid == 150)
        #expect(section.cicustom == "user=local:snippets/m.yaml")
        #expect(section.userDataSnippet == "local:snippets/m.yaml")
    }

    @Test("every problem of a section, with its path", arguments: [
        (#"{"engine":"lab","storage":"local-lvm"}"#, "[0].proxmox.node", "is required"),
        (#"{"node":"pve1"}"#, "[0].proxmox.storage", "is required"),
        (#"{"node":"pve1","storage":"local-lvm","vmid":42}"#, "[0].proxmox.vmid", "100"),
        (#"{"node":"pve1","storage":"local-lvm","cicustom":"mount.yaml"}"#, "[0].proxmox.cicustom", "not a snippet volume"),
        (#"{"node":"pve1","storage":"local-lvm","cicustom":"user=local:snippets/a.yaml,foo=x:snippets/b"}"#,
         "[0].proxmox.cicustom", "unknown cicustom type"),
        (#"{"node":"pve1","storage":"local-lvm","cluster":"x"}"#, "[0].proxmox.cluster", "unknown key"),
        (#"{"node":"pve 1","storage":"local-lvm"}"#, "[0].proxmox.node", "not a Proxmox node name"),
        (#"{"node":7,"storage":"local-lvm"}"#, "[0].proxmox.node", "must be a string"),
    ])
    func sectionProblems(json: String, path: String, message: String) throws {
        let item = try ProxmoxFixtures.item(section: json)
        guard case .invalid(let issues) = ProxmoxSection.decode(item) else {
            Issue.record("\(json) was accepted")
            return
        }
        #expect(issues.contains { $0.path == path && $0.message.contains(message) }, "\(issues)")
    }

    @Test("VM names are DNS names (pve_verify_dns_name)", arguments: [
        ("web01", true), ("web-01.lab.example", true), ("WEB01", true), ("web_01", false), ("-web", false),
        ("web-", false), ("web..lab", false), ("web 01", false), ("вэб", false), ("", false),
    ])
    func vmNames(name: String, valid: Bool) {
        #expect((ProxmoxRules.vmNameProblem(name) == nil) == valid)
    }

    @Test("the job marker in a description is found again")
    func marker() {
        let text = ProxmoxRules.description(meta: "document 6666, owner ops", jobID: "job-1")
        #expect(ProxmoxRules.creatingJob(description: text) == "job-1")
        #expect(ProxmoxRules.creatingJob(description: "document 6666") == nil)
        #expect(ProxmoxRules.creatingJob(description: nil) == nil)
    }

    @Test("search domain from the host name; sizes for messages")
    func small() {
        #expect(ProxmoxRules.searchDomain(ofHostname: "app01.lab.example") == "lab.example")
        #expect(ProxmoxRules.searchDomain(ofHostname: "app01") == nil)
        #expect(ProxmoxRules.gib(20 << 30) == "20 GiB")
        #expect(ProxmoxRules.gib(3 << 29) == "1.5 GiB")
    }

    @Test("property strings keep their head and pairs")
    func propertyString() {
        let net = ProxmoxPropertyString("virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=2921,firewall=1")
        #expect(net.head == nil)
        #expect(net["virtio"] == "BC:24:11:00:00:01")
        #expect(net["tag"] == "2921")
        let drive = ProxmoxPropertyString("local-lvm:vm-100-disk-0,iothread=1,size=32G")
        #expect(drive.head == "local-lvm:vm-100-disk-0")
        #expect(drive["size"] == "32G")
    }

    @Test("a NIC is as requested when model, bridge and tag match, whatever its MAC")
    func nicComparison() {
        let config: ProxmoxVMConfig = ["net0": .init("virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=2921")]
        #expect(ProxmoxRun.satisfied("net0", "virtio,bridge=vmbr0,tag=2921", in: config))
        #expect(!ProxmoxRun.satisfied("net0", "virtio,bridge=vmbr0,tag=10", in: config))
        #expect(!ProxmoxRun.satisfied("cores", "4", in: config))
    }
}
