import Hummingbird

/// Test-only endpoints under `/__sim/`, which no real engine has.
///
/// - `POST /__sim/expire-tokens`: invalidates every issued token, so each
///   client's next API call gets 401 and must log in again.
/// - `/__sim/faults`: reserved for fault injection (slow or failing engine,
///   failing actions); answers 501 until implemented.
struct SimulatorAdminController<Context: RequestContext>: Sendable {
    let state: EngineState

    func addRoutes(to router: Router<Context>) {
        router.post("__sim/expire-tokens") { _, _ in
            let count = state.expireAllTokens()
            return OvirtResponse.body("{\"expired\":\(count)}", contentType: "application/json")
        }
        router.get("__sim/faults") { _, _ in notImplemented() }
        router.post("__sim/faults") { _, _ in notImplemented() }
    }

    private func notImplemented() -> Response {
        OvirtResponse.body(
            "{\"error\":\"fault injection is not implemented yet\"}",
            contentType: "application/json",
            status: .notImplemented
        )
    }
}

/// Serves `/ovirt-engine/services/pki-resource` without authentication, as
/// the engine's `PKIResourceServlet` does: `resource=ca-certificate` with
/// `format=X509-PEM-CA` answers `application/x-x509-ca-cert`, `X509-PEM`
/// answers `application/x-x509-cert`; an unknown resource or format is 400.
///
/// The simulator has no CA of its own: in TLS mode it serves the configured
/// certificate file (a self-signed certificate is its own CA); over plain
/// HTTP there is no certificate, so it answers 404.
struct PKIResourceController<Context: RequestContext>: Sendable {
    let certificatePEM: String?

    func addRoutes(to router: Router<Context>) {
        router.get("ovirt-engine/services/pki-resource") { request, _ in
            let query = QueryParameters(request.uri.query)
            guard let resource = query["resource"] else {
                return OvirtResponse.body("Missing resource name", contentType: "text/plain", status: .badRequest)
            }
            guard resource == "ca-certificate" || resource == "engine-certificate" else {
                return OvirtResponse.body("Resource '\(resource)' is invalid", contentType: "text/plain", status: .badRequest)
            }
            let contentType: String
            switch query["format"] ?? "X509-PEM-CA" {
            case "X509-PEM-CA": contentType = "application/x-x509-ca-cert"
            case "X509-PEM": contentType = "application/x-x509-cert"
            case let other:
                return OvirtResponse.body("Format '\(other)' is invalid", contentType: "text/plain", status: .badRequest)
            }
            guard let certificatePEM else {
                return OvirtResponse.body(
                    "This simulated engine serves plain HTTP and has no CA certificate.",
                    contentType: "text/plain",
                    status: .notFound
                )
            }
            return OvirtResponse.body(certificatePEM, contentType: contentType)
        }
    }
}

/// Adds the configured latency to every request.
struct LatencyMiddleware<Context: RequestContext>: RouterMiddleware {
    let latency: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if latency > .zero {
            try await Task.sleep(for: latency)
        }
        return try await next(request, context)
    }
}
