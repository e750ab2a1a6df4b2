import AggregatorCore
import Foundation
import Hummingbird

/// The endpoints of the tool this server replaces: `GET /ovirt/vm_list`, `/ovirt/host_list`,
/// `/ovirt/cluster_list`. The first path segment is the backend kind, so every kind gets the
/// same three endpoints over its own engines.
struct SeedController: Sendable {
    let inventory: EngineSet

    func addRoutes(to router: some RouterMethods<some RequestContext>) {
        router.get(":kind/vm_list") { request, context in
            let engines = try await selectEngines(context.parameters.require("kind"), request)
            return Self.respond(await inventory.model.vms(InventoryQuery(engines: engines)))
        }
        router.get(":kind/host_list") { request, context in
            let engines = try await selectEngines(context.parameters.require("kind"), request)
            return Self.respond(await inventory.model.hosts(InventoryQuery(engines: engines)))
        }
        router.get(":kind/cluster_list") { request, context in
            let engines = try await selectEngines(context.parameters.require("kind"), request)
            return Self.respond(await inventory.model.clusters(InventoryQuery(engines: engines)))
        }
    }

    /// The engines of `kind`; with `?refresh=true` they are read in full first.
    private func selectEngines(_ kind: String, _ request: Request) async throws -> Set<String> {
        let selected = try engines(of: kind)
        if InventoryFilter.isTrue(request.uri.queryParameters["refresh"].map(String.init)) {
            await inventory.model.refresh(engines: selected)
        }
        return selected
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

    /// 200 with whatever the model holds (failures under `_errors`); 502 when no engine answered
    /// and none has earlier data to show.
    static func respond<Item: JSONObjectWritable>(_ listing: Listing<Item>) -> Response {
        JSONBody.stream(status: listing.nothingToShow ? .badGateway : .ok, ListingDocument.seedShape(listing))
    }
}
