import Foundation
import HTTPTypes
import HummingbirdTesting
import ProxmoxSimulator
import Testing

@Suite("Proxmox clone tasks", .timeLimit(.minutes(1)))
struct ProxmoxCloneTests {
    @Test func fullCloneOntoAnotherNodeIsLockedUntilItsTaskEnds() async throws {
        // The clock stands still until the test moves it, so the checks made while the task runs see it running.
        try await withProxmox(configure: { $0.taskDelay = .seconds(5) }) { client, _ in
            let session = try await client.login()
            let answer = try await client.pve(
                .post, "/nodes/pve1/qemu/9000/clone", session: session,
                form: ["newid": "120", "name": "app-120", "target": "pve2", "full": "1", "storage": "ceph-pool", "description": "d"]
            )
            #expect(answer.status == .ok)
            let upid = try #require(answer.data as? String)
            #expect(upid.hasPrefix("UPID:pve1:"))
            #expect(upid.contains(":qmclone:9000:root@pam:"))

            let during = try await client.pve(.get, "/cluster/resources?type=vm", session: session).dataArray
            let locked = try #require(entry(in: during, "vmid", 120))
            #expect(locked["lock"] as? String == "clone")
            #expect(locked["node"] as? String == "pve1")
            let running = try await client.pve(.get, "/nodes/pve1/tasks/\(formEscape(upid))/status", session: session).dataObject
            #expect(running["status"] as? String == "running")
            #expect(running["exitstatus"] == nil)

            let status = try await client.waitForTask(upid, node: "pve1", session: session)
            #expect(status["exitstatus"] as? String == "OK")
            #expect(status["type"] as? String == "qmclone")
            #expect(status["id"] as? String == "9000")

            let after = try await client.pve(.get, "/cluster/resources?type=vm", session: session).dataArray
            let clone = try #require(entry(in: after, "vmid", 120))
            #expect(clone["lock"] == nil)
            #expect(clone["node"] as? String == "pve2")
            #expect(clone["template"] as? Int == 0)
            #expect(clone["status"] as? String == "stopped")

            let config = try await client.pve(.get, "/nodes/pve2/qemu/120/config", session: session).dataObject
            #expect(config["name"] as? String == "app-120")
            #expect(config["description"] as? String == "d")
            #expect(config["template"] == nil)
            #expect(config["scsi0"] as? String == "ceph-pool:vm-120-disk-0,iothread=1,size=20G")
            #expect(config["ide2"] as? String == "ceph-pool:vm-120-cloudinit,media=cdrom")
            let templateNet = try await client.pve(.get, "/nodes/pve1/qemu/9000/config", session: session).dataObject["net0"] as? String
            #expect(config["net0"] as? String != templateNet)

            let log = try await client.pve(.get, "/nodes/pve1/tasks/\(formEscape(upid))/log", session: session)
            let lines = log.dataArray.compactMap { $0["t"] as? String }
            #expect(lines.contains("create full clone of drive scsi0 (ceph-pool:base-9000-disk-0)"))
            #expect(lines.last == "TASK OK")
            #expect(log.object["total"] as? Int == lines.count)
        }
    }

    @Test func cloneRefusalsAreTheRealOnes() async throws {
        try await withProxmox { client, _ in
            let session = try await client.login()
            let cases: [([String: String], String, Int)] = [
                (["newid": "100"], "unable to create VM 100: config file already exists", 500),
                (["newid": "130", "target": "pve2", "storage": "local-lvm"], "can't clone to non-shared storage 'local-lvm'", 500),
                (["newid": "130", "storage": "nope"], "storage 'nope' does not exist", 500),
                (["newid": "130", "target": "pve9"], "no such cluster node 'pve9'", 500),
                (["newid": "130", "pool": "nope"], "Permission check failed (pool 'nope' does not exist)", 403),
            ]
            for (form, reason, code) in cases {
                let answer = try await client.pve(.post, "/nodes/pve1/qemu/9001/clone", session: session, form: form)
                #expect(answer.status.code == code, "\(form)")
                #expect(answer.status.reasonPhrase == reason, "\(form)")
            }
            let crossNode = try await client.pve(.post, "/nodes/pve1/qemu/9001/clone", session: session, form: ["newid": "130", "target": "pve2"])
            #expect(crossNode.status.reasonPhrase == "can't clone VM to node 'pve2' (VM uses local storage)")
            let linked = try await client.pve(.post, "/nodes/pve1/qemu/100/clone", session: session, form: ["newid": "130", "full": "0"])
            #expect(linked.status.reasonPhrase == "Linked clone feature is not supported for 'local-lvm:vm-100-disk-0' (scsi0)")
            let images = try await client.pve(.post, "/nodes/pve1/qemu/9001/clone", session: session, form: ["newid": "130", "storage": "local"])
            #expect(images.status.code == 400)
            #expect(images.errors["storage"] == "storage 'local' does not support vm images")
        }
    }

    @Test func linkedCloneOfATemplateAndAFailedClone() async throws {
        try await withProxmox(configure: { $0.pools = ["prod"] }) { client, admin in
            let session = try await client.login()
            let linked = try #require(
                try await client.pve(
                    .post, "/nodes/pve1/qemu/9001/clone", session: session, form: ["newid": "140", "name": "linked", "pool": "prod"]
                ).data as? String
            )
            #expect(try await client.waitForTask(linked, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            let config = try await client.pve(.get, "/nodes/pve1/qemu/140/config", session: session).dataObject
            #expect(config["scsi0"] as? String == "local-lvm:vm-140-disk-0,iothread=1,size=10G")
            let resources = try await client.pve(.get, "/cluster/resources", session: session).dataArray
            #expect(entry(in: resources, "vmid", 140)?["pool"] as? String == "prod")
            #expect(entry(in: resources, "id", "/pool/prod")?["type"] as? String == "pool")

            admin.failNextTask(type: "qmclone", exitStatus: "clone failed: no space left on device")
            let failing = try #require(
                try await client.pve(.post, "/nodes/pve1/qemu/9001/clone", session: session, form: ["newid": "141"]).data as? String
            )
            let status = try await client.waitForTask(failing, node: "pve1", session: session)
            #expect(status["exitstatus"] as? String == "clone failed: no space left on device")
            #expect(admin.vm(141) == nil)
            let errors = try await client.pve(.get, "/nodes/pve1/tasks?errors=1", session: session).dataArray
            #expect(errors.first?["upid"] as? String == failing)
        }
    }
}
