import AggregatorCore
import AggregatorTesting
import Logging
import OvirtSimulator
import Testing

@testable import OvirtBackend

/// Core's live model over the oVirt backend and a simulated engine changed "by someone else"
/// through the simulator's admin interface: targeted refresh from the engine's events, the fall
/// back to a full read when the event log cannot be followed, and stale data of a dead engine.
@Suite("Live model over a simulated oVirt engine")
struct LiveModelSimulatorTests {
    /// One poll of the engine's change stream, as the refresh service makes it; fails the test on an error.
    func poll(_ engine: EngineModel) async {
        let error = await engine.pollChanges()
        #expect(error == nil, "the change poll failed: \(String(describing: error))")
    }

    func vm(_ model: InventoryModel, named name: String) async -> VM? {
        await model.vms(InventoryQuery(exact: [.name: name])).items.first
    }

    @Test(.timeLimit(.minutes(3)))
    func followsChangesMadeOnTheEngine() async throws {
        let clock = ManualClock()
        var tuning = OvirtBackend.Tuning()
        tuning.eventGapGrace = .seconds(5)
        tuning.now = { clock.now }
        try await withSimulatedEngine("live-e1", configure: { $0.vmCount = 12; $0.hostCount = 2; $0.asyncDelay = .zero }) {
            simulator in
            try await withOvirtBackend(.simulated(simulator, password: "admin"), logger: Logger(label: "test"),
                                       tuning: tuning) { backend in
                let model = InventoryModel(backends: [RegisteredBackend(backend: backend, timeout: .seconds(20))],
                                           logger: Logger(label: "test"))
                let engine = try #require(model.engine(named: "live-e1"))
                #expect(await engine.fullRead() == nil)
                #expect(await model.vms().count == 12)
                let firstRead = engine.snapshot.lastFullReadStart

                // Created, started, stopped and removed elsewhere: each followed by a targeted re-read.
                let made = try simulator.admin.addVM(name: "made-elsewhere", status: "up", ip: "10.77.0.1")
                await poll(engine)
                #expect(await vm(model, named: "made-elsewhere") != nil)
                let found = await model.vms(InventoryQuery(exact: [.ip: "10.77.0.1"])).items
                #expect(found.map(\.id) == [made.id])
                #expect(found.first?.host != nil, "a running VM names its host")

                try simulator.admin.setVMStatus("made-elsewhere", to: "down")
                await poll(engine)
                #expect(await vm(model, named: "made-elsewhere")?.status == "down")
                #expect(await vm(model, named: "made-elsewhere")?.host == nil)

                let host = try #require(await model.hosts().items.first)
                try simulator.admin.setHostStatus(host.name, to: "maintenance")
                await poll(engine)
                #expect(await model.hosts(InventoryQuery(exact: [.name: host.name])).items.first?.status == "maintenance")

                try simulator.admin.removeVM("made-elsewhere")
                await poll(engine)
                #expect(await vm(model, named: "made-elsewhere") == nil)
                #expect(engine.snapshot.lastFullReadStart == firstRead, "every change so far came from events alone")

                // The events of a VM that never appear, behind an event that does: the hole is
                // waited for during the grace period, and after it a full read finds the VM.
                simulator.admin.dropEvents(8)
                _ = try simulator.admin.addVM(name: "behind-a-hole")
                simulator.admin.dropEvents(0)
                try simulator.admin.setHostStatus(host.name, to: "up")
                await poll(engine)
                #expect(await model.hosts(InventoryQuery(exact: [.name: host.name])).items.first?.status == "up")
                clock.advance(by: .milliseconds(4999))
                await poll(engine)
                #expect(await vm(model, named: "behind-a-hole") == nil)
                #expect(engine.snapshot.lastFullReadStart == firstRead, "a hole is waited for during the grace")
                clock.advance(by: .milliseconds(1))
                await poll(engine)
                #expect(await vm(model, named: "behind-a-hole") != nil)
                let afterHole = engine.snapshot.lastFullReadStart
                #expect(afterHole != firstRead, "a hole that does not fill ends in a full read")

                // The engine forgot its event log: a full read, then events again.
                _ = simulator.admin.purgeEvents()
                _ = try simulator.admin.addVM(name: "after-purge")
                await poll(engine)
                #expect(await vm(model, named: "after-purge") != nil)
                #expect(engine.snapshot.lastFullReadStart != afterHole)

                // The engine dies: its last good data stays, marked stale with its age.
                await simulator.stop()
                #expect(await engine.pollChanges() != nil)
                let listing = await model.vms()
                #expect(listing.count == 14)
                let status = try #require(listing.statuses.first)
                #expect(status.ok == false)
                #expect(status.stale == true)
                #expect(status.error == "connection_refused")
                #expect((status.ageMs ?? -1) >= 0)
            }
        }
    }
}
