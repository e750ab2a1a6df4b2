import AggregatorCore
import Hummingbird
import WebUI

/// `GET /`: what this server is, its engines and its endpoints; for a browser (an `Accept` that
/// prefers `text/html`), the web face's overview page instead.
struct IndexController: Sendable {
    let inventory: Inventory
    let web: WebController

    func addRoutes(to router: some RouterMethods<some RequestContext>) {
        router.get("/") { request, _ in
            if PageNegotiation.prefersHTML(accept: request.headers[values: .accept]) {
                return web.response(.overview, to: request)
            }
            let kinds = Array(Set(inventory.backends.map(\.backend.kind.rawValue))).sorted()
            var endpoints: [String] = []
            for kind in kinds {
                endpoints += ["/\(kind)/vm_list", "/\(kind)/host_list", "/\(kind)/cluster_list",
                              "POST /\(kind)/create_vm", "POST /\(kind)/create_vlan"]
            }
            endpoints += ["/api/v1/vms", "/api/v1/hosts", "/api/v1/clusters", "/api/v1/backends", "/api/v1/jobs", "/api/v1/audit", "/health", "/ready"]
            let body = IndexBody(
                name: "vmaggregator",
                description: "One API over every configured virtualization engine.",
                engines: inventory.backends.map { .init(name: $0.backend.name, kind: $0.backend.kind.rawValue) },
                endpoints: endpoints)
            var response = try JSONBody.response(encoding: body)
            response.headers[.vary] = "Accept"
            return response
        }
        router.get("health") { _, _ in
            try JSONBody.response(encoding: ["status": "ok"])
        }
        // Answered once the listener is up; like /health it needs no token.
        router.get("ready") { _, _ in
            try JSONBody.response(encoding: ["status": "ready"])
        }
    }

    struct IndexBody: Encodable {
        struct EngineRef: Encodable {
            var name: String
            var kind: String
        }
        var name: String
        var description: String
        var engines: [EngineRef]
        var endpoints: [String]
    }
}
