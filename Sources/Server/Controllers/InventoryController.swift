import AggregatorCore
import Foundation
import Hummingbird

/// `/api/v1/{vms,hosts,clusters,backends}`: flat, backend-agnostic listings with filters.
struct InventoryController: Sendable {
    let inventory: Inventory

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("vms") { request, _ in
            let filter = try InventoryFilter(request: request, knownEngines: inventory.engineNames)
            let result = await inventory.listVMs(engines: filter.engines, refresh: filter.refresh)
            let items = result.items.filter { filter.matches(name: $0.name, cluster: $0.cluster, status: $0.status) }
            return try Self.listing(items, result)
        }
        group.get("hosts") { request, _ in
            let filter = try InventoryFilter(request: request, knownEngines: inventory.engineNames)
            let result = await inventory.listHosts(engines: filter.engines, refresh: filter.refresh)
            let items = result.items.filter { filter.matches(name: $0.name, cluster: $0.cluster, status: $0.status) }
            return try Self.listing(items, result)
        }
        group.get("clusters") { request, _ in
            let filter = try InventoryFilter(request: request, knownEngines: inventory.engineNames)
            if filter.status != nil {
                throw APIError(.badRequest, code: "bad_filter", message: "clusters have no status to filter on",
                               fix: "filter clusters by engine, cluster or name")
            }
            let result = await inventory.listClusters(engines: filter.engines, refresh: filter.refresh)
            let items = result.items.filter { filter.matches(name: $0.name, cluster: $0.name, status: "") }
            return try Self.listing(items, result)
        }
        group.get("backends") { _, _ in
            let probes = await inventory.probe()
            let items = inventory.backends.enumerated().map { index, entry in
                BackendBody(entry, probe: probes.engines[index])
            }
            return try JSONBody.response(encoding: BackendsBody(items: items, count: items.count))
        }
    }

    /// 200 with whatever answered; 502 when engines were asked and none answered.
    static func listing<Item: Encodable & Sendable>(_ items: [Item], _ result: FanOutResult<some Sendable>) throws
        -> Response
    {
        let statuses = result.statuses
        if !statuses.isEmpty, statuses.allSatisfy({ !$0.ok }) {
            throw APIError(.badGateway, code: "all_engines_failed",
                           message: "no engine answered: "
                               + statuses.map { "\($0.engine): \($0.message ?? "failed")" }.joined(separator: "; "),
                           engines: statuses)
        }
        return JSONBody.response(bytes: try InventoryDocument.flat(items, statuses: statuses))
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
