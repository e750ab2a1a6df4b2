import AggregatorCore
import AggregatorTesting
import Foundation
import Synchronization
import Testing

@testable import OvirtBackend

/// The change feed against an engine whose audit log the test controls.
@Suite("oVirt change feed against a stub engine")
struct ChangeFeedStubTests {
    private func withFeed<T>(
        configure: (inout OvirtBackend.Tuning) -> Void = { _ in },
        _ body: (EventStubEngine, OvirtBackend) async throws -> T
    ) async throws -> T {
        let stub = EventStubEngine()
        return try await stub.serve { port in
            let configuration = BackendConfiguration(
                name: "feed", kind: "ovirt", url: "http://127.0.0.1:\(port)/ovirt-engine/api",
                password: Secret("pw"), connectTimeout: .seconds(5), requestTimeout: .seconds(10))
            var tuning = OvirtBackend.Tuning()
            configure(&tuning)
            return try await withOvirtBackend(configuration, logger: LogRecorder().logger(), tuning: tuning) { backend in
                try await body(stub, backend)
            }
        }
    }

    private func changes(_ result: ChangeFeedResult) throws -> (objects: [InventoryObject], next: ChangeCursor) {
        guard case .changes(let objects, let next) = result else {
            Issue.record("expected changes, got \(result)")
            throw CancellationError()
        }
        return (objects, next)
    }

    private func reason(_ result: ChangeFeedResult) -> String? {
        if case .resync(let reason) = result { return reason }
        return nil
    }

    @Test("events after the cursor name their VM, host and cluster, once each; unknown codes count too",
          .timeLimit(.minutes(1)))
    func newEvents() async throws {
        try await withFeed { stub, backend in
            stub.add(1...10)
            let cursor = try #require(try await backend.changeCursor())
            let idle = try changes(try await backend.changes(since: cursor))
            #expect(idle.objects.isEmpty)
            #expect(idle.next == cursor)

            stub.add(11, code: 153, vm: "vm-a", host: "host-1", cluster: "c1")
            stub.add(12, code: 99_999, vm: "vm-a", host: "host-2")
            stub.add(13, code: 30)
            let (objects, next) = try changes(try await backend.changes(since: cursor))
            #expect(objects == [.vm(id: "vm-a"), .host(id: "host-1"), .cluster(id: "c1"), .host(id: "host-2")])
            let again = try changes(try await backend.changes(since: next))
            #expect(again.objects.isEmpty)
        }
    }

    @Test("an engine without events gives a cursor at 0 and then reports every new event", .timeLimit(.minutes(1)))
    func emptyLog() async throws {
        try await withFeed { stub, backend in
            let cursor = try #require(try await backend.changeCursor())
            #expect(OvirtEventCursor(cursor)?.last == 0)
            stub.add(1...2)
            let (objects, _) = try changes(try await backend.changes(since: cursor))
            #expect(objects == [.vm(id: "vm-1"), .vm(id: "vm-2")])
        }
    }

    /// A fresh engine numbers its audit log from its sequence's start (1000 and up in the
    /// simulator), not 1: the indexes below the first event seen are not holes to wait for.
    @Test("from an empty log, numbering starts at the first event seen", .timeLimit(.minutes(1)))
    func emptyLogNumberingStartsAnywhere() async throws {
        try await withFeed(configure: { $0.eventGapGrace = .zero }) { stub, backend in
            let cursor = try #require(try await backend.changeCursor())
            stub.add(1000...1001)
            let (objects, next) = try changes(try await backend.changes(since: cursor))
            #expect(objects == [.vm(id: "vm-1000"), .vm(id: "vm-1001")])
            #expect(OvirtEventCursor(next)?.holes.isEmpty == true)
            stub.add(1002...1002)
            #expect(try changes(try await backend.changes(since: next)).objects == [.vm(id: "vm-1002")])
        }
    }

