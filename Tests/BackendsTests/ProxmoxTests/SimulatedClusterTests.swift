import AggregatorCore
import BackendSupport
import Logging
import ProxmoxSimulator
import Testing

@testable import ProxmoxBackend

@Suite("Proxmox backend against pve-sim: listings and authentication")
struct SimulatedClusterTests {
    @Test("listing: QEMU VMs without templates, nodes, the cluster; probe", .timeLimit(.minutes(1)))
    func listing() async throws {
        try await withSimulatedProxmox("pve-list") { cluster in
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let probe = try await backend.probe()
                #expect(probe.product == "Proxmox VE")
                #expect(probe.version?.isEmpty == false)
                let readout = try await backend.readInventory()
                #expect(readout.vms.count == 20)
                #expect(!readout.vms.contains { $0.name.hasSuffix("-template") })
                #expect(readout.hosts.map(\.name) == ["pve1", "pve2", "pve3"])
                #expect(readout.hosts.allSatisfy { $0.status == "up" && $0.rawStatus == "online" })
                #expect(readout.clusters.map(\.name) == ["pve-list"])
                #expect(readout.clusters.first?.hostCount == 3)
                let running = readout.vms.filter { $0.status == "up" }
                #expect(running.allSatisfy { $0.host != nil && $0.rawStatus == "running" })
                #expect(readout.clusters.first?.vmCount == running.count)
                let seeded = cluster.admin.vms.filter { !$0.isTemplate }
                #expect(Set(readout.vms.map(\.id)) == Set(seeded.map { String($0.vmid) }))
            }
        }
    }

    @Test("a guest agent that does not answer leaves only that VM's addresses empty", .timeLimit(.minutes(1)))
    func agent() async throws {
        try await withSimulatedProxmox("pve-agent") { cluster in
            let running = cluster.admin.vms.filter { !$0.isTemplate && $0.status == "running" }
            let silent = try #require(running.first)
            try cluster.admin.setGuestAgent(silent.vmid, responding: false)
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let vm = try await backend.vm(id: String(silent.vmid))
                #expect(vm?.ipAddresses == [])
                #expect(vm?.status == "up")
                let vms = try await backend.listVMs()
                #expect(vms.count == 20)
            }
        }
    }

    @Test("an API token, and no login", .timeLimit(.minutes(1)))
    func token() async throws {
        try await withSimulatedProxmox("pve-token") { cluster in
            try await withProxmoxBackend(.simulated(cluster, token: true)) { backend in
                let hosts = try await backend.listHosts()
                #expect(hosts.count == 3)
                let probe = try await backend.probe()
                #expect(probe.user == SimulatedProxmoxAPIToken.default.tokenID)
            }
        }
    }

    @Test("expired tickets: the next call logs in again and succeeds", .timeLimit(.minutes(1)))
    func relogin() async throws {
        try await withSimulatedProxmox("pve-relogin") { cluster in
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                _ = try await backend.listClusters()
                let before = backend.session.tickets.loginCount
                cluster.admin.expireTickets()
                let hosts = try await backend.listHosts()
                #expect(hosts.count == 3)
                #expect(backend.session.tickets.loginCount == before + 1)
            }
        }
    }

    @Test("a wrong password is unauthorized", .timeLimit(.minutes(1)))
    func wrongPassword() async throws {
        try await withSimulatedProxmox("pve-badpw") { cluster in
            try await withProxmoxBackend(.simulated(cluster, password: "nope-123")) { backend in
                let error = await #expect(throws: BackendError.self) { _ = try await backend.listVMs() }
                #expect(error?.code == .unauthorized)
                #expect(error?.engine == "pve-badpw")
            }
        }
    }
}
