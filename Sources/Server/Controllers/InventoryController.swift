import AggregatorCore
import Foundation
import Hummingbird

/// `/api/v1/{vms,hosts,clusters,backends}`: flat, backend-agnostic listings with filters, and
/// `/api/v1/vms/{engine}/{id}`: one VM.
struct InventoryController: Sendable {
    let inventory: EngineSet

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("vms") { request, _ in
            let filter = try InventoryFilter(request: request, knownEngines: inventory.engineNames, fields: .vms)
            let refreshed = filter.refresh ? await inventory.model.refresh(engines: filter.engines) : [:]
            var listing = await inventory.model.vms(filter.query)
            listing.note(refresh: refreshed)
            return try Self.listing(listing)
        }
        // One VM as the live model has it (the web face's VM page).
        group.get("vms/:engine/:id") { _, context in
            let name = try context.parameters.require("engine")
            let id = try context.parameters.require("id")
            guard let engine = inventory.model.engine(named: name) else {
                throw APIError(.notFound, code: "unknown_engine", message: "unknown engine '\(name)'",
                               fix: "configured engines: \(inventory.engineNames.joined(separator: ", "))")
            }
            if !engine.snapshot.tried { await engine.ensureTried() }
            guard let vm = engine.snapshot.vms.record(id: id) else {
                throw APIError(.notFound, code: "unknown_vm", message: "engine \(name) has no VM with id '\(id)'",
                               fix: "use the id GET /api/v1/vms lists for the VM")
            }
            return JSONBody.response(bytes: Data(ListingDocument.bytes(vm)))
        }
        group.get("hosts") { request, _ in
            let filter = try InventoryFilter(request: request, knownEngines: inventory.engineNames, fields: .hosts)
            let refreshed = filter.refresh ? await inventory.model.refresh(engines: filter.engines) : [:]
            var listing = await inventory.model.hosts(filter.query)
            listing.note(refresh: refreshed)
            return try Self.listing(listing)
        }
        group.get("clusters") { request, _ in
            if request.uri.queryParameters["status"] != nil {
                throw APIError(.badRequest, code: "bad_filter", message: "clusters have no status to filter on",
                               fix: "filter clusters by engine, cluster or name")
            }
            let filter = try InventoryFilter(request: request, knownEngines: inventory.engineNames, fields: .clusters)
            let refreshed = filter.refresh ? await inventory.model.refresh(engines: filter.engines) : [:]
            var listing = await inventory.model.clusters(filter.query)
            listing.note(refresh: refreshed)
            return try Self.listing(listing)
        }
        group.get("backends") { _, _ in
            let probes = await inventory.probe()
            let now = ContinuousClock.now
            let items = inventory.backends.enumerated().map { index, entry in
                var body = BackendBody(entry, probe: probes.engines[index])
                if let engine = inventory.model.engine(named: entry.backend.name) {
                    body.freshness = FreshnessBody(engine, now: now)
                }
                return body
            }
            return try JSONBody.response(encoding: BackendsBody(items: items, count: items.count))
        }
    }

    /// 200 with whatever the model holds; 502 when engines were asked, none answered and none
    /// has earlier data to show.
    static func listing<Item: JSONObjectWritable>(_ listing: Listing<Item>) throws -> Response {
        if listing.nothingToShow {
            let statuses = listing.statuses
            throw APIError(.badGateway, code: "all_engines_failed",
                           message: "no engine answered: "
                               + statuses.map { "\($0.engine): \($0.message ?? "failed")" }.joined(separator: "; "),
                           fix: "check the engines' state in GET /api/v1/backends; retry when one answers",
                           engines: statuses)
        }
        return JSONBody.stream(ListingDocument.flat(listing))
    }
}

/// One configured backend as `/api/v1/backends` shows it.
struct BackendBody: Encodable {
    var name: String
    var kind: String
    var url: String?
    var tags: [String]
    var capabilities: [String]
    var status: EngineStatusBody
    var product: String?
    var version: String?
    var freshness: FreshnessBody?

    init(_ entry: RegisteredBackend, probe: FanOutResult<EngineProbe>.EngineResult) {
        let backend = entry.backend
        url = entry.url
        tags = entry.tags
        name = backend.name
        kind = backend.kind.rawValue
        capabilities = backend.capabilities.names
        var status = probe.status
        status.count = 0
        self.status = EngineStatusBody(status)
        let info = probe.items.first
        product = info?.product
        version = info?.version
    }
}

/// How current the live model's data of one engine is, and how it was kept so.
struct FreshnessBody: Encodable {
    /// Since the last full read that succeeded, in milliseconds.
    var fullReadAgeMs: Int64?
    /// Since the last consistency probe the engine answered, in milliseconds; absent for kinds
    /// without one, and before the first.
    var consistencyProbeAgeMs: Int64?
    /// Full reads a consistency probe started since the server started.
    var consistencyFullReads: Int
    /// What the last consistency probe found different; absent when the model agreed.
    var consistencyDifferences: [String]?
    /// Time between consistency probes in milliseconds; absent when the kind has none or they are off.
    var consistencyProbeIntervalMs: Int64?
    /// Time between full reads in milliseconds.
    var fullRefreshIntervalMs: Int64

    init(_ engine: EngineModel, now: ContinuousClock.Instant) {
        let snapshot = engine.snapshot
        fullReadAgeMs = snapshot.lastSuccessfulFullRead.map { (now - $0).milliseconds }
        consistencyProbeAgeMs = snapshot.lastConsistencyProbe.map { (now - $0).milliseconds }
        consistencyFullReads = snapshot.consistencyFullReads
        consistencyDifferences = snapshot.lastConsistencyDifferences.isEmpty ? nil : snapshot.lastConsistencyDifferences
        let probes = engine.entry.backend is any ConsistencyProbing && engine.settings.consistencyProbe > .zero
        consistencyProbeIntervalMs = probes ? engine.settings.consistencyProbe.milliseconds : nil
        fullRefreshIntervalMs = engine.fullRefreshInterval.milliseconds
    }
}

struct BackendsBody: Encodable {
    var items: [BackendBody]
    var count: Int
}
