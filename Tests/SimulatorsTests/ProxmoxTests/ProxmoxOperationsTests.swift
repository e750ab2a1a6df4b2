import Foundation
import HTTPTypes
import HummingbirdTesting
import ProxmoxSimulator
import Testing

/// Operating VMs as `qemu-server` does: pause and resume, hibernation and
/// the start that resumes it, and destroy with its refusals and clean-up.
@Suite("Proxmox VM operations", .timeLimit(.minutes(1)))
struct ProxmoxOperationsTests {
    private func post(
        _ client: some TestClientProtocol, _ path: String, _ session: PVESession, form: [String: String] = [:]
    ) async throws -> String {
        let answer = try await client.pve(.post, path, session: session, form: form)
        #expect(answer.status == .ok, "\(path): \(answer.body)")
        return try #require(answer.data as? String, "\(path): \(answer.body)")
    }

    private func current(_ client: some TestClientProtocol, _ vmid: Int, _ session: PVESession) async throws -> [String: Any] {
        try await client.pve(.get, "/nodes/pve1/qemu/\(vmid)/status/current", session: session).dataObject
    }

    private func taskLog(_ client: some TestClientProtocol, _ upid: String, _ session: PVESession) async throws -> [String] {
        try await client.pve(.get, "/nodes/pve1/tasks/\(formEscape(upid))/log", session: session).dataArray.compactMap { $0["t"] as? String }
    }

    private func volids(_ client: some TestClientProtocol, _ storage: String, _ session: PVESession, vmid: Int) async throws -> [String] {
        let path = "/nodes/pve1/storage/\(storage)/content?content=images&vmid=\(vmid)"
        return strings(try await client.pve(.get, path, session: session).dataArray, "volid")
    }

    @Test func pauseKeepsTheVMRunningWithQMPStatusPausedUntilResumed() async throws {
        try await withProxmox { client, admin in
            try admin.setVMStatus(100, to: "running")
            let session = try await client.login()
            let upid = try await post(client, "/nodes/pve1/qemu/100/status/suspend", session)
            #expect(upid.contains(":qmpause:100:root@pam:"))
            #expect(try await current(client, 100, session)["qmpstatus"] as? String == "running")
            #expect(try await client.waitForTask(upid, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            let paused = try await current(client, 100, session)
            #expect(paused["status"] as? String == "running")
            #expect(paused["qmpstatus"] as? String == "paused")
            let resources = try await client.pve(.get, "/cluster/resources?type=vm", session: session).dataArray
            #expect(entry(in: resources, "vmid", 100)?["status"] as? String == "paused")

            let shutdown = try await client.pve(.post, "/nodes/pve1/qemu/100/status/shutdown", session: session)
            #expect(shutdown.status.code == 500)
            #expect(shutdown.status.reasonPhrase == "VM is paused - cannot shutdown")

            let resume = try await post(client, "/nodes/pve1/qemu/100/status/resume", session)
            #expect(resume.contains(":qmresume:100:"))
            #expect(try await client.waitForTask(resume, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            #expect(try await current(client, 100, session)["qmpstatus"] as? String == "running")
            // Resuming a running VM is a task that changes nothing.
            let again = try await post(client, "/nodes/pve1/qemu/100/status/resume", session)
            #expect(try await client.waitForTask(again, node: "pve1", session: session)["exitstatus"] as? String == "OK")
        }
    }

