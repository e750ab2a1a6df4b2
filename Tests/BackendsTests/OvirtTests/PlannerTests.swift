import AggregatorCore
import Foundation
import Testing

@testable import OvirtBackend

/// The planner on engine-shaped JSON (strings for ints and bools, `{}` for empty lists).
@Suite("oVirt provisioning: planning from an engine survey")
struct PlannerTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    /// One data center, one cluster with two hosts (one lacking `bond0`), the packer template with a
    /// 20 GiB disk, `hosted_storage` active and an ISO domain.
    private func survey(network: String? = nil, onCluster: Bool = false, attachedOn: [String] = [],
                        vmExists: Bool = false) throws -> OvirtSurvey {
        var survey = OvirtSurvey()
        survey.version = (4, 5)
        survey.clusters = try decode(OvirtCollection<OvirtCluster>.self, #"""
            {"cluster": [{"id": "c1", "name": "Default", "data_center": {"id": "dc1", "href": "/x"}}]}
            """#).items
        survey.dataCenters = try decode(OvirtCollection<OvirtDataCenter>.self,
                                        #"{"data_center": [{"id": "dc1", "name": "Default"}]}"#).items
        survey.hosts = try decode(OvirtCollection<OvirtHost>.self, #"""
            {"host": [{"id": "h1", "name": "host01", "cluster": {"id": "c1"}},
                      {"id": "h2", "name": "host02", "cluster": {"id": "c1"}},
                      {"id": "h3", "name": "other", "cluster": {"id": "c9"}}]}
            """#).items
        survey.templates = try decode(OvirtCollection<OvirtTemplate>.self, #"""
            {"template": [{"id": "t0", "name": "Blank", "version": {"version_number": "1"}},
                          {"id": "t1", "name": "template-packer-redos8-03092024", "cluster": {"id": "c1"},
                           "version": {"version_number": "1"}},
                          {"id": "t2", "name": "template-packer-redos8-03092024", "cluster": {"id": "c1"},
                           "version": {"version_number": "2"}}]}
            """#).items
        survey.storageDomains = try decode(OvirtCollection<OvirtStorageDomain>.self, #"""
            {"storage_domain": [{"id": "sd1", "name": "hosted_storage", "type": "data"},
                                {"id": "sd2", "name": "iso", "type": "iso"}]}
            """#).items
        survey.dataCenterDomains = try decode(OvirtCollection<OvirtStorageDomain>.self, #"""
            {"storage_domain": [{"id": "sd1", "name": "hosted_storage", "type": "data", "status": "active"},
                                {"id": "sd2", "name": "iso", "type": "iso", "status": "active"}]}
            """#).items
        survey.templateDisks = try decode(OvirtCollection<OvirtDiskAttachment>.self, #"""
            {"disk_attachment": [{"id": "td1", "bootable": "true",
                                  "disk": {"id": "td1", "provisioned_size": 21474836480, "status": "ok"}}]}
            """#).items
        survey.hostNICs = [
            "h1": try decode(OvirtCollection<OvirtHostNic>.self, #"{"host_nic": [{"id": "n1", "name": "bond0"}]}"#).items,
            "h2": try decode(OvirtCollection<OvirtHostNic>.self, #"{"host_nic": [{"id": "n2", "name": "eno1"}]}"#).items,
        ]
        if let network {
            survey.networks = try decode(OvirtCollection<OvirtNetwork>.self, network).items
            if onCluster { survey.clusterNetworks = survey.networks }
            for host in ["h1", "h2"] {
                survey.hostAttachments[host] = attachedOn.contains(host)
                    ? try decode(OvirtCollection<OvirtNetworkAttachment>.self,
                                 #"{"network_attachment": [{"id": "a", "network": {"id": "net1"}, "host_nic": {"id": "n"}}]}"#).items
                    : []
            }
        }
        if vmExists {
            survey.vms = try decode(OvirtCollection<OvirtVM>.self, #"{"vm": [{"id": "v1", "name": "test_vm_11"}]}"#).items
        }
        return survey
    }

    private func planned(_ item: ProvisioningItem, _ survey: OvirtSurvey) throws -> PlanOutcome {
        guard case .section(let section) = OvirtSection.decode(item) else { throw CancellationError() }
        var planner = OvirtPlanner(engine: "e15-test", item: item, section: section, survey: survey)
        return planner.outcome()
    }

    @Test("every bad reference is reported with its path, and lists what the engine has")
    func badReferences() throws {
        var survey = try survey(vmExists: true)
        survey.hostNICs["h2"] = survey.hostNICs["h1"]
        let item = seedItem(section: [("engine", "e15-test"), ("cluster", "Default"), ("storage_domain", "iso"),
                                      ("host_nic", "bond0")],
                            vm: seedVM(name: "test_vm_11", bootGB: 10, template: "missing"))
        guard case .invalid(let issues) = try planned(item, survey) else {
            Issue.record("expected issues")
            return
        }
        let messages = Dictionary(grouping: issues, by: \.path).mapValues { $0.map(\.message) }
        #expect(messages["[0].vm.name"] == ["a VM named test_vm_11 already exists on engine e15-test (id v1)"])
        #expect(messages["[0].vm.template"]?.first?.contains("not found on engine e15-test; available templates: "
            + "template-packer-redos8-03092024") == true)
        #expect(messages["[0].ovirt.storage_domain"]?.first?.contains("is a iso domain, not a data domain") == true)
        #expect(messages["[0].ovirt.storage_domain"]?.first?.contains("hosted_storage") == true)
        #expect(issues.first { $0.path == "[0].ovirt.storage_domain" }?.line == 12)
    }

    @Test("an unknown cluster lists the engine's clusters; hosts without host_nic are named")
    func clusterAndNIC() throws {
        let unknown = seedItem(section: [("engine", "e15-test"), ("cluster", "Prod"), ("storage_domain", "hosted_storage"),
                                         ("host_nic", "bond0")])
        guard case .invalid(let issues) = try planned(unknown, try survey()) else {
            Issue.record("expected issues")
            return
        }
        #expect(issues.map(\.path) == ["[0].ovirt.cluster"])
        #expect(issues[0].message == "cluster 'Prod' not found on engine e15-test; its clusters: Default")

        guard case .invalid(let nicIssues) = try planned(seedItem(), try survey()) else {
            Issue.record("expected issues")
            return
        }
        #expect(nicIssues.map(\.message) == ["host host02 of cluster Default has no NIC named 'bond0'"])
    }

    @Test("a boot disk smaller than the template's disk is refused; a larger one is extended")
    func bootDisk() throws {
        var survey = try survey()
        survey.hostNICs["h2"] = survey.hostNICs["h1"]
        guard case .invalid(let issues) = try planned(seedItem(vm: seedVM(bootGB: 10)), survey) else {
            Issue.record("expected issues")
            return
        }
        #expect(issues.map(\.path) == ["[0].vm.disks[0].size"])
        #expect(issues[0].message.contains("at least 20 GiB"))

        guard case .ready(let plan) = try planned(
            seedItem(vm: seedVM(bootGB: 40, extra: [DiskSpec(sizeGB: 100, mountPoint: "/data", sparse: true)])), survey)
        else {
            Issue.record("expected a plan")
            return
        }
        #expect(plan.steps.map(\.name) == [
            "create_network", "ensure_vnic_profile", "attach_network_to_cluster", "attach_network_to_host:host01",
            "attach_network_to_host:host02", "create_vm", "extend_boot_disk", "add_disk[1]", "configure_cloud_init",
            "add_nic", "start_vm",
        ])
        #expect(plan.steps.allSatisfy { !$0.alreadyDone })
        #expect(plan.steps[0].description == "POST /networks 2921-redvt-eqp-test-e15 VLAN 2921 in data center Default (VM network)")
        let payload = try plan.payload(as: OvirtPlan.self)
        #expect(payload.vm?.template.id == "t2", "the newest template version")
        #expect(payload.vm?.templateDiskID == "td1")
        #expect(payload.vm?.storageDomain.id == "sd1")
        #expect(payload.vm?.osType == "rhel_8x64")
        #expect(payload.cluster == OvirtPlan.Ref(id: "c1", name: "Default"))
        #expect(payload.steps == [.createNetwork, .ensureVnicProfile, .attachToCluster, .attachToHosts, .createVM,
                                  .extendBootDisk(bytes: 40 << 30), .addDisk(index: 1), .configureCloudInit, .addNIC,
                                  .startVM], "execution follows the planned steps in order")

        // The plan survives the job store: encoded and decoded, execution reads the same plan.
        let stored = try JSONDecoder().decode(ProvisioningPlan.self, from: JSONEncoder().encode(plan))
        #expect(try stored.payload(as: OvirtPlan.self) == payload)
    }

    @Test("an existing network with the same tag is reused; with another tag it is an issue at vlan.id")
    func existingNetwork() throws {
        let same = #"{"network": [{"id": "net1", "name": "2921-redvt-eqp-test-e15", "vlan": {"id": "2921"}, "data_center": {"id": "dc1"}, "usages": {"usage": ["vm"]}}]}"#
        var survey = try survey(network: same, onCluster: true, attachedOn: ["h1"])
        survey.hostNICs["h2"] = survey.hostNICs["h1"]
        guard case .ready(let plan) = try planned(seedItem(action: .createVLAN), survey) else {
            Issue.record("expected a plan")
            return
        }
        let done = Dictionary(uniqueKeysWithValues: plan.steps.map { ($0.name, $0.alreadyDone) })
        #expect(done == ["create_network": true, "ensure_vnic_profile": false, "attach_network_to_cluster": true,
                         "attach_network_to_host:host01": true, "attach_network_to_host:host02": false])
        #expect(try plan.payload(as: OvirtPlan.self).steps == [.createNetwork, .ensureVnicProfile, .attachToCluster,
                                                               .attachToHosts])

        let other = same.replacingOccurrences(of: #""vlan": {"id": "2921"}, "#, with: "")
        guard case .invalid(let issues) = try planned(seedItem(action: .createVLAN), try self.survey(network: other)) else {
            Issue.record("expected issues")
            return
        }
        #expect(issues.contains { $0.path == "[0].vlan.id" && $0.message.contains("with no VLAN tag, not VLAN 2921") })
    }
}
