import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import OvirtSimulator
import Testing

@Suite("Admin changes made elsewhere", .timeLimit(.minutes(1)))
struct AdminChangeTests {
    @Test func addUpVMWithAddressThenStopMigrateAndRemoveOverHTTP() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let start = admin.cursor
            let created = try await client.admin(
                .post, "/__sim/vms", #"{"name": "ext-01", "cluster": "Default", "status": "up", "ip": "10.1.2.3"}"#
            )
            #expect(created.status == .created)
            let id = try #require(try client.json(created)["id"] as? String)
            #expect(try client.json(created)["name"] as? String == "ext-01")

            let vm = try await client.getJSON("/ovirt-engine/api/vms/\(id)?follow=reported_devices", token: token)
            #expect(vm["status"] as? String == "up")
            let hostID = try #require((vm["host"] as? [String: Any])?["id"] as? String)
            let devices = (vm["reported_devices"] as? [String: Any])?["reported_device"] as? [[String: Any]] ?? []
            let addresses = devices.flatMap { ($0["ips"] as? [String: Any])?["ip"] as? [[String: Any]] ?? [] }
            #expect(addresses.contains { $0["address"] as? String == "10.1.2.3" })

            var events = try await client.events(from: start, token: token).sorted { $0.index < $1.index }
            #expect(events.map(\.code) == [34, 153])
            #expect(events.allSatisfy { $0.vm == id && $0.cluster != nil && $0.dataCenter != nil })
            #expect(events[0].description == "VM ext-01 was created by admin@internal-authz.")
            #expect(events[1].host == hostID)

            let hosts = try await client.getJSON("/ovirt-engine/api/hosts", token: token)
            let other = try #require((hosts["host"] as? [[String: Any]])?.first { $0["id"] as? String != hostID }?["name"] as? String)
            let migrated = try await client.admin(.post, "/__sim/vms/ext-01/migrate", #"{"host": "\#(other)"}"#)
            #expect(migrated.status == .ok)
            let newHost = try #require(try client.json(migrated)["host"] as? String)
            #expect(newHost != hostID)
            let moved = try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)
            #expect((moved["host"] as? [String: Any])?["id"] as? String == newHost)

            let stopped = try await client.admin(.post, "/__sim/vms/\(id)/status", #"{"status": "down"}"#)
            #expect(stopped.status == .ok)
            #expect(try client.json(stopped)["host"] is NSNull)
            let down = try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)
            #expect(down["status"] as? String == "down")
            #expect(down["host"] == nil, "a down VM has no host")

            let removed = try await client.admin(.delete, "/__sim/vms/ext-01")
            #expect(removed.status == .ok)
            #expect(try await client.get("/ovirt-engine/api/vms/\(id)", token: token).status == .notFound)

            events = try await client.events(from: start, token: token).sorted { $0.index < $1.index }
            #expect(events.map(\.code) == [34, 153, 62, 63, 33, 113])
            #expect(events.map(\.index) == Array(start + 1...start + 6))
            let migration = events.filter { [62, 63].contains($0.code) }
            #expect(migration[0].host == hostID, "62 names the source host")
            #expect(migration[1].host == newHost, "63 names the destination")
            #expect(migration[1].description.hasPrefix("Migration completed (VM: ext-01, Source: "))
        }
    }

    @Test func hostStatusChangesWriteTheirEvents() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let start = admin.cursor
            let host = "e15-test-host02"
            for status in ["maintenance", "up", "non_responsive"] {
                let response = try await client.admin(.post, "/__sim/hosts/\(host)/status", #"{"status": "\#(status)"}"#)
                #expect(response.status == .ok)
                #expect(try client.json(response)["status"] as? String == status)
                let id = try await client.idOf("hosts", key: "host", name: host, token: token)
                let shown = try await client.getJSON("/ovirt-engine/api/hosts/\(id)", token: token)
                #expect(shown["status"] as? String == status)
            }
            let events = try await client.events(from: start, token: token).sorted { $0.index < $1.index }
            #expect(events.map(\.code) == [15, 16, 13, 12])
            let id = try await client.idOf("hosts", key: "host", name: host, token: token)
            #expect(events.allSatisfy { $0.host == id && $0.cluster != nil })
            #expect(events[0].description == "Host \(host) was switched to Maintenance Mode.")
            #expect(events[2].description == "Status of host \(host) was set to Up.")
            #expect(events[3].severity == "error")
        }
    }

    @Test func addAndRemoveHost() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let start = admin.cursor
            let added = try await client.admin(.post, "/__sim/hosts", #"{"name": "extra-host"}"#)
            #expect(added.status == .created)
            let id = try #require(try client.json(added)["id"] as? String)
            try admin.addVM(name: "on-extra", status: "up", host: "extra-host")
            #expect(try await client.admin(.post, "/__sim/vms", #"{"name": "on-extra"}"#).status == .conflict)
            let busy = try await client.admin(.delete, "/__sim/hosts/extra-host")
            #expect(busy.status == .conflict)
            try admin.removeVM("on-extra")
            #expect(try await client.admin(.delete, "/__sim/hosts/\(id)").status == .ok)
            #expect(try await client.get("/ovirt-engine/api/hosts/\(id)", token: token).status == .notFound)
            let codes = try await client.events(from: start, token: token).sorted { $0.index < $1.index }.map(\.code)
            #expect(codes == [42, 34, 153, 113, 44])
        }
    }

    @Test(arguments: [
        ("/__sim/vms/nope/status", #"{"status": "up"}"#, HTTPResponse.Status.notFound),
        ("/__sim/hosts", #"{"name": "e15-test-host01"}"#, .conflict),
        ("/__sim/vms", #"{"status": "up"}"#, .badRequest),
        ("/__sim/vms", "not json", .badRequest),
        ("/__sim/hosts/e15-test-host01/status", #"{"status": "sleeping"}"#, .badRequest),
        ("/__sim/vms/nope/migrate", #"{"host": "e15-test-host01"}"#, .notFound),
    ])
    func refusalsNameTheProblem(path: String, body: String, status: HTTPResponse.Status) async throws {
        try await withAdminEngine { admin, client in
            let start = admin.nextEventIndex
            let response = try await client.admin(.post, path, body)
            #expect(response.status == status)
            #expect(try client.json(response)["error"] is String)
            #expect(admin.nextEventIndex == start, "a refused change writes no event")
        }
    }

    @Test func swiftAdminOfARunningEngineChangesWhatItServes() async throws {
        var options = SimulatedEngineOptions(name: "e15-test")
        options.vmCount = 3
        options.asyncDelay = .zero
        let engine = try await SimulatedEngine.start(options, logger: Logger(label: "test"))
        let client = TestClient(host: "127.0.0.1", port: engine.port)
        client.connect()
        do {
            let vm = try engine.admin.addVM(name: "live-01", status: "up")
            let headers: HTTPFields = [.authorization: "Basic YWRtaW5AaW50ZXJuYWw6YWRtaW4=", .accept: "application/json"]
            let shown = try await client.get("/ovirt-engine/api/vms/\(vm.id)", headers: headers)
            let shownBody = try #require(shown.body)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: shownBody)) as? [String: Any])
            #expect(object["status"] as? String == "up")
            let events = try await client.get("/ovirt-engine/api/events?from=\(engine.admin.cursor - 2)", headers: headers)
            let eventsBody = try #require(events.body)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(buffer: eventsBody)) as? [String: Any])
            let codes = (list["event"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(codes == ["153", "34"])
        } catch {
            try? await client.shutdown()
            await engine.stop()
            throw error
        }
        try await client.shutdown()
        await engine.stop()
    }
}
