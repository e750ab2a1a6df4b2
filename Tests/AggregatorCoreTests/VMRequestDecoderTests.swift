import AggregatorCore
import Foundation
import Testing

/// `POST /api/v1/vms` bodies as Core decodes them.
@Suite struct VMRequestDecoderTests {
    let decoder = VMRequestDecoder(engines: ["e15-test": "ovirt", "pve-lab": "proxmox"])

    static let vm = #"""
        {"engine": "pve-lab", "name": "app-01", "cores": 2, "memory_gb": 4, "template": "redos8-template",
         "disks": [{"size_gb": 40, "mount_point": "/", "sparse": true}, {"size_gb": 100, "mount_point": "/data", "sparse": 0}],
         "network": {"vlan_id": 2921},
         "ip": {"address": "10.0.0.10", "netmask": "255.255.255.0", "gateway": "10.0.0.1", "dns_servers": "10.0.0.2 10.0.0.3"},
         "placement": {"node": "pve1", "storage": "local-lvm"}}
        """#

    func decode(_ text: String) throws(RequestValidationError) -> [ProvisioningItem] {
        try decoder.decode(Array(text.utf8))
    }

    @Test func oneObjectBecomesOneCreateVMItemWithTopLevelPaths() throws {
        let items = try decode(Self.vm)
        #expect(items.count == 1)
        let item = items[0]
        #expect(item.action == .createVM)
        #expect(item.engine == "pve-lab")
        #expect(item.sectionName == "placement")
        #expect(item.section["node"]?.string == "pve1")
        #expect(item.vm?.hostname == "app-01", "the host name defaults to the VM name")
        #expect(item.vm?.nicName == "eth0")
        #expect(item.vm?.disks.map(\.sizeGB) == [40, 100])
        #expect(item.vm?.disks.map(\.sparse) == [true, false])
        #expect(item.vm?.dnsServers == ["10.0.0.2", "10.0.0.3"])
        #expect(item.vlan.id == 2921)
        #expect(item.meta.documentNum == "", "meta is optional")
        #expect(item.enginePath == "engine")
        #expect(item.sectionPath("node") == "placement.node")
        #expect(item.paths.vmName == "name")
        #expect(item.paths.diskSize(1) == "disks[1].size_gb")
        #expect(item.paths.vlanID == "network.vlan_id")
    }

    @Test func anArrayGivesIndexedPathsAndRefusesDuplicateNames() throws {
        let items = try decode("[\(Self.vm), \(Self.vm.replacingOccurrences(of: "app-01", with: "app-02"))]")
        #expect(items.map(\.path) == ["[0]", "[1]"])
        #expect(items[1].sectionPath("storage") == "[1].placement.storage")
        #expect(items[1].paths.disk(0) == "[1].disks[0]")

        #expect {
            try decode("[\(Self.vm), \(Self.vm)]")
        } throws: { error in
            let issues = (error as? RequestValidationError)?.issues ?? []
            return issues.map(\.path) == ["[1].name"] && issues[0].message.contains("duplicate VM name")
        }
    }

    @Test func everyProblemIsReportedWithPathLineAndFix() throws {
        let broken = Self.vm
            .replacingOccurrences(of: #""engine": "pve-lab""#, with: #""engine": "pve-9""#)
            .replacingOccurrences(of: #""memory_gb": 4"#, with: #""memory_gb": 0, "memroy_gb": 4"#)
            .replacingOccurrences(of: #""vlan_id": 2921"#, with: #""vlan_id": 5000"#)
            .replacingOccurrences(of: #""gateway": "10.0.0.1""#, with: #""gateway": "10.1.0.1""#)
            .replacingOccurrences(of: #"{"size_gb": 40, "mount_point": "/", "sparse": true}"#,
                                  with: #"{"size_gb": "40", "mount_point": "/", "sparse": true}"#)
        #expect {
            try decode(broken)
        } throws: { error in
            let issues = (error as? RequestValidationError)?.issues ?? []
            let paths = Set(issues.map(\.path))
            let expected: Set = ["engine", "memory_gb", "memroy_gb", "network.vlan_id", "ip.gateway", "disks[0].size_gb"]
            let typo = issues.first { $0.path == "memroy_gb" }
            return paths == expected && typo?.fix == "did you mean 'memory_gb'?"
                && issues.first { $0.path == "ip.gateway" }?.line == 4
        }
    }

    @Test func notAnObjectOrNotJSONIsOneClearIssue() {
        for (text, message) in [("42", "must be a VM object or an array of them, found a number"), ("[]", "the array is empty"),
                                ("{\"engine\": ", "not valid JSON")] {
            #expect {
                try decode(text)
            } throws: { error in
                (error as? RequestValidationError)?.issues.first?.message.hasPrefix(message) == true
            }
        }
    }
}

/// A backend's typed plan inside ``ProvisioningPlan``.
@Suite struct PlanPayloadTests {
    struct SamplePlan: Codable, Hashable {
        enum Step: Codable, Hashable {
            case clone(node: String, vmid: Int)
            case resize(bytes: Int64)
            case start
        }
        var vm: VMSpec
        var ratio: Double
        var tags: [String: String]
        var optional: String?
        var steps: [Step]
    }

    static let sample = SamplePlan(
        vm: VMSpec(name: "app-01", hostname: "app-01", cores: 2, memoryGB: 4,
                   disks: [DiskSpec(sizeGB: 40, mountPoint: "/", sparse: true)], template: "t",
                   nicName: "eth0", address: "10.0.0.10", netmask: "255.255.255.0", gateway: "10.0.0.1",
                   dnsServers: ["10.0.0.2"]),
        ratio: 0.5, tags: ["b": "2", "a": "1"], optional: nil,
        steps: [.clone(node: "pve1", vmid: 101), .resize(bytes: 1 << 40), .start])

    @Test func roundTripsThroughTheJobStoreEncoding() throws {
        let plan = try ProvisioningPlan(engine: "pve-lab", kind: "proxmox", steps: [], payload: Self.sample)
        let stored = try JSONDecoder().decode(ProvisioningPlan.self, from: JSONEncoder().encode(plan))
        #expect(stored == plan)
        #expect(try stored.payload(as: SamplePlan.self) == Self.sample)
    }

    @Test func aPayloadOfAnotherTypeIsAClearError() throws {
        let plan = try ProvisioningPlan(engine: "pve-lab", kind: "proxmox", steps: [], payload: ["unrelated": 1])
        #expect {
            _ = try plan.payload(as: SamplePlan.self)
        } throws: { error in
            let message = (error as? BackendError)?.message ?? ""
            return message.contains("not a proxmox plan") && message.contains("post the item again")
        }
    }

    @Test func aDeeplyNestedStoredPayloadIsRefusedNotACrash() throws {
        let depth = 10_000
        let text = #"{"engine":"e","kind":"k","steps":[],"payload":"# + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}"
        #expect(throws: (any Error).self) {
            _ = try JSONDecoder().decode(ProvisioningPlan.self, from: Data(text.utf8))
        }
    }
}
