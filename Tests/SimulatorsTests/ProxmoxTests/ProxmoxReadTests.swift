import Foundation
import HTTPTypes
import HummingbirdTesting
import ProxmoxSimulator
import Testing

@Suite("Proxmox read endpoints", .timeLimit(.minutes(1)))
struct ProxmoxReadTests {
    @Test func clusterStatusListsClusterAndNodes() async throws {
        try await withProxmox { client, _ in
            let entries = try await client.pve(.get, "/cluster/status", session: .token).dataArray
            let cluster = try #require(entry(in: entries, "type", "cluster"))
            #expect(cluster["name"] as? String == "pve-test")
            #expect(cluster["quorate"] as? Int == 1)
            #expect(cluster["nodes"] as? Int == 3)
            let nodeEntries = ProxmoxSimulatorTests.entries(in: entries, "type", "node")
            #expect(strings(nodeEntries, "name") == ["pve1", "pve2", "pve3"])
            #expect(nodeEntries.first?["local"] as? Int == 1)
            #expect(numbers(nodeEntries, "online") == [1, 1, 1])
            #expect(numbers(nodeEntries, "nodeid") == [1, 2, 3])
            #expect(strings(nodeEntries, "ip").count == 3)
        }
    }

    @Test func resourcesByType() async throws {
        try await withProxmox { client, _ in
            let vms = try await client.pve(.get, "/cluster/resources?type=vm", session: .token).dataArray
            #expect(vms.count == 6 + 2)
            let template = try #require(entry(in: vms, "vmid", 9000))
            #expect(template["id"] as? String == "qemu/9000")
            #expect(template["type"] as? String == "qemu")
            #expect(template["template"] as? Int == 1)
            #expect(template["name"] as? String == "redos8-template")
            #expect(template["status"] as? String == "stopped")
            let running = try #require(entry(in: vms, "vmid", 100))
            #expect(running["status"] as? String == "running")
            #expect((running["uptime"] as? Int ?? 0) > 0)
            #expect(running["maxmem"] as? Int == 2048 << 20)
            #expect(running["maxdisk"] as? Int == 32 << 30)
            #expect(running["tags"] as? String == "prod")
            let nodes = try await client.pve(.get, "/cluster/resources?type=node", session: .token).dataArray
            #expect(strings(nodes, "status") == ["online", "online", "online"])
            let storages = try await client.pve(.get, "/cluster/resources?type=storage", session: .token).dataArray
            #expect(Set(strings(storages, "storage")) == ["local", "local-lvm", "ceph-pool"])
            let all = try await client.pve(.get, "/cluster/resources", session: .token).dataArray
            #expect(strings(all, "type").count == vms.count + nodes.count + storages.count + 3)
            let bad = try await client.pve(.get, "/cluster/resources?type=disk", session: .token)
            #expect(bad.status.code == 400)
            #expect(bad.errors["type"] == "value 'disk' does not have a value in the enumeration 'vm, storage, node, sdn'")
        }
    }

    @Test func qemuListConfigAndStatus() async throws {
        try await withProxmox { client, _ in
            let list = try await client.pve(.get, "/nodes/pve1/qemu", session: .token).dataArray
            #expect(Set(numbers(list, "vmid")).isSuperset(of: [100, 103, 9000, 9001]))
            let config = try await client.pve(.get, "/nodes/pve1/qemu/9000/config", session: .token).dataObject
            #expect(config["name"] as? String == "redos8-template")
            #expect(config["cores"] as? Int == 2)
            #expect(config["memory"] as? String == "2048")
            #expect(config["template"] as? Int == 1)
            #expect(config["scsi0"] as? String == "ceph-pool:base-9000-disk-0,iothread=1,size=20G")
            #expect(config["ide2"] as? String == "ceph-pool:vm-9000-cloudinit,media=cdrom")
            #expect((config["digest"] as? String)?.count == 40)
            #expect(config["agent"] as? String == "1")
            let wrongNode = try await client.pve(.get, "/nodes/pve2/qemu/9000/config", session: .token)
            #expect(wrongNode.status.code == 500)
            #expect(wrongNode.status.reasonPhrase == "Configuration file 'nodes/pve2/qemu-server/9000.conf' does not exist")
            let current = try await client.pve(.get, "/nodes/pve1/qemu/100/status/current", session: .token).dataObject
            #expect(current["status"] as? String == "running")
            #expect(current["qmpstatus"] as? String == "running")
            #expect(current["agent"] as? Int == 1)
        }
    }

    @Test func guestAgentReportsStaticAddressOrTheRealError() async throws {
        try await withProxmox { client, _ in
            let answer = try await client.pve(.get, "/nodes/pve1/qemu/100/agent/network-get-interfaces", session: .token)
            let result = try #require(answer.dataObject["result"] as? [[String: Any]])
            let ens18 = try #require(entry(in: result, "name", "ens18"))
            let addresses = ens18["ip-addresses"] as? [[String: Any]] ?? []
            #expect(addresses.first?["ip-address"] as? String == "10.29.21.10")
            #expect(addresses.first?["prefix"] as? Int == 24)
            #expect(addresses.first?["ip-address-type"] as? String == "ipv4")
            let stopped = try await client.pve(.get, "/nodes/pve2/qemu/104/agent/network-get-interfaces", session: .token)
            #expect(stopped.status.code == 500)
            #expect(stopped.status.reasonPhrase == "VM 104 is not running")
            #expect(stopped.object["message"] as? String == "VM 104 is not running\n")
        }
    }

    @Test func storageNetworkAndNextID() async throws {
        try await withProxmox { client, _ in
            let storage = try await client.pve(.get, "/nodes/pve1/storage", session: .token).dataArray
            let lvm = try #require(entry(in: storage, "storage", "local-lvm"))
            #expect(lvm["type"] as? String == "lvmthin")
            #expect(lvm["content"] as? String == "images,rootdir")
            #expect(lvm["active"] as? Int == 1)
            #expect(lvm["shared"] as? Int == 0)
            let images = try await client.pve(.get, "/nodes/pve1/storage?content=images", session: .token).dataArray
            #expect(entry(in: images, "storage", "local") == nil)
            let bridges = try await client.pve(.get, "/nodes/pve1/network?type=bridge", session: .token).dataArray
            #expect(strings(bridges, "iface") == ["vmbr0", "vmbr1"])
            #expect(bridges.first?["bridge_vlan_aware"] as? Int == 1)
            #expect(bridges.last?["bridge_vlan_aware"] == nil)
            #expect(try await client.pve(.get, "/cluster/nextid", session: .token).data as? String == "106")
            #expect(try await client.pve(.get, "/cluster/nextid?vmid=555", session: .token).data as? String == "555")
            let taken = try await client.pve(.get, "/cluster/nextid?vmid=100", session: .token)
            #expect(taken.status.code == 400)
            #expect(taken.errors["vmid"] == "VM 100 already exists")
        }
    }

    @Test func unknownMethodIs501() async throws {
        try await withProxmox { client, _ in
            let answer = try await client.pve(.get, "/nodes/pve1/lxc", session: .token)
            #expect(answer.status.code == 501)
            #expect(answer.status.reasonPhrase == "Method 'GET /nodes/pve1/lxc' not implemented")
        }
    }
}
