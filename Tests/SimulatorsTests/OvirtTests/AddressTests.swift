import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OvirtSimulator
import Testing

/// Runs `body` against a fresh engine named `name`, with its admin interface.
private func withNamedEngine<Value: Sendable>(
    _ name: String,
    vms: Int,
    hosts: Int,
    _ body: @Sendable (SimulatedEngineAdmin, any TestClientProtocol) async throws -> Value
) async throws -> Value {
    var options = SimulatedEngineOptions(name: name)
    options.vmCount = vms
    options.hostCount = hosts
    options.asyncDelay = .zero
    let admin = SimulatedEngineAdmin(options)
    let app = Application(router: OvirtSimulatorApplication.buildRouter(admin))
    return try await app.test(.router) { client in try await body(admin, client) }
}

/// Every address and MAC one engine shows, as its API answers them.
private struct ShownAddresses: Sendable, Equatable {
    var guestIPv4: [String] = []
    var guestIPv6: [String] = []
    var vmMACs: [String] = []
    /// `(MAC, IPv6)` of each reported device.
    var devices: [[String]] = []
    var hostMACs: [String] = []
    var hostAddresses: [String] = []
    /// IPv4 of each VM by name.
    var byVM: [String: String] = [:]

    func union(_ other: ShownAddresses) -> ShownAddresses {
        ShownAddresses(
            guestIPv4: guestIPv4 + other.guestIPv4, guestIPv6: guestIPv6 + other.guestIPv6, vmMACs: vmMACs + other.vmMACs,
            devices: devices + other.devices, hostMACs: hostMACs + other.hostMACs,
            hostAddresses: hostAddresses + other.hostAddresses
        )
    }
}

