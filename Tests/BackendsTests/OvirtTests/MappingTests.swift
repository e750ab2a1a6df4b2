import AggregatorCore
import Foundation
import Testing

@testable import OvirtBackend

@Suite("Mapping engine objects to the common model")
struct MappingTests {
    private func decode<T: OvirtCollectionElement>(_ type: T.Type, _ text: String) throws -> [T] {
        try JSONDecoder().decode(OvirtCollection<T>.self, from: Data(text.utf8)).items
    }

    private func names() throws -> OvirtNameIndex {
        OvirtNameIndex(clusters: try decode(OvirtCluster.self, EngineFixtures.clusters),
                       dataCenters: try decode(OvirtDataCenter.self, EngineFixtures.dataCenters),
                       hosts: try decode(OvirtHost.self, EngineFixtures.hosts),
                       templates: try decode(OvirtTemplate.self, EngineFixtures.templates))
    }

    @Test func runningVM() throws {
        let vm = try #require(OvirtMapping.vm(try decode(OvirtVM.self, EngineFixtures.vms)[0], engine: "e15", names: names()))
        #expect(vm.engine == "e15")
        #expect(vm.id == "123")
        #expect(vm.name == "web-001")
        #expect(vm.status == "up")
        #expect(vm.cluster == "Default")
        #expect(vm.dataCenter == "Default")
        #expect(vm.host == "e15-host01")
        #expect(vm.cpus == 4)
        #expect(vm.cores == 2)
        #expect(vm.memoryBytes == 4_294_967_296)
        #expect(vm.ipAddresses == ["10.15.10.2", "fe80::1"])
        #expect(vm.fqdn == "web-001.lab.local")
        #expect(vm.description == "frontend")
        #expect(vm.comment == "owner: web")
        #expect(vm.template == "template-packer-redos8")
        #expect(vm.osType == "rhel_8x64")
        #expect(vm.creationTime == Date(timeIntervalSince1970: 1_472_564_909.990))
    }

    @Test func stoppedVMWithMissingFields() throws {
        let vm = try #require(OvirtMapping.vm(try decode(OvirtVM.self, EngineFixtures.vms)[1], engine: "e15",
                                              names: OvirtNameIndex()))
        #expect(vm.status == "down")
        #expect(vm.host == nil)
        #expect(vm.cpus == 8)
        #expect(vm.cores == 4)
        #expect(vm.ipAddresses.isEmpty)
        #expect(vm.fqdn == nil)
        #expect(vm.osType == nil)
        // Unresolved references keep their ids; the Blank template is known by id.
        #expect(vm.cluster == "c1")
        #expect(vm.dataCenter == nil)
        #expect(vm.template == "Blank")
    }

    @Test func statusesAreLowercase() {
        #expect(OvirtMapping.status("Up") == "up")
        #expect(OvirtMapping.status("NON_RESPONSIVE") == "non_responsive")
        #expect(OvirtMapping.status(nil) == "unknown")
        #expect(OvirtMapping.status("") == "unknown")
    }

    @Test func itemsWithoutIdAreSkipped() throws {
        let vm = try decode(OvirtVM.self, #"{"vm":[{"name":"ghost","status":"up"}]}"#)[0]
        #expect(OvirtMapping.vm(vm, engine: "e15", names: OvirtNameIndex()) == nil)
    }

    @Test func hosts() throws {
        let hosts = try decode(OvirtHost.self, EngineFixtures.hosts).compactMap {
            OvirtMapping.host($0, engine: "e15", names: try names())
        }
        try #require(hosts.count == 2)
        let host = hosts[0]
        #expect(host.address == "e15-host01.lab.local")
        #expect(host.status == "up")
        #expect(host.cluster == "Default")
        #expect(host.dataCenter == "Default")
        #expect(host.cpuModel == "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz")
        #expect(host.cpuCores == 48)
        #expect(host.cpuThreads == 96)
        #expect(host.memoryBytes == 549_755_813_888)
        #expect(host.vmCount == 5)
        #expect(host.osVersion == "RHEL 8.6 - 1.el8")
        #expect(host.comment == "rack 3")
        #expect(hosts[1].status == "maintenance")
        #expect(hosts[1].cpuCores == nil)
        #expect(hosts[1].vmCount == 0)
    }

    @Test("clusters count their hosts and sum the hosts' running VMs")
    func clusters() throws {
        let hosts = try decode(OvirtHost.self, EngineFixtures.hosts)
        let clusters = try decode(OvirtCluster.self, EngineFixtures.clusters).compactMap {
            OvirtMapping.cluster($0, engine: "e15", names: try names(), hosts: hosts)
        }
        try #require(clusters.count == 2)
        #expect(clusters[0].name == "Default")
        #expect(clusters[0].dataCenter == "Default")
        #expect(clusters[0].cpuType == "Intel Cascadelake Server Family")
        #expect(clusters[0].version == "4.7")
        #expect(clusters[0].hostCount == 2)
        #expect(clusters[0].vmCount == 5)
        #expect(clusters[0].description == "The default server cluster")
        #expect(clusters[1].hostCount == 0)
        #expect(clusters[1].vmCount == 0)
        #expect(clusters[1].version == nil)

        let withoutHosts = OvirtMapping.cluster(try decode(OvirtCluster.self, EngineFixtures.clusters)[0],
                                                engine: "e15", names: try names(), hosts: nil)
        #expect(withoutHosts?.hostCount == nil)
    }
}
