import AggregatorCore
import BackendSupport
import Logging

/// The one-go inventory read and the single-object reads the live model uses between full reads.
extension OvirtBackend {
    /// VMs, hosts and clusters together: clusters, data centers, hosts and templates are read
    /// once (the three listings would read them three times) while the VM pages are fetched,
    /// all concurrently. Maps exactly as ``listVMs()``, ``listHosts()`` and ``listClusters()`` do,
    /// and refreshes the name index single-object reads use.
    public func readInventory() async throws -> EngineReadout {
        async let clusters = session.read(path: "clusters", expected: "a JSON cluster list", OvirtListingDecoder.clusters)
        async let hosts = session.read(path: "hosts", expected: "a JSON host list", OvirtListingDecoder.hosts)
        async let dataCenters = lookup(path: "datacenters", expected: "a JSON data center list",
                                       OvirtListingDecoder.dataCenters)
        async let templates = lookup(path: "templates", expected: "a JSON template list", OvirtListingDecoder.templates)
        async let vms = allVMs()
        let (engineClusters, engineHosts, engineDataCenters, engineTemplates, engineVMs)
            = try await (clusters, hosts, dataCenters, templates, vms)
        let index = OvirtNameIndex(clusters: engineClusters, dataCenters: engineDataCenters ?? [],
                                   hosts: engineHosts, templates: engineTemplates ?? [])
        cache.replace(names: index, hosts: engineHosts, vms: engineVMs)
        return EngineReadout(
            vms: engineVMs.compactMap { OvirtMapping.vm($0, engine: name, names: index) },
            hosts: engineHosts.compactMap { OvirtMapping.host($0, engine: name, names: index) },
            clusters: engineClusters.compactMap {
                OvirtMapping.cluster($0, engine: name, names: index, hosts: engineHosts)
            })
    }

    /// `GET vms/{id}?follow=reported_devices`, mapped as ``listVMs()`` maps it; nil on 404.
    public func vm(id: String) async throws -> VM? {
        var query: [(name: String, value: String)] = []
        if tuning.followReportedDevices { query.append(("follow", "reported_devices")) }
        guard let engineVM = try await single(path: "vms/" + FormEncoding.escape(id), query: query,
                                              expected: "a JSON vm", OvirtListingDecoder.vm)
        else {
            cache.forget(vm: id)
            return nil
        }
        cache.update(vm: engineVM)
        let names = try await names(for: OvirtNameNeed(
            clusters: [engineVM.cluster?.id], hosts: [engineVM.host?.id], templates: [engineVM.template?.id]))
        return OvirtMapping.vm(engineVM, engine: name, names: names)
    }

    /// `GET hosts/{id}`, mapped as ``listHosts()`` maps it; nil on 404.
    public func host(id: String) async throws -> Hypervisor? {
        guard let engineHost = try await single(path: "hosts/" + FormEncoding.escape(id), expected: "a JSON host",
                                                OvirtListingDecoder.host)
        else {
            cache.forget(host: id)
            return nil
        }
        cache.update(host: engineHost)
        let names = try await names(for: OvirtNameNeed(clusters: [engineHost.cluster?.id]))
        return OvirtMapping.host(engineHost, engine: name, names: names)
    }

    /// `GET clusters/{id}` and `GET hosts` (for the host and running-VM counts), mapped as
    /// ``listClusters()`` maps it; nil on 404.
    public func cluster(id: String) async throws -> Cluster? {
        async let found = single(path: "clusters/" + FormEncoding.escape(id), expected: "a JSON cluster",
                                 OvirtListingDecoder.cluster)
        async let hosts = lookup(path: "hosts", expected: "a JSON host list", OvirtListingDecoder.hosts)
        let (engineCluster, engineHosts) = try await (found, hosts)
        guard let engineCluster else {
            cache.forget(cluster: id)
            return nil
        }
        cache.update(cluster: engineCluster)
        for host in engineHosts ?? [] { cache.update(host: host) }
        let names = try await names(for: OvirtNameNeed(dataCenters: [engineCluster.dataCenter?.id]))
        return OvirtMapping.cluster(engineCluster, engine: name, names: names, hosts: engineHosts)
    }

