import AggregatorCore
import AggregatorTesting
import Foundation
import OvirtSimulator
import Testing

@testable import OvirtBackend

/// The change feed and single-object reads against the simulator, driven through its REST API.
@Suite("oVirt change feed and single reads against a simulated engine")
struct ChangeFeedSimulatorTests {
    /// Lets the engine finish its asynchronous work (its manual clock moved past every delay),
    /// then reads the feed from `cursor` once: the objects it names, or the reason of a resync.
    private func settledChanges(
        _ backend: OvirtBackend, engine: SimulatedEngine, from cursor: inout ChangeCursor
    ) async throws -> (seen: Set<InventoryObject>, resync: String?) {
        engine.admin.clock.advance(by: .seconds(10))
        switch try await backend.changes(since: cursor) {
        case .changes(let objects, let next):
            cursor = next
            return (Set(objects), nil)
        case .resync(let reason):
            return ([], reason)
        }
    }

    /// Requests the backend's HTTP client logged for `url` (the client logs URLs without queries).
    private func requests(_ recorder: LogRecorder, to url: String) -> Int {
        recorder.lines(containing: "HTTP request finished").filter { line in
            line.split(separator: " ").contains { $0 == "http.url=\(url)" }
        }.count
    }

    private func post(_ backend: OvirtBackend, _ path: String, _ body: OvirtBody = .object([])) async throws -> OvirtReference {
        try await backend.session.write(OvirtReference.self, method: "POST", path: path, body: body,
                                        expected: "a JSON answer", correlationID: nil)
    }

    @Test("a VM created, started, stopped and removed through the API is named by the feed and read alike",
          .timeLimit(.minutes(2)))
    func vmLifecycle() async throws {
        try await withSimulatedEngine("feed-e1", configure: { $0.vmCount = 10; $0.hostCount = 2; $0.asyncDelay = .milliseconds(50)
                                                     $0.clock = .manual() }) { engine in
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: LogRecorder().logger()) { backend in
                var cursor = try #require(try await backend.changeCursor())
                _ = try await backend.readInventory()

                let created = try await post(backend, "vms", .object([
                    "name": .string("feed-vm"), "cluster": .object(["name": .string("Default")]),
                    "template": .object(["name": .string("Blank")]),
                ]))
                let id = try #require(created.id)
                var (seen, resync) = try await settledChanges(backend, engine: engine, from: &cursor)
                #expect(resync == nil)
                #expect(seen.contains(.vm(id: id)))
                #expect(try await backend.vm(id: id)?.status == "down")
                let listed = try await backend.listVMs().first { $0.id == id }
                #expect(try await backend.vm(id: id) == listed)
                #expect(listed?.cluster == "Default")

                _ = try await post(backend, "vms/\(id)/start")
                (seen, resync) = try await settledChanges(backend, engine: engine, from: &cursor)
                #expect(resync == nil)
                #expect(seen.contains(.vm(id: id)))
                #expect(try await backend.vm(id: id)?.status == "up")
                let running = try #require(try await backend.vm(id: id))
                #expect(running == (try await backend.listVMs().first { $0.id == id }))
                let host = try #require(try await backend.listHosts().first { $0.name == running.host })
                let clusterID = try #require(try await backend.listClusters().first { $0.name == "Default" }?.id)
                #expect(seen.contains(.host(id: host.id)))
                #expect(seen.contains(.cluster(id: clusterID)))

                _ = try await post(backend, "vms/\(id)/stop")
                (seen, resync) = try await settledChanges(backend, engine: engine, from: &cursor)
                #expect(resync == nil)
                #expect(seen.contains(.vm(id: id)))
                #expect(try await backend.vm(id: id)?.status == "down")
                // The host it ran on is re-read too: its running-VM count changed.
                #expect(seen.contains(.host(id: host.id)))

                _ = try await backend.session.write(OvirtAction.self, method: "DELETE", path: "vms/\(id)", body: nil,
                                                    expected: "a JSON answer", correlationID: nil)
                (seen, resync) = try await settledChanges(backend, engine: engine, from: &cursor)
                let reason = resync
                // Named by the event, or (an engine whose removal event does not name the VM) a full read.
                #expect(reason == nil ? seen.contains(.vm(id: id)) : reason!.contains("removed without naming it"))
                #expect(try await backend.vm(id: id) == nil)
                #expect(try await backend.listVMs().contains { $0.id == id } == false)
            }
        }
    }

    @Test("a host event names the host and its cluster; the host reads as listed", .timeLimit(.minutes(1)))
    func hostEvent() async throws {
        try await withSimulatedEngine("feed-e2", configure: { $0.vmCount = 4; $0.hostCount = 2; $0.clock = .manual() }) { engine in
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: LogRecorder().logger()) { backend in
                var cursor = try #require(try await backend.changeCursor())
                let inventory = try await backend.readInventory()
                let host = try #require(inventory.hosts.first)
                let cluster = try #require(inventory.clusters.first { $0.name == host.cluster })
                _ = try await backend.session.write(OvirtAction.self, method: "POST", path: "hosts/\(host.id)/commitnetconfig",
                                                    body: .object([]), expected: "a JSON action", correlationID: nil)
                let (seen, reason) = try await settledChanges(backend, engine: engine, from: &cursor)
                #expect(reason == nil)
                #expect(seen.contains(.host(id: host.id)))
                #expect(seen.contains(.cluster(id: cluster.id)))
                #expect(try await backend.host(id: host.id) == host)
                #expect(try await backend.cluster(id: cluster.id) == cluster)
            }
        }
    }

    @Test("readInventory and single reads give exactly the listings' values, also with a cold name index",
          .timeLimit(.minutes(2)))
    func readsMatchListings() async throws {
        try await withSimulatedEngine("feed-e3", configure: { $0.vmCount = 150; $0.hostCount = 3 }) { engine in
            let configuration = BackendConfiguration.simulated(engine, password: "admin")
            try await withOvirtBackend(configuration, logger: LogRecorder().logger()) { backend in
                let vms = try await backend.listVMs()
                let hosts = try await backend.listHosts()
                let clusters = try await backend.listClusters()
                let readout = try await backend.readInventory()
                #expect(readout.vms == vms)
                #expect(readout.hosts == hosts)
                #expect(readout.clusters == clusters)
                for host in hosts { #expect(try await backend.host(id: host.id) == host) }
                for cluster in clusters { #expect(try await backend.cluster(id: cluster.id) == cluster) }
                for vm in vms.prefix(20) { #expect(try await backend.vm(id: vm.id) == vm) }
                #expect(try await backend.vm(id: "00000000-0000-0000-0000-00000000dead") == nil)
                #expect(try await backend.host(id: "00000000-0000-0000-0000-00000000dead") == nil)
                #expect(try await backend.cluster(id: "00000000-0000-0000-0000-00000000dead") == nil)

                // A backend that has not read anything yet resolves names on its own, once.
                let recorder = LogRecorder()
                try await withOvirtBackend(configuration, logger: recorder.logger()) { cold in
                    let running = vms.filter { $0.status == "up" }.prefix(5)
                    try #require(!running.isEmpty)
                    for vm in running { #expect(try await cold.vm(id: vm.id) == vm) }
                    for collection in ["clusters", "datacenters", "hosts", "templates"] {
                        #expect(requests(recorder, to: "\(engine.apiURL)/\(collection)") == 1, "\(collection)")
                    }
                }
            }
        }
    }
}
