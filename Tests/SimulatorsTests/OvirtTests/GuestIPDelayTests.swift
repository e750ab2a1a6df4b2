import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OvirtSimulator
import SimulatorSupport
import Testing

/// Runs `body` against a fresh engine on a manual clock whose guest agents
/// report `guestIPDelay` after a VM goes up.
private func withDelayedGuestEngine<Value: Sendable>(
    guestIPDelay: Duration = .seconds(5),
    asyncDelay: Duration = .zero,
    _ body: @Sendable (SimulatedEngineAdmin, SimulatedClock, any TestClientProtocol) async throws -> Value
) async throws -> Value {
    let clock = SimulatedClock.manual()
    var options = SimulatedEngineOptions(name: "e15-test")
    options.vmCount = 5
    options.hostCount = 2
    options.asyncDelay = asyncDelay
    options.guestIPDelay = guestIPDelay
    options.clock = clock
    let admin = SimulatedEngineAdmin(options)
    let app = Application(router: OvirtSimulatorApplication.buildRouter(admin))
    return try await app.test(.router) { client in try await body(admin, clock, client) }
}

extension TestClientProtocol {
    /// The addresses a VM's guest agent reports, through every place the API shows them.
    fileprivate func guestAddresses(_ id: String, token: String) async throws -> [String] {
        let vm = try await getJSON("/ovirt-engine/api/vms/\(id)?follow=reported_devices", token: token)
        let followed = (vm["reported_devices"] as? [String: Any])?["reported_device"] as? [[String: Any]] ?? []
        let devices = try await getJSON("/ovirt-engine/api/vms/\(id)/reporteddevices", token: token)
        let listed = devices["reported_device"] as? [[String: Any]] ?? []
        let nics = try await getJSON("/ovirt-engine/api/vms/\(id)/nics?follow=reported_devices", token: token)
        let onNICs = (nics["nic"] as? [[String: Any]] ?? []).flatMap {
            ($0["reported_devices"] as? [String: Any])?["reported_device"] as? [[String: Any]] ?? []
        }
        let addresses = { (devices: [[String: Any]]) in
            devices.flatMap { ($0["ips"] as? [String: Any])?["ip"] as? [[String: Any]] ?? [] }.compactMap { $0["address"] as? String }
        }
        #expect(addresses(followed) == addresses(listed) && addresses(listed) == addresses(onNICs), "VM \(id)")
        return addresses(followed)
    }

    /// The names of the VMs the engine's search finds by `ip`.
    fileprivate func vmNames(withIP ip: String, token: String) async throws -> [String] {
        names(try await getJSON("/ovirt-engine/api/vms?search=ip%3D\(ip)", token: token), key: "vm")
    }

    fileprivate func status(ofVM id: String, token: String) async throws -> String? {
        try await getJSON("/ovirt-engine/api/vms/\(id)", token: token)["status"] as? String
    }
}

