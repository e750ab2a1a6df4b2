import Foundation
import HTTPTypes
import HummingbirdTesting
import ProxmoxSimulator
import Testing

@Suite("Proxmox config, resize, power and destroy", .timeLimit(.minutes(1)))
struct ProxmoxConfigTests {
    /// Clones template 9000 to `newid` on pve1 and waits for the task.
    private func cloneTemplate(_ client: any TestClientProtocol, session: PVESession, newid: Int) async throws {
        let upid = try #require(
            try await client.pve(
                .post, "/nodes/pve1/qemu/9000/clone", session: session, form: ["newid": String(newid), "name": "vm-\(newid)", "full": "1"]
            ).data as? String
        )
        #expect(try await client.waitForTask(upid, node: "pve1", session: session)["exitstatus"] as? String == "OK")
    }

    @Test func asyncConfigAddsMACAllocatesDisksAndResizes() async throws {
        try await withProxmox { client, _ in
            let session = try await client.login()
            try await cloneTemplate(client, session: session, newid: 150)
            let upid = try #require(
                try await client.pve(
                    .post, "/nodes/pve1/qemu/150/config", session: session,
                    form: [
                        "cores": "4", "memory": "4096", "net0": "virtio,bridge=vmbr0,tag=2921",
                        "ipconfig0": "ip=10.29.21.50/24,gw=10.29.21.1", "nameserver": "10.0.0.53", "searchdomain": "example.lab",
                        "scsi1": "local-lvm:10,discard=on", "tags": "Web;prod,web",
                    ]
                ).data as? String
            )
            #expect(upid.contains(":qmconfig:150:"))
            #expect(try await client.waitForTask(upid, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            let config = try await client.pve(.get, "/nodes/pve1/qemu/150/config", session: session).dataObject
            #expect(config["cores"] as? Int == 4)
            #expect(config["memory"] as? String == "4096")
            let net0 = try #require(config["net0"] as? String)
            #expect(net0.hasPrefix("virtio=BC:24:11:"))
            #expect(net0.hasSuffix(",bridge=vmbr0,tag=2921"))
            #expect(config["ipconfig0"] as? String == "ip=10.29.21.50/24,gw=10.29.21.1")
            #expect(config["scsi1"] as? String == "local-lvm:vm-150-disk-0,discard=on,size=10G")
            #expect(config["tags"] as? String == "prod;web")

            let resize = try await client.pve(.put, "/nodes/pve1/qemu/150/resize", session: session, form: ["disk": "scsi0", "size": "+10G"])
            let resizeTask = try #require(resize.data as? String)
            #expect(try await client.waitForTask(resizeTask, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            let resized = try await client.pve(.get, "/nodes/pve1/qemu/150/config", session: session).dataObject
            #expect(resized["scsi0"] as? String == "ceph-pool:vm-150-disk-0,iothread=1,size=30G")
            let shrink = try #require(
                try await client.pve(.put, "/nodes/pve1/qemu/150/resize", session: session, form: ["disk": "scsi0", "size": "10G"]).data as? String
            )
            #expect(try await client.waitForTask(shrink, node: "pve1", session: session)["exitstatus"] as? String == "shrinking disks is not supported")
        }
    }

    @Test func syncPutAnswersNullAndDeleteDetachesDisks() async throws {
        try await withProxmox { client, _ in
            let session = try await client.login()
            try await cloneTemplate(client, session: session, newid: 151)
            let put = try await client.pve(.put, "/nodes/pve1/qemu/151/config", session: session, form: ["scsi1": "ceph-pool:5", "description": "two disks"])
            #expect(put.status == .ok)
            #expect(put.data is NSNull)
            let removed = try await client.pve(.put, "/nodes/pve1/qemu/151/config", session: session, form: ["delete": "scsi1,description"])
            #expect(removed.status == .ok)
            let config = try await client.pve(.get, "/nodes/pve1/qemu/151/config", session: session).dataObject
            #expect(config["scsi1"] == nil)
            #expect(config["description"] == nil)
            #expect(config["unused0"] as? String == "ceph-pool:vm-151-disk-1")
            let nothing = try await client.pve(.put, "/nodes/pve1/qemu/151/config", session: session, form: [:])
            #expect(nothing.status.code == 500)
            #expect(nothing.status.reasonPhrase == "no options specified")
            let digest = try await client.pve(.put, "/nodes/pve1/qemu/151/config", session: session, form: ["cores": "2", "digest": "0000"])
            #expect(digest.status.reasonPhrase == "checksum mismatch (file change by other user?)")
        }
    }

    @Test func startMakesTheAgentReportTheStaticAddressThenDestroy() async throws {
        try await withProxmox { client, _ in
            let session = try await client.login()
            try await cloneTemplate(client, session: session, newid: 152)
            _ = try await client.pve(.put, "/nodes/pve1/qemu/152/config", session: session, form: ["ipconfig0": "ip=10.9.8.7/24,gw=10.9.8.1"])
            let notRunning = try await client.pve(.get, "/nodes/pve1/qemu/152/agent/network-get-interfaces", session: session)
            #expect(notRunning.status.reasonPhrase == "VM 152 is not running")
            let start = try #require(try await client.pve(.post, "/nodes/pve1/qemu/152/status/start", session: session).data as? String)
            #expect(try await client.waitForTask(start, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            let current = try await client.pve(.get, "/nodes/pve1/qemu/152/status/current", session: session).dataObject
            #expect(current["status"] as? String == "running")
            let agent = try await client.waitUntil("/nodes/pve1/qemu/152/agent/network-get-interfaces", session: session) { $0.status == .ok }
            let interfaces = agent.dataObject["result"] as? [[String: Any]] ?? []
            let addresses = interfaces.flatMap { $0["ip-addresses"] as? [[String: Any]] ?? [] }.compactMap { $0["ip-address"] as? String }
            #expect(addresses.contains("10.9.8.7"))

            let again = try #require(try await client.pve(.post, "/nodes/pve1/qemu/152/status/start", session: session).data as? String)
            #expect(try await client.waitForTask(again, node: "pve1", session: session)["exitstatus"] as? String == "VM 152 already running")
            let refused = try await client.pve(.delete, "/nodes/pve1/qemu/152", session: session)
            #expect(refused.status.code == 500)
            #expect(refused.status.reasonPhrase == "VM 152 is running - destroy failed")
            let stop = try #require(try await client.pve(.post, "/nodes/pve1/qemu/152/status/stop", session: session).data as? String)
            #expect(try await client.waitForTask(stop, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            let destroy = try #require(try await client.pve(.delete, "/nodes/pve1/qemu/152", session: session).data as? String)
            #expect(destroy.contains(":qmdestroy:152:"))
            #expect(try await client.waitForTask(destroy, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            let gone = try await client.pve(.get, "/nodes/pve1/qemu/152/config", session: session)
            #expect(gone.status.code == 500)
        }
    }

    @Test func templatesDoNotStart() async throws {
        try await withProxmox { client, _ in
            let upid = try #require(try await client.pve(.post, "/nodes/pve1/qemu/9000/status/start", session: .token).data as? String)
            let status = try await client.waitForTask(upid, node: "pve1", session: .token)
            #expect(status["exitstatus"] as? String == "you can't start a vm if it's a template")
        }
    }
}
