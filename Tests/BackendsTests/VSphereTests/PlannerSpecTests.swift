import Foundation
import Testing

@testable import VSphereBackend

/// The data objects a create sends: vCenter reads vim25 members in the WSDL's order only.
@Suite("vSphere: the specs a plan's steps send")
struct PlannerSpecTests {
    private func xml(_ node: SOAPNode) -> String {
        var out = ""
        node.write(into: &out)
        return out
    }

    /// `names` appear in `text` in this order.
    private func ordered(_ text: String, _ names: [String]) -> Bool {
        var position = text.startIndex
        for name in names {
            guard let found = text.range(of: "<\(name)", range: position..<text.endIndex) else { return false }
            position = found.upperBound
        }
        return true
    }

    @Test("a port group: name, ports, VLAN id spec, early binding")
    func portGroup() {
        let text = xml(VSphereSpecs.portGroup(name: "vlan-2923", vlanID: 2923, ports: 8))
        #expect(text.hasPrefix(#"<spec xsi:type="DVPortgroupConfigSpec">"#))
        #expect(ordered(text, ["name", "numPorts", "defaultPortConfig", "vlan", "inherited", "vlanId", "type"]))
        #expect(text.contains(#"<vlan xsi:type="VmwareDistributedVirtualSwitchVlanIdSpec"><inherited>false</inherited><vlanId>2923</vlanId>"#))
        #expect(text.contains("<type>earlyBinding</type>"))
    }

    @Test("a clone: location (datastore before pool), not a template, annotation, powered off")
    func clone() {
        let text = xml(VSphereSpecs.clone(pool: .init("ResourcePool", "resgroup-8"),
                                          datastore: .init("Datastore", "datastore-5"), annotation: "a & b"))
        #expect(ordered(text, ["location", "datastore", "pool", "template", "config", "annotation", "powerOn"]))
        #expect(text.contains(#"<pool type="ResourcePool">resgroup-8</pool>"#))
        #expect(text.contains("<annotation>a &amp; b</annotation>") && text.contains("<powerOn>false</powerOn>"))
    }

    @Test("a Linux customization: host name, domain, DNS, the NIC's fixed address")
    func customization() {
        let address = VSpherePlan.Address(ip: "10.0.0.5", netmask: "255.255.255.0", gateway: "10.0.0.1",
                                          dnsServers: ["10.0.0.2", "10.0.0.3"], hostName: "app01", domain: "lab.example")
        let text = xml(VSphereSpecs.customization(address))
        #expect(ordered(text, ["identity", "hostName", "name", "domain", "globalIPSettings", "dnsSuffixList",
                               "dnsServerList", "dnsServerList", "nicSettingMap", "adapter", "ip", "ipAddress",
                               "subnetMask", "gateway", "dnsServerList", "dnsDomain"]))
        #expect(text.contains(#"<identity xsi:type="CustomizationLinuxPrep"><hostName xsi:type="CustomizationFixedName"><name>app01</name>"#))
        #expect(text.contains(#"<ip xsi:type="CustomizationFixedIp"><ipAddress>10.0.0.5</ipAddress></ip>"#))
    }

    @Test("a new disk: backing on the datastore, controller and unit, size in KiB and bytes")
    func newDisk() {
        let change = VSphereSpecs.deviceChange("add", fileOperation: "create", device: VSphereSpecs.newDisk(
            key: -100, controller: 202, unit: 1, kib: 20 << 20, datastore: .init("Datastore", "datastore-5"), thin: true))
        let text = xml(change)
        #expect(ordered(text, ["operation", "fileOperation", "device", "key", "backing", "fileName", "datastore",
                               "diskMode", "thinProvisioned", "controllerKey", "unitNumber", "capacityInKB",
                               "capacityInBytes"]))
        #expect(text.contains("<capacityInKB>20971520</capacityInKB><capacityInBytes>21474836480</capacityInBytes>"))
    }

    @Test("a NIC read from the VM is sent back on the port group, connected, its other members kept in place")
    func editedNIC() throws {
        let read = #"""
            <VirtualDevice xmlns="urn:vim25" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="VirtualE1000">
              <key>4000</key><deviceInfo><label>ethernet-0</label><summary>DVSwitch: x</summary></deviceInfo>
              <backing xsi:type="VirtualEthernetCardNetworkBackingInfo"><deviceName>VM Network</deviceName>
                <network type="Network">network-7</network></backing>
              <controllerKey>100</controllerKey><unitNumber>7</unitNumber>
              <addressType>generated</addressType><macAddress>00:0c:29:33:34:38</macAddress>
            </VirtualDevice>
            """#
        let element = try XMLTreeReader.parse(Array(read.utf8))
        let device = try #require(VSphereDevice(element))
        #expect(device.isNIC && device.key == 4000 && device.unitNumber == 7)
        let backing = VSphereSpecs.portBacking(switchUUID: "fe a9", portGroupKey: "dvportgroup-72")
        let text = xml(VSphereSpecs.editedNIC(element, backing: backing))
        #expect(text.hasPrefix(#"<device xsi:type="VirtualE1000">"#))
        #expect(ordered(text, ["key", "deviceInfo", "backing", "port", "switchUuid", "portgroupKey", "connectable",
                               "startConnected", "controllerKey", "unitNumber", "addressType", "macAddress"]))
        #expect(!text.contains("network-7"))
        #expect(text.contains("<startConnected>true</startConnected>"))
    }

    @Test("a disk read from the VM is sent back with its new size")
    func resizedDisk() throws {
        let read = #"""
            <VirtualDevice xmlns="urn:vim25" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="VirtualDisk">
              <key>2000</key><deviceInfo><label>disk-202-0</label><summary>1,024 KB</summary></deviceInfo>
              <backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[LocalDS_0] a/a.vmdk</fileName>
                <datastore type="Datastore">datastore-5</datastore><diskMode>persistent</diskMode></backing>
              <controllerKey>202</controllerKey><unitNumber>0</unitNumber><capacityInKB>1024</capacityInKB>
              <shares><shares>1000</shares><level>normal</level></shares>
            </VirtualDevice>
            """#
        let element = try XMLTreeReader.parse(Array(read.utf8))
        #expect(VSphereDevice(element)?.capacityKiB == 1024)
        let text = xml(VSphereSpecs.resizedDisk(element, kib: 40 << 20))
        #expect(ordered(text, ["key", "backing", "datastore", "controllerKey", "unitNumber", "capacityInKB",
                               "capacityInBytes", "shares"]))
        #expect(text.contains("<capacityInKB>41943040</capacityInKB><capacityInBytes>42949672960</capacityInBytes>"))
        #expect(text.contains(#"<datastore type="Datastore">datastore-5</datastore>"#))
    }
}
