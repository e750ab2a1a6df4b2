import AggregatorCore
import Foundation
import Testing

@testable import OvirtBackend

/// A request item like the seed's example, with overridable parts.
func seedItem(action: ProvisioningAction = .createVM, engine: String = "e15-test",
              section: [(String, String)]? = nil, vlanID: Int = 2921, vm: VMSpec? = seedVM()) -> ProvisioningItem {
    let members = (section ?? [("engine", engine), ("cluster", "Default"), ("storage_domain", "hosted_storage"),
                               ("host_nic", "bond0")])
        .enumerated().map { index, pair in
            JSONValue.Member(key: pair.0, value: JSONValue(.string(pair.1), line: 10 + index, column: 13))
        }
    return ProvisioningItem(
        index: 0, action: action,
        meta: RequestMeta(documentNum: "6666", infSystem: "Ред Виртуализация", owner: "ОИТИ", environment: "Тест"),
        engine: engine, section: JSONValue(.object(members), line: 9, column: 9), sectionName: "ovirt",
        vlan: VLANSpec(name: "2921-redvt-eqp-test-e15", id: vlanID),
        vm: action == .createVM ? vm : nil)
}

func seedVM(name: String = "test_vm_11", bootGB: Int = 40, extra: [DiskSpec] = [],
            template: String = "template-packer-redos8-03092024") -> VMSpec {
    VMSpec(name: name, hostname: name, cores: 2, memoryGB: 2,
           disks: [DiskSpec(sizeGB: bootGB, type: 1, mountPoint: "/", sparse: false)] + extra,
           template: template, os: "RedOS 8", nicName: "enp1s0", address: "10.105.249.51",
           netmask: "255.255.255.192", gateway: "10.105.249.1", dnsServers: ["10.82.254.32", "10.82.254.31"])
}

@Suite("oVirt provisioning: section, rules, bodies")
struct ProvisioningUnitTests {
    @Test("the ovirt section: unknown keys, missing and mistyped values are issues with paths and positions")
    func sectionIssues() throws {
        var item = seedItem()
        item.section = JSONValue(.object([
            .init(key: "engine", value: JSONValue(.string("e15-test"), line: 3, column: 5)),
            .init(key: "cluster", value: JSONValue(.number("7"), line: 4, column: 5)),
            .init(key: "host_nic", value: JSONValue(.string("  "), line: 5, column: 5)),
            .init(key: "storage", value: JSONValue(.string("x"), line: 6, column: 5)),
        ]), line: 2, column: 3)
        guard case .invalid(let issues) = OvirtSection.decode(item) else {
            Issue.record("expected issues")
            return
        }
        let byPath = Dictionary(grouping: issues, by: \.path)
        #expect(byPath["[0].ovirt.cluster"]?.first?.message == "must be a string, found a number")
        #expect(byPath["[0].ovirt.cluster"]?.first?.line == 4)
        #expect(byPath["[0].ovirt.host_nic"]?.first?.message == "must not be empty")
        #expect(byPath["[0].ovirt.storage"]?.first?.message.contains("unknown key") == true)
        #expect(byPath["[0].ovirt.storage_domain"]?.first?.message == "is required")
    }

    @Test("storage_domain is optional for create_vlan")
    func vlanNeedsNoStorage() {
        let item = seedItem(action: .createVLAN, section: [("engine", "e15-test"), ("cluster", "Default"), ("host_nic", "bond0")])
        guard case .section(let section) = OvirtSection.decode(item) else {
            Issue.record("expected a section")
            return
        }
        #expect(section.storageDomain == nil)
        #expect(section.hostNIC == "bond0")
    }

    @Test("VM names follow the engine's rule", arguments: [
        ("test_vm_11", true), ("тест-вм.01", true), ("bad name", false), ("a/b", false), ("", false),
        (String(repeating: "x", count: 256), false), (String(repeating: "x", count: 255), true),
    ])
    func vmNames(name: String, valid: Bool) {
        #expect((OvirtRules.vmNameProblem(name) == nil) == valid)
    }

    @Test("network names: 256 characters since 4.3, the old 15-character rule before")
    func networkNames() {
        let name = "2921-redvt-eqp-test-e15"
        #expect(OvirtRules.networkNameProblem(name, engineVersion: (4, 5)) == nil)
        #expect(OvirtRules.networkNameProblem(name, engineVersion: (4, 2)) != nil)
        #expect(OvirtRules.networkNameProblem("vlan2921", engineVersion: (4, 2)) == nil)
        #expect(OvirtRules.networkNameProblem(String(repeating: "n", count: 257), engineVersion: (4, 5)) != nil)
    }

