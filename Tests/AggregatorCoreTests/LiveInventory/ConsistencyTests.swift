import AggregatorCore
import Logging
import Synchronization
import Testing

/// The consistency probe and the guest-address re-reads: what an event stream never says is
/// still found.
@Suite struct ConsistencyTests {
    let logger = Logger(label: "test")

    /// A clock reading the test moves by hand.
    final class ManualTime: Sendable {
        private let reading = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { reading.withLock { $0 } }
        func advance(by duration: Duration) { reading.withLock { $0 += duration } }
    }

    func model(_ backend: FeedBackend, settings: RefreshSettings = RefreshSettings(),
               time: ManualTime = ManualTime()) -> InventoryModel {
        InventoryModel(backends: [RegisteredBackend(backend: backend, timeout: .seconds(5), refresh: settings)],
                       logger: logger, now: { time.now })
    }

    static func host(_ id: String, status: String = "up") -> Hypervisor {
        Hypervisor(engine: "a", id: id, name: id, status: status, cluster: "Default")
    }

    @Test("a host added whose event was lost is found by the next probe, which reads the engine in full")
    func lostEventIsFoundByTheProbe() async throws {
        let backend = FeedBackend(name: "a", vms: (0..<3).map { VM.sample("a", $0, host: "h1", ips: ["10.0.0.\($0)"]) },
                                  hosts: [Self.host("h1")])
        let model = model(backend)
        let engine = try #require(model.engine(named: "a"))
        await engine.fullRead()
        #expect(await engine.checkConsistency() == .consistent)

        backend.changeSilently { $0.hosts["h2"] = Self.host("h2") }
        #expect(await engine.pollChanges() == nil)
        #expect(engine.snapshot.hosts.count == 1, "no event: the feed cannot know")
        let outcome = await engine.checkConsistency()
        guard case .reread(let differences) = outcome else {
            Issue.record("expected a full read, got \(outcome)")
            return
        }
        #expect(differences == ["hosts: engine 2 (2 active), model 1 (1 active)", "host statuses: h2 engine up model -"])
        #expect(engine.snapshot.hosts.count == 2)
        #expect(engine.snapshot.consistencyFullReads == 1)
        #expect(await engine.checkConsistency() == .consistent)
        #expect(engine.snapshot.lastConsistencyProbe != nil)
    }

    @Test("a paused VM whose event was lost changes the active count and is corrected")
    func lostStatusChangeIsCorrected() async throws {
        let backend = FeedBackend(name: "a", vms: (0..<3).map { VM.sample("a", $0, host: "h1", ips: ["10.0.0.\($0)"]) },
                                  hosts: [Self.host("h1")])
        let engine = try #require(model(backend).engine(named: "a"))
        await engine.fullRead()
        backend.changeSilently { $0.vms["a-vm-1"]?.status = "paused" }
        #expect(await engine.checkConsistency() != .consistent)
        #expect(engine.snapshot.vms.record(id: "a-vm-1")?.item.status == "paused")
    }

    @Test("a VM gone from up to paused without an event keeps the counts but not the list of exceptional statuses")
    func lostChangeBetweenActiveStatusesIsCorrected() async throws {
        let backend = FeedBackend(name: "a", vms: (0..<3).map { VM.sample("a", $0, host: "h1", ips: ["10.0.0.\($0)"]) }
                                      + [VM.sample("a", 3, status: "down")],
                                  hosts: [Self.host("h1")])
        let engine = try #require(model(backend).engine(named: "a"))
        await engine.fullRead()
        // One VM pauses while another starts: the totals and active counts stay as they were.
        backend.changeSilently {
            $0.vms["a-vm-1"]?.status = "paused"
            $0.vms["a-vm-3"]?.status = "up"
        }
        let outcome = await engine.checkConsistency()
        guard case .reread(let differences) = outcome else {
            Issue.record("expected a full read, got \(outcome)")
            return
        }
        #expect(differences == ["VMs in exceptional statuses: a-vm-1 engine paused model -"])
        #expect(engine.snapshot.vms.record(id: "a-vm-1")?.item.status == "paused")
    }

    @Test("a migration whose events were lost moves no count and no status, but the VMs per host show it")
    func lostMigrationIsCorrected() async throws {
        let backend = FeedBackend(name: "a", vms: (0..<3).map { VM.sample("a", $0, host: "h1", ips: ["10.0.0.\($0)"]) },
                                  hosts: [Self.host("h1"), Self.host("h2")])
        let engine = try #require(model(backend).engine(named: "a"))
        await engine.fullRead()
        #expect(await engine.checkConsistency() == .consistent)
        backend.changeSilently { $0.vms["a-vm-2"]?.host = "h2" }
        let outcome = await engine.checkConsistency()
        guard case .reread(let differences) = outcome else {
            Issue.record("expected a full read, got \(outcome)")
            return
        }
        #expect(differences == ["VMs on hosts: h1 engine 2 model 3, h2 engine 1 model 0"])
        #expect(engine.snapshot.vms.record(id: "a-vm-2")?.item.host == "h2")
    }

