import AggregatorTesting
import Foundation
import Logging
import Synchronization
import Testing

@testable import AggregatorCore

@Suite struct LiveInventoryTests {
    let logger = Logger(label: "test")

    func model(_ backends: [FeedBackend], timeout: Duration = .seconds(5),
               refresh: RefreshSettings = RefreshSettings()) -> InventoryModel {
        InventoryModel(backends: backends.map { RegisteredBackend(backend: $0, timeout: timeout, refresh: refresh) },
                       logger: logger)
    }

    func engineA() -> FeedBackend {
        FeedBackend(
            name: "a",
            vms: (0..<5).map { VM.sample("a", $0, status: $0 < 3 ? "up" : "down", host: $0 < 3 ? "h1" : nil,
                                         ips: ["10.0.0.\($0)"]) },
            hosts: [Hypervisor(engine: "a", id: "h1", name: "h1", status: "up", cluster: "Default")],
            clusters: [Cluster(engine: "a", id: "c1", name: "Default")])
    }

    @Test func firstListingReadsTheEngineOnceThenAnswersFromMemory() async throws {
        let a = engineA()
        let model = model([a])
        #expect(await model.vms().count == 5)
        #expect(await model.vms().count == 5)
        #expect(a.state.withLock { $0.fullReads } == 1)
        #expect(await model.vms().items.map(\.name) == ["vm000", "vm001", "vm002", "vm003", "vm004"])
    }

    @Test func createdVMIsAddedByTargetedReadWithoutAFullRead() async throws {
        let a = engineA()
        let model = model([a])
        _ = await model.vms()
        let engine = try #require(model.engine(named: "a"))
        a.change([.vm(id: "a-vm-9")]) { $0.vms["a-vm-9"] = VM.sample("a", 9, ips: ["10.9.9.9"]) }
        #expect(await engine.pollChanges() == nil)
        #expect(await model.vms().items.contains { $0.id == "a-vm-9" })
        #expect(await model.vms(InventoryQuery(exact: [.ip: "10.9.9.9"])).items.map(\.id) == ["a-vm-9"])
        #expect(a.state.withLock { $0.fullReads } == 1)
        #expect(a.state.withLock { $0.targetedReads } == 1)
    }

    @Test func startStopAndRemoveFollowTheEvents() async throws {
        let a = engineA()
        let model = model([a])
        _ = await model.vms()
        let engine = try #require(model.engine(named: "a"))
        a.change([.vm(id: "a-vm-3")]) { $0.vms["a-vm-3"]?.status = "up"; $0.vms["a-vm-3"]?.host = "h1" }
        a.change([.vm(id: "a-vm-0")]) { $0.vms["a-vm-0"]?.status = "down"; $0.vms["a-vm-0"]?.host = nil }
        #expect(await engine.pollChanges() == nil)
        let up = await model.vms(InventoryQuery(exact: [.status: "up"])).items.map(\.id)
        #expect(up == ["a-vm-1", "a-vm-2", "a-vm-3"])
        #expect(await model.vms(InventoryQuery(exact: [.host: "H1"])).items.map(\.id) == up)

        a.change([.vm(id: "a-vm-1")]) { $0.vms["a-vm-1"] = nil }
        #expect(await engine.pollChanges() == nil)
        #expect(await model.vms().items.map(\.id).contains("a-vm-1") == false)
        #expect(await model.vms(InventoryQuery(exact: [.ip: "10.0.0.1"])).items.isEmpty)
        #expect(await model.vms(InventoryQuery(exact: [.status: "up"])).items.map(\.id) == ["a-vm-2", "a-vm-3"])
        #expect(a.state.withLock { $0.fullReads } == 1)
    }

    @Test func hostStateChangeIsFollowed() async throws {
        let a = engineA()
        let model = model([a])
        _ = await model.hosts()
        let engine = try #require(model.engine(named: "a"))
        a.change([.host(id: "h1")]) { $0.hosts["h1"]?.status = "maintenance" }
        #expect(await engine.pollChanges() == nil)
        #expect(await model.hosts().items.first?.status == "maintenance")
        #expect(await model.hosts(InventoryQuery(exact: [.status: "up"])).items.isEmpty)
    }

