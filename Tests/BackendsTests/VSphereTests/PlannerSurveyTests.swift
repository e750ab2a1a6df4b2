import Testing

@testable import VSphereBackend

/// The survey a plan starts from, read from a property answer shaped as vcsim gives it.
@Suite("vSphere: the survey a plan reads")
struct PlannerSurveyTests {
    private static func object(_ type: String, _ id: String, _ properties: String) -> String {
        "<objects><obj type=\"\(type)\">\(id)</obj>\(properties)</objects>"
    }

    private static func property(_ name: String, _ value: String, type: String? = nil) -> String {
        let typed = type.map { " xsi:type=\"\($0)\"" } ?? ""
        return "<propSet><name>\(name)</name><val\(typed)>\(value)</val></propSet>"
    }

    /// A property holding one managed object reference.
    private static func reference(_ name: String, _ type: String, _ id: String) -> String {
        "<propSet><name>\(name)</name><val type=\"\(type)\">\(id)</val></propSet>"
    }

    private static let answer = """
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>
        <RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>
        \(object("Datacenter", "datacenter-2", property("name", "DC0")
            + reference("vmFolder", "Folder", "group-4")))
        \(object("Folder", "group-4", property("name", "vm") + reference("parent", "Datacenter", "datacenter-2")))
        \(object("Folder", "group-6", property("name", "network") + reference("parent", "Datacenter", "datacenter-2")))
        \(object("Folder", "group-5", property("name", "host") + reference("parent", "Datacenter", "datacenter-2")))
        \(object("ClusterComputeResource", "domain-c7", property("name", "DC0_C0")
            + reference("parent", "Folder", "group-5")
            + reference("resourcePool", "ResourcePool", "resgroup-8")
            + "<propSet><name>datastore</name><val xsi:type=\"ArrayOfManagedObjectReference\">"
            + "<ManagedObjectReference type=\"Datastore\">datastore-5</ManagedObjectReference></val></propSet>"))
        \(object("DistributedVirtualSwitch", "dvs-9", property("name", "DVS0")
            + property("uuid", "fe a9") + reference("parent", "Folder", "group-6")))
        \(object("DistributedVirtualPortgroup", "dvportgroup-11", property("name", "DVS0-DVUplinks-9")
            + property("key", "dvportgroup-11")
            + reference("config.distributedVirtualSwitch", "DistributedVirtualSwitch", "dvs-9")
            + "<propSet><name>config.defaultPortConfig</name><val xsi:type=\"VMwareDVSPortSetting\">"
            + "<vlan xsi:type=\"VmwareDistributedVirtualSwitchTrunkVlanSpec\"><inherited>false</inherited>"
            + "<vlanId><start>0</start><end>4094</end></vlanId></vlan></val></propSet>"))
        \(object("DistributedVirtualPortgroup", "dvportgroup-13", property("name", "DC0_DVPG0")
            + property("key", "dvportgroup-13")
            + reference("config.distributedVirtualSwitch", "DistributedVirtualSwitch", "dvs-9")
            + "<propSet><name>config.defaultPortConfig</name><val xsi:type=\"VMwareDVSPortSetting\">"
            + "<vlan xsi:type=\"VmwareDistributedVirtualSwitchVlanIdSpec\"><inherited>false</inherited>"
            + "<vlanId>2923</vlanId></vlan></val></propSet>"))
        \(object("VirtualMachine", "vm-70", property("name", "tmpl-linux") + property("config.template", "true")
            + reference("parent", "Folder", "group-4")))
        </returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>
        """

    private func survey() throws -> VSphereSurvey {
        guard case .returned(let values) = try SOAPEnvelope.answer(Array(Self.answer.utf8)), let first = values.first
        else {
            throw SurveyFixtureError()
        }
        return VSphereSurvey(first.children("objects").compactMap(ObjectContent.init))
    }

    private struct SurveyFixtureError: Error {}

    @Test("objects are placed in their datacenter through their folders")
    func placement() throws {
        let survey = try survey()
        #expect(survey.datacenters.map(\.name) == ["DC0"] && survey.datacenters.first?.vmFolder?.value == "group-4")
        #expect(survey.clusters.first?.named.datacenter == "DC0")
        #expect(survey.clusters.first?.resourcePool?.value == "resgroup-8")
        #expect(survey.clusters.first?.datastores.map(\.value) == ["datastore-5"])
        #expect(survey.switches.first?.named.datacenter == "DC0" && survey.switches.first?.uuid == "fe a9")
        #expect(survey.machines.first?.isTemplate == true && survey.machines.first?.named.datacenter == "DC0")
    }

    @Test("a port group's VLAN is its VLAN id spec's; a trunk carries none")
    func vlans() throws {
        let survey = try survey()
        let byName = Dictionary(survey.portGroups.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byName["DC0_DVPG0"]?.vlanID == 2923 && byName["DC0_DVPG0"]?.switchRef?.value == "dvs-9")
        #expect(byName["DVS0-DVUplinks-9"]?.vlanID == nil)
        let carrying = survey.portGroups(of: .init("DistributedVirtualSwitch", "dvs-9"), vlanID: 2923)
        #expect(carrying.map(\.key) == ["dvportgroup-13"])
    }
}
