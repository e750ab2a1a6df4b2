import Synchronization

/// What the backend remembers between reads, so single-object reads map exactly like listings
/// without re-reading every lookup collection, and the change feed knows which host and cluster
/// a VM or host event touches.
///
/// - The name index (clusters, data centers, hosts, templates): replaced by every full read,
///   updated by single host and cluster reads, and completed on demand when a read refers to an
///   id it does not hold (see ``OvirtBackend/names(for:)``).
/// - Where each VM was last seen (host and cluster ids), and each host's cluster id.
final class OvirtInventoryCache: Sendable {
    struct Placement: Sendable, Hashable {
        var host: String?
        var cluster: String?
    }

    private struct State {
        var names: OvirtNameIndex?
        var hostClusters: [String: String] = [:]
        var vmPlacement: [String: Placement] = [:]
        /// Ids a fresh lookup did not resolve either, with when: not looked up again for a while.
        var unresolved: [String: ContinuousClock.Instant] = [:]
    }

    /// How long an id that a fresh lookup did not resolve is not looked up again.
    let unresolvedRetry: Duration
    private let state = Mutex(State())

    init(unresolvedRetry: Duration = .seconds(60)) {
        self.unresolvedRetry = unresolvedRetry
    }

    /// The current name index, if a read has filled it.
    var names: OvirtNameIndex? { state.withLock { $0.names } }

    /// Replaces everything after a full read.
    func replace(names: OvirtNameIndex, hosts: [OvirtHost], vms: [OvirtVM]?) {
        var hostClusters: [String: String] = [:]
        for host in hosts { if let id = host.id, let cluster = host.cluster?.id { hostClusters[id] = cluster } }
        var placement: [String: Placement]?
        if let vms {
            var map: [String: Placement] = [:]
            map.reserveCapacity(vms.count)
            for vm in vms { if let id = vm.id { map[id] = Placement(host: vm.host?.id, cluster: vm.cluster?.id) } }
            placement = map
        }
        state.withLock { state in
            state.names = names
            state.hostClusters = hostClusters
            state.unresolved = [:]
            if let placement { state.vmPlacement = placement }
        }
    }

    /// Merges lookup collections fetched to resolve ids a read referred to.
    func merge(clusters: [OvirtCluster]?, dataCenters: [OvirtDataCenter]?, hosts: [OvirtHost]?,
               templates: [OvirtTemplate]?) -> OvirtNameIndex {
        state.withLock { state in
            var names = state.names ?? OvirtNameIndex()
            for cluster in clusters ?? [] { if let id = cluster.id { names.clusters[id] = cluster } }
            for dataCenter in dataCenters ?? [] {
                if let id = dataCenter.id, let name = dataCenter.name { names.dataCenters[id] = name }
            }
            for host in hosts ?? [] {
                guard let id = host.id else { continue }
                if let name = host.name { names.hosts[id] = name }
                if let cluster = host.cluster?.id { state.hostClusters[id] = cluster }
            }
            for template in templates ?? [] {
                if let id = template.id, let name = template.name { names.templates[id] = name }
            }
            state.names = names
            return names
        }
    }

    /// Records ids that stayed unresolved after a fresh lookup.
    func markUnresolved(_ ids: [String], at now: ContinuousClock.Instant) {
        state.withLock { state in for id in ids { state.unresolved[id] = now } }
    }

    /// Whether `id` was looked up recently without success.
    func recentlyUnresolved(_ id: String, now: ContinuousClock.Instant) -> Bool {
        state.withLock { state in
            guard let when = state.unresolved[id] else { return false }
            return now - when < unresolvedRetry
        }
    }

    /// A host read on its own: its name and cluster.
    func update(host: OvirtHost) {
        guard let id = host.id else { return }
        state.withLock { state in
            if let name = host.name { state.names?.hosts[id] = name }
            state.hostClusters[id] = host.cluster?.id
        }
    }

    /// A cluster read on its own.
    func update(cluster: OvirtCluster) {
        guard let id = cluster.id else { return }
        state.withLock { state in state.names?.clusters[id] = cluster }
    }

    /// A VM read on its own: where it is now.
    func update(vm: OvirtVM) {
        guard let id = vm.id else { return }
        state.withLock { state in state.vmPlacement[id] = Placement(host: vm.host?.id, cluster: vm.cluster?.id) }
    }

    func forget(vm id: String) { state.withLock { _ = $0.vmPlacement.removeValue(forKey: id) } }

    func forget(host id: String) {
        state.withLock { state in
            state.hostClusters[id] = nil
            state.names?.hosts[id] = nil
        }
    }

    func forget(cluster id: String) { state.withLock { _ = $0.names?.clusters.removeValue(forKey: id) } }

    /// Where the VM was last seen.
    func placement(ofVM id: String) -> Placement? { state.withLock { $0.vmPlacement[id] } }

    /// The cluster the host was last seen in.
    func cluster(ofHost id: String) -> String? { state.withLock { $0.hostClusters[id] } }
}
