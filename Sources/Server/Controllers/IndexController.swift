import AggregatorCore
import Hummingbird
import WebUI

/// `GET /`: what this server is, its engines and its endpoints, or for a browser (an `Accept` that
/// prefers `text/html`) the web face's overview page; `GET /health` (the process answers) and
/// `GET /ready` (ready for traffic).
struct IndexController: Sendable {
    let inventory: EngineSet
    /// The job store the server was built with, if any (the create endpoints need it).
    var jobStore: (any JobStore)?
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
            endpoints += ["/api/v1/vms", "POST /api/v1/vms", "/api/v1/vms/{engine}/{id}",
                          "POST /api/v1/vms/{engine}/{id}/{start|stop|shutdown|reboot|suspend}",
                          "DELETE /api/v1/vms/{engine}/{id}?name=", "POST /api/v1/vms/actions",
                          "/api/v1/hosts", "/api/v1/clusters", "/api/v1/backends", "/api/v1/whoami",
                          "/api/v1/jobs", "/api/v1/audit", "/health", "/ready", "/metrics", "/openapi.json"]
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
        // Like /health it needs no token: load balancers call it.
        router.get("ready") { _, _ in
            let body = ReadyBody(inventory.model, jobStore: jobStore?.health)
            return try JSONBody.response(status: body.ready ? .ok : .serviceUnavailable, encoding: body)
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
