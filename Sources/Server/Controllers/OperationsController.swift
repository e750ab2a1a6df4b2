import AggregatorCore
import Foundation
import Hummingbird
import HTTPTypes
import Logging

/// VM operations as tracked jobs:
/// - `POST /api/v1/vms/{engine}/{id}/{start|stop|shutdown|reboot|suspend}` (`?force=true` lets a
///   shutdown that times out power off; `?shutdown_timeout=SECONDS`);
/// - `DELETE /api/v1/vms/{engine}/{id}?name=NAME` (`?force=true` powers a running VM off first);
/// - `POST /api/v1/vms/actions` for many VMs (``BulkOperationBody``).
///
/// Every path takes `?dry_run=true` (the plans, nothing changes) and `?wait=SECONDS`, and an
/// `Idempotency-Key` header (the same key for the same operation on the same VM is the same job).
/// Power actions need `operator`; a delete needs `operations.delete_role` (default `admin`).
/// Core's ``VMOperationService`` does the work; this controller translates HTTP to it and back.
struct OperationsController: Sendable {
    let service: VMOperationService
    let settings: OperationSettings

    init(inventory: EngineSet, runner: JobRunner, settings: OperationSettings) {
        self.service = VMOperationService(inventory: inventory, runner: runner)
        self.settings = settings
    }

    func addRoutes(to router: some RouterMethods<APIRequestContext>) {
        router.post("api/v1/vms/actions") { request, context in
            try await bulk(request, context: context)
        }
        router.post("api/v1/vms/:engine/:id/:action") { request, context in
            let name = try context.parameters.require("action")
            guard let operation = VMOperation(rawValue: name), operation != .delete else {
                throw APIError(.notFound, code: "unknown_action", message: "no VM action '\(name)'",
                               fix: "use start, stop, shutdown, reboot or suspend; delete a VM with DELETE /api/v1/vms/{engine}/{id}?name=NAME")
            }
            let options = try OperationOptions(request, allowing: ["force", "shutdown_timeout", "document_num"])
            let target = VMOperationService.Target(
                engine: try context.parameters.require("engine"), vmID: try context.parameters.require("id"), path: "id")
            return try await run(operation, [target], options, request: request, context: context)
        }
        router.delete("api/v1/vms/:engine/:id") { request, context in
            let options = try OperationOptions(request, allowing: ["name", "force", "document_num"])
            let target = VMOperationService.Target(
                engine: try context.parameters.require("engine"), vmID: try context.parameters.require("id"),
                expectedName: options.name, path: "id")
            RequestAudit.current?.note(operation: .delete, targets: [target])
            try requireDeleteRole(context)
            return try await run(.delete, [target], options, request: request, context: context)
        }
    }

    /// A delete needs `operations.delete_role`; the route policy let operators through.
    private func requireDeleteRole(_ context: APIRequestContext) throws {
        if let identity = context.identity, identity.role < settings.deleteRole {
            throw AccessDenied(status: .forbidden, code: "forbidden",
                               message: "deleting a VM needs the \(settings.deleteRole) role (operations.delete_role); "
                                   + "\(identity.described) has \(identity.role)",
                               fix: "ask someone with the \(settings.deleteRole) role, or set operations.delete_role: operator")
        }
    }

