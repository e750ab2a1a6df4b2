import AggregatorCore
import Foundation
import Hummingbird

/// The endpoints of the tool this server replaces: `GET /ovirt/vm_list`, `/ovirt/host_list`,
/// `/ovirt/cluster_list`. The first path segment is the backend kind, so every kind gets the
/// same three endpoints over its own engines.
struct SeedController: Sendable {
    let inventory: Inventory

    func addRoutes(to router: some RouterMethods<some RequestContext>) {
        router.get(":kind/vm_list") { request, context in
            let engines = try engines(of: context.parameters.require("kind"))
            return try Self.respond(await inventory.listVMs(engines: engines, refresh: Self.refresh(request)))
        }
        router.get(":kind/host_list") { request, context in
            let engines = try engines(of: context.parameters.require("kind"))
            return try Self.respond(await inventory.listHosts(engines: engines, refresh: Self.refresh(request)))
        }
        router.get(":kind/cluster_list") { request, context in
            let engines = try engines(of: context.parameters.require("kind"))
            return try Self.respond(await inventory.listClusters(engines: engines, refresh: Self.refresh(request)))
        }
    }

    /// `?refresh=true` asks the engines even when the cache holds a fresh answer.
    static func refresh(_ request: Request) -> Bool {
        InventoryFilter.isTrue(request.uri.queryParameters["refresh"].map(String.init))
    }

    private func engines(of kind: String) throws -> Set<String> {
        let names = inventory.backends.filter { $0.backend.kind.rawValue == kind }.map(\.backend.name)
        guard !names.isEmpty else {
            let kinds = Set(inventory.backends.map(\.backend.kind.rawValue)).sorted()
            throw APIError(.notFound, code: "unknown_kind", message: "no engines of kind '\(kind)' are configured",
                           fix: "configured kinds: \(kinds.joined(separator: ", "))")
        }
        return Set(names)
    }

    /// 200 with whatever answered (failures under `_errors`); 502 when no engine answered.
    static func respond<Item: Encodable & Sendable>(_ result: FanOutResult<Item>) throws -> Response {
        let status: HTTPResponse.Status = result.engines.allSatisfy({ (try? $0.outcome.get()) == nil })
            ? .badGateway : .ok
        return JSONBody.response(status: status, bytes: try InventoryDocument.seedShape(result))
    }
}
