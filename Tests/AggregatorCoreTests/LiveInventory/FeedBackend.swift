import Synchronization

@testable import AggregatorCore

/// An engine with a change stream, scripted by each test: objects change, events are appended,
/// the engine can fail or lose its place; every read is counted.
final class FeedBackend: ChangeFeedBackend {
    struct State {
        var vms: [String: VM] = [:]
        var hosts: [String: Hypervisor] = [:]
        var clusters: [String: Cluster] = [:]
        /// Event index → objects it names.
        var events: [(Int, [InventoryObject])] = []
        var nextIndex = 100
        var failing: BackendError.Code?
        var resyncNext = false
        var fullReads = 0
        var targetedReads = 0
    }

    let name: String
    var kind: BackendKind { "feed" }
    let state = Mutex(State())

    init(name: String, vms: [VM] = [], hosts: [Hypervisor] = [], clusters: [Cluster] = []) {
        self.name = name
        state.withLock { state in
            for vm in vms { state.vms[vm.id] = vm }
            for host in hosts { state.hosts[host.id] = host }
            for cluster in clusters { state.clusters[cluster.id] = cluster }
        }
    }

    /// Changes the engine and records an event naming `objects`.
    func change(_ objects: [InventoryObject], _ body: (inout State) -> Void) {
        state.withLock { state in
            body(&state)
            state.events.append((state.nextIndex, objects))
            state.nextIndex += 1
        }
    }

    private func check() throws {
        if let code = state.withLock({ $0.failing }) {
            throw BackendError(code, engine: name, message: "engine \(name) is down")
        }
    }

    func listVMs() async throws -> [VM] {
        try check()
        return state.withLock { Array($0.vms.values) }
    }

    func listHosts() async throws -> [Hypervisor] {
        try check()
        return state.withLock { Array($0.hosts.values) }
    }

    func listClusters() async throws -> [Cluster] {
        try check()
        return state.withLock { Array($0.clusters.values) }
    }

    func readInventory() async throws -> EngineReadout {
        try check()
        return state.withLock {
            $0.fullReads += 1
            return EngineReadout(vms: Array($0.vms.values), hosts: Array($0.hosts.values),
                                 clusters: Array($0.clusters.values))
        }
    }

    func changeCursor() async throws -> ChangeCursor {
        try check()
        return ChangeCursor(String(state.withLock { $0.nextIndex - 1 }))
    }

    func changes(since cursor: ChangeCursor) async throws -> ChangeFeedResult {
        try check()
        return state.withLock { state in
            if state.resyncNext {
                state.resyncNext = false
                return .resync(reason: "event ids went backwards")
            }
            let last = Int(cursor.token) ?? 0
            let newer = state.events.filter { $0.0 > last }
            return .changes(newer.flatMap(\.1), next: ChangeCursor(String(newer.last?.0 ?? last)))
        }
    }

    func vm(id: String) async throws -> VM? {
        try check()
        return state.withLock {
            $0.targetedReads += 1
            return $0.vms[id]
        }
    }

    func host(id: String) async throws -> Hypervisor? {
        try check()
        return state.withLock {
            $0.targetedReads += 1
            return $0.hosts[id]
        }
    }

    func cluster(id: String) async throws -> Cluster? {
        try check()
        return state.withLock {
            $0.targetedReads += 1
            return $0.clusters[id]
        }
    }

    func probe() async throws -> EngineProbe { EngineProbe(product: "feed", version: "1") }
    func shutdown() async {}
}

extension VM {
    static func sample(_ engine: String, _ index: Int, status: String = "up", cluster: String = "Default",
                       host: String? = nil, ips: [String] = []) -> VM {
        VM(engine: engine, id: "\(engine)-vm-\(index)", name: "vm" + String(String(index + 1000).dropFirst()), status: status,
           cluster: cluster, host: host, cpus: 2, memoryBytes: 1 << 30, ipAddresses: ips)
    }
}

/// Counts as the engine's own summary does: VMs and hosts `up` are active.
extension FeedBackend: ConsistencyProbing {
    /// Changes the engine without writing an event (a lost or rolled-back event).
    func changeSilently(_ body: (inout State) -> Void) {
        state.withLock { body(&$0) }
    }

    func consistencySummary(after cursor: ChangeCursor?) async throws -> EngineSummary {
        try check()
        return state.withLock { state in
            let newest = state.events.last?.0 ?? 0
            let seen = cursor.flatMap { Int($0.token) } ?? 0
            return EngineSummary(
                vms: .init(total: state.vms.count, active: state.vms.values.count { $0.status == "up" }),
                hosts: .init(total: state.hosts.count, active: state.hosts.values.count { $0.status == "up" }),
                exceptionalVMs: Dictionary(uniqueKeysWithValues: state.vms.values.filter { self.isExceptional($0) }
                    .map { ($0.id, $0.status) }),
                hostStatuses: state.hosts.mapValues(\.status),
                vmsPerHost: Dictionary(uniqueKeysWithValues: state.hosts.values.map { host in
                    (host.id, state.vms.values.count { $0.host == host.name })
                }),
                changeStreamDifference: newest > seen ? "events up to \(newest), feed at \(seen)" : nil)
        }
    }

    func activity(of vm: VM) -> EngineSummary.Activity { vm.status == "up" ? .active : .inactive }
    func isExceptional(_ vm: VM) -> Bool { vm.status != "up" && vm.status != "down" }
    func activity(of host: Hypervisor) -> EngineSummary.Activity { host.status == "up" ? .active : .inactive }
}
