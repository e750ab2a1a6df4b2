import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OvirtSimulator
import SimulatorSupport
import Testing

/// Runs `body` against a fresh engine with a given async delay (in-process),
/// on a manual clock only the `waitFor…` helpers move.
func withWritableEngine<Value: Sendable>(
    asyncDelay: Duration = .zero,
    faults: [SimulatedEngineFaultRule] = [],
    _ body: @Sendable (any TestClientProtocol) async throws -> Value
) async throws -> Value {
    var options = SimulatedEngineOptions(name: "e15-test")
    options.vmCount = 5
    options.hostCount = 2
    options.asyncDelay = asyncDelay
    options.faults = faults
    options.clock = .manual()
    let app = Application(router: OvirtSimulatorApplication.buildRouter(options))
    return try await EngineTestTime.$current.withValue(EngineTestTime(clock: options.clock, step: asyncDelay)) {
        try await app.test(.router, body)
    }
}

extension TestClientProtocol {
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        token: String,
        xml: String? = nil,
        json: String? = nil,
        acceptJSON: Bool = false,
        extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        headers[.authorization] = "Bearer \(token)"
        headers[.accept] = acceptJSON ? "application/json" : "application/xml"
        var body: ByteBuffer?
        if let xml {
            headers[.contentType] = "application/xml"
            body = ByteBuffer(string: xml)
        } else if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body)
    }

    /// The id of the first item named `name` in a JSON collection.
    func idOf(_ collection: String, key: String, name: String, token: String) async throws -> String {
        let list = try await getJSON("/ovirt-engine/api/\(collection)?search=name%3D\(name)", token: token)
        let items = list[key] as? [[String: Any]] ?? []
        return try #require(items.first { $0["name"] as? String == name }?["id"] as? String)
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    /// Moves the engine's clock on until `field` of `uri` (JSON) equals `value`.
    func waitFor(_ uri: String, field: String, equals value: String, token: String) async throws {
        let reached = try await EngineTestTime.advance {
            try await getJSON(uri, token: token)[field] as? String == value
        }
        if !reached { Issue.record("\(uri) never had \(field)=\(value)") }
    }
}

private let vmXML = """
    <vm><name>new-vm</name><cluster><name>Default</name></cluster>
    <template><name>template-packer-redos8-03092024</name></template>
    <memory>4294967296</memory><cpu><topology><cores>2</cores><sockets>1</sockets><threads>1</threads></topology></cpu>
    <description>d</description><comment>c</comment>
    <initialization><host_name>new-vm.lab</host_name><custom_script>#cloud-config</custom_script>
    <nic_configurations><nic_configuration><name>eth0</name><boot_protocol>static</boot_protocol><on_boot>true</on_boot>
    <ip><address>10.1.2.3</address><netmask>255.255.255.0</netmask><gateway>10.1.2.1</gateway></ip></nic_configuration></nic_configurations>
    </initialization></vm>
    """

@Suite struct NetworkWriteTests {
    @Test func addNetworkXMLCreatesProfileAndJob() async throws {
        try await withWritableEngine { client in
            let token = try await client.login()
            let response = try await client.send(
                .post, "/ovirt-engine/api/networks", token: token,
                xml: #"<network><name>vlan2921</name><data_center><name>Default</name></data_center><vlan id="2921"/><usages><usage>vm</usage></usages><comment>x</comment></network>"#,
                extra: [HTTPField.Name("Correlation-Id")!: "corr-net-1"]
            )
            #expect(response.status == .created)
            #expect(response.headers[.location]?.hasPrefix("/ovirt-engine/api/networks/") == true)
            #expect(response.text.contains(#"<vlan id="2921"/>"#))
            #expect(response.text.contains("<comment>x</comment>"))
            let id = try await client.idOf("networks", key: "network", name: "vlan2921", token: token)
            let profiles = try await client.getJSON("/ovirt-engine/api/networks/\(id)/vnicprofiles", token: token)
            #expect(names(profiles, key: "vnic_profile") == ["vlan2921"])
            let jobs = try await client.getJSON("/ovirt-engine/api/jobs?search=correlation_id%3Dcorr-net-1", token: token)
            let job = try #require((jobs["job"] as? [[String: Any]])?.first)
            #expect(job["description"] as? String == "Adding network vlan2921 to Data Center: Default")
            #expect(job["status"] as? String == "finished")
            #expect(job["external"] as? String == "false")
            let events = try await client.getJSON("/ovirt-engine/api/events?search=correlation_id%3Dcorr-net-1", token: token)
            let descriptions = (events["event"] as? [[String: Any]] ?? []).compactMap { $0["description"] as? String }
            #expect(descriptions.contains("Finished adding Network vlan2921 to Data Center: Default"))
        }
    }