    @Test func lostPlaceInTheStreamFallsBackToAFullRead() async throws {
        let a = engineA()
        let model = model([a])
        _ = await model.vms()
        let engine = try #require(model.engine(named: "a"))
        // A change the stream does not report, then the stream loses its place.
        a.state.withLock {
            $0.vms["a-vm-7"] = VM.sample("a", 7)
            $0.resyncNext = true
        }
        #expect(await engine.pollChanges() == nil)
        #expect(a.state.withLock { $0.fullReads } == 2)
        #expect(await model.vms().items.contains { $0.id == "a-vm-7" })
        // And it follows events again from the new cursor.
        a.change([.vm(id: "a-vm-8")]) { $0.vms["a-vm-8"] = VM.sample("a", 8) }
        #expect(await engine.pollChanges() == nil)
        #expect(await model.vms().count == 7)
    }

    @Test func deadEngineKeepsItsLastGoodDataMarkedStaleWithItsAge() async throws {
        let a = engineA()
        let b = FeedBackend(name: "b", vms: [VM.sample("b", 1)])
        // A long timeout: b's data stays fresh (3 polls + timeout) however slow this machine is.
        let model = model([a, b], timeout: .seconds(60))
        _ = await model.vms()
        a.state.withLock { $0.failing = .connectionRefused }
        let engine = try #require(model.engine(named: "a"))
        #expect(await engine.pollChanges()?.code == .connectionRefused)
        let listing = await model.vms()
        #expect(listing.count == 6, "a's five VMs are still shown")
        let status = try #require(listing.statuses.first { $0.engine == "a" })
        #expect(status.ok == false)
        #expect(status.stale == true)
        #expect(status.error == "connection_refused")
        #expect(status.ageMs != nil)
        #expect(listing.isComplete == false)
        #expect(listing.nothingToShow == false)
        let healthy = try #require(listing.statuses.first { $0.engine == "b" })
        #expect(healthy.ok && healthy.stale == false)

        // Once it answers again, its data is fresh.
        a.state.withLock { $0.failing = nil }
        #expect(await engine.pollChanges() == nil)
        let again = await model.vms()
        #expect(again.statuses.first?.stale == false)
        #expect(again.statuses.first?.ok == true)
    }

    @Test func engineDownFromTheStartHasNoDataAndIsNamed() async {
        let a = engineA()
        a.state.withLock { $0.failing = .timeout }
        let model = model([a])
        let listing = await model.vms()
        #expect(listing.count == 0)
        #expect(listing.statuses.first?.error == "timeout")
        #expect(listing.statuses.first?.stale == nil)
        #expect(listing.nothingToShow)
    }

    @Test func createThroughTheServerIsShownAtOnce() async throws {
        let a = engineA()
        let model = model([a])
        _ = await model.vms()
        a.state.withLock { $0.vms["a-vm-20"] = VM.sample("a", 20) }
        #expect(await model.engine(named: "a")?.refresh([.vm(id: "a-vm-20")]) == nil)
        #expect(await model.vms(InventoryQuery(exact: [.name: "VM020"])).items.map(\.id) == ["a-vm-20"])
    }

