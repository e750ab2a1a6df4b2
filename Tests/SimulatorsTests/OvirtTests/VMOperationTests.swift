import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OvirtSimulator
import SimulatorSupport
import Testing

/// One asynchronous step of the engine these tests run on.
private let step = Duration.milliseconds(300)

extension TestClientProtocol {
    /// `POST /vms/{id}/{verb}` with `body` (XML) and a `Correlation-Id`.
    fileprivate func act(
        _ verb: String,
        _ id: String,
        token: String,
        body: String = "<action/>",
        correlation: String? = nil,
        acceptJSON: Bool = false
    ) async throws -> TestResponse {
        var extra: HTTPFields = [:]
        if let correlation { extra[HTTPField.Name("Correlation-Id")!] = correlation }
        return try await send(.post, "/ovirt-engine/api/vms/\(id)/\(verb)", token: token, xml: body, acceptJSON: acceptJSON, extra: extra)
    }

    fileprivate func vmStatus(_ id: String, token: String) async throws -> String? {
        try await getJSON("/ovirt-engine/api/vms/\(id)", token: token)["status"] as? String
    }

    fileprivate func jobStatus(correlation: String, token: String) async throws -> [String] {
        let jobs = try await getJSON("/ovirt-engine/api/jobs?search=correlation_id%3D\(correlation)", token: token)
        return (jobs["job"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
    }

    fileprivate func newEvents(after cursor: Int, token: String) async throws -> [EventView] {
        try await events(from: cursor, token: token).sorted { $0.index < $1.index }
    }
}

@Suite("VM operations move through the engine's statuses and write its events", .timeLimit(.minutes(1)))
struct VMOperationTests {
    @Test func startGoesThroughWaitForLaunchAndPoweringUpAndEndsItsJobWhenUp() async throws {
        try await withAdminEngine(asyncDelay: step) { admin, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "op-start")
            let cursor = admin.cursor
            let reply = try await client.act("start", vm.id, token: token, correlation: "op-start-1")
            #expect(reply.status == .ok)
            #expect(reply.text.contains("<status>complete</status>"))
            #expect(reply.text.contains("<vm href=\"/ovirt-engine/api/vms/\(vm.id)\" id=\"\(vm.id)\">"), "the reply names the VM")
            #expect(reply.text.contains("<job href="))
            #expect(try await client.vmStatus(vm.id, token: token) == "wait_for_launch")
            #expect(try await client.jobStatus(correlation: "op-start-1", token: token) == ["started"])
            admin.clock.advance(by: step)
            #expect(try await client.vmStatus(vm.id, token: token) == "powering_up")
            admin.clock.advance(by: step)
            #expect(try await client.vmStatus(vm.id, token: token) == "up")
            #expect(try await client.jobStatus(correlation: "op-start-1", token: token) == ["finished"])

            let events = try await client.newEvents(after: cursor, token: token)
            #expect(events.map(\.code) == [153, 32])
            #expect(events.allSatisfy { $0.correlationID == "op-start-1" && $0.vm == vm.id && $0.host != nil })
            #expect(events[0].description.hasPrefix("VM op-start was started by admin@internal-authz (Host: "))
            #expect(events[1].description.hasPrefix("VM op-start started on Host "))
        }
    }

    @Test func stopPowersOffAtOnceAndStoppingADownVMIsSkipped() async throws {
        try await withAdminEngine(asyncDelay: step) { admin, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "op-stop", status: "up")
            var cursor = admin.cursor
            let reply = try await client.act(
                "stop", vm.id, token: token, body: "<action><reason>maintenance</reason></action>", correlation: "op-stop-1"
            )
            #expect(reply.status == .ok)
            #expect(try await client.vmStatus(vm.id, token: token) == "down")
            #expect(try await client.jobStatus(correlation: "op-stop-1", token: token) == ["finished"])
            let events = try await client.newEvents(after: cursor, token: token)
            #expect(events.map(\.code) == [33, 61])
            #expect(events[0].description.hasSuffix("(Reason: maintenance)."))
            #expect(events[0].correlationID == "op-stop-1" && events[0].hasUser)
            #expect(events[1].description == "VM op-stop is down.  ", "blank exit message inside the power-off window")
            #expect(events[1].correlationID == nil && !events[1].hasUser, "the monitoring's event has no correlation id or user")
            #expect(events.allSatisfy { $0.host != nil }, "both name the host it ran on")

            cursor = admin.cursor
            let again = try await client.act("stop", vm.id, token: token, correlation: "op-stop-2")
            #expect(again.status == .ok)
            #expect(again.text.contains("<status>complete</status>"))
            let skipped = try await client.newEvents(after: cursor, token: token)
            #expect(skipped.map(\.code) == [254])
            #expect(skipped.first?.description == "VM op-stop is already Down, Stop VM was skipped. User: admin@internal-authz.")
        }
    }

