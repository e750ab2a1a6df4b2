import AggregatorCore
import Foundation
import Testing

@testable import ProxmoxBackend

@Suite("Proxmox: decoding and mapping of API answers")
struct MappingTests {
    @Test("guests: QEMU VMs only, with numbers given as strings, locks and tags")
    func guests() throws {
        let guests = try ProxmoxFixtures.data([ProxmoxResource].self, ProxmoxFixtures.guests)
        #expect(guests.count == 6)
        #expect(guests[1].vmidValue == 101)
        #expect(guests[1].maxmem?.int64 == 4_294_967_296)
        #expect(guests[4].isTemplate)
        let inventory = ProxmoxInventory(
            guests: guests, nodes: try ProxmoxFixtures.data([ProxmoxResource].self, ProxmoxFixtures.nodes),
            status: try ProxmoxFixtures.data([ProxmoxClusterStatusEntry].self, ProxmoxFixtures.clusterStatus))
        let readout = inventory.readout(engine: "lab", ips: [100: ["10.20.30.40"]])
        #expect(readout.vms.map(\.id) == ["100", "101", "102"])
        let web = try #require(readout.vms.first { $0.id == "100" })
        #expect(web.name == "web01")
        #expect(web.status == "up")
        #expect(web.host == "pve1")
        #expect(web.cluster == "lab")
        #expect(web.cpus == 4)
        #expect(web.memoryBytes == 8_589_934_592)
        #expect(web.ipAddresses == ["10.20.30.40"])
        #expect(web.engine == "lab")
        let db = try #require(readout.vms.first { $0.id == "101" })
        #expect(db.status == "image_locked")
        #expect(db.host == nil, "a stopped VM runs on no host")
        #expect(readout.vms.first { $0.id == "102" }?.status == "migrating")
    }

    @Test("nodes and the cluster: addresses from /cluster/status, running VM counts")
    func nodesAndCluster() throws {
        let inventory = ProxmoxInventory(
            guests: try ProxmoxFixtures.data([ProxmoxResource].self, ProxmoxFixtures.guests),
            nodes: try ProxmoxFixtures.data([ProxmoxResource].self, ProxmoxFixtures.nodes),
            status: try ProxmoxFixtures.data([ProxmoxClusterStatusEntry].self, ProxmoxFixtures.clusterStatus))
        let readout = inventory.readout(engine: "lab")
        #expect(readout.hosts.map(\.id) == ["pve1", "pve2", "pve3"])
        let pve1 = try #require(readout.hosts.first)
        #expect(pve1.status == "up")
        #expect(pve1.address == "10.0.0.11")
        #expect(pve1.cpuThreads == 16)
        #expect(pve1.memoryBytes == 68_719_476_736)
        #expect(pve1.vmCount == 1, "web01 runs there; the container and template do not count")
        #expect(readout.hosts[2].status == "non_responsive")
        #expect(readout.clusters.count == 1)
        let cluster = try #require(readout.clusters.first)
        #expect(cluster.id == "lab" && cluster.name == "lab")
        #expect(cluster.hostCount == 3)
        #expect(cluster.vmCount == 2)
    }

    @Test("a standalone node's cluster is named after the node")
    func standalone() throws {
        let status = try ProxmoxFixtures.data([ProxmoxClusterStatusEntry].self, ProxmoxFixtures.standaloneStatus)
        let inventory = ProxmoxInventory(guests: [], nodes: [], status: status)
        #expect(inventory.clusterName == "solo")
        #expect(ProxmoxInventory.clusterName(status) == nil)
    }

    @Test("guest agent addresses: no loopback, no IPv6 link-local")
    func agentAddresses() throws {
        let answer = try ProxmoxFixtures.data(ProxmoxAgentInterfaces.self, ProxmoxFixtures.agentInterfaces)
        #expect(ProxmoxMapping.ipAddresses(answer) == ["10.20.30.40", "2001:db8::40"])
    }