    @Test("many events are read in pages, also from an engine that ignores from=", .timeLimit(.minutes(1)))
    func paging() async throws {
        for ignoresFrom in [false, true] {
            try await withFeed(configure: { $0.eventPageSize = 3 }) { stub, backend in
                stub.state.withLock { $0.ignoresFrom = ignoresFrom }
                stub.add(1...5)
                let cursor = try #require(try await backend.changeCursor())
                stub.add(6...13)
                let (objects, next) = try changes(try await backend.changes(since: cursor))
                #expect(Set(objects) == Set((6...13).map { InventoryObject.vm(id: "vm-\($0)") }), "ignoresFrom: \(ignoresFrom)")
                #expect(OvirtEventCursor(next)?.last == 13)
            }
        }
    }

    @Test("more events than one poll reads is a resync", .timeLimit(.minutes(1)))
    func tooMany() async throws {
        try await withFeed(configure: { $0.eventPageSize = 2; $0.eventMaxPages = 2 }) { stub, backend in
            stub.add(1...1)
            let cursor = try #require(try await backend.changeCursor())
            stub.add(2...8)
            #expect(reason(try await backend.changes(since: cursor))?.contains("more than 4 events") == true)
        }
    }

    @Test("event ids going backwards (a restored engine) is a resync", .timeLimit(.minutes(1)))
    func backwards() async throws {
        try await withFeed { stub, backend in
            stub.add(1...10)
            let cursor = try #require(try await backend.changeCursor())
            stub.remove { _ in true }
            stub.add(1...3)
            #expect(reason(try await backend.changes(since: cursor))?.contains("went backwards") == true)
        }
    }

    @Test("a log purged past the cursor is a resync", .timeLimit(.minutes(1)))
    func purged() async throws {
        try await withFeed { stub, backend in
            stub.add(1...10)
            let cursor = try #require(try await backend.changeCursor())
            stub.add(11...14)
            stub.remove { $0.index <= 12 }
            #expect(reason(try await backend.changes(since: cursor))?.contains("no longer holds event 10") == true)
        }
    }

    @Test("another event under the cursor's index (a reset log) is a resync", .timeLimit(.minutes(1)))
    func replaced() async throws {
        try await withFeed { stub, backend in
            stub.add(1...10)
            let cursor = try #require(try await backend.changeCursor())
            stub.add(10, code: 30, time: 42)
            stub.add(11...11)
            #expect(reason(try await backend.changes(since: cursor))?.contains("not the event seen before") == true)
        }
    }

    @Test("a hole that fills within the grace is reported when it appears", .timeLimit(.minutes(1)))
    func holeFills() async throws {
        try await withFeed(configure: { $0.eventGapGrace = .seconds(60) }) { stub, backend in
            stub.add(1...10)
            let cursor = try #require(try await backend.changeCursor())
            stub.add(12, vm: "vm-late-neighbour")
            let first = try changes(try await backend.changes(since: cursor))
            #expect(first.objects == [.vm(id: "vm-late-neighbour")])
            #expect(OvirtEventCursor(first.next)?.holes.keys.sorted() == [11])

            let waiting = try changes(try await backend.changes(since: first.next))
            #expect(waiting.objects.isEmpty)

            stub.add(11, vm: "vm-committed-late")
            let filled = try changes(try await backend.changes(since: waiting.next))
            #expect(filled.objects == [.vm(id: "vm-committed-late")])
            let position = try #require(OvirtEventCursor(filled.next))
            #expect(position.holes.isEmpty)
            #expect(position.base == 12)
            #expect(try changes(try await backend.changes(since: filled.next)).objects.isEmpty)
        }
    }

