import AggregatorCore
import Testing

@testable import VSphereBackend

@Suite("vSphere: the placement section")
struct SectionTests {
    private func item(_ section: String, action: ProvisioningAction = .createVM) throws -> ProvisioningItem {
        var item = try VSphereFixtures.item(section: section)
        item.action = action
        if action == .createVLAN { item.vm = nil }
        return item
    }

    private func issues(_ section: String, action: ProvisioningAction = .createVM) throws -> [ValidationIssue] {
        guard case .invalid(let issues) = VSphereSection.decode(try item(section, action: action)) else { return [] }
        return issues
    }

    @Test("every member read; the folder path normalised; engine ignored")
    func decodes() throws {
        let text = #"{"engine":"vc-lab","datacenter":" DC0 ","cluster":"DC0_C0","datastore":"LocalDS_0","#
            + #""switch":"DVS0","folder":"/apps/web/","port_group":"DC0_DVPG0"}"#
        guard case .section(let section) = VSphereSection.decode(try item(text)) else {
            Issue.record("not decoded: \(try issues(text))")
            return
        }
        #expect(section == VSphereSection(datacenter: "DC0", cluster: "DC0_C0", datastore: "LocalDS_0",
                                          folder: "apps/web", switchName: "DVS0", portGroup: "DC0_DVPG0"))
    }

    @Test("unknown keys are refused at their path, naming the allowed ones")
    func unknownKeys() throws {
        let found = try issues(#"{"datacenter":"DC0","cluster":"DC0_C0","datastore":"LocalDS_0","switch":"DVS0","node":"x"}"#)
        #expect(found.map(\.path) == ["[0].placement.node"])
        #expect(found[0].fix == "use datacenter, cluster, datastore, folder, switch, port_group")
    }

    @Test("datacenter, cluster, datastore and switch are required for create_vm")
    func requiredForVM() throws {
        let found = try issues("{}")
        #expect(Set(found.map(\.path)) == ["[0].placement.datacenter", "[0].placement.cluster",
                                           "[0].placement.datastore", "[0].placement.switch"])
        #expect(found.allSatisfy { $0.message == "is required" })
    }

    @Test("create_vlan needs the datacenter and the switch only")
    func requiredForVLAN() throws {
        #expect(try issues(#"{"datacenter":"DC0","switch":"DVS0"}"#, action: .createVLAN).isEmpty)
        #expect(try issues("{}", action: .createVLAN).map(\.path).sorted()
                    == ["[0].placement.datacenter", "[0].placement.switch"])
    }

    @Test("bad values, each at its path", arguments: [
        (#"{"datacenter":1,"cluster":"C","datastore":"D","switch":"S"}"#, "[0].placement.datacenter", "must be a string"),
        (#"{"datacenter":"DC0","cluster":"  ","datastore":"D","switch":"S"}"#, "[0].placement.cluster", "must not be empty"),
        (#"{"datacenter":"DC0","cluster":"C","datastore":"D","switch":"S","folder":"a//b"}"#, "[0].placement.folder",
         "must be a VM folder path"),
        (#"{"datacenter":"DC0","cluster":"C","datastore":"D","switch":"S","folder":7}"#, "[0].placement.folder",
         "must be a VM folder path"),
    ])
    func badValues(section: String, path: String, message: String) throws {
        let found = try issues(section)
        #expect(found.map(\.path) == [path])
        #expect(found.first?.message.hasPrefix(message) == true, "\(found)")
    }

    @Test("a section that is not an object is refused at the section's path")
    func notAnObject() throws {
        let found = try issues(#"["DC0"]"#)
        #expect(found.map(\.path) == ["[0].placement"])
    }
}