    private func bulk(_ request: Request, context: APIRequestContext) async throws -> Response {
        let options = try OperationOptions(request)
        let bytes = try await UploadReader.collect(request.body, limit: 1 << 20,
                                                   declaredLength: request.headers[.contentLength].flatMap { Int($0) })
        let body: BulkOperationBody
        do {
            body = try BulkOperationBody(bytes)
        } catch let BulkBodyError.issues(issues) {
            throw ProvisioningController.invalid(issues)
        }
        if body.action == .delete {
            RequestAudit.current?.note(operation: .delete, targets: body.targets)
            try requireDeleteRole(context)
        }
        var targets = body.targets
        let limit = body.max ?? settings.maxBulk
        if limit > settings.bulkCeiling {
            throw APIError(.unprocessableContent, code: "too_many_vms",
                           message: "max \(limit) is above operations.bulk_ceiling (\(settings.bulkCeiling))",
                           fix: "ask for at most \(settings.bulkCeiling), or split the request")
        }
        if let query = body.query {
            if body.action == .delete, !options.dryRun {
                throw APIError(.unprocessableContent, code: "invalid_request",
                               message: "a delete names every VM with its name; a query selects VMs only for a dry run",
                               fix: "post the VMs the dry run listed under vms, each with engine, id and name")
            }
            let filter = try InventoryFilter(parameters: query, knownEngines: service.inventory.engineNames,
                                             fields: .vms, source: "query field")
            var selection = filter.query
            selection.limit = limit + 1
            let listing = await service.inventory.model.vms(selection)
            targets = listing.items.enumerated().map { index, vm in
                .init(engine: vm.engine, vmID: vm.id, expectedName: vm.name, path: "query[\(index)]")
            }
            if targets.isEmpty {
                throw APIError(.notFound, code: "unknown_vm", message: "no VM matches the query",
                               fix: "check the filters with GET /api/v1/vms first")
            }
        }
        if targets.count > limit {
            throw APIError(.unprocessableContent, code: "too_many_vms",
                           message: "the request touches \(body.query == nil ? "\(targets.count)" : "more than \(limit)") VMs; "
                               + "at most \(limit) may be operated at once",
                           fix: "narrow the selection, or raise \"max\" (at most operations.bulk_ceiling, \(settings.bulkCeiling))")
        }
        var merged = options
        merged.force = body.force || options.force
        merged.shutdownTimeout = body.shutdownTimeoutSeconds ?? options.shutdownTimeout
        merged.documentNum = body.documentNum ?? options.documentNum
        return try await run(body.action, targets, merged, request: request, context: context)
    }

    private func run(_ operation: VMOperation, _ targets: [VMOperationService.Target], _ options: OperationOptions,
                     request: Request, context: APIRequestContext) async throws -> Response {
        RequestAudit.current?.note(operation: operation, targets: targets)
        var serviceOptions = VMOperationService.Options(dryRun: options.dryRun, wait: options.wait.map { .seconds($0) })
        serviceOptions.force = options.force
        serviceOptions.shutdownTimeoutSeconds = options.shutdownTimeout
            ?? Int(settings.shutdownTimeout.components.seconds)
        serviceOptions.requestID = RequestID.current
        serviceOptions.idempotencyKey = request.headers[HTTPField.Name.idempotencyKey]
        serviceOptions.documentNum = options.documentNum
        let outcome: VMOperationService.Outcome
        do {
            outcome = try await service.submit(operation, targets: targets, options: serviceOptions)
        } catch let error as VMOperationError {
            throw Self.apiError(error, operation: operation)
        }
        switch outcome {
        case .planned(let planned):
            let items = planned.map { OperationDryRunBody.Item($0) }
            return try JSONBody.response(encoding: OperationDryRunBody(
                dryRun: true, action: operation.rawValue, count: items.count, vms: items))
        case .accepted(let accepted, _):
            let views = accepted.map { JobView($0.job, reused: $0.reused) }
            RequestAudit.current?.note(jobs: views.map(\.job))
            context.logger.info("VM operation accepted", metadata: [
                "job.count": "\(views.count)", "job.action": "\(operation.jobAction)",
            ])
            // 200 once every job has ended (after a wait, or a delete answered by the job that already
            // removed the VM); 202 while any runs.
            let done = views.allSatisfy { $0.job.state.isFinal }
            return try JSONBody.response(status: done ? .ok : .accepted,
                                         encoding: JobsBody(jobs: views, count: views.count))
        }
    }