    @Test("OS names map to the engine's os types only when unambiguous", arguments: [
        ("RedOS 8", "rhel_8x64"), ("RED OS 7.3", "rhel_7x64"), ("Rocky Linux 9", "rhel_9x64"),
        ("Windows 2019", nil), ("Astra Linux 1.7", nil), ("RedOS", nil),
    ] as [(String, String?)])
    func osMapping(text: String, type: String?) {
        #expect(OvirtRules.osType(for: text) == type)
    }

    @Test("search values are quoted unless plain")
    func searchValues() {
        #expect(OvirtRules.searchValue("test_vm-1.a") == "test_vm-1.a")
        #expect(OvirtRules.searchValue("a b") == "\"a b\"")
    }

    @Test("request bodies serialize in order with the engine's list wrappers and escapes")
    func bodies() throws {
        let body = OvirtBody.object([
            "name": .string("a\"b\n"),
            "skipped": nil,
            "vlan": .object(["id": .int(2921)]),
            "usages": .list("usage", [.string("vm")]),
            "flag": .bool(false),
        ])
        let text = String(decoding: body.serialized(), as: UTF8.self)
        #expect(text == #"{"name":"a\"b\n","vlan":{"id":2921},"usages":{"usage":["vm"]},"flag":false}"#)
        _ = try JSONSerialization.jsonObject(with: Data(body.serialized()))
    }

    @Test("cloud-init: static NIC, DNS, and a cloud-config that formats and mounts each extra disk by serial")
    func cloudInit() throws {
        let vm = seedVM(extra: [DiskSpec(sizeGB: 100, mountPoint: "/data", sparse: true)])
        let diskID = "0123456789abcdef0123456789abcdef0123"
        let initialization = OvirtCloudInit(vm: vm, mounts: [.init(diskID: diskID, mountPoint: "/data")])
        let script = try #require(initialization.customScript)
        #expect(script.hasPrefix("#cloud-config\n"))
        #expect(script.contains("device: \"/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_0123456789abcdef0123\""))
        #expect(script.contains("partition: none"))
        #expect(script.contains("overwrite: false"))
        #expect(script.contains(#"["/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_0123456789abcdef0123", "/data", "xfs", "defaults,nofail", "0", "2"]"#))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(initialization.body.serialized())) as? [String: Any])
        #expect(json["host_name"] as? String == "test_vm_11")
        #expect(json["dns_servers"] as? String == "10.82.254.32 10.82.254.31")
        let nics = try #require((json["nic_configurations"] as? [String: Any])?["nic_configuration"] as? [[String: Any]])
        #expect(nics.first?["name"] as? String == "enp1s0")
        #expect(nics.first?["boot_protocol"] as? String == "static")
        #expect((nics.first?["ip"] as? [String: Any])?["address"] as? String == "10.105.249.51")
        #expect(OvirtCloudInit(vm: vm).customScript == nil)
    }

    @Test("meta is recorded in the description and, machine-readable, in the comment")
    func meta() {
        let meta = RequestMeta(documentNum: "6666", infSystem: "Ред Виртуализация", owner: "ОИТИ", environment: "Тест")
        #expect(OvirtRun.metaDescription(meta, limit: 255)
            == "document 6666, information system Ред Виртуализация, owner ОИТИ, environment Тест")
        #expect(OvirtRun.metaDescription(meta, limit: 10).count == 10)
        #expect(OvirtRun.metaComment(meta, jobID: "j1").hasPrefix("document_num=6666; inf_system=Ред Виртуализация"))
    }

    @Test("a 409 'locked' refusal is retried, other failures are not")
    func lockRetry() async throws {
        let locked = BackendError(.httpStatus, engine: "e", message: "HTTP 409 Conflict: Operation Failed: [Cannot edit VM. Object is locked.]",
                                  httpStatus: 409)
        var calls = 0
        let value = try await OvirtRun.withLockRetry(retries: 3, interval: .milliseconds(1)) {
            calls += 1
            if calls < 3 { throw locked }
            return 7
        }
        #expect(value == 7 && calls == 3)
        calls = 0
        let duplicate = BackendError(.httpStatus, engine: "e", message: "HTTP 409 Conflict: name in use", httpStatus: 409)
        await #expect(throws: BackendError.self) {
            try await OvirtRun.withLockRetry(retries: 3, interval: .milliseconds(1)) { () async throws -> Int in
                calls += 1
                throw duplicate
            }
        }
        #expect(calls == 1)
    }
}