    /// One object, or nil when the engine answers 404.
    func single<T>(
        path: String, query: [(name: String, value: String)] = [], expected: String, _ decode: ([UInt8]) throws -> T
    ) async throws -> T? {
        do {
            return try await session.read(path: path, query: query, expected: expected, decode)
        } catch let error as BackendError where error.code == .notFound {
            return nil
        }
    }

    /// The cached name index, completed with the lookup collections that hold ids `need` refers
    /// to and the index does not (each fetched at most once per call; an id a fresh lookup did
    /// not resolve either is not looked up again for a minute). The first call reads all four.
    func names(for need: OvirtNameNeed) async throws -> OvirtNameIndex {
        guard let current = cache.names else {
            let lookups = try await lookups(hosts: true, templates: true)
            let index = lookups.index
            cache.replace(names: index, hosts: lookups.hosts ?? [], vms: nil)
            return index
        }
        let now = ContinuousClock.now
        let missing = need.missing(in: current) { self.cache.recentlyUnresolved($0, now: now) }
        guard !missing.isEmpty else { return current }

        let wantClusters = !missing.clusters.isEmpty
        async let clusters = wantClusters
            ? lookup(path: "clusters", expected: "a JSON cluster list", OvirtListingDecoder.clusters) : nil
        async let dataCenters = wantClusters || !missing.dataCenters.isEmpty
            ? lookup(path: "datacenters", expected: "a JSON data center list", OvirtListingDecoder.dataCenters) : nil
        async let hosts = missing.hosts.isEmpty
            ? nil : lookup(path: "hosts", expected: "a JSON host list", OvirtListingDecoder.hosts)
        async let templates = missing.templates.isEmpty
            ? nil : lookup(path: "templates", expected: "a JSON template list", OvirtListingDecoder.templates)
        let (c, d, h, t) = try await (clusters, dataCenters, hosts, templates)
        let merged = cache.merge(clusters: c, dataCenters: d, hosts: h, templates: t)
        let still = need.missing(in: merged) { _ in false }
        cache.markUnresolved(still.clusters + still.dataCenters + still.hosts + still.templates, at: now)
        session.logger.debug("Looked up ids the name index did not hold", metadata: [
            "backend.name": "\(name)", "ids.missing": "\(missing.count)", "ids.unresolved": "\(still.count)",
        ])
        return merged
    }
}

/// Ids a single-object read needs names for.
struct OvirtNameNeed: Sendable {
    var clusters: [String] = []
    var hosts: [String] = []
    var templates: [String] = []
    var dataCenters: [String] = []

    init(clusters: [String?] = [], hosts: [String?] = [], templates: [String?] = [], dataCenters: [String?] = []) {
        self.clusters = clusters.compactMap { OvirtMapping.nonEmpty($0) }
        self.hosts = hosts.compactMap { OvirtMapping.nonEmpty($0) }
        self.templates = templates.compactMap { OvirtMapping.nonEmpty($0) }
            .filter { $0 != OvirtNameIndex.blankTemplateID }
        self.dataCenters = dataCenters.compactMap { OvirtMapping.nonEmpty($0) }
    }

    var isEmpty: Bool { clusters.isEmpty && hosts.isEmpty && templates.isEmpty && dataCenters.isEmpty }
    var count: Int { clusters.count + hosts.count + templates.count + dataCenters.count }

    /// The ids `index` does not hold (data centers of known clusters included), leaving out
    /// those `skip` says not to look up.
    func missing(in index: OvirtNameIndex, skip: (String) -> Bool) -> OvirtNameNeed {
        var result = OvirtNameNeed()
        result.clusters = clusters.filter { index.clusters[$0] == nil && !skip($0) }
        result.hosts = hosts.filter { index.hosts[$0] == nil && !skip($0) }
        result.templates = templates.filter { index.templates[$0] == nil && !skip($0) }
        let dataCenterIDs = dataCenters + clusters.compactMap { index.clusters[$0]?.dataCenter?.id }
        result.dataCenters = dataCenterIDs.filter { index.dataCenters[$0] == nil && !skip($0) }
        return result
    }
}