    @Test("VM statuses map onto the common set and keep the engine's words", arguments: [
        ("running", nil, nil, "up", "running"),
        ("running", nil, "paused", "paused", "running (qmp: paused)"),
        ("stopped", nil, nil, "down", "stopped"),
        ("stopped", "clone", nil, "image_locked", "stopped (lock: clone)"),
        ("stopped", "create", nil, "image_locked", "stopped (lock: create)"),
        ("running", "migrate", nil, "migrating", "running (lock: migrate)"),
        ("stopped", "suspended", nil, "suspended", "stopped (lock: suspended)"),
        ("running", "backup", nil, "up", "running (lock: backup)"),
        ("unknown", nil, nil, "unknown", "unknown"),
        (nil, nil, nil, "unknown", "unknown"),
    ] as [(String?, String?, String?, String, String)])
    func vmStatus(status: String?, lock: String?, qmp: String?, common: String, raw: String) {
        let mapped = ProxmoxMapping.vmStatus(status: status, lock: lock, qmpStatus: qmp)
        #expect(mapped.common == common)
        #expect(mapped.raw == raw)
    }

    @Test("node statuses", arguments: [("online", "up"), ("offline", "non_responsive"), ("unknown", "non_responsive")])
    func hostStatus(status: String, common: String) {
        #expect(ProxmoxMapping.hostStatus(status).common == common)
        #expect(ProxmoxMapping.hostStatus(status).raw == status)
    }

    @Test("configuration values and drives: numbers as text, sizes, the boot disk")
    func config() throws {
        let config = try ProxmoxFixtures.data(ProxmoxVMConfig.self, ProxmoxFixtures.templateConfig)
        #expect(config["cores"]?.value == "2")
        #expect(config["memory"]?.value == "2048")
        let boot = try #require(ProxmoxDrive.bootDisk(of: config))
        #expect(boot.slot == "scsi0")
        #expect(boot.sizeBytes == 20 << 30)
        #expect(boot.storage == "local-lvm")
        #expect(ProxmoxDrive.drives(of: config).map(\.slot) == ["scsi0", "ide2"])
        #expect(!ProxmoxDrive.drives(of: config)[1].isDisk, "the cloud-init drive is a CD")
    }

    @Test("sizes as PVE::JSONSchema::parse_size reads them", arguments: [
        ("32G", Int64(32) << 30), ("512M", Int64(512) << 20), ("1T", Int64(1) << 40), ("4096", Int64(4096)),
        ("1.5G", Int64(3) << 29), ("10GiB", Int64(10) << 30),
    ])
    func sizes(text: String, bytes: Int64) {
        #expect(ProxmoxDrive.parseSize(text) == bytes)
    }

    @Test("the legacy bootdisk key, and the first disk when nothing says")
    func legacyBoot() {
        let legacy: ProxmoxVMConfig = ["bootdisk": .init("virtio0"), "virtio0": .init("ceph:vm-1-disk-1,size=8G"),
                                       "scsi0": .init("ceph:vm-1-disk-0,size=4G")]
        #expect(ProxmoxDrive.bootDisk(of: legacy)?.slot == "virtio0")
        let none: ProxmoxVMConfig = ["sata1": .init("local:vm-1-disk-0,size=4G"), "ide0": .init("none,media=cdrom")]
        #expect(ProxmoxDrive.bootDisk(of: none)?.slot == "sata1")
    }

    @Test("task status: running, and a failure with its exit status")
    func tasks() throws {
        let running = try ProxmoxFixtures.data(ProxmoxTaskStatus.self, ProxmoxFixtures.taskRunning)
        #expect(running.status == "running")
        let failed = try ProxmoxFixtures.data(ProxmoxTaskStatus.self, ProxmoxFixtures.taskFailed)
        #expect(failed.exitstatus?.hasPrefix("clone failed") == true)
        #expect(ProxmoxRun.node(ofTask: "UPID:pve2:000FF1FD:10F9374C:630D702C:qmstart:105:root@pam!ci:") == "pve2")
        #expect(ProxmoxRun.node(ofTask: "not-a-upid") == nil)
    }

    @Test("storages and bridges: content lists, VLAN awareness")
    func storagesAndBridges() throws {
        let storages = try ProxmoxFixtures.data([ProxmoxStorage].self, ProxmoxFixtures.storages)
        #expect(storages[1].contents == ["images", "rootdir"])
        #expect(storages[2].shared?.value == true)
        let interfaces = try ProxmoxFixtures.data([ProxmoxNetworkInterface].self, ProxmoxFixtures.network)
        #expect(interfaces.filter(\.isBridge).map(\.iface) == ["vmbr0", "vmbr1"])
        #expect(interfaces[1].isVLANAware)
        #expect(!interfaces[2].isVLANAware)
    }
}