    @Test func hibernationSavesTheStateLocksSuspendedAndStartResumesIt() async throws {
        try await withProxmox(configure: { $0.taskDelay = .seconds(2) }) { client, admin in
            try admin.setVMStatus(100, to: "running")
            let session = try await client.login()
            let upid = try await post(client, "/nodes/pve1/qemu/100/status/suspend", session, form: ["todisk": "1"])
            #expect(upid.contains(":qmsuspend:100:"))
            let saving = try await current(client, 100, session)
            #expect(saving["lock"] as? String == "suspending")
            #expect(saving["status"] as? String == "running")
            #expect(try await client.waitForTask(upid, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            #expect(try await taskLog(client, upid, session).suffix(2) == ["State saved, quitting", "TASK OK"])

            let hibernated = try await current(client, 100, session)
            #expect(hibernated["status"] as? String == "stopped")
            #expect(hibernated["qmpstatus"] as? String == "stopped")
            #expect(hibernated["lock"] as? String == "suspended")
            let config = try await client.pve(.get, "/nodes/pve1/qemu/100/config", session: session).dataObject
            let state = "local-lvm:vm-100-state-suspend-2023-11-14"
            #expect(config["vmstate"] as? String == state)
            #expect(config["lock"] as? String == "suspended")
            #expect(config["runningmachine"] as? String == "pc-i440fx-9.0+pve0")
            let content = try await client.pve(.get, "/nodes/pve1/storage/local-lvm/content?vmid=100", session: session).dataArray
            #expect(entry(in: content, "volid", state)?["size"] as? Int == (2048 * 2 + 500) << 20)

            let change = try await client.pve(.put, "/nodes/pve1/qemu/100/config", session: session, form: ["cores": "2"])
            #expect(change.status.reasonPhrase == "VM is locked (suspended)")

            let start = try await post(client, "/nodes/pve1/qemu/100/status/start", session)
            #expect(try await client.waitForTask(start, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            let log = try await taskLog(client, start, session)
            #expect(log.contains("Resuming suspended VM"))
            #expect(log.contains("Resumed VM, removing state"))
            let resumed = try await client.pve(.get, "/nodes/pve1/qemu/100/config", session: session).dataObject
            #expect(resumed["lock"] == nil)
            #expect(resumed["vmstate"] == nil)
            #expect(try await current(client, 100, session)["qmpstatus"] as? String == "running")
            #expect(!(try await volids(client, "local-lvm", session, vmid: 100)).contains(state))
        }
    }

    @Test func resumeOfAHibernatedVMStartsIt() async throws {
        try await withProxmox { client, admin in
            try admin.setVMStatus(100, to: "running")
            let session = try await client.login()
            let suspend = try await post(client, "/nodes/pve1/qemu/100/status/suspend", session, form: ["todisk": "1"])
            _ = try await client.waitForTask(suspend, node: "pve1", session: session)
            let resume = try await post(client, "/nodes/pve1/qemu/100/status/resume", session)
            #expect(resume.contains(":qmresume:100:"))
            #expect(try await client.waitForTask(resume, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            #expect(try await current(client, 100, session)["status"] as? String == "running")
            #expect(admin.vm(100)?.lock == nil)
        }
    }