    @Test func shutdownPowersDownGracefullyOnlyFromUp() async throws {
        try await withAdminEngine(asyncDelay: step) { admin, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "op-shut", status: "up")
            var cursor = admin.cursor
            #expect(try await client.act("shutdown", vm.id, token: token, correlation: "op-shut-1").status == .ok)
            #expect(try await client.vmStatus(vm.id, token: token) == "powering_down")
            #expect(try await client.jobStatus(correlation: "op-shut-1", token: token) == ["finished"], "the command ends at once")
            admin.clock.advance(by: step)
            #expect(try await client.vmStatus(vm.id, token: token) == "down")
            var events = try await client.newEvents(after: cursor, token: token)
            #expect(events.map(\.code) == [73, 61])
            #expect(events[0].correlationID == "op-shut-1")
            #expect(events[1].description == "VM op-shut is down. Exit message: User shut down from within the guest")
            #expect(events[1].correlationID == nil)

            // Not up (here powering up): no graceful shutdown, the engine powers it off instead.
            try admin.setVMStatus("op-shut", to: "powering_up")
            cursor = admin.cursor
            #expect(try await client.act("shutdown", vm.id, token: token).status == .ok)
            #expect(try await client.vmStatus(vm.id, token: token) == "down")
            events = try await client.newEvents(after: cursor, token: token)
            #expect(events.map(\.code) == [76, 61])
            #expect(events.first?.description.hasPrefix("VM op-shut was powered off ungracefully by admin@internal-authz (Host: ") == true)

            // Suspended: its saved state is cleared.
            try admin.setVMStatus("op-shut", to: "suspended")
            cursor = admin.cursor
            #expect(try await client.act("shutdown", vm.id, token: token).status == .ok)
            #expect(try await client.vmStatus(vm.id, token: token) == "down")
            events = try await client.newEvents(after: cursor, token: token)
            #expect(events.map(\.code) == [111])
        }
    }

    @Test func rebootGoesThroughRebootInProgressAndRefusesAVMThatIsNotUp() async throws {
        try await withAdminEngine(asyncDelay: step) { admin, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "op-reboot", status: "up")
            let cursor = admin.cursor
            #expect(try await client.act("reboot", vm.id, token: token, correlation: "op-reboot-1").status == .ok)
            #expect(try await client.vmStatus(vm.id, token: token) == "reboot_in_progress")
            admin.clock.advance(by: step)
            #expect(try await client.vmStatus(vm.id, token: token) == "up")
            let events = try await client.newEvents(after: cursor, token: token)
            #expect(events.map(\.code) == [157], "no event when the guest is back up")
            #expect(events.first?.description == "VM op-reboot is rebooting. Rebooted by: admin@internal-authz")

            try admin.setVMStatus("op-reboot", to: "down")
            let refused = try await client.act("reboot", vm.id, token: token)
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("<action>"), "a failed action answers the action with its fault")
            #expect(refused.text.contains("<detail>[Cannot restart VM because the VM is in Down status.]</detail>"))
            #expect(refused.text.contains("<status>failed</status>"))
        }
    }

    @Test func suspendAnswers202AndSavesStateThenStartRestoresIt() async throws {
        try await withAdminEngine(asyncDelay: step) { admin, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "op-suspend", status: "up")
            var cursor = admin.cursor
            let reply = try await client.act("suspend", vm.id, token: token, correlation: "op-suspend-1")
            #expect(reply.status == .accepted, "hibernation runs async tasks")
            #expect(reply.text.contains("<async>true</async>") && reply.text.contains("<status>pending</status>"))
            #expect(try await client.vmStatus(vm.id, token: token) == "up")
            #expect(try await client.jobStatus(correlation: "op-suspend-1", token: token) == ["started"])
            admin.clock.advance(by: step)
            #expect(try await client.vmStatus(vm.id, token: token) == "saving_state")
            #expect(try await client.jobStatus(correlation: "op-suspend-1", token: token) == ["finished"])
            admin.clock.advance(by: step)
            let suspended = try await client.getJSON("/ovirt-engine/api/vms/\(vm.id)", token: token)
            #expect(suspended["status"] as? String == "suspended")
            #expect(suspended["host"] == nil)
            var events = try await client.newEvents(after: cursor, token: token)
            #expect(events.map(\.code) == [501, 503])
            #expect(events[0].correlationID == "op-suspend-1")
            #expect(events[1].description.hasPrefix("VM op-suspend on Host ") && events[1].description.hasSuffix(" is suspended."))
            #expect(events[1].correlationID == nil && events[1].host != nil)

            let notUp = try await client.act("suspend", vm.id, token: token)
            #expect(notUp.status == .conflict)
            #expect(notUp.text.contains("[Cannot hibernate VM. VM is not up.]"))

            cursor = admin.cursor
            #expect(try await client.act("start", vm.id, token: token).status == .ok)
            #expect(try await client.vmStatus(vm.id, token: token) == "restoring_state")
            admin.clock.advance(by: step * 2)
            #expect(try await client.vmStatus(vm.id, token: token) == "up")
            events = try await client.newEvents(after: cursor, token: token)
            #expect(events.map(\.code) == [153, 32])
        }
    }

    @Test func startRefusalsUseTheEnginesTextsAndTheActionFaultShape() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "op-refuse", status: "up")
            let running = try await client.act("start", vm.id, token: token, acceptJSON: true)
            #expect(running.status == .conflict)
            let body = try client.json(running)
            #expect(body["status"] as? String == "failed")
            let fault = try #require(body["fault"] as? [String: Any])
            #expect(fault["reason"] as? String == "Operation Failed")
            #expect(fault["detail"] as? String == "[Cannot run VM because the VM is in Up status.]")

            try admin.setVMStatus("op-refuse", to: "image_locked")
            let locked = try await client.act("start", vm.id, token: token)
            #expect(locked.status == .conflict)
            #expect(locked.text.contains("[Cannot run VM: VM is locked. Please try again in a few minutes.]"))
            let stopLocked = try await client.act("stop", vm.id, token: token)
            #expect(stopLocked.text.contains("[Cannot stop VM. VM is not running.]"))

            try admin.setVMStatus("op-refuse", to: "down")
            try admin.lockVM("op-refuse")
            let held = try await client.act("start", vm.id, token: token)
            #expect(held.status == .conflict)
            #expect(held.text.contains("[Cannot run VM. Related operation is currently in progress. Please try again later.]"))
            let removeHeld = try await client.send(.delete, "/ovirt-engine/api/vms/\(vm.id)", token: token)
            #expect(removeHeld.text.contains("[Cannot remove VM. Related operation is currently in progress. Please try again later.]"))
            try admin.unlockVM("op-refuse")
            #expect(try await client.act("start", vm.id, token: token).status == .ok)
            #expect(try await client.act("stop", "no-such-vm", token: token).status == .notFound)
        }
    }

    @Test func deleteProtectionIsSetOnCreateAndUpdateAndRefusesRemoval() async throws {
        try await withAdminEngine(asyncDelay: step) { admin, client in
            let token = try await client.login()
            let created = try await client.send(
                .post, "/ovirt-engine/api/vms", token: token,
                json: #"{"name": "op-protected", "cluster": {"name": "Default"}, "template": {"name": "template-packer-redos8-03092024"}, "delete_protected": true}"#
            )
            #expect(created.status == .accepted)
            let id = try await client.idOf("vms", key: "vm", name: "op-protected", token: token)
            try await client.waitFor("/ovirt-engine/api/vms/\(id)", field: "status", equals: "down", token: token)
            #expect(try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)["delete_protected"] as? String == "true")
            #expect(try await client.get("/ovirt-engine/api/vms/\(id)", token: token).text.contains("<delete_protected>true</delete_protected>"))

            let refused = try await client.send(.delete, "/ovirt-engine/api/vms/\(id)", token: token)
            #expect(refused.status == .conflict)
            #expect(refused.text.contains(
                "[Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first.]"
            ))

            let updated = try await client.send(.put, "/ovirt-engine/api/vms/\(id)", token: token, xml: "<vm><delete_protected>false</delete_protected></vm>")
            #expect(updated.status == .ok)
            #expect(updated.text.contains("<delete_protected>false</delete_protected>"))
            let protectedAgain = try await client.admin(.post, "/__sim/vms/op-protected/delete_protected", #"{"delete_protected": true}"#)
            #expect(protectedAgain.status == .ok)
            #expect(try await client.send(.delete, "/ovirt-engine/api/vms/\(id)", token: token).status == .conflict)
            try admin.setDeleteProtected("op-protected", false)

            let diskIDs = try await client.getJSON("/ovirt-engine/api/vms/\(id)/diskattachments", token: token)["disk_attachment"]
                as? [[String: Any]] ?? []
            let diskID = try #require(diskIDs.first?["id"] as? String)
            let cursor = admin.cursor
            let removed = try await client.send(
                .delete, "/ovirt-engine/api/vms/\(id)", token: token, extra: [HTTPField.Name("Correlation-Id")!: "op-remove-1"]
            )
            #expect(removed.status == .ok)
            #expect(removed.text.contains("<status>complete</status>") && removed.text.contains("<job href="))
            #expect(try await client.get("/ovirt-engine/api/vms/\(id)", token: token).status == .notFound)
            #expect(try await client.getJSON("/ovirt-engine/api/disks/\(diskID)", token: token)["status"] as? String == "locked")
            admin.clock.advance(by: step)
            #expect(try await client.get("/ovirt-engine/api/disks/\(diskID)", token: token).status == .notFound)
            let events = try await client.newEvents(after: cursor, token: token)
            #expect(events.map(\.code) == [113])
            #expect(events.first?.correlationID == "op-remove-1")
        }
    }

    @Test func removeRefusesRunningSuspendedAndLockedVMsUnlessForced() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "op-remove", status: "up")
            let path = "/ovirt-engine/api/vms/\(vm.id)"
            #expect(try await client.send(.delete, path, token: token).text.contains("[Cannot remove VM. VM is running.]"))
            try admin.setVMStatus("op-remove", to: "suspended")
            #expect(try await client.send(.delete, path, token: token).text.contains(
                "[Cannot remove VM that its state is not down.\n-Please stop the VM first.]"
            ))
            try admin.setVMStatus("op-remove", to: "image_locked")
            #expect(try await client.send(.delete, path, token: token).text.contains(
                "[Cannot remove VM: VM is locked. Please try again in a few minutes.]"
            ))
            #expect(try await client.send(.delete, path + "?detach_only=true", token: token).text.contains(
                "[Cannot remove VM with detaching disks, VM is based from template.]"
            ))
            let forced = try await client.send(.delete, path + "?force=true&async=true", token: token)
            #expect(forced.status == .accepted, "async=true answers 202 without waiting")
            #expect(try await client.get(path, token: token).status == .notFound)
        }
    }

    @Test func actionsTakeJSONBodiesAndAsyncFalseMakesSuspendWait() async throws {
        try await withAdminEngine(asyncDelay: .milliseconds(50)) { admin, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "op-json", status: "up", deleteProtected: true)
            let path = "/ovirt-engine/api/vms/\(vm.id)"
            let suspended = try await client.send(.post, path + "/suspend", token: token, json: #"{"async": "false"}"#, acceptJSON: true)
            #expect(suspended.status == .ok, "async=false: the REST layer waits for the tasks")
            let reply = try client.json(suspended)
            #expect(reply["status"] as? String == "complete")
            #expect(reply["async"] as? String == "false")
            #expect((reply["vm"] as? [String: Any])?["id"] as? String == vm.id)

            try admin.setVMStatus("op-json", to: "down")
            let started = try await client.send(.post, path + "/start", token: token, json: "{}", acceptJSON: true)
            #expect(started.status == .ok)
            #expect(try client.json(started)["status"] as? String == "complete")
            #expect(try await client.getJSON(path, token: token)["delete_protected"] as? String == "true", "created protected")
        }
    }
}