    @Test("a hole that never fills is a resync once the grace has passed", .timeLimit(.minutes(1)))
    func holeNeverFills() async throws {
        let clock = ManualClock()
        try await withFeed(configure: { $0.eventGapGrace = .seconds(5); $0.now = { clock.now } }) { stub, backend in
            stub.add(1...10)
            let cursor = try #require(try await backend.changeCursor())
            stub.add(12...13)
            let first = try changes(try await backend.changes(since: cursor))
            #expect(first.objects == [.vm(id: "vm-12"), .vm(id: "vm-13")])
            #expect(OvirtEventCursor(first.next)?.holes.keys.sorted() == [11])

            // Just short of the grace, the hole is still waited for.
            clock.advance(by: .milliseconds(4999))
            let waiting = try changes(try await backend.changes(since: first.next))
            #expect(waiting.objects.isEmpty)
            #expect(OvirtEventCursor(waiting.next)?.holes.keys.sorted() == [11])

            clock.advance(by: .milliseconds(1))
            #expect(reason(try await backend.changes(since: waiting.next))?.contains("event 11 never appeared") == true)
        }
    }

    @Test("an index far ahead of the cursor is a resync", .timeLimit(.minutes(1)))
    func farAhead() async throws {
        try await withFeed { stub, backend in
            stub.add(1...3)
            let cursor = try #require(try await backend.changeCursor())
            stub.add(Int64.max - 1, time: 1, vm: "vm-far")
            #expect(reason(try await backend.changes(since: cursor))?.contains("event indexes are missing") == true)
        }
    }

    @Test("a VM removal that does not name the VM is a resync", .timeLimit(.minutes(1)))
    func unlinkedRemoval() async throws {
        try await withFeed { stub, backend in
            stub.add(1...1)
            let cursor = try #require(try await backend.changeCursor())
            stub.add(2, code: 113, cluster: "c1")
            #expect(reason(try await backend.changes(since: cursor))?.contains("VM was removed without naming it") == true)
            stub.add(2, code: 113, vm: "vm-gone", cluster: "c1")
            #expect(try changes(try await backend.changes(since: cursor)).objects.contains(.vm(id: "vm-gone")))
        }
    }

    @Test("a cursor this backend did not make is a resync", .timeLimit(.minutes(1)))
    func foreignCursor() async throws {
        try await withFeed { _, backend in
            for token in ["", "garbage", "ovirt-events/1|5|3|-|", "ovirt-events/1|1|5|9@1|x"] {
                let result = try await backend.changes(since: ChangeCursor(token))
                #expect(reason(result) != nil, "\(token)")
            }
        }
    }

    @Test("single reads: the object mapped with resolved names, nil for an unknown id", .timeLimit(.minutes(1)))
    func singleReads() async throws {
        try await withFeed { _, backend in
            let vm = try #require(try await backend.vm(id: "vm-1"))
            #expect(vm.cluster == "Default" && vm.dataCenter == "Default" && vm.host == "host01" && vm.template == "Blank")
            #expect(try await backend.vm(id: "vm-2") == nil)
            #expect(try await backend.host(id: "host-1")?.cluster == "Default")
            #expect(try await backend.host(id: "nope") == nil)
            let cluster = try #require(try await backend.cluster(id: "c1"))
            #expect(cluster.hostCount == 1 && cluster.vmCount == 1 && cluster.dataCenter == "Default")
            #expect(try await backend.cluster(id: "c/2") == nil)
        }
    }

    @Test("a VM event also names the host and cluster the VM was last seen on")
    func placement() throws {
        let backend = try OvirtBackend(
            configuration: BackendConfiguration(name: "p", kind: "ovirt", url: "https://p/ovirt-engine/api",
                                                password: Secret("x")),
            logger: LogRecorder().logger())
        backend.cache.replace(names: OvirtNameIndex(),
                              hosts: [OvirtHost(id: "h1", cluster: OvirtReference(id: "c1"))],
                              vms: [OvirtVM(id: "v1", cluster: OvirtReference(id: "c1"), host: OvirtReference(id: "h1"))])
        #expect(backend.linkedObjects(OvirtEvent(index: OvirtInt(5), code: OvirtInt(61), vm: "v1"))
            == [.vm(id: "v1"), .cluster(id: "c1"), .host(id: "h1"), .cluster(id: "c1")])
        #expect(backend.linkedObjects(OvirtEvent(index: OvirtInt(6), code: OvirtInt(43), host: "h1"))
            == [.host(id: "h1"), .cluster(id: "c1")])
    }
}