    @Test func suspendAndResumeRefusalsAreTheRealOnes() async throws {
        try await withProxmox { client, admin in
            try admin.setVMStatus(100, to: "stopped")
            let session = try await client.login()
            for action in ["suspend", "resume"] {
                let answer = try await client.pve(.post, "/nodes/pve1/qemu/100/status/\(action)", session: session)
                #expect(answer.status.code == 500)
                #expect(answer.status.reasonPhrase == "VM 100 not running")
            }
            let elsewhere = try await client.pve(.post, "/nodes/pve2/qemu/100/status/suspend", session: session)
            #expect(elsewhere.status.reasonPhrase == "unable to find configuration file for VM 100 on node 'pve2'")
            let storageOnly = try await client.pve(
                .post, "/nodes/pve1/qemu/100/status/suspend", session: session, form: ["statestorage": "local-lvm"]
            )
            #expect(storageOnly.status.code == 400)
            #expect(storageOnly.errors["todisk"] == "missing property - 'statestorage' requires this property")

            try admin.setVMStatus(100, to: "running")
            try admin.setLock(100, to: "migrate")
            let locked = try await post(client, "/nodes/pve1/qemu/100/status/suspend", session)
            #expect(try await client.waitForTask(locked, node: "pve1", session: session)["exitstatus"] as? String == "VM is locked (migrate)")
            try admin.setLock(100, to: "backup")
            let backup = try await post(client, "/nodes/pve1/qemu/100/status/suspend", session, form: ["todisk": "1"])
            #expect(
                try await client.waitForTask(backup, node: "pve1", session: session)["exitstatus"] as? String
                    == "cannot suspend to disk during backup"
            )
            let token = try await client.pve(.post, "/nodes/pve1/qemu/100/status/suspend", session: .token, form: ["skiplock": "1"])
            #expect(token.errors["skiplock"] == "Only root may use this option.")
        }
    }

    @Test func aFailedHibernationFreesTheStateAndKeepsTheSuspendingLock() async throws {
        try await withProxmox { client, admin in
            try admin.setVMStatus(100, to: "running")
            admin.failNextTask(type: "qmsuspend", exitStatus: "query-savevm failed with error 'No space left on device'")
            let session = try await client.login()
            let upid = try await post(client, "/nodes/pve1/qemu/100/status/suspend", session, form: ["todisk": "1"])
            let status = try await client.waitForTask(upid, node: "pve1", session: session)
            #expect(status["exitstatus"] as? String == "query-savevm failed with error 'No space left on device'")
            let vm = try #require(admin.vm(100))
            #expect(vm.lock == "suspending")
            #expect(vm.config["vmstate"] == nil)
            #expect(try await volids(client, "local-lvm", session, vmid: 100).allSatisfy { !$0.contains("state") })
        }
    }

    @Test func protectionIsSetThroughTheConfigurationAndRefusesDestroy() async throws {
        try await withProxmox { client, admin in
            try admin.setVMStatus(103, to: "stopped")
            let session = try await client.login()
            #expect(try await client.pve(.put, "/nodes/pve1/qemu/103/config", session: session, form: ["protection": "1"]).status == .ok)
            #expect(try await client.pve(.get, "/nodes/pve1/qemu/103/config", session: session).dataObject["protection"] as? Int == 1)
            let refused = try await client.pve(.delete, "/nodes/pve1/qemu/103", session: session, form: ["purge": "1"])
            #expect(refused.status.code == 500)
            #expect(refused.status.reasonPhrase == "can't remove VM 103 - protection mode enabled")
            #expect(refused.object["message"] as? String == "can't remove VM 103 - protection mode enabled\n")

            let unprotect = try await post(client, "/nodes/pve1/qemu/103/config", session, form: ["delete": "protection"])
            _ = try await client.waitForTask(unprotect, node: "pve1", session: session)
            try admin.setProtection(103, true)
            #expect(admin.vm(103)?.config["protection"] == "1")
            try admin.setProtection(103, false)
            let destroy = try await client.pve(.delete, "/nodes/pve1/qemu/103", session: session)
            #expect(destroy.status == .ok)
        }
    }

    @Test func destroyRemovesTheVMAndItsDisksFromListingsAndUnreferencedOnesWhenAsked() async throws {
        try await withProxmox { client, admin in
            try admin.setVMStatus(100, to: "stopped")
            try admin.setVMStatus(103, to: "stopped")
            let leftover = try admin.addVolume(storage: "local-lvm", node: "pve1", name: "vm-100-disk-7", bytes: 1 << 30)
            let kept = try admin.addVolume(storage: "local-lvm", node: "pve1", name: "vm-103-disk-7", bytes: 1 << 30)
            let session = try await client.login()
            let before = try await volids(client, "local-lvm", session, vmid: 100)
            #expect(before.contains("local-lvm:vm-100-disk-0") && before.contains(leftover))

            let upid = try await client.pve(
                .delete, "/nodes/pve1/qemu/100", session: session, form: ["purge": "1", "destroy-unreferenced-disks": "1"]
            ).data as? String
            let destroy = try #require(upid)
            #expect(destroy.contains(":qmdestroy:100:root@pam:"))
            #expect(admin.vm(100)?.lock == "destroyed")
            #expect(try await client.waitForTask(destroy, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            let log = try await taskLog(client, destroy, session)
            #expect(log.contains("  Logical volume \"vm-100-disk-0\" successfully removed."))
            #expect(log.contains("purging VM 100 from related configurations.."))
            #expect(try await volids(client, "local-lvm", session, vmid: 100) == [])
            let resources = try await client.pve(.get, "/cluster/resources?type=vm", session: session).dataArray
            #expect(entry(in: resources, "vmid", 100) == nil)

            let plain = try #require(try await client.pve(.delete, "/nodes/pve1/qemu/103", session: session).data as? String)
            _ = try await client.waitForTask(plain, node: "pve1", session: session)
            #expect(try await volids(client, "local-lvm", session, vmid: 103) == [kept])
        }
    }

    @Test func destroyOfALockedVMFailsInItsTaskUnlessSkiplockAndAHibernatedOneIsRemovedWithItsState() async throws {
        try await withProxmox { client, admin in
            try admin.setVMStatus(100, to: "stopped")
            try admin.setLock(100, to: "backup")
            let session = try await client.login()
            let locked = try #require(try await client.pve(.delete, "/nodes/pve1/qemu/100", session: session).data as? String)
            #expect(try await client.waitForTask(locked, node: "pve1", session: session)["exitstatus"] as? String == "VM is locked (backup)")
            #expect(admin.vm(100)?.lock == "backup")
            let token = try await client.pve(.delete, "/nodes/pve1/qemu/100", session: .token, form: ["skiplock": "1"])
            #expect(token.status.code == 400)
            let skip = try #require(
                try await client.pve(.delete, "/nodes/pve1/qemu/100", session: session, form: ["skiplock": "1"]).data as? String
            )
            #expect(try await client.waitForTask(skip, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            #expect(admin.vm(100) == nil)

            try admin.setVMStatus(103, to: "running")
            let suspend = try await post(client, "/nodes/pve1/qemu/103/status/suspend", session, form: ["todisk": "1"])
            _ = try await client.waitForTask(suspend, node: "pve1", session: session)
            #expect(admin.vm(103)?.lock == "suspended")
            let destroy = try #require(try await client.pve(.delete, "/nodes/pve1/qemu/103", session: session).data as? String)
            #expect(try await client.waitForTask(destroy, node: "pve1", session: session)["exitstatus"] as? String == "OK")
            #expect(try await volids(client, "local-lvm", session, vmid: 103) == [])
        }
    }

    @Test func aTemplateWhoseBaseVolumeALinkedCloneUsesIsNotDestroyed() async throws {
        try await withProxmox { client, _ in
            let session = try await client.login()
            let clone = try await post(client, "/nodes/pve1/qemu/9000/clone", session, form: ["newid": "150", "name": "linked-150"])
            _ = try await client.waitForTask(clone, node: "pve1", session: session)
            let content = try await client.pve(.get, "/nodes/pve1/storage/ceph-pool/content?vmid=150", session: session).dataArray
            let linked = try #require(entry(in: content, "volid", "ceph-pool:base-9000-disk-0/vm-150-disk-0"))
            #expect(linked["parent"] as? String == "base-9000-disk-0@__base__")

            let destroy = try #require(try await client.pve(.delete, "/nodes/pve1/qemu/9000", session: session).data as? String)
            let status = try await client.waitForTask(destroy, node: "pve1", session: session)
            #expect(status["exitstatus"] as? String == "base volume 'ceph-pool:base-9000-disk-0' is still in use by linked cloned")
            let template = try await client.pve(.get, "/nodes/pve1/qemu/9000/config", session: session).dataObject
            #expect(template["lock"] == nil)
            #expect(template["template"] as? Int == 1)
        }
    }

    @Test func storageContentListsVolumesAndRefusesUnknownStoragesAndTypes() async throws {
        try await withProxmox { client, _ in
            let session = try await client.login()
            let isos = try await client.pve(.get, "/nodes/pve1/storage/local/content", session: session).dataArray
            #expect(strings(isos, "content") == ["iso", "iso"])
            #expect(try await client.pve(.get, "/nodes/pve1/storage/local/content?content=images", session: session).dataArray.isEmpty)
            let unknown = try await client.pve(.get, "/nodes/pve1/storage/nope/content", session: session)
            #expect(unknown.status.code == 500)
            #expect(unknown.status.reasonPhrase == "storage 'nope' does not exist")
            let badType = try await client.pve(.get, "/nodes/pve1/storage/local/content?content=disks", session: session)
            #expect(badType.status.code == 400)
            #expect(badType.errors["content"] == "invalid format - invalid content type 'disks'\n")
        }
    }
}