    @Test("a host gone from maintenance to non-operational without an event is corrected by its status")
    func lostHostStatusChangeIsCorrected() async throws {
        let backend = FeedBackend(name: "a", vms: [VM.sample("a", 0, host: "h1", ips: ["10.0.0.1"])],
                                  hosts: [Self.host("h1"), Self.host("h2", status: "maintenance")])
        let engine = try #require(model(backend).engine(named: "a"))
        await engine.fullRead()
        backend.changeSilently { $0.hosts["h2"]?.status = "non_operational" }
        let outcome = await engine.checkConsistency()
        guard case .reread(let differences) = outcome else {
            Issue.record("expected a full read, got \(outcome)")
            return
        }
        #expect(differences == ["host statuses: h2 engine non_operational model maintenance"])
        #expect(engine.snapshot.hosts.record(id: "h2")?.item.status == "non_operational")
    }

    @Test("events the feed has not reported are read by the probe's own poll, not by a full read")
    func pendingEventsCostNoFullRead() async throws {
        let backend = FeedBackend(name: "a", vms: [VM.sample("a", 0, status: "down")], hosts: [Self.host("h1")])
        let engine = try #require(model(backend).engine(named: "a"))
        await engine.fullRead()
        let before = backend.state.withLock { $0.fullReads }
        backend.change([.vm(id: "a-vm-0")]) { $0.vms["a-vm-0"]?.status = "up"; $0.vms["a-vm-0"]?.ipAddresses = ["10.1.1.1"] }
        #expect(await engine.checkConsistency() == .consistent)
        #expect(backend.state.withLock { $0.fullReads } == before)
        #expect(engine.snapshot.vms.record(id: "a-vm-0")?.item.status == "up")
    }

    @Test("a VM seen starting without guest addresses is re-read at each delay until they appear")
    func guestAddressesAreRereadUntilTheyAppear() async throws {
        let backend = FeedBackend(name: "a", vms: [VM.sample("a", 0, status: "down")], hosts: [Self.host("h1")])
        var settings = RefreshSettings()
        settings.guestAddressRereads = [.seconds(10), .seconds(30), .seconds(120)]
        let time = ManualTime()
        let engine = try #require(model(backend, settings: settings, time: time).engine(named: "a"))
        await engine.fullRead()
        backend.change([.vm(id: "a-vm-0")]) { $0.vms["a-vm-0"]?.status = "up" }
        #expect(await engine.pollChanges() == nil)
        #expect(engine.snapshot.vms.record(id: "a-vm-0")?.item.ipAddresses == [])

        time.advance(by: .seconds(5))
        #expect(await engine.rereadAwaitedGuestAddresses() == 0, "not due yet")
        time.advance(by: .seconds(5))
        #expect(await engine.rereadAwaitedGuestAddresses() == 1, "first re-read at 10 s")
        time.advance(by: .seconds(1))
        #expect(await engine.rereadAwaitedGuestAddresses() == 0, "next one at 30 s")
        backend.changeSilently { $0.vms["a-vm-0"]?.ipAddresses = ["10.20.30.40"] }  // the guest agent, no event
        time.advance(by: .seconds(19))
        #expect(await engine.rereadAwaitedGuestAddresses() == 1)
        #expect(engine.snapshot.vms.record(id: "a-vm-0")?.item.ipAddresses == ["10.20.30.40"])
        time.advance(by: .seconds(200))
        #expect(await engine.rereadAwaitedGuestAddresses() == 0, "found: no longer watched")
    }

    @Test("after the last re-read a VM still without addresses is left to the sweep, which finds them")
    func sweepFindsLateAddresses() async throws {
        let backend = FeedBackend(name: "a", vms: [VM.sample("a", 0), VM.sample("a", 1, ips: ["10.0.0.1"])],
                                  hosts: [Self.host("h1")])
        var settings = RefreshSettings()
        settings.guestAddressRereads = [.seconds(1)]
        let time = ManualTime()
        let engine = try #require(model(backend, settings: settings, time: time).engine(named: "a"))
        await engine.fullRead()
        backend.change([.vm(id: "a-vm-0")]) { $0.vms["a-vm-0"]?.name = "renamed" }
        await engine.pollChanges()
        time.advance(by: .seconds(2))
        #expect(await engine.rereadAwaitedGuestAddresses() == 1)
        time.advance(by: .seconds(60))
        #expect(await engine.rereadAwaitedGuestAddresses() == 0, "re-reads exhausted")
        backend.changeSilently { $0.vms["a-vm-0"]?.ipAddresses = ["10.9.9.9"] }
        #expect(await engine.sweepGuestAddresses() == 1, "only the running VM without addresses")
        #expect(engine.snapshot.vms.record(id: "a-vm-0")?.item.ipAddresses == ["10.9.9.9"])
        #expect(await engine.sweepGuestAddresses() == 0)
    }
}
