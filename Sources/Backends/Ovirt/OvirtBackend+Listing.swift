import AggregatorCore
import Logging

extension OvirtBackend {
    /// Every VM of the engine, in pages of `tuning.pageSize`.
    ///
    /// Page 1 and the API root go out together. When page 1 is full and the root's
    /// `summary.vms.total` says how many pages there are, the remaining pages are fetched
    /// `tuning.pagesInFlight` at a time; after that (or without a total) pages are fetched one by
    /// one until a short page. Paging is stateless on the engine, so VMs are de-duplicated by id,
    /// and a page that brings nothing new ends the listing.
    func allVMs() async throws -> [OvirtVM] {
        async let root = session.get(OvirtAPI.self, path: "", expected: "the JSON API root")
        let first: [OvirtVM]
        do {
            first = try await vmPage(1)
        } catch {
            _ = try? await root
            throw error
        }
        let total = (try? await root)?.summary?.vms?.total?.int

        var collector = VMCollector()
        collector.add(first)
        guard first.count >= tuning.pageSize else { return collector.vms }

        var lastCount = first.count
        var next = 2
        if let total, total > tuning.pageSize {
            let lastPage = (total + tuning.pageSize - 1) / tuning.pageSize
            let pages = try await vmPages(2...lastPage)
            for page in pages { collector.add(page) }
            lastCount = pages.last?.count ?? 0
            next = lastPage + 1
        }
        while lastCount >= tuning.pageSize {
            let page = try await vmPage(next)
            guard collector.add(page) > 0 else { break }
            lastCount = page.count
            next += 1
        }
        return collector.vms
    }

    /// Pages `range`, at most `tuning.pagesInFlight` at a time, returned in page order.
    private func vmPages(_ range: ClosedRange<Int>) async throws -> [[OvirtVM]] {
        try await withThrowingTaskGroup(of: (Int, [OvirtVM]).self) { group in
            var pending = range.makeIterator()
            for _ in 0..<max(1, tuning.pagesInFlight) {
                guard let page = pending.next() else { break }
                group.addTask { (page, try await self.vmPage(page)) }
            }
            var results: [Int: [OvirtVM]] = [:]
            while let (page, vms) = try await group.next() {
                results[page] = vms
                if let page = pending.next() {
                    group.addTask { (page, try await self.vmPage(page)) }
                }
            }
            return range.map { results[$0] ?? [] }
        }
    }

    /// `GET vms?search=sortby name asc page N&max=PAGE[&follow=reported_devices]`.
    func vmPage(_ page: Int) async throws -> [OvirtVM] {
        var query: [(name: String, value: String)] = [
            ("search", "sortby name asc page \(page)"),
            ("max", "\(tuning.pageSize)"),
        ]
        if tuning.followReportedDevices { query.append(("follow", "reported_devices")) }
        return try await session.read(path: "vms", query: query, expected: "a JSON vm list", OvirtListingDecoder.vms)
    }

    /// Clusters and data centers (and hosts, templates when asked), fetched concurrently.
    ///
    /// These only resolve ids to names: a 403 or 404 on one of them leaves its ids unresolved
    /// rather than failing the listing.
    func lookups(hosts withHosts: Bool, templates withTemplates: Bool) async throws -> OvirtLookups {
        async let clusters = lookup(path: "clusters", expected: "a JSON cluster list", OvirtListingDecoder.clusters)
        async let dataCenters = lookup(path: "datacenters", expected: "a JSON data center list",
                                       OvirtListingDecoder.dataCenters)
        async let hosts = withHosts
            ? lookup(path: "hosts", expected: "a JSON host list", OvirtListingDecoder.hosts) : nil
        async let templates = withTemplates
            ? lookup(path: "templates", expected: "a JSON template list", OvirtListingDecoder.templates) : nil
        let (c, d, h, t) = try await (clusters, dataCenters, hosts, templates)
        return OvirtLookups(clusters: c, dataCenters: d, hosts: h, templates: t)
    }

    /// A whole collection decoded by `decode`, or nil when the engine answers 403/404 for it.
    func lookup<Element>(
        path: String, expected: String, _ decode: ([UInt8]) throws -> [Element]
    ) async throws -> [Element]? {
        do {
            return try await session.read(path: path, expected: expected, decode)
        } catch let error as BackendError where error.code == .notFound || error.code == .forbidden {
            session.logger.debug("Lookup collection unavailable, ids stay unresolved", metadata: [
                "backend.name": "\(name)", "collection": "\(path)", "error.code": "\(error.code)",
            ])
            return nil
        }
    }
}

/// The lookup collections of one read; nil where the engine refused one (403/404) or it was not asked for.
struct OvirtLookups: Sendable {
    var clusters: [OvirtCluster]?
    var dataCenters: [OvirtDataCenter]?
    var hosts: [OvirtHost]?
    var templates: [OvirtTemplate]?

    var index: OvirtNameIndex {
        OvirtNameIndex(clusters: clusters ?? [], dataCenters: dataCenters ?? [], hosts: hosts ?? [],
                       templates: templates ?? [])
    }
}

/// VMs in first-seen order, without duplicate ids.
private struct VMCollector {
    private(set) var vms: [OvirtVM] = []
    private var seen = Set<String>()

    /// Adds the VMs not seen yet; returns how many were new.
    @discardableResult
    mutating func add(_ page: [OvirtVM]) -> Int {
        var added = 0
        for vm in page {
            if let id = vm.id {
                guard seen.insert(id).inserted else { continue }
            }
            vms.append(vm)
            added += 1
        }
        return added
    }
}