    @Test func addNetworkJSONAndFaults() async throws {
        try await withWritableEngine { client in
            let token = try await client.login()
            let body = #"{"name":"n1","data_center":{"name":"Default"},"vlan":{"id":"100"}}"#
            let created = try await client.send(.post, "/ovirt-engine/api/networks", token: token, json: body, acceptJSON: true)
            #expect(created.status == .created)
            #expect(try client.json(created)["vlan"] as? [String: String] == ["id": "100"])

            let duplicate = try await client.send(.post, "/ovirt-engine/api/networks", token: token, json: body, acceptJSON: true)
            #expect(duplicate.status == .conflict)
            #expect(
                try client.json(duplicate)["detail"] as? String
                    == "[Cannot add Network. The name of the logical network 'n1' is already used by an existing logical network in the same data-center.\n-Please choose a different name.]"
            )
            let badVLAN = try await client.send(
                .post, "/ovirt-engine/api/networks", token: token,
                xml: #"<network><name>n2</name><data_center><name>Default</name></data_center><vlan id="4095"/></network>"#
            )
            #expect(badVLAN.status == .badRequest)
            #expect(badVLAN.text.contains("<detail>[VLAN ID must be a number between 0 and 4094.]</detail>"))
            let missing = try await client.send(.post, "/ovirt-engine/api/networks", token: token, xml: "<network><name>n3</name></network>")
            #expect(missing.status == .badRequest)
            #expect(missing.text.contains("<reason>Incomplete parameters</reason>"))
            #expect(missing.text.contains("Network [dataCenter.name|id] required for add"))
            let unknownDC = try await client.send(
                .post, "/ovirt-engine/api/networks", token: token,
                xml: "<network><name>n4</name><data_center><name>Nope</name></data_center></network>"
            )
            #expect(unknownDC.status == .notFound)
            #expect(unknownDC.text.contains("Entity not found: Datacenter: name=Nope"))
        }
    }

    @Test func clusterAttachSetupNetworksAndRemove() async throws {
        try await withWritableEngine { client in
            let token = try await client.login()
            _ = try await client.send(
                .post, "/ovirt-engine/api/networks", token: token,
                xml: #"<network><name>vlan30</name><data_center><name>Default</name></data_center><vlan id="30"/></network>"#
            )
            let networkID = try await client.idOf("networks", key: "network", name: "vlan30", token: token)
            let clusterID = try await client.idOf("clusters", key: "cluster", name: "Default", token: token)
            let hostID = try await client.idOf("hosts", key: "host", name: "e15-test-host01", token: token)
            let setup = #"<action><modified_network_attachments><network_attachment><network><name>vlan30</name></network><host_nic><name>bond0</name></host_nic></network_attachment></modified_network_attachments><check_connectivity>true</check_connectivity></action>"#

            let notInCluster = try await client.send(.post, "/ovirt-engine/api/hosts/\(hostID)/setupnetworks", token: token, xml: setup)
            #expect(notInCluster.status == .badRequest)
            #expect(notInCluster.text.contains("[Logical Network 'vlan30' does not exist in Cluster.]"))

            let attach = #"<network id="\#(networkID)"><required>false</required></network>"#
            let attached = try await client.send(.post, "/ovirt-engine/api/clusters/\(clusterID)/networks", token: token, xml: attach)
            #expect(attached.status == .created)
            #expect(attached.text.contains("<required>false</required>"))
            let again = try await client.send(.post, "/ovirt-engine/api/clusters/\(clusterID)/networks", token: token, xml: attach)
            #expect(again.status == .conflict)
            #expect(again.text.contains("[Logical Network is already attached to Cluster.]"))
            let clusterNetworks = try await client.getJSON("/ovirt-engine/api/clusters/\(clusterID)/networks", token: token)
            #expect(names(clusterNetworks, key: "network").contains("vlan30"))

            let done = try await client.send(.post, "/ovirt-engine/api/hosts/\(hostID)/setupnetworks", token: token, xml: setup)
            #expect(done.status == .ok)
            #expect(done.text.contains("<status>complete</status>"))
            var netconfig = try await client.execute(uri: "/__sim/hosts/\(hostID)/netconfig", method: .get)
            #expect(try client.json(netconfig)["committed"] as? Bool == false)
            let commit = try await client.send(.post, "/ovirt-engine/api/hosts/\(hostID)/commitnetconfig", token: token, xml: "<action/>")
            #expect(commit.status == .ok)
            netconfig = try await client.execute(uri: "/__sim/hosts/\(hostID)/netconfig", method: .get)
            #expect(try client.json(netconfig)["committed"] as? Bool == true)

            let nics = try await client.getJSON("/ovirt-engine/api/hosts/\(hostID)/nics", token: token)
            let nicList = nics["host_nic"] as? [[String: Any]] ?? []
            let bondID = try #require(nicList.first { $0["name"] as? String == "bond0" }?["id"] as? String)
            #expect(nicList.contains { $0["name"] as? String == "bond0.30" })
            let attachments = try await client.getJSON(
                "/ovirt-engine/api/hosts/\(hostID)/nics/\(bondID)/networkattachments?follow=network", token: token
            )
            let attachedNames = (attachments["network_attachment"] as? [[String: Any]] ?? []).compactMap {
                ($0["network"] as? [String: Any])?["name"] as? String
            }
            #expect(Set(attachedNames) == ["ovirtmgmt", "vlan30"])

            // A second network with the same tag on the same NIC conflicts.
            _ = try await client.send(
                .post, "/ovirt-engine/api/networks", token: token,
                xml: #"<network><name>other30</name><data_center><name>Default</name></data_center><vlan id="30"/></network>"#
            )
            let otherID = try await client.idOf("networks", key: "network", name: "other30", token: token)
            _ = try await client.send(.post, "/ovirt-engine/api/clusters/\(clusterID)/networks", token: token, xml: #"<network id="\#(otherID)"/>"#)
            let clash = try await client.send(
                .post, "/ovirt-engine/api/hosts/\(hostID)/setupnetworks", token: token,
                xml: setup.replacingOccurrences(of: "<name>vlan30</name>", with: "<name>other30</name>")
            )
            #expect(clash.status == .conflict)

            let removed = try await client.send(.delete, "/ovirt-engine/api/networks/\(networkID)", token: token)
            #expect(removed.status == .ok)
            let gone = try await client.get("/ovirt-engine/api/networks/\(networkID)", token: token)
            #expect(gone.status == .notFound)
        }
    }
}