extension TestClientProtocol {
    fileprivate func shownAddresses(token: String) async throws -> ShownAddresses {
        var shown = ShownAddresses()
        let vms = try await getJSON("/ovirt-engine/api/vms?follow=nics,reported_devices", token: token)
        for vm in vms["vm"] as? [[String: Any]] ?? [] {
            for nic in (vm["nics"] as? [String: Any])?["nic"] as? [[String: Any]] ?? [] {
                shown.vmMACs.append(try #require((nic["mac"] as? [String: Any])?["address"] as? String))
            }
            for device in (vm["reported_devices"] as? [String: Any])?["reported_device"] as? [[String: Any]] ?? [] {
                let mac = try #require((device["mac"] as? [String: Any])?["address"] as? String)
                for ip in (device["ips"] as? [String: Any])?["ip"] as? [[String: Any]] ?? [] {
                    let address = try #require(ip["address"] as? String)
                    if ip["version"] as? String == "v4" {
                        shown.guestIPv4.append(address)
                        shown.byVM[vm["name"] as? String ?? ""] = address
                    } else {
                        shown.guestIPv6.append(address)
                        shown.devices.append([mac, address])
                    }
                }
            }
        }
        let hosts = try await getJSON("/ovirt-engine/api/hosts", token: token)
        for host in hosts["host"] as? [[String: Any]] ?? [] {
            let id = try #require(host["id"] as? String)
            let nics = try await getJSON("/ovirt-engine/api/hosts/\(id)/nics", token: token)
            for nic in nics["host_nic"] as? [[String: Any]] ?? [] {
                // A bond carries its first slave's MAC, as on a real host.
                if (nic["name"] as? String)?.hasPrefix("eno") == true {
                    shown.hostMACs.append(try #require((nic["mac"] as? [String: Any])?["address"] as? String))
                }
                if let address = (nic["ip"] as? [String: Any])?["address"] as? String { shown.hostAddresses.append(address) }
            }
        }
        return shown
    }
}

/// The values that occur more than once.
private func repeated(_ values: [String]) -> [String] {
    Dictionary(grouping: values, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
}

/// The link-local EUI-64 address of a MAC, worked out here independently of the simulator.
private func eui64LinkLocal(_ mac: String) -> String {
    var bytes = mac.split(separator: ":").map { UInt16($0, radix: 16) ?? 0 }
    bytes[0] ^= 0x02
    let groups = [bytes[0] << 8 | bytes[1], bytes[2] << 8 | 0xff, 0xfe << 8 | bytes[3], bytes[4] << 8 | bytes[5]]
    return "fe80::" + groups.map { String($0, radix: 16) }.joined(separator: ":")
}

@Suite("Addresses and MACs are each engine's own", .timeLimit(.minutes(2)))
struct AddressTests {
    /// Two engines of one process, each with seeded VMs (more than one /24
    /// of them), VMs added up later and hosts: no address or MAC is shown twice.
    @Test func twoEnginesShowNoAddressOrMACTwice() async throws {
        let shown = try await withNamedEngine("e15-test", vms: 300, hosts: 5) { firstAdmin, first in
            try await withNamedEngine("e15", vms: 300, hosts: 5) { secondAdmin, second in
                for index in 1...3 {
                    try firstAdmin.addVM(name: "added-\(index)", status: "up")
                    try secondAdmin.addVM(name: "added-\(index)", status: "up")
                }
                let a = try await first.shownAddresses(token: try await first.login())
                let b = try await second.shownAddresses(token: try await second.login())
                return (a, b)
            }
        }
        let (a, b) = shown
        for engine in [a, b] {
            #expect(engine.vmMACs.count == 303)
            #expect(engine.guestIPv4.count > 200, "most seeded VMs are up and report addresses")
            #expect(engine.hostMACs.count == 10 && engine.hostAddresses.count == 5)
        }
        let all = a.union(b)
        #expect(repeated(all.vmMACs).isEmpty)
        #expect(repeated(all.hostMACs).isEmpty)
        #expect(repeated(all.guestIPv4).isEmpty)
        #expect(repeated(all.guestIPv6).isEmpty)
        #expect(repeated(all.hostAddresses + all.guestIPv4).isEmpty)
        // Each engine's MACs come from its own pool (56:6f:XX:YY), as engine-setup picks one per engine.
        let prefixes = { (engine: ShownAddresses) in Set(engine.vmMACs.map { $0.split(separator: ":").prefix(4).joined(separator: ":") }) }
        #expect(prefixes(a).count == 1 && prefixes(b).count == 1 && prefixes(a) != prefixes(b))
        #expect(all.vmMACs.allSatisfy { $0.hasPrefix("56:6f:") })
        #expect(all.guestIPv4.allSatisfy { $0.hasPrefix("10.") && $0.split(separator: ".").count == 4 })
        for device in all.devices {
            #expect(device[1] == eui64LinkLocal(device[0]), "IPv6 of \(device[0])")
        }
        // VMs added later get addresses too, from the engine's own range.
        #expect(a.byVM["added-1"] != nil && a.byVM["added-1"] != b.byVM["added-1"])
    }

    @Test func theSameNameShowsTheSameAddressesAndAStartedVMGetsItsAddressBack() async throws {
        let first = try await withNamedEngine("n32", vms: 40, hosts: 3) { _, client in
            try await client.shownAddresses(token: try await client.login())
        }
        try await withNamedEngine("n32", vms: 40, hosts: 3) { admin, client in
            let token = try await client.login()
            #expect(try await client.shownAddresses(token: token) == first)
            let (name, address) = try #require(first.byVM.min { $0.key < $1.key })
            try admin.setVMStatus(name, to: "down")
            #expect(try await client.shownAddresses(token: token).byVM[name] == nil)
            try admin.setVMStatus(name, to: "up")
            #expect(try await client.shownAddresses(token: token).byVM[name] == address, "the DHCP lease follows the MAC")
        }
    }

    /// The names the test suites and scripts run side by side need no renaming.
    @Test(arguments: [
        ["e15-test", "e15", "e15-2", "n32", "n32-2", "k45"],
        ["alpha", "beta"],
        ["chaos-a", "chaos-b", "chaos-c"],
    ])
    func namesUsedTogetherDoNotShareAddresses(names: [String]) {
        let engines = names.map { name in
            var options = SimulatedEngineOptions(name: name)
            options.vmCount = 300
            options.hostCount = 8
            return options
        }
        #expect(SimulatedEngineOptions.addressConflicts(among: engines).isEmpty)
    }

    /// Among enough names some pairs hash too close together: the check
    /// reports them, and resolving moves the later engine of each pair to
    /// another block, as `ovirt-sim` does.
    @Test func namesThatWouldShareAreReportedAndMovedApart() async throws {
        let engines = (0..<300).map { SimulatedEngineOptions(name: "engine-\($0)") }
        let conflicts = SimulatedEngineOptions.addressConflicts(among: engines)
        #expect(!conflicts.isEmpty)
        #expect(conflicts.allSatisfy { $0.contains(" and ") && $0.contains(" share ") })

        let resolved = SimulatedEngineOptions.resolvingAddressConflicts(engines)
        #expect(SimulatedEngineOptions.addressConflicts(among: resolved).isEmpty)
        #expect(resolved.map(\.name) == engines.map(\.name))
        #expect(resolved[0].addressVariant == 0)
        let moved = try #require(resolved.first { $0.addressVariant > 0 })
        #expect(resolved.filter { $0.addressVariant > 0 }.count <= conflicts.count)
        #expect(SimulatedEngineOptions.resolvingAddressConflicts(engines).map(\.addressVariant) == resolved.map(\.addressVariant))

        // The moved engine shows other addresses than its name's own block.
        let shown = { (options: SimulatedEngineOptions) in
            try await Application(router: OvirtSimulatorApplication.buildRouter(options)).test(.router) { client in
                try await client.shownAddresses(token: try await client.login())
            }
        }
        var original = moved
        original.addressVariant = 0
        let before = try await shown(original), after = try await shown(moved)
        #expect(Set(before.guestIPv4).isDisjoint(with: after.guestIPv4))
        #expect(Set(before.vmMACs).isDisjoint(with: after.vmMACs))
    }
}