    @Test func indexedLookupsCombineAcrossEngines() async {
        let a = engineA()
        let b = FeedBackend(name: "b", vms: [
            VM.sample("b", 1, cluster: "Prod", ips: ["10.105.249.51"]),
            VM.sample("b", 2, status: "down", cluster: "Prod"),
            VM.sample("b", 3, cluster: "Default", ips: ["fe80::1"]),
        ])
        let model = model([a, b])
        #expect(await model.vms(InventoryQuery(exact: [.ip: "10.105.249.51"])).items.map(\.id) == ["b-vm-1"])
        #expect(await model.vms(InventoryQuery(exact: [.ip: "FE80::1"])).items.map(\.id) == ["b-vm-3"])
        #expect(await model.vms(InventoryQuery(exact: [.cluster: "prod", .status: "up"])).items.map(\.id) == ["b-vm-1"])
        #expect(await model.vms(InventoryQuery(engines: ["a"], nameContains: "M00")).count == 5)
        #expect(await model.vms(InventoryQuery(nameContains: "001")).items.map(\.id) == ["a-vm-1", "b-vm-1"])
        #expect(await model.vms(InventoryQuery(exact: [.name: "vm00"])).items.isEmpty, "exact name is not a prefix")
        #expect(await model.vms(InventoryQuery(exact: [.cluster: "nowhere"])).total == 0)
    }