@Suite struct VMWriteTests {
    @Test func createVMGoesImageLockedThenDown() async throws {
        // The lock must outlast two requests even on a loaded machine.
        try await withWritableEngine(asyncDelay: .seconds(6)) { client in
            let token = try await client.login()
            let response = try await client.send(.post, "/ovirt-engine/api/vms", token: token, xml: vmXML)
            #expect(response.status == .accepted)
            #expect(response.text.contains("<status>image_locked</status>"))
            let id = try await client.idOf("vms", key: "vm", name: "new-vm", token: token)

            // Disks may not be added while the VM is image locked.
            let early = try await client.send(
                .post, "/ovirt-engine/api/vms/\(id)/diskattachments", token: token,
                xml: "<disk_attachment><disk><provisioned_size>1073741824</provisioned_size><format>cow</format><storage_domains><storage_domain><name>hosted_storage</name></storage_domain></storage_domains></disk></disk_attachment>"
            )
            #expect(early.status == .conflict)
            #expect(early.text.contains("[Cannot add Virtual Disk: VM is locked. Please try again in a few minutes.]"))
            let start = try await client.send(.post, "/ovirt-engine/api/vms/\(id)/start", token: token, xml: "<action/>")
            #expect(start.status == .conflict)
            #expect(start.text.contains("[Cannot run VM: VM is locked. Please try again in a few minutes.]"))

            try await client.waitFor("/ovirt-engine/api/vms/\(id)", field: "status", equals: "down", token: token)
            let vm = try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)
            #expect(vm["description"] as? String == "d")
            #expect(vm["comment"] as? String == "c")
            let initialization = try #require(vm["initialization"] as? [String: Any])
            #expect(initialization["host_name"] as? String == "new-vm.lab")
            #expect(initialization["custom_script"] as? String == "#cloud-config")
            let disks = try await client.getJSON("/ovirt-engine/api/vms/\(id)/diskattachments?follow=disk", token: token)
            let disk = try #require((disks["disk_attachment"] as? [[String: Any]])?.first?["disk"] as? [String: Any])
            #expect(disk["status"] as? String == "ok")
        }
    }

    @Test func createVMFaults() async throws {
        try await withWritableEngine { client in
            let token = try await client.login()
            let existing = try #require(names(try await client.getJSON("/ovirt-engine/api/vms", token: token), key: "vm").first)
            let duplicate = try await client.send(
                .post, "/ovirt-engine/api/vms", token: token,
                xml: vmXML.replacingOccurrences(of: "<name>new-vm</name>", with: "<name>\(existing)</name>")
            )
            #expect(duplicate.status == .conflict)
            #expect(duplicate.text.contains("<detail>[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]</detail>"))

            let unknownTemplate = try await client.send(
                .post, "/ovirt-engine/api/vms", token: token,
                json: #"{"name":"x","cluster":{"name":"Default"},"template":{"name":"nope"}}"#, acceptJSON: true
            )
            #expect(unknownTemplate.status == .notFound)
            #expect(try client.json(unknownTemplate)["detail"] as? String == "Entity not found: GetVmTemplate")

            let unknownCluster = try await client.send(
                .post, "/ovirt-engine/api/vms", token: token,
                xml: "<vm><name>x</name><cluster><name>Nope</name></cluster><template><name>Blank</name></template></vm>"
            )
            #expect(unknownCluster.status == .notFound)
            #expect(unknownCluster.text.contains("Entity not found: Cluster: name=Nope"))

            let tooLong = try await client.send(
                .post, "/ovirt-engine/api/vms", token: token,
                xml: "<vm><name>\(String(repeating: "a", count: 65))</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>"
            )
            #expect(tooLong.status == .badRequest)
            #expect(tooLong.text.contains("[Cannot add VM. The given name is too long.]"))

            let badName = try await client.send(
                .post, "/ovirt-engine/api/vms", token: token,
                xml: "<vm><name>bad name!</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>"
            )
            #expect(badName.status == .badRequest)
            #expect(badName.text.contains("The given name contains special characters"))

            let noName = try await client.send(
                .post, "/ovirt-engine/api/vms", token: token,
                xml: "<vm><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>"
            )
            #expect(noName.status == .badRequest)
            #expect(noName.text.contains("Vm [name] required for add"))
        }
    }

    @Test func diskNicStartStopRemove() async throws {
        try await withWritableEngine(asyncDelay: .seconds(2)) { client in
            let token = try await client.login()
            _ = try await client.send(.post, "/ovirt-engine/api/vms", token: token, xml: vmXML)
            let id = try await client.idOf("vms", key: "vm", name: "new-vm", token: token)
            try await client.waitFor("/ovirt-engine/api/vms/\(id)", field: "status", equals: "down", token: token)

            let diskBody = #"{"bootable":"false","interface":"virtio_scsi","active":"true","disk":{"name":"data","provisioned_size":2147483648,"format":"cow","sparse":"true","storage_domains":{"storage_domain":[{"name":"hosted_storage"}]}}}"#
            let added = try await client.send(.post, "/ovirt-engine/api/vms/\(id)/diskattachments", token: token, json: diskBody, acceptJSON: true)
            #expect(added.status == .created)
            let diskID = try #require(try client.json(added)["id"] as? String)
            let lockedDisk = try await client.getJSON("/ovirt-engine/api/disks/\(diskID)", token: token)
            #expect(lockedDisk["status"] as? String == "locked")
            let startLocked = try await client.send(.post, "/ovirt-engine/api/vms/\(id)/start", token: token, xml: "<action/>")
            #expect(startLocked.status == .conflict)
            #expect(startLocked.text.contains("[Cannot run VM: The following disks are locked: data. Please try again in a few minutes.]"))
            try await client.waitFor("/ovirt-engine/api/disks/\(diskID)", field: "status", equals: "ok", token: token)

            let shrink = try await client.send(
                .put, "/ovirt-engine/api/vms/\(id)/diskattachments/\(diskID)", token: token,
                xml: "<disk_attachment><disk><provisioned_size>1073741824</provisioned_size></disk></disk_attachment>"
            )
            #expect(shrink.status == .badRequest)
            #expect(shrink.text.contains("[Cannot edit Virtual Disk. New disk size must be larger than the current disk size.]"))
            let grow = try await client.send(
                .put, "/ovirt-engine/api/vms/\(id)/diskattachments/\(diskID)", token: token,
                xml: "<disk_attachment><disk><provisioned_size>4294967296</provisioned_size></disk></disk_attachment>"
            )
            #expect(grow.status == .ok)
            try await client.waitFor("/ovirt-engine/api/disks/\(diskID)", field: "status", equals: "ok", token: token)
            let grown = try await client.getJSON("/ovirt-engine/api/disks/\(diskID)", token: token)
            #expect(grown["provisioned_size"] as? Int == 4_294_967_296)

            let profileID = try #require(
                (try await client.getJSON("/ovirt-engine/api/vnicprofiles", token: token)["vnic_profile"] as? [[String: Any]])?.first?["id"] as? String
            )
            let nic = try await client.send(
                .post, "/ovirt-engine/api/vms/\(id)/nics", token: token,
                xml: #"<nic><name>nic1</name><interface>virtio</interface><vnic_profile id="\#(profileID)"/></nic>"#
            )
            #expect(nic.status == .created)
            #expect(nic.text.contains("<address>56:6f:"))
            let sameName = try await client.send(.post, "/ovirt-engine/api/vms/\(id)/nics", token: token, xml: "<nic><name>nic1</name></nic>")
            #expect(sameName.status == .conflict)

            let started = try await client.send(
                .post, "/ovirt-engine/api/vms/\(id)/start", token: token,
                xml: "<action><use_cloud_init>true</use_cloud_init></action>"
            )
            #expect(started.status == .ok)
            #expect(started.text.contains("<status>complete</status>"))
            let launching = try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)
            #expect(["wait_for_launch", "powering_up"].contains(launching["status"] as? String ?? ""))
            try await client.waitFor("/ovirt-engine/api/vms/\(id)", field: "status", equals: "up", token: token)
            let up = try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)
            #expect(up["host"] != nil)
            #expect(up["start_time"] != nil)
            let devices = try await client.get("/ovirt-engine/api/vms/\(id)/reporteddevices", token: token)
            #expect(devices.text.contains("<address>10.1.2.3</address>"))
            let search = try await client.getJSON("/ovirt-engine/api/vms?search=ip%3D10.1.2.3", token: token)
            #expect(names(search, key: "vm") == ["new-vm"])

            let removeUp = try await client.send(.delete, "/ovirt-engine/api/vms/\(id)", token: token)
            #expect(removeUp.status == .conflict)
            #expect(removeUp.text.contains("[Cannot remove VM. VM is running.]"))
            let stopped = try await client.send(.post, "/ovirt-engine/api/vms/\(id)/stop", token: token, xml: "<action/>")
            #expect(stopped.status == .ok)
            #expect(try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)["status"] as? String == "down")
            let stopAgain = try await client.send(.post, "/ovirt-engine/api/vms/\(id)/stop", token: token, xml: "<action/>")
            #expect(stopAgain.status == .ok, "stopping a down VM is skipped, successfully")
            #expect(stopAgain.text.contains("<status>complete</status>"))

            let removed = try await client.send(.delete, "/ovirt-engine/api/vms/\(id)", token: token)
            #expect(removed.status == .ok)
            #expect(try await client.get("/ovirt-engine/api/vms/\(id)", token: token).status == .notFound)
            let diskGone = try await EngineTestTime.advance {
                try await client.get("/ovirt-engine/api/disks/\(diskID)", token: token).status == .notFound
            }
            #expect(diskGone, "the VM's disks are removed once their removal tasks end")
        }
    }

    @Test func diskConfigurationAndStorageDomainFaults() async throws {
        try await withWritableEngine { client in
            let token = try await client.login()
            let vms = try await client.getJSON("/ovirt-engine/api/vms", token: token)
            let vmID = try #require((vms["vm"] as? [[String: Any]])?.first?["id"] as? String)
            func add(_ disk: String) async throws -> TestResponse {
                try await client.send(
                    .post, "/ovirt-engine/api/vms/\(vmID)/diskattachments", token: token,
                    xml: "<disk_attachment><disk>\(disk)</disk></disk_attachment>"
                )
            }
            let preallocatedCow = try await add(
                "<provisioned_size>1073741824</provisioned_size><format>cow</format><sparse>false</sparse><storage_domains><storage_domain><name>hosted_storage</name></storage_domain></storage_domains>"
            )
            #expect(preallocatedCow.status == .conflict)
            #expect(preallocatedCow.text.contains("Disk configuration (COW Preallocated backup-None) is incompatible with the storage domain type."))
            let unknownID = try await add(
                #"<provisioned_size>1</provisioned_size><format>raw</format><storage_domains><storage_domain id="00000000-0000-0000-0000-00000000abcd"/></storage_domains>"#
            )
            #expect(unknownID.status == .notFound)
            #expect(unknownID.text.contains("Entity not found: 00000000-0000-0000-0000-00000000abcd"))
            let unknownName = try await add(
                "<provisioned_size>1</provisioned_size><format>raw</format><storage_domains><storage_domain><name>nope</name></storage_domain></storage_domains>"
            )
            #expect(unknownName.status == .notFound)
            let noDomain = try await add("<provisioned_size>1</provisioned_size><format>raw</format>")
            #expect(noDomain.status == .badRequest)
            #expect(noDomain.text.contains("[Cannot add Virtual Disk. Storage Domain hasn't been specified.]"))
        }
    }
}

