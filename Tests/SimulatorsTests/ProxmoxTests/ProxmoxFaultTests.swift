import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ProxmoxSimulator
import SimulatorSupport
import Testing

@Suite("Proxmox faults, offline nodes and parameter errors", .timeLimit(.minutes(1)))
struct ProxmoxFaultTests {
    @Test func injectedFaultAnswersOnceThenClears() async throws {
        try await withProxmox { client, admin in
            admin.addFault(SimulatedProxmoxFaultRule(method: "GET", path: "/cluster/resources", status: 503, count: 1, message: "proxy busy"))
            let failed = try await client.pve(.get, "/cluster/resources", session: .token)
            #expect(failed.status.code == 503)
            #expect(failed.status.reasonPhrase == "proxy busy")
            #expect(failed.object["message"] as? String == "proxy busy\n")
            #expect(try await client.pve(.get, "/cluster/resources", session: .token).status == .ok)
            #expect(admin.faults.isEmpty)
        }
    }

    @Test func faultsOverTheAdminRoutes() async throws {
        try await withProxmox { client, _ in
            let added = try await client.execute(
                uri: "/__sim/faults", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"method":"POST","path":"/nodes/*","status":500,"count":2,"message":"boom"}"#)
            )
            #expect(added.status == .created)
            for _ in 0..<2 {
                let answer = try await client.pve(.post, "/nodes/pve1/qemu/100/status/stop", session: .token)
                #expect(answer.status.code == 500)
                #expect(answer.status.reasonPhrase == "boom")
            }
            #expect(try await client.pve(.post, "/nodes/pve1/qemu/100/status/stop", session: .token).status == .ok)
            let cleared = try await client.execute(uri: "/__sim/faults", method: .delete)
            #expect(String(buffer: cleared.body) == #"{"cleared":0}"#)
        }
    }

    @Test func offlineNodeIsUnreachableAndItsVMsAreUnknown() async throws {
        try await withProxmox { client, admin in
            try admin.setNodeOnline("pve2", false)
            let resources = try await client.pve(.get, "/cluster/resources?type=vm", session: .token).dataArray
            let onDeadNode = entries(in: resources, "node", "pve2")
            let unknown = entries(in: onDeadNode, "status", "unknown")
            #expect(!onDeadNode.isEmpty)
            #expect(unknown.count == onDeadNode.count)
            #expect(strings(onDeadNode, "name").isEmpty)
            let nodes = try await client.pve(.get, "/nodes", session: .token).dataArray
            #expect(entry(in: nodes, "node", "pve2")?["status"] as? String == "offline")
            let proxied = try await client.pve(.get, "/nodes/pve2/qemu", session: .token)
            #expect(proxied.status.code == 595)
            #expect(proxied.status.reasonPhrase == "No route to host")
            let status = try await client.pve(.get, "/cluster/status", session: .token).dataArray
            #expect(entry(in: status, "name", "pve2")?["online"] as? Int == 0)
            #expect(entry(in: status, "type", "cluster")?["quorate"] as? Int == 1)
            try admin.setNodeOnline("pve3", false)
            let noQuorum = try await client.pve(.post, "/nodes/pve1/qemu/9000/clone", session: .token, form: ["newid": "300"])
            #expect(noQuorum.status.reasonPhrase == "cluster not ready - no quorum?")
            let missing = try await client.pve(.get, "/nodes/pve9/qemu", session: .token)
            #expect(missing.status.code == 500)
            #expect(missing.status.reasonPhrase.hasPrefix("hostname lookup 'pve9' failed"))
        }
    }

    @Test func vmRemovedBySomeoneElseAndStatusSetElsewhere() async throws {
        try await withProxmox { client, admin in
            try admin.setVMStatus(104, to: "running")
            let list = try await client.pve(.get, "/nodes/pve2/qemu", session: .token).dataArray
            #expect(entry(in: list, "vmid", 104)?["status"] as? String == "running")
            try admin.setVMStatus(101, to: "paused")
            let paused = try await client.pve(.get, "/cluster/resources?type=vm", session: .token).dataArray
            #expect(entry(in: paused, "vmid", 101)?["status"] as? String == "paused")
            try admin.removeVM(104)
            #expect(try await client.pve(.get, "/nodes/pve2/qemu/104/config", session: .token).status.code == 500)
            do {
                try admin.removeVM(104)
                Issue.record("removing a removed VM succeeded")
            } catch let error as SimulatedProxmoxAdminError {
                #expect(error.code == .notFound)
            }
        }
    }

    @Test(arguments: [
        (["newid": "50"], "newid", "invalid format - value does not look like a valid VM ID\n"),
        (["newid": "abc"], "newid", "type check ('integer') failed - got 'abc'"),
        (["newid": "130", "name": "bad_name"], "name", "invalid format - value does not look like a valid DNS name\n"),
        (["newid": "130", "bogus": "1"], "bogus", "property is not defined in schema and the schema does not allow additional properties"),
        (["newid": "130", "full": "yes"], "full", "type check ('boolean') failed - got 'yes'"),
        ([:], "newid", "property is missing and it is not optional"),
    ])
    func cloneParameterErrors(form: [String: String], parameter: String, message: String) async throws {
        try await withProxmox { client, _ in
            let answer = try await client.pve(.post, "/nodes/pve1/qemu/9000/clone", session: .token, form: form)
            #expect(answer.status.code == 400)
            #expect(answer.status.reasonPhrase == "Parameter verification failed.")
            #expect(answer.errors[parameter] == message)
            #expect(answer.data is NSNull)
        }
    }

    @Test(arguments: [
        ("net0", "virtio,bridge=vmbr0,tag=5000", "invalid format - format error\nnet0.tag: value must have a maximum value of 4094\n"),
        ("net0", "bridge=vmbr0", "invalid format - format error\nnet0.model: property is missing and it is not optional\n"),
        ("cores", "0", "value must have a minimum value of 1"),
        ("ipconfig0", "ip=10.0.0.5", "invalid format - format error\nipconfig0.ip: invalid format - value does not look like a valid ipv4 network configuration\n\n"),
        ("scsi1", "local-lvm:10,speed=fast", "invalid format - invalid key in comma-separated list property: speed\n"),
    ])
    func configParameterErrors(option: String, value: String, message: String) async throws {
        try await withProxmox { client, _ in
            let answer = try await client.pve(.post, "/nodes/pve1/qemu/100/config", session: .token, form: [option: value])
            #expect(answer.status.code == 400)
            #expect(answer.errors[option] == message)
        }
    }
}