    @Test func pagesWalkEveryItemOnceAcrossEnginesEvenWhenItemsGoAway() async throws {
        let a = FeedBackend(name: "a", vms: (0..<7).map { VM.sample("a", $0) })
        let b = FeedBackend(name: "b", vms: (0..<6).map { VM.sample("b", $0) })
        let model = model([a, b])
        var seen: [String] = []
        var cursor: PageCursor?
        var pages = 0
        repeat {
            let page = await model.vms(InventoryQuery(limit: 4, after: cursor))
            #expect(page.total == 13 - seen.count, "total counts what is left from the cursor on")
            seen += page.items.map(\.id)
            cursor = page.nextCursor
            pages += 1
            if pages == 2 {
                // An item already listed goes away: nothing repeats, nothing is skipped.
                a.change([.vm(id: "a-vm-0")]) { $0.vms["a-vm-0"] = nil }
                _ = await model.engine(named: "a")?.pollChanges()
            }
            if let token = cursor?.token { cursor = try #require(PageCursor(token: token)) }
        } while cursor != nil && pages < 10
        #expect(pages == 4)
        #expect(seen == (0..<7).map { "a-vm-\($0)" } + (0..<6).map { "b-vm-\($0)" })
        #expect(PageCursor(token: "not a cursor") == nil)
    }

    /// A page that fills up on one engine, with an engine of no matches after it, still points
    /// at the matches of the engine after that.
    @Test func pageEndingBeforeAnEngineWithoutMatchesStillLeadsOn() async throws {
        let a = FeedBackend(name: "a", vms: (0..<2).map { VM.sample("a", $0, cluster: "Prod") })
        let b = FeedBackend(name: "b", vms: (0..<2).map { VM.sample("b", $0) })
        let c = FeedBackend(name: "c", vms: (0..<2).map { VM.sample("c", $0, cluster: "Prod") })
        let model = model([a, b, c])
        let first = await model.vms(InventoryQuery(exact: [.cluster: "prod"], limit: 2))
        #expect(first.items.map(\.id) == ["a-vm-0", "a-vm-1"])
        let next = try #require(first.nextCursor)
        let second = await model.vms(InventoryQuery(exact: [.cluster: "prod"], limit: 2, after: next))
        #expect(second.items.map(\.id) == ["c-vm-0", "c-vm-1"])
        #expect(second.nextCursor == nil)
    }

    /// Full reads asked for since one moment share one read: those that come while it runs join
    /// it, those that come after it ended take its result.
    @Test(.timeLimit(.minutes(1)))
    func concurrentFullReadsShareOneRead() async throws {
        let a = engineA()
        var settings = RefreshSettings()
        settings.refreshMinInterval = .zero
        let model = model([a], refresh: settings)
        _ = await model.vms()
        let engine = try #require(model.engine(named: "a"))
        let asked = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { await engine.fullRead(notBefore: asked) } }
        }
        #expect(a.state.withLock { $0.fullReads } == 2, "one read at the first listing, one shared by the five")
        await model.refresh(engines: ["a"])
        #expect(a.state.withLock { $0.fullReads } == 3, "a later refresh reads again")
    }

    @Test("refresh=true reads an engine at most once per refresh_min_interval, and says when it did not")
    func requestedRefreshesAreLimitedPerEngine() async throws {
        let a = engineA()
        var settings = RefreshSettings()
        settings.refreshMinInterval = .seconds(3600)
        let model = model([a], refresh: settings)
        _ = await model.vms()
        #expect(await model.refresh(engines: nil) == ["a": .read])
        #expect(a.state.withLock { $0.fullReads } == 2)
        for _ in 0..<20 {
            #expect(await model.refresh(engines: ["a"]) == ["a": .recent])
        }
        #expect(a.state.withLock { $0.fullReads } == 2, "requests inside the interval answer from the last read")
        var listing = await model.vms()
        listing.note(refresh: ["a": .recent])
        #expect(listing.statuses.map(\.refresh) == ["recent"])
    }

    @Test func nameSubstringSearchMatchesAScanAfterChanges() async throws {
        var names = ["alpha", "Альфа-01", "beta", "gamma-alpha", "ALPHA2", "al", "pha", "x", "alphalpha", "тест"]
        names += (0..<300).map { "vm-\($0 * 7919 % 1000)-node" }
        let a = FeedBackend(name: "a", vms: names.enumerated().map {
            VM(engine: "a", id: "id\($0.offset)", name: $0.element, status: "up")
        })
        let model = model([a])
        func check(_ needles: [String]) async {
            let all = await model.vms().items
            for needle in needles {
                let expected = all.filter { $0.name.lowercased().contains(needle.lowercased()) }.map(\.id)
                let found = await model.vms(InventoryQuery(nameContains: needle)).items.map(\.id)
                #expect(found == expected, "needle \(needle)")
            }
        }
        let needles = ["alpha", "ALP", "альфа", "a", "pha", "-node", "vm-99", "9-n", "zzz", "ex", "alphal", "тест"]
        await check(needles)
        let engine = try #require(model.engine(named: "a"))
        a.change([.vm(id: "id0"), .vm(id: "new")]) {
            $0.vms["id0"] = nil
            $0.vms["new"] = VM(engine: "a", id: "new", name: "alpha-new", status: "down")
        }
        #expect(await engine.pollChanges() == nil)
        await check(needles)
        // Names are searched one by one: the end of one and the start of the next never match together.
        #expect(await model.vms(InventoryQuery(nameContains: "alphaalpha")).total == 0)
    }

    /// The service on a clock the test moves: each round ends in a sleep the clock announces,
    /// so the test knows when a round is done without waiting on the wall clock.
    @Test(.timeLimit(.minutes(1)))
    func refreshServiceFollowsTheEngineInTheBackground() async throws {
        let a = engineA()
        let entry = RegisteredBackend(backend: a, timeout: .seconds(5),
                                      refresh: RefreshSettings(fullRefresh: .seconds(900), eventsPoll: .milliseconds(100)))
        let model = InventoryModel(backends: [entry], logger: logger)
        let clock = ManualClock()
        let service = EngineRefreshService(engine: model.engines[0], clock: clock)
        var rounds = clock.sleeps.makeAsyncIterator()
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            _ = await rounds.next()
            #expect(await model.vms().count == 5)

            a.change([.vm(id: "a-vm-30")]) { $0.vms["a-vm-30"] = VM.sample("a", 30) }
            clock.advance(by: .milliseconds(100))
            _ = await rounds.next()
            #expect(await model.vms().items.contains { $0.id == "a-vm-30" })
            #expect(a.state.withLock { $0.fullReads } == 1, "the change came from the stream")

            // A change the stream never reports is found by the full read after full_refresh.
            a.state.withLock { $0.vms["a-vm-31"] = VM.sample("a", 31) }
            clock.advance(by: .seconds(900))
            _ = await rounds.next()
            #expect(a.state.withLock { $0.fullReads } == 2)
            #expect(await model.vms().items.contains { $0.id == "a-vm-31" })
            group.cancelAll()
        }
    }
}
