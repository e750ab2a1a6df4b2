import AggregatorCore
import Foundation
import Hummingbird

/// `/api/v1/{vms,hosts,clusters,backends}`: flat, backend-agnostic listings with filters.
struct InventoryController: Sendable {
    let inventory: Inventory

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("vms") { request, _ in
            let filter = try InventoryFilter(request: request, knownEngines: inventory.engineNames, fields: .vms)
            let refreshed = filter.refresh ? await inventory.model.refresh(engines: filter.engines) : [:]
            var listing = await inventory.model.vms(filter.query)
            listing.note(refresh: refreshed)
            return try Self.listing(listing)
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
            let items = inventory.backends.enumerated().map { index, entry in
                BackendBody(entry, probe: probes.engines[index])
            }
            return try JSONBody.response(encoding: BackendsBody(items: items, count: items.count))
        }
    }

    /// 200 with whatever the model holds; 502 when engines were asked, none answered and none
    /// has earlier data to show.
    static func listing<Item>(_ listing: Listing<Item>) throws -> Response {
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

    init(_ entry: RegisteredBackend, probe: FanOutResult<EngineProbe>.EngineResult) {
        let backend = entry.backend
        url = entry.url
        tags = entry.tags
        name = backend.name
        kind = backend.kind.rawValue
        capabilities = backend.capabilities.names
        var status = probe.status
        status.count = 0
        self.status = status
        let info = probe.items.first
        product = info?.product
        version = info?.version
    }
}

struct BackendsBody: Encodable {
    var items: [BackendBody]
    var count: Int
}
