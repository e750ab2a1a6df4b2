import AggregatorCore
import Synchronization

/// What one request did, gathered while it runs and written to the audit trail by
/// ``AuditMiddleware`` when it ends: the caller, and the items a create named.
///
/// Route handlers reach the current request's note through ``RequestAudit/current`` (a task
/// local), so they need no audit parameter.
final class RequestAuditNote: Sendable {
    struct State: Sendable {
        var identity: APIIdentity?
        var items: [AuditItem] = []
        /// What the request asked for (`create_vm`), when it was a create.
        var action: String?
    }

    private let state = Mutex(State())

    var snapshot: State { state.withLock { $0 } }

    func note(identity: APIIdentity) {
        state.withLock { $0.identity = identity }
    }

    /// The items of a decoded upload: document, engine and target.
    /// What a create asks for, known from its route before its body is read, so a refused
    /// upload is on record under its action too.
    func note(action: ProvisioningAction) {
        state.withLock { $0.action = action.rawValue }
    }

    func note(items: [ProvisioningItem]) {
        let noted = items.map {
            AuditItem(documentNum: $0.meta.documentNum, engine: $0.engine, target: Job.target(for: $0))
        }
        state.withLock {
            $0.items = noted
            $0.action = items.first?.action.rawValue
        }
    }

    /// The VMs an operation names (before they are resolved), under the operation's job action.
    func note(operation: VMOperation, targets: [VMOperationService.Target]) {
        let noted = targets.map {
            AuditItem(documentNum: "", engine: $0.engine, target: $0.expectedName ?? $0.vmID)
        }
        state.withLock {
            $0.items = noted
            $0.action = operation.jobAction.rawValue
        }
    }

    /// The jobs a create stored or answered again; they replace the items with their ids.
    func note(jobs: [Job]) {
        let noted = jobs.map {
            AuditItem(documentNum: $0.documentNum, engine: $0.engine, target: $0.target, jobID: $0.id)
        }
        state.withLock { $0.items = noted }
    }
}

/// The audit note of the request being handled, if it is audited.
enum RequestAudit {
    @TaskLocal static var current: RequestAuditNote?
}
