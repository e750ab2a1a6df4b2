import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OvirtSimulator
import SimulatorSupport
import Testing

private let newVMXML = """
    <vm><name>evt-vm</name><cluster><name>Default</name></cluster>
    <template><name>template-packer-redos8-03092024</name></template></vm>
    """

@Suite("Events for REST changes and the from parameter", .timeLimit(.minutes(1)))
struct RESTEventTests {
    @Test func createStartStopUpdateRemoveEachWriteTheEnginesEvents() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let start = admin.cursor
            let clusterID = try await client.idOf("clusters", key: "cluster", name: "Default", token: token)

            let created = try await client.send(.post, "/ovirt-engine/api/vms", token: token, xml: newVMXML)
            #expect(created.status == .accepted)
            let id = try await client.idOf("vms", key: "vm", name: "evt-vm", token: token)
            _ = try await client.send(.post, "/ovirt-engine/api/vms/\(id)/start", token: token, xml: "<action/>")
            try await client.waitFor("/ovirt-engine/api/vms/\(id)", field: "status", equals: "up", token: token)
            let hostID = try #require(
                (try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)["host"] as? [String: Any])?["id"] as? String
            )
            _ = try await client.send(.post, "/ovirt-engine/api/vms/\(id)/stop", token: token, xml: "<action/>")
            _ = try await client.send(.put, "/ovirt-engine/api/vms/\(id)", token: token, xml: "<vm><description>new</description></vm>")
            let removed = try await client.send(.delete, "/ovirt-engine/api/vms/\(id)", token: token)
            #expect(removed.status == .ok)

            let events = try await client.waitForEvents(from: start, token: token) { $0.contains { $0.code == 113 } }
            #expect(events.map(\.code) == [37, 53, 153, 32, 33, 61, 35, 113])
            #expect(events.map(\.index) == Array(start + 1...start + 8), "indexes increase by one")
            #expect(events.allSatisfy { $0.vm == id && $0.cluster == clusterID && $0.dataCenter != nil })
            #expect(events.first { $0.code == 32 }?.host == hostID)
            #expect(events.first { $0.code == 153 }?.host == hostID)
            #expect(events.first { $0.code == 33 }?.host == hostID, "the stop event names the host the VM ran on")
            #expect(events.first { $0.code == 53 }?.description == "VM evt-vm creation has been completed.")
            #expect(events.first { $0.code == 35 }?.description == "VM evt-vm configuration was updated by admin@internal-authz.")
            #expect(events.first { $0.code == 113 }?.description == "VM evt-vm was successfully removed by admin@internal-authz.")
        }
    }

    @Test func asynchronousTransitionsWriteTheirEventWhenTheyHappen() async throws {
        try await withAdminEngine(asyncDelay: .milliseconds(300)) { admin, client in
            let token = try await client.login()
            let start = admin.cursor
            _ = try await client.send(.post, "/ovirt-engine/api/vms", token: token, xml: newVMXML)
            let id = try await client.idOf("vms", key: "vm", name: "evt-vm", token: token)
            let early = try await client.events(from: start, token: token)
            let vm = try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)
            if vm["status"] as? String == "image_locked" {
                #expect(!early.contains { $0.code == 53 }, "no completion event while the VM is image_locked")
            }
            _ = try await client.waitForEvents(from: start, token: token) { $0.contains { $0.code == 53 } }
            let settled = try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)
            #expect(settled["status"] as? String == "down", "the event is there once the VM is down")

            _ = try await client.send(.post, "/ovirt-engine/api/vms/\(id)/start", token: token, xml: "<action/>")
            let started = try await client.waitForEvents(from: start, token: token) { $0.contains { $0.code == 32 } }
            #expect(started.map(\.code) == [37, 53, 153, 32])
            let up = try await client.getJSON("/ovirt-engine/api/vms/\(id)", token: token)
            #expect(up["status"] as? String == "up")
        }
    }

    @Test func fromReturnsOnlyGreaterIndexesNewestFirstAndMaxKeepsTheNewest() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let start = admin.cursor
            for name in ["f1", "f2", "f3"] { try admin.addVM(name: name) }
            let all = try await client.events(token: token)
            #expect(all.map(\.index) == [start + 3, start + 2, start + 1], "without from: newest first")
            let after = try await client.events(from: start + 1, token: token)
            #expect(after.map(\.index) == [start + 3, start + 2], "from: strictly greater, newest first")
            let newest = try await client.events(from: start, max: 1, token: token)
            #expect(newest.map(\.index) == [start + 3])
            let older = try await client.getJSON("/ovirt-engine/api/events?from=\(start)&max=2&search=page%202", token: token)
            #expect((older["event"] as? [[String: Any]] ?? []).map(EventView.init).map(\.index) == [start + 1], "page 2 of 2 per page")
            #expect(try await client.events(from: start + 3, token: token).isEmpty)
            let empty = try await client.get("/ovirt-engine/api/events?from=\(start + 3)", token: token, json: true)
            #expect(empty.text == "{ }")
        }
    }
}

