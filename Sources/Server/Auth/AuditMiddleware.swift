import AggregatorCore
import Hummingbird
import Logging

/// Writes the audit trail: one entry for every state-changing request (creates, dry runs) and
/// every request refused by the access checks, with who, from where, what and how it ended.
///
/// It runs outside the access checks, so it sees their refusals; the caller and the items a
/// create named reach it through the request's ``RequestAuditNote``. The entry is stored
/// before the answer is sent; a failure to store it is logged, not answered.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let log: any AuditLog

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        guard RoutePolicy.requiredRole(for: request) != nil else {
            return try await next(request, context)
        }
        let note = RequestAuditNote()
        let stateChanging = RoutePolicy.isStateChanging(request.method)
        do {
            let response = try await RequestAudit.$current.withValue(note) {
                try await next(request, context)
            }
            if stateChanging {
                await record(note, request, context, status: response.status, error: nil)
            }
            return response
        } catch {
            if stateChanging || error is AccessDenied {
                let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
                await record(note, request, context, status: status, error: error)
            }
            throw error
        }
    }

    /// The job action a request asks for, read from its route, for requests refused before their
    /// handler noted it (a reader's stop is `stop_vm`, a delete `delete_vm`); nil for other routes.
    static func action(method: HTTPRequest.Method, _ components: [Substring]) -> String? {
        guard components.count >= 4, components[0] == "api", components[1] == "v1", components[2] == "vms" else { return nil }
        switch (method, components.count) {
        case (.post, 6): return VMOperation(rawValue: String(components[5])).map { $0.jobAction.rawValue }
        case (.delete, 5): return VMOperation.delete.jobAction.rawValue
        case (.post, 4) where components[3] == "actions": return "vm_actions"
        default: return nil
        }
    }

    private func record(_ note: RequestAuditNote, _ request: Request, _ context: APIRequestContext,
                        status: HTTPResponse.Status, error: (any Error)?) async {
        let gathered = note.snapshot
        let dryRun = ["true", "1"].contains(request.uri.queryParameters["dry_run"].map { String($0).lowercased() } ?? "")
        var code: String?
        var message: String?
        let outcome: AuditOutcome
        if let denied = error as? AccessDenied {
            outcome = .denied
            code = denied.code
            message = denied.message
        } else if let apiError = error as? APIError {
            outcome = apiError.status.code < 500 ? .rejected : .failed
            code = apiError.code
            message = apiError.message
        } else if error != nil {
            outcome = status.code < 500 ? .rejected : .failed
            message = status.reasonPhrase
        } else if (200..<300).contains(status.code) {
            outcome = dryRun ? .dryRun : .accepted
        } else {
            outcome = status.code < 500 ? .rejected : .failed
        }
        let components = request.uri.path.split(separator: "/")
        let entry = AuditEntry(
            who: gathered.identity?.name ?? (error as? AccessDenied)?.caller ?? "-",
            authMethod: gathered.identity?.method.rawValue,
            role: gathered.identity?.role.name, peer: context.clientDescription, method: request.method.rawValue,
            path: String(request.uri.path.prefix(512)),
            action: gathered.action ?? Self.action(method: request.method, components)
                ?? components.last.map { String($0.prefix(64)) } ?? "/",
            dryRun: dryRun, items: gathered.items, outcome: outcome, status: status.code, code: code,
            message: message)
        do {
            try await log.record(entry)
        } catch {
            context.logger.error("Audit entry not stored", metadata: [
                "audit.outcome": "\(outcome)", "audit.who": "\(entry.who)", "error.message": "\(error)",
            ])
        }
    }
}
