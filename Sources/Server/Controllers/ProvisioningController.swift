import AggregatorCore
import Foundation
import Hummingbird
import Logging

/// `POST /ovirt/create_vm` and `/ovirt/create_vlan` (the seed's endpoints, any kind), plus
/// `/api/v1/jobs`.
///
/// A create reads the bounded upload (`curl -F jsonfile=@file.json` or a raw JSON body),
/// validates the whole file, plans every item against its live engine, and only then stores
/// one job per item and answers 202. Re-posting the same file answers the existing jobs.
struct ProvisioningController: Sendable {
    let inventory: Inventory
    let runner: JobRunner
    let maxUploadBytes: Int

    func addRoutes(to router: some RouterMethods<some RequestContext>) {
        router.post(":kind/create_vm") { request, context in
            try await create(request, context: context, action: .createVM)
        }
        router.post(":kind/create_vlan") { request, context in
            try await create(request, context: context, action: .createVLAN)
        }
        router.get("api/v1/jobs") { request, _ in
            try await listJobs(request)
        }
        router.get("api/v1/jobs/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let job = try await runner.store.job(id: id) else {
                throw APIError(.notFound, code: "unknown_job", message: "no job with id '\(id)'",
                               fix: "list jobs with GET /api/v1/jobs")
            }
            return try JSONBody.response(encoding: JobView(job))
        }
    }

    // MARK: - Create

    private func create(_ request: Request, context: some RequestContext, action: ProvisioningAction) async throws
        -> Response
    {
        let kind = try context.parameters.require("kind")
        let engines = inventory.backends.filter { $0.backend.kind.rawValue == kind }.map(\.backend.name)
        guard !engines.isEmpty else {
            throw APIError(.notFound, code: "unknown_kind", message: "no engines of kind '\(kind)' are configured")
        }
        let options = try CreateOptions(request)
        let upload = try await readUpload(request)
        let decoder = ProvisioningRequestDecoder(engines: engines, kind: BackendKind(rawValue: kind))
        let items: [ProvisioningItem]
        do {
            items = try decoder.decode(upload, action: action)
        } catch {
            throw Self.invalid(error.issues)
        }
        RequestAudit.current?.note(items: items)

        // Items already accepted (same document, engine and target) answer their existing job.
        var existing: [Int: Job] = [:]
        for item in items {
            if let job = try await runner.store.activeJob(idempotencyKey: Job.idempotencyKey(for: item)) {
                existing[item.index] = job
            }
        }
        let plans = await plan(items.filter { existing[$0.index] == nil })

        var issues: [ValidationIssue] = []
        var failures: [BackendError] = []
        for outcome in plans.values {
            switch outcome {
            case .success(.invalid(let found)): issues += found
            case .failure(let error): failures.append(error)
            case .success(.ready): break
            }
        }
        if !issues.isEmpty { throw Self.invalid(issues.sorted { $0.path < $1.path }) }
        if !failures.isEmpty {
            throw APIError(.badGateway, code: "engine_unavailable",
                           message: "could not validate against the engine: "
                               + failures.map { "\($0.engine): \($0.message)" }.joined(separator: "; "),
                           fix: "nothing was created; retry when the engine answers")
        }

        if options.dryRun {
            let planned = items.map { item -> DryRunItem in
                var plan: ProvisioningPlan?
                if case .success(.ready(let ready))? = plans[item.index] { plan = ready }
                return DryRunItem(index: item.index, action: item.action.rawValue, engine: item.engine,
                                  target: Job.target(for: item), plan: plan, existingJob: existing[item.index].map { JobView($0, reused: true) })
            }
            return try JSONBody.response(encoding: DryRunBody(dryRun: true, items: planned))
        }

        var views: [JobView] = []
        for item in items {
            if let job = existing[item.index] {
                views.append(JobView(job, reused: true))
                continue
            }
            guard case .success(.ready(let plan))? = plans[item.index] else { continue }
            let job = Job(action: action, engine: item.engine, kind: BackendKind(rawValue: kind),
                          documentNum: item.meta.documentNum, target: Job.target(for: item),
                          idempotencyKey: Job.idempotencyKey(for: item), itemIndex: item.index, meta: item.meta,
                          plan: plan)
            let stored = try await runner.store.insertUnlessActive(job)
            if stored.inserted { runner.submit(stored.job, item: item, plan: plan) }
            views.append(JobView(stored.job, reused: !stored.inserted))
        }
        RequestAudit.current?.note(jobs: views.map(\.job))
        context.logger.info("Jobs accepted", metadata: [
            "job.count": "\(views.count)", "job.reused": "\(views.filter(\.reused).count)",
            "job.action": "\(action)",
        ])

        if let wait = options.wait, wait > 0 {
            let finished = try await runner.wait(for: views.map(\.job.id), timeout: .seconds(wait))
            let byID = Dictionary(uniqueKeysWithValues: finished.map { ($0.id, $0) })
            views = views.map { JobView(byID[$0.job.id] ?? $0.job, reused: $0.reused) }
        }
        let done = views.allSatisfy { $0.job.state.isFinal }
        return try JSONBody.response(status: done && options.wait != nil ? .ok : .accepted,
                                     encoding: JobsBody(jobs: views, count: views.count))
    }

    private func plan(_ items: [ProvisioningItem]) async -> [Int: Result<PlanOutcome, BackendError>] {
        await withTaskGroup(of: (Int, Result<PlanOutcome, BackendError>).self) { group in
            for item in items {
                group.addTask {
                    (item.index, await inventory.call(item.engine) { try await $0.plan(item) })
                }
            }
            var results: [Int: Result<PlanOutcome, BackendError>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    private func readUpload(_ request: Request) async throws -> [UInt8] {
        let contentType = try UploadReader.contentType(of: request)
        let body = try await UploadReader.collect(request.body, limit: maxUploadBytes,
                                                  declaredLength: request.headers[.contentLength].flatMap { Int($0) })
        return try UploadReader.jsonFile(body: body, contentType: contentType)
    }

    static func invalid(_ issues: [ValidationIssue]) -> APIError {
        var error = APIError(.unprocessableContent, code: "invalid_request",
                             message: issues.count == 1 ? "1 problem; nothing was created"
                                 : "\(issues.count) problems; nothing was created",
                             fix: "fix every listed field and post the file again")
        error.issues = issues
        return error
    }

    // MARK: - Jobs

    private func listJobs(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let known: Set<String> = ["state", "engine", "document_num", "limit"]
        for (key, _) in query where !known.contains(String(key)) {
            throw APIError(.badRequest, code: "unknown_parameter", message: "unknown query parameter '\(key)'",
                           fix: "use any of: \(known.sorted().joined(separator: ", "))")
        }
        var filter = JobFilter()
        if let state = query["state"].map(String.init) {
            guard let known = JobState.all.first(where: { $0.rawValue == state }) else {
                throw APIError(.badRequest, code: "bad_filter", message: "unknown job state '\(state)'",
                               fix: "one of: \(JobState.all.map(\.rawValue).joined(separator: ", "))")
            }
            filter.state = known
        }
        filter.engine = query["engine"].map(String.init)
        filter.documentNum = query["document_num"].map(String.init)
        if let limit = query["limit"].map(String.init) {
            guard let value = Int(limit), (1...1000).contains(value) else {
                throw APIError(.badRequest, code: "bad_filter", message: "limit must be 1–1000, found '\(limit)'")
            }
            filter.limit = value
        }
        let jobs = try await runner.store.jobs(matching: filter)
        return try JSONBody.response(encoding: JobsBody(jobs: jobs.map { JobView($0) }, count: jobs.count))
    }
}

/// `?dry_run=true&wait=SECONDS`.
struct CreateOptions {
    var dryRun = false
    var wait: Int?

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        for (key, _) in query where !["dry_run", "wait"].contains(String(key)) {
            throw APIError(.badRequest, code: "unknown_parameter", message: "unknown query parameter '\(key)'",
                           fix: "use dry_run=true or wait=SECONDS")
        }
        if let value = query["dry_run"].map({ String($0).lowercased() }) {
            guard ["true", "1", "false", "0"].contains(value) else {
                throw APIError(.badRequest, code: "bad_parameter", message: "dry_run must be true or false")
            }
            dryRun = value == "true" || value == "1"
        }
        if let value = query["wait"].map(String.init) {
            guard let seconds = Int(value), (0...3600).contains(seconds) else {
                throw APIError(.badRequest, code: "bad_parameter", message: "wait must be 0–3600 seconds, found '\(value)'")
            }
            wait = seconds
        }
    }
}

/// A job as the API shows it: the job's fields plus `href` and `reused`.
struct JobView: Encodable {
    var job: Job
    /// True when this answer is an earlier job for the same document, engine and target.
    var reused: Bool

    init(_ job: Job, reused: Bool = false) {
        self.job = job
        self.reused = reused
    }

    enum ExtraKeys: String, CodingKey {
        case href, reused
    }

    func encode(to encoder: any Encoder) throws {
        try job.encode(to: encoder)
        var container = encoder.container(keyedBy: ExtraKeys.self)
        try container.encode("/api/v1/jobs/\(job.id)", forKey: .href)
        try container.encode(reused, forKey: .reused)
    }
}

struct JobsBody: Encodable {
    var jobs: [JobView]
    var count: Int
}

struct DryRunItem: Encodable {
    var index: Int
    var action: String
    var engine: String
    var target: String
    var plan: ProvisioningPlan?
    var existingJob: JobView?
}

struct DryRunBody: Encodable {
    var dryRun: Bool
    var items: [DryRunItem]
}