    /// A refused batch as the API answers it. Nothing ran.
    static func apiError(_ error: VMOperationError, operation: VMOperation) -> APIError {
        switch error {
        case .unknownEngine(let target):
            return APIError(.notFound, code: "unknown_engine", message: "\(target.path): unknown engine '\(target.engine)'",
                            fix: "GET /api/v1/backends lists the configured engines")
        case .unknownVMs(let targets):
            var answer = APIError(
                .notFound, code: "unknown_vm",
                message: targets.map { "engine \($0.engine) has no VM with id '\($0.vmID)'" }.joined(separator: "; ")
                    + "; nothing was done",
                fix: "use the id GET /api/v1/vms lists for the VM")
            answer.issues = targets.map { ValidationIssue(path: $0.path, message: "no VM \($0.vmID) on engine \($0.engine)") }
            return answer
        case .unsupported(let missing):
            return ProvisioningController.apiError(.unsupported(missing))
        case .invalid(let issues):
            var answer = ProvisioningController.invalid(issues)
            answer.message = (issues.count == 1 ? "1 problem" : "\(issues.count) problems") + "; nothing was done"
            answer.fix = "fix every listed problem and send the request again"
            return answer
        case .enginesUnavailable(let failures):
            return APIError(.badGateway, code: "engine_unavailable",
                            message: "could not plan \(operation) on the engine: "
                                + failures.map { "\($0.engine): \($0.message)" }.joined(separator: "; "),
                            fix: "nothing was done; retry when the engine answers")
        }
    }
}

/// The query of an operation: `dry_run`, `wait`, and what the route allows besides.
struct OperationOptions {
    var dryRun = false
    var wait: Int?
    var force = false
    var shutdownTimeout: Int?
    var name: String?
    var documentNum: String?

    init(_ request: Request, allowing extra: Set<String> = []) throws {
        let query = request.uri.queryParameters
        let known = extra.union(["dry_run", "wait"])
        for (key, _) in query where !known.contains(String(key)) {
            throw APIError(.badRequest, code: "unknown_parameter", message: "unknown query parameter '\(key)'",
                           fix: "use any of: \(known.sorted().joined(separator: ", "))")
        }
        func flag(_ key: String) throws -> Bool {
            guard let text = query[Substring(key)].map(String.init) else { return false }
            guard let value = InventoryFilter.flag(text) else {
                throw APIError(.badRequest, code: "bad_parameter", message: "\(key) must be true or false, found '\(text)'")
            }
            return value
        }
        dryRun = try flag("dry_run")
        force = try flag("force")
        if let value = query["wait"].map(String.init) {
            guard let seconds = Int(value), (0 ... 3600).contains(seconds) else {
                throw APIError(.badRequest, code: "bad_parameter", message: "wait must be 0–3600 seconds, found '\(value)'")
            }
            wait = seconds
        }
        if let value = query["shutdown_timeout"].map(String.init) {
            guard let seconds = Int(value), (10 ... 3600).contains(seconds) else {
                throw APIError(.badRequest, code: "bad_parameter",
                               message: "shutdown_timeout must be 10–3600 seconds, found '\(value)'")
            }
            shutdownTimeout = seconds
        }
        name = query["name"].map(String.init)
        documentNum = query["document_num"].map(String.init)
    }
}

/// The answer to a dry run: every VM the operation would touch, with its plan.
struct OperationDryRunBody: Encodable {
    struct Item: Encodable {
        var engine: String
        var id: String
        var name: String?
        var status: String?
        var plan: ProvisioningPlan?
        /// The job that already did it (a delete of a VM that is gone).
        var existingJob: JobView?

        init(_ planned: VMOperationService.PlannedOperation) {
            engine = planned.target.engine
            id = planned.target.vmID
            name = planned.vm?.name ?? planned.target.expectedName
            status = planned.vm?.status
            plan = planned.plan
            existingJob = planned.existingJob.map { JobView($0, reused: true) }
        }
    }

    var dryRun: Bool
    var action: String
    var count: Int
    var vms: [Item]
}

extension HTTPField.Name {
    /// `Idempotency-Key`: the same key for the same operation on the same VM is the same job.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
