import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Server

/// `/metrics`, `/ready`, request ids and `/openapi.json`.
@Suite struct ObservabilityRoutesTests {
    let routes = ProvisioningRoutesTests()

    @Test(.timeLimit(.minutes(1)))
    func metricsCountRequestsEngineCallsAndJobsWithBoundedLabels() async throws {
        let registry = ServerMetrics.bootstrap()
        try await routes.withHarness { harness in
            let router = AggregatorServer.buildRouter(inventory: harness.inventory, jobs: harness.runner,
                                                      metrics: registry)
            try await Application(router: router).test(.router) { client in
                try await client.execute(uri: "/api/v1/vms?refresh=true", method: .get) { #expect($0.status == .ok) }
                let (headers, body) = routes.multipart(try ProvisioningRoutesTests.example("create_vm.json"))
                let jobID = try await client.execute(uri: "/ovirt/create_vm?wait=10", method: .post, headers: headers,
                                                     body: body) { response in
                    let jobs = try #require(try routes.json(response.body)["jobs"] as? [[String: Any]])
                    return try #require(jobs.first?["id"] as? String)
                }
                // A method a route does not take is 405 with Allow, refused before it could become a label value;
                // on a path no route has, 404. HEAD goes with every GET.
                try await client.execute(uri: "/api/v1/vms", method: .init("BREW")!) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "GET, HEAD, POST")
                }
                try await client.execute(uri: "/health", method: .put) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "GET, HEAD")
                }
                try await client.execute(uri: "/nowhere/at/all", method: .init("BREW")!) { response in
                    #expect(response.status == .notFound)
                }
                try await client.execute(uri: "/api/v1/vms", method: .head) { response in
                    #expect(response.status == .ok)
                }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                    let text = String(buffer: response.body)
                    let lines = text.split(separator: "\n").map(String.init)
                    func sample(_ prefix: String, _ labels: [String]) -> Double? {
                        lines.first { line in line.hasPrefix(prefix + "{") && labels.allSatisfy { line.contains($0) } }
                            .flatMap { Double($0.split(separator: " ").last ?? "") }
                    }
                    #expect((sample("hb_requests", [#"http_route="/api/v1/vms""#, #"http_response_status_code="200""#]) ?? 0) >= 1,
                            "requests by route and status")
                    #expect(lines.contains { $0.hasPrefix("http_server_request_duration_bucket{") }, "latency histogram")
                    #expect((sample("aggregator_engine_calls_total", [#"engine="e15-test""#, #"operation="plan""#,
                                                                      #"outcome="ok""#]) ?? 0) >= 1)
                    #expect((sample("aggregator_jobs_total", [#"state="succeeded""#, #"action="create_vm""#]) ?? 0) >= 1)
                    #expect(lines.contains { $0.hasPrefix("aggregator_job_step_duration_seconds_bucket{") })
                    #expect(sample("aggregator_inventory_objects", [#"engine="e15-test""#, #"type="vm""#]) != nil)
                    #expect(sample("aggregator_engine_data_age_seconds", [#"engine="e15-test""#]) != nil)
                    // No label value names one object: no job id, no VM name, no request path with an id.
                    #expect(!text.contains("BREW"))
                    for unbounded in [jobID, "test_vm_11", "web-01", "/api/v1/jobs/\(jobID)"] {
                        #expect(!text.contains("\"\(unbounded)\""), "a label carries \(unbounded)")
                    }
                }
            }
        }
    }

    @Test func readyOnlyOnceEveryEngineWasTriedWithDetailPerEngine() async throws {
        let inventory = EngineSet(backends: [RegisteredBackend(backend: FixedBackend(name: "e15"), timeout: .seconds(5)),
                                             RegisteredBackend(backend: FixedBackend(name: "n32", failure: .connectionRefused),
                                                               timeout: .seconds(5))],
                                  logger: Logger(label: "test"))
        let app = Application(router: AggregatorServer.buildRouter(inventory: inventory))
        try await app.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try routes.json(response.body)
                #expect(body["status"] as? String == "starting")
            }
            for engine in inventory.model.engines { await engine.fullRead() }
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok, "an engine that is down does not make the server unready")
                let body = try routes.json(response.body)
                #expect(body["status"] as? String == "ready")
                let engines = try #require(body["engines"] as? [[String: Any]])
                let byName = Dictionary(engines.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
                #expect(byName["e15"]?["ok"] as? Bool == true)
                #expect(byName["n32"]?["ok"] as? Bool == false)
                // Anyone may call /ready: no engine error, address or user name in it, only the counts.
                #expect(byName["n32"]?["error"] == nil)
                #expect(!String(buffer: response.body).contains("refused"))
                let counts = try #require(body["counts"] as? [String: Int])
                #expect(counts == ["engines": 2, "ok": 1, "stale": 1])
            }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func everyAnswerCarriesARequestIDAndAClientIDIsKeptOnlyWhenSafe() async throws {
        let inventory = EngineSet(backends: [RegisteredBackend(backend: FixedBackend(name: "e15"), timeout: .seconds(5))],
                                  logger: Logger(label: "test"))
        let app = Application(router: AggregatorServer.buildRouter(inventory: inventory))
        try await app.test(.router) { client in
            let generated = try await client.execute(uri: "/health", method: .get) { response in
                try #require(response.headers[RequestID.header])
            }
            #expect(generated.count == 16 && generated.allSatisfy(\.isHexDigit))
            try await client.execute(uri: "/api/v1/nope", method: .get, headers: [RequestID.header: "lb-7f3a.2"]) {
                response in
                #expect(response.status == .notFound)
                #expect(response.headers[RequestID.header] == "lb-7f3a.2", "errors carry the id too")
            }
            for hostile in ["a b", String(repeating: "x", count: 41), "id\"><script>", "é"] {
                try await client.execute(uri: "/health", method: .get, headers: [RequestID.header: hostile]) { response in
                    let id = try #require(response.headers[RequestID.header])
                    #expect(id != hostile && id.count == 16)
                }
            }
        }
    }

    /// The document served and kept in the repository describes every route the server has.
    @Test func openAPIDescribesEveryRoute() async throws {
        let router = AggregatorServer.buildRouter(inventory: EngineSet(backends: [], logger: Logger(label: "test")),
                                                  jobs: nil, metrics: ServerMetrics.bootstrap())
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIController.document)) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var routes = router.routes.map { ($0.method.rawValue.lowercased(), Self.openAPIPath("\($0.path)")) }
        // The create routes need the job runner; the API always serves them.
        routes += [("post", "/{kind}/create_vm"), ("post", "/{kind}/create_vlan"), ("post", "/api/v1/vms"),
                   ("get", "/api/v1/jobs"), ("get", "/api/v1/jobs/{id}")]
        for (method, path) in routes {
            #expect(paths[path]?[method] != nil, "\(method.uppercased()) \(path) is not in openapi.json")
        }
        let served = try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { Array($0.body.readableBytesView) }
        }
        let servedSame = served == OpenAPIController.document
        #expect(servedSame, "/openapi.json is not the compiled document")
        let kept = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/openapi.json").standardized)
        let keptSame = Array(kept) == OpenAPIController.document
        #expect(keptSame, "docs/openapi.json differs from the compiled document: rebuild")
    }

    /// `/api/v1/jobs/:id` → `/api/v1/jobs/{id}`.
    static func openAPIPath(_ path: String) -> String {
        let components = path.split(separator: "/").map { component in
            component.hasPrefix(":") ? "{\(component.dropFirst())}" : String(component)
        }
        return "/" + components.joined(separator: "/")
    }
}
