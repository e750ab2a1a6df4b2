import Foundation
import Hummingbird

/// Test-only endpoints under `/__sim/`, which no real engine has. No
/// authentication; JSON in and out.
///
/// - `POST /__sim/expire-tokens`: invalidates every issued token, so each
///   client's next API call gets 401 and must log in again.
/// - `GET|POST|DELETE /__sim/faults`: list, add and clear injected faults
///   (see ``SimulatedEngineFaultRule``).
/// - `GET /__sim/hosts/{id or name}/netconfig`: whether the host's network
///   configuration is committed, and its network attachments.
/// - Changes "made by someone else" and event stream faults: see
///   `SimulatorAdminController+Changes.swift` and ``SimulatedEngineAdmin``.
struct SimulatorAdminController<Context: RequestContext>: Sendable {
    let state: EngineState

    func addRoutes(to router: Router<Context>) {
        addChangeRoutes(to: router)
        router.post("__sim/expire-tokens") { _, _ in
            let count = state.expireAllTokens()
            return OvirtResponse.body("{\"expired\":\(count)}", contentType: "application/json")
        }
        router.get("__sim/faults") { _, _ in
            json(["faults": state.faultRules.map(Self.describe)])
        }
        router.post("__sim/faults") { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 64 * 1024)
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
                return json(["error": "the body must be a JSON object"], status: .badRequest)
            }
            guard let path = object["path"] as? String, path.hasPrefix("/"),
                let status = Self.int(object["status"]), (100...599).contains(status)
            else {
                return json(["error": "'path' (starting with '/') and 'status' (100-599) are required"], status: .badRequest)
            }
            let count = object["count"].map { Self.int($0) } ?? 1
            var rule = SimulatedEngineFaultRule(
                method: object["method"] as? String ?? "*",
                path: path,
                status: status,
                count: count.flatMap { $0 > 0 ? $0 : nil },
                latency: .milliseconds(Self.int(object["latency_ms"]) ?? 0)
            )
            if let reason = object["reason"] as? String { rule.reason = reason }
            if let detail = object["detail"] as? String { rule.detail = detail }
            state.addFault(rule)
            return json(Self.describe(rule), status: .created)
        }
        router.delete("__sim/faults") { _, _ in
            json(["cleared": state.clearFaults()])
        }
        router.get("__sim/hosts/:host/netconfig") { _, context in
            let key = context.parameters.get("host") ?? ""
            let inventory = state.inventory
            guard let host = inventory.hosts.first(where: { $0.id == key || $0.name == key }) else {
                return json(["error": "no host '\(key)'"], status: .notFound)
            }
            let attachments: [[String: Any]] = host.networkAttachments.map { attachment in
                [
                    "id": attachment.id,
                    "network": inventory.network(attachment.networkID)?.name ?? attachment.networkID,
                    "host_nic": host.nics.first { $0.id == attachment.nicID }?.name ?? attachment.nicID,
                ]
            }
            return json(["host": host.id, "name": host.name, "committed": host.netConfigCommitted, "attachments": attachments])
        }
    }

    static func int(_ value: Any?) -> Int? {
        switch value {
        case let number as Int: number
        case let text as String: Int(text)
        case let number as NSNumber: number.intValue
        default: nil
        }
    }

    private static func describe(_ rule: SimulatedEngineFaultRule) -> [String: Any] {
        var result: [String: Any] = [
            "method": rule.method, "path": rule.path, "status": rule.status, "reason": rule.reason,
            "detail": rule.detail,
            "latency_ms": Int(rule.latency.components.seconds * 1000 + rule.latency.components.attoseconds / 1_000_000_000_000_000),
        ]
        result["count"] = rule.count ?? NSNull()
        return result
    }

    func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return OvirtResponse.body(String(decoding: data, as: UTF8.self), contentType: "application/json", status: status)
    }
}

/// Answers requests matching an injected fault before they reach the API, as
/// the engine would answer a failing command: the configured status with a
/// fault body in the representation asked for (401 has no body), after the
/// configured latency. The inventory is not touched.
struct FaultInjectionMiddleware<Context: RequestContext>: RouterMiddleware {
    let state: EngineState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/ovirt-engine/"),
            let rule = state.takeFault(method: request.method.rawValue, path: path)
        else {
            return try await next(request, context)
        }
        if rule.latency > .zero {
            try await Task.sleep(for: rule.latency)
        }
        let status = HTTPResponse.Status(code: rule.status)
        if rule.status == 401 || rule.detail.isEmpty {
            return OvirtResponse.empty(status)
        }
        return OvirtResponse.fault(
            status: status,
            reason: rule.reason,
            detail: rule.detail,
            format: OvirtFormat(accept: request.headers[.accept])
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