@Suite struct FaultInjectionTests {
    @Test func injectedFaultAnswersOnceWithoutChangingState() async throws {
        try await withWritableEngine { client in
            let token = try await client.login()
            let rule = #"{"method":"POST","path":"/ovirt-engine/api/vms","status":409,"count":1,"reason":"Operation Failed","detail":"[Injected]","latency_ms":0}"#
            let added = try await client.execute(
                uri: "/__sim/faults", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: rule)
            )
            #expect(added.status == .created)
            let listed = try await client.execute(uri: "/__sim/faults", method: .get)
            #expect((try client.json(listed)["faults"] as? [Any])?.count == 1)

            let failed = try await client.send(.post, "/ovirt-engine/api/vms", token: token, xml: vmXML, acceptJSON: true)
            #expect(failed.status == .conflict)
            #expect(try client.json(failed)["detail"] as? String == "[Injected]")
            let none = try await client.getJSON("/ovirt-engine/api/vms?search=name%3Dnew-vm", token: token)
            #expect(names(none, key: "vm").isEmpty)

            let passed = try await client.send(.post, "/ovirt-engine/api/vms", token: token, xml: vmXML)
            #expect(passed.status == .accepted)
            let after = try await client.execute(uri: "/__sim/faults", method: .get)
            #expect((try client.json(after)["faults"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func prefixRulesFromOptionsAndClearing() async throws {
        let rule = try #require(SimulatedEngineFaultRule(commandLine: "GET:/ovirt-engine/api/hosts*:503:0"))
        #expect(rule.count == nil)
        try await withWritableEngine(faults: [rule]) { client in
            let token = try await client.login()
            for _ in 0..<2 {
                let response = try await client.get("/ovirt-engine/api/hosts/x/nics", token: token)
                #expect(response.status == .serviceUnavailable)
                #expect(response.text.contains("<fault>"))
            }
            #expect(try await client.get("/ovirt-engine/api/vms", token: token).status == .ok)
            let cleared = try await client.execute(uri: "/__sim/faults", method: .delete)
            #expect(try client.json(cleared)["cleared"] as? Int == 1)
            #expect(try await client.get("/ovirt-engine/api/hosts", token: token).status == .ok)
        }
    }

    @Test(arguments: ["POST", "GET:/x", "GET:/x:abc", "GET:relative:500"])
    func malformedCommandLineRules(_ spec: String) {
        #expect(SimulatedEngineFaultRule(commandLine: spec) == nil)
    }
}