@Suite("Guest agents report addresses after --guest-ip-delay", .timeLimit(.minutes(1)))
struct GuestIPDelayTests {
    @Test func aVMStartedThroughTheAPIReportsItsAddressesOnlyAfterTheDelayAndWritesNoEvent() async throws {
        try await withDelayedGuestEngine(asyncDelay: .milliseconds(300)) { admin, clock, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "late-ips")
            let start = admin.cursor
            _ = try await client.send(.post, "/ovirt-engine/api/vms/\(vm.id)/start", token: token, xml: "<action/>")
            #expect(try await client.status(ofVM: vm.id, token: token) == "wait_for_launch")
            clock.advance(by: .milliseconds(600))
            #expect(try await client.status(ofVM: vm.id, token: token) == "up")
            #expect(try await client.guestAddresses(vm.id, token: token).isEmpty, "up, but the guest agent has not reported")
            let started = try await client.events(from: start, token: token).sorted { $0.index < $1.index }
            #expect(started.map(\.code) == [153, 32])
            let nextIndex = admin.nextEventIndex

            clock.advance(by: .milliseconds(4999))
            #expect(try await client.guestAddresses(vm.id, token: token).isEmpty)
            clock.advance(by: .milliseconds(1))
            let addresses = try await client.guestAddresses(vm.id, token: token)
            #expect(addresses.count == 2 && addresses[0].hasPrefix("10.") && addresses[1].hasPrefix("fe80::"))
            #expect(try await client.vmNames(withIP: addresses[0], token: token) == ["late-ips"])

            #expect(admin.nextEventIndex == nextIndex, "the guest agent's report writes no event")
            #expect(try await client.events(from: start, token: token).count == 2)
        }
    }

    @Test func aVMSetUpOrAddedUpByTheAdminInterfaceWaitsToo() async throws {
        try await withDelayedGuestEngine { admin, clock, client in
            let token = try await client.login()
            let start = admin.cursor
            let added = try await client.admin(.post, "/__sim/vms", #"{"name": "added-up", "status": "up", "ip": "10.1.2.3"}"#)
            #expect(added.status == .created)
            let addedID = try #require(try client.json(added)["id"] as? String)
            let other = try admin.addVM(name: "set-up")
            #expect(try await client.admin(.post, "/__sim/vms/set-up/status", #"{"status": "up"}"#).status == .ok)
            for id in [addedID, other.id] {
                #expect(try await client.status(ofVM: id, token: token) == "up")
                #expect(try await client.guestAddresses(id, token: token).isEmpty)
            }
            #expect(try await client.vmNames(withIP: "10.1.2.3", token: token).isEmpty)
            let codes = try await client.events(from: start, token: token).sorted { $0.index < $1.index }.map(\.code)
            #expect(codes == [34, 153, 34, 153])

            clock.advance(by: .seconds(5))
            #expect(try await client.guestAddresses(addedID, token: token).first == "10.1.2.3")
            #expect(try await client.guestAddresses(other.id, token: token).count == 2)
            #expect(try await client.vmNames(withIP: "10.1.2.3", token: token) == ["added-up"])
            #expect(try await client.events(from: start, token: token).count == 4, "no event for the reports")
        }
    }

    @Test func aVMStoppedBeforeItsAgentReportedReportsOnlyAfterItsNextStart() async throws {
        try await withDelayedGuestEngine { admin, clock, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "flip", status: "up")
            clock.advance(by: .seconds(2))
            try admin.setVMStatus("flip", to: "down")
            clock.advance(by: .seconds(3))
            #expect(try await client.guestAddresses(vm.id, token: token).isEmpty, "a down VM reports nothing")
            try admin.setVMStatus("flip", to: "up")
            clock.advance(by: .seconds(4))
            #expect(try await client.guestAddresses(vm.id, token: token).isEmpty, "the delay counts from the new start")
            clock.advance(by: .seconds(1))
            #expect(try await client.guestAddresses(vm.id, token: token).count == 2)
        }
    }

    @Test func seededVMsHaveReportedLongAgo() async throws {
        try await withDelayedGuestEngine { _, _, client in
            let token = try await client.login()
            let up = try await client.getJSON("/ovirt-engine/api/vms?search=status%3Dup", token: token)
            let id = try #require((up["vm"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await client.guestAddresses(id, token: token).count == 2)
        }
    }

    @Test(arguments: [
        ("5s", Duration.seconds(5)), ("500ms", .milliseconds(500)), ("1.5m", .seconds(90)), ("2", .seconds(2)),
        ("0", .zero), ("1h", .seconds(3600)), (" 3S ", .seconds(3)),
    ])
    func durationsParse(text: String, expected: Duration) {
        #expect(SimulatedEngineOptions.parseDuration(text) == expected)
    }

    @Test(arguments: ["", "s", "-1s", "5x", "five", "1e3s", "nan"])
    func badDurationsAreRefused(text: String) {
        #expect(SimulatedEngineOptions.parseDuration(text) == nil)
    }
}