@Suite("Event stream faults", .timeLimit(.minutes(1)))
struct EventFaultTests {
    @Test func droppedEventLeavesAHoleThatNeverFills() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let start = admin.cursor
            let dropped = try await client.admin(.post, "/__sim/events/drop", #"{"count": 1}"#)
            #expect(dropped.status == .ok)
            try admin.addVM(name: "d1")  // index start+1: dropped
            try admin.addVM(name: "d2")  // start+2
            try admin.setVMStatus("d2", to: "up")  // start+3
            let events = try await client.events(from: start, token: token).map(\.index)
            #expect(events == [start + 3, start + 2])
            try admin.setVMStatus("d2", to: "down")
            let later = try await client.events(from: start, token: token).map(\.index)
            #expect(!later.contains(start + 1), "the hole stays")
            #expect(later.first == start + 4)
        }
    }

    @Test func heldEventAppearsAfterALaterOneWithItsLowerIndex() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let start = admin.cursor
            let held = try await client.admin(.post, "/__sim/events/hold", #"{"count": 1, "delay_ms": 3000}"#)
            #expect(held.status == .ok)
            try admin.addVM(name: "h1")  // start+1: held
            #expect(try await client.events(from: start, token: token).isEmpty, "held until a later event is stored")
            try admin.addVM(name: "h2")  // start+2: stored; start+1 follows later
            let first = try await client.events(from: start, token: token).map(\.index)
            #expect(first == [start + 2], "a client polling now sees the later index first")
            admin.clock.advance(by: .milliseconds(2999))
            #expect(try await client.events(from: start, token: token).map(\.index) == [start + 2], "still held")
            admin.clock.advance(by: .milliseconds(1))
            let all = try await client.events(from: start, token: token).sorted { $0.index < $1.index }
            #expect(all.map(\.index) == [start + 1, start + 2])
            #expect(all.first?.code == 34)
        }
    }

    @Test func purgeForgetsStoredEventsAndIndexesKeepIncreasing() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let start = admin.cursor
            try admin.addVM(name: "p1")
            try admin.addVM(name: "p2")
            let purged = try await client.admin(.post, "/__sim/events/purge", "{}")
            #expect(try client.json(purged)["purged"] as? Int == 2)
            #expect(try await client.events(token: token).isEmpty)
            try admin.addVM(name: "p3")
            #expect(try await client.events(token: token).map(\.index) == [start + 3])
        }
    }

    @Test func resetMakesIndexesGoBackwards() async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            try admin.addVM(name: "r1")
            let before = try #require(admin.lastEventIndex)
            let reset = try await client.admin(.post, "/__sim/events/reset", #"{"next_index": 10}"#)
            #expect(reset.status == .ok)
            #expect(try client.json(reset)["next_index"] as? Int == 10)
            try admin.addVM(name: "r2")
            let events = try await client.events(token: token)
            #expect(events.map(\.index) == [10])
            #expect(events[0].index < before)
            #expect(try await client.events(from: before, token: token).isEmpty, "a client at the old cursor sees nothing new")
        }
    }
}
