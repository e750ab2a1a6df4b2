import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OvirtSimulator
import Testing

/// What one status change is expected to write: its codes, and for each
/// event the VM and host it links (nil: no link).
private struct Expected: CustomStringConvertible {
    var change: String
    var codes: [Int]
    var vm: String?
    var hosts: [String?]
    var description: String { change }
}

@Suite("Every status change writes an event linking its VM and host", .timeLimit(.minutes(1)))
struct StatusEventTests {
    @Test func adminAndAPIStatusChangesWriteLinkedEvents() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let hosts = try await client.getJSON("/ovirt-engine/api/hosts", token: token)
            let hostIDs = (hosts["host"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            let hostOne = try #require(hostIDs.first), hostTwo = try #require(hostIDs.last)
            var cursor = admin.cursor
            var seen: [(Expected, [EventView])] = []
            func record(_ change: String, _ codes: [Int], vm: String?, hosts: [String?]) async throws {
                let events = try await client.events(from: cursor, token: token).sorted { $0.index < $1.index }
                cursor = admin.cursor
                let entry = Expected(change: change, codes: codes, vm: vm, hosts: hosts)
                seen.append((entry, events))
            }

            let vm = try admin.addVM(name: "s1")
            try await record("admin add (down)", [34], vm: vm.id, hosts: [nil])
            try admin.setVMStatus("s1", to: "up", host: hostOne)
            try await record("admin up", [153], vm: vm.id, hosts: [hostOne])
            try admin.setVMStatus("s1", to: "paused")
            try await record("admin paused", [1025], vm: vm.id, hosts: [hostOne])
            try admin.setVMStatus("s1", to: "up")
            try await record("admin up from paused", [40], vm: vm.id, hosts: [hostOne])
            try admin.migrateVM("s1", to: hostTwo)
            try await record("admin migrate", [62, 63], vm: vm.id, hosts: [hostOne, hostTwo])
            try admin.setVMStatus("s1", to: "suspended")
            try await record("admin suspended", [512], vm: vm.id, hosts: [hostTwo])
            try admin.setVMStatus("s1", to: "up", host: hostOne)
            try await record("admin up from suspended", [153], vm: vm.id, hosts: [hostOne])
            try admin.setVMStatus("s1", to: "not_responding")
            try await record("admin not_responding", [126], vm: vm.id, hosts: [hostOne])
            try admin.setVMStatus("s1", to: "migrating")
            try await record("admin migrating", [163], vm: vm.id, hosts: [hostOne])
            try admin.setVMStatus("s1", to: "down")
            try await record("admin down", [33], vm: vm.id, hosts: [hostOne])
            try admin.setVMStatus("s1", to: "down")
            try await record("admin down again (no change)", [], vm: vm.id, hosts: [])
            try admin.removeVM("s1")
            try await record("admin remove", [113], vm: vm.id, hosts: [nil])
            let running = try admin.addVM(name: "s2", status: "up", host: hostTwo)
            try await record("admin add up", [34, 153], vm: running.id, hosts: [nil, hostTwo])
            try admin.removeVM("s2")
            try await record("admin remove a running VM", [113], vm: running.id, hosts: [hostTwo])

            let api = try admin.addVM(name: "s3")
            cursor = admin.cursor
            _ = try await client.send(.post, "/ovirt-engine/api/vms/\(api.id)/start", token: token, xml: "<action/>")
            let apiHost = try #require(
                (try await client.getJSON("/ovirt-engine/api/vms/\(api.id)", token: token)["host"] as? [String: Any])?["id"] as? String
            )
            try await record("API start", [153, 32], vm: api.id, hosts: [apiHost, apiHost])
            _ = try await client.send(.post, "/ovirt-engine/api/vms/\(api.id)/stop", token: token, xml: "<action/>")
            try await record("API stop", [33, 61], vm: api.id, hosts: [apiHost, apiHost])
            _ = try await client.send(.post, "/ovirt-engine/api/vms/\(api.id)/start", token: token, xml: "<action/>")
            let again = try #require(
                (try await client.getJSON("/ovirt-engine/api/vms/\(api.id)", token: token)["host"] as? [String: Any])?["id"] as? String
            )
            cursor = admin.cursor
            _ = try await client.send(.post, "/ovirt-engine/api/vms/\(api.id)/shutdown", token: token, xml: "<action/>")
            try await record("API shutdown", [73, 61], vm: api.id, hosts: [again, again])

            try admin.setHostStatus(hostTwo, to: "maintenance")
            try await record("admin host maintenance", [15], vm: nil, hosts: [hostTwo])
            try admin.setHostStatus(hostTwo, to: "up")
            try await record("admin host up", [16, 13], vm: nil, hosts: [hostTwo, hostTwo])
            try admin.setHostStatus(hostTwo, to: "non_operational")
            try await record("admin host non_operational", [517], vm: nil, hosts: [hostTwo])
            try admin.setHostStatus(hostTwo, to: "non_responsive")
            try await record("admin host non_responsive", [12], vm: nil, hosts: [hostTwo])
            try admin.setHostStatus(hostTwo, to: "reboot")
            try await record("admin host other status", [13], vm: nil, hosts: [hostTwo])
            let added = try admin.addHost(name: "extra-host")
            try await record("admin host added", [42], vm: nil, hosts: [added.id])
            try admin.removeHost("extra-host")
            try await record("admin host removed", [44], vm: nil, hosts: [added.id])

            for (entry, events) in seen {
                #expect(events.map(\.code) == entry.codes, "\(entry)")
                #expect(events.map(\.host) == entry.hosts, "\(entry): host links")
                #expect(events.allSatisfy { $0.vm == entry.vm }, "\(entry): VM link")
                #expect(events.allSatisfy { $0.cluster != nil && $0.dataCenter != nil }, "\(entry): cluster and data center links")
            }
        }
    }
}
