import AggregatorCore
import Foundation
import Hummingbird
import Logging

/// `POST /{kind}/create_vm` and `/{kind}/create_vlan` (the seed's endpoints and files, any kind),
/// `POST /api/v1/vms` (one backend-neutral body for every kind), and `/api/v1/jobs`.
///
/// A create reads the bounded upload, decodes it into items (Core's decoders: every problem with
/// its path, line and column) and hands them to Core's ``ProvisioningService``, which checks
/// capabilities, answers repeated items with their jobs, plans every item against its live engine
/// and only then stores and starts the jobs. This controller only translates HTTP to that and back.
struct ProvisioningController: Sendable {
    let service: ProvisioningService
    let maxUploadBytes: Int

    init(inventory: EngineSet, runner: JobRunner, maxUploadBytes: Int) {
        self.service = ProvisioningService(inventory: inventory, runner: runner)
        self.maxUploadBytes = maxUploadBytes
    }

    private var inventory: EngineSet { service.inventory }
    private var runner: JobRunner { service.runner }

    func addRoutes(to router: some RouterMethods<some RequestContext>) {
        router.post(":kind/create_vm") { request, context in
            try await createFromFile(request, context: context, action: .createVM)
        }
        router.post(":kind/create_vlan") { request, context in
            try await createFromFile(request, context: context, action: .createVLAN)
        }
        router.post("api/v1/vms") { request, context in
            try await createVMs(request, context: context)
        }
        router.get("api/v1/jobs") { request, _ in
            try await listJobs(request)
        }
        router.get("api/v1/jobs/:id") { request, context in
            let id = try context.parameters.require("id")
            let follow = try FollowOptions(request)
            let found = if let follow {
                try await runner.waitForChange(of: id, after: follow.revision, timeout: .seconds(follow.wait))
            } else {
                try await runner.store.job(id: id)
            }
            guard let job = found else {
                throw APIError(.notFound, code: "unknown_job", message: "no job with id '\(id)'",
                               fix: "list jobs with GET /api/v1/jobs")
            }
            return try JSONBody.response(encoding: JobView(job))
        }
    }

    // MARK: - Create

    /// The seed's endpoints: a file of items with `meta`, `<kind>`, `vlan` and `vm` sections.
    private func createFromFile(_ request: Request, context: some RequestContext, action: ProvisioningAction) async throws
        -> Response
    {
        RequestAudit.current?.note(action: action)
        let kind = try context.parameters.require("kind")
        let engines = inventory.backends.filter { $0.backend.kind.rawValue == kind }.map(\.backend.name)
        guard !engines.isEmpty else {
            throw APIError(.notFound, code: "unknown_kind", message: "no engines of kind '\(kind)' are configured",
                           fix: "configured kinds: \(Set(inventory.backends.map(\.backend.kind.rawValue)).sorted().joined(separator: ", "))")
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
        return try await submit(items, options: options, context: context)
    }

    /// `POST /api/v1/vms`: one VM object, or an array of them, for engines of any kind.
    private func createVMs(_ request: Request, context: some RequestContext) async throws -> Response {
        RequestAudit.current?.note(action: .createVM)
        let options = try CreateOptions(request)
        let upload = try await readUpload(request)
        var engines: [String: BackendKind] = [:]
        for entry in inventory.backends { engines[entry.backend.name] = entry.backend.kind }
        let items: [ProvisioningItem]
        do {
            items = try VMRequestDecoder(engines: engines).decode(upload)
        } catch {
            throw Self.invalid(error.issues)
        }
        return try await submit(items, options: options, context: context)
    }

    private func submit(_ items: [ProvisioningItem], options: CreateOptions, context: some RequestContext) async throws
        -> Response
    {
        RequestAudit.current?.note(items: items)
        let outcome: ProvisioningService.Outcome
        do {
            outcome = try await service.submit(
                items, options: .init(dryRun: options.dryRun, wait: options.wait.map { .seconds($0) },
                                      requestID: RequestID.current))
        } catch let error as ProvisioningError {
            throw Self.apiError(error)
        }
        switch outcome {
        case .planned(let planned):
            let body = DryRunBody(dryRun: true, items: planned.map { entry in
                DryRunItem(index: entry.item.index, action: entry.item.action.rawValue, engine: entry.item.engine,
                           target: Job.target(for: entry.item), plan: entry.plan,
                           existingJob: entry.existingJob.map { JobView($0.job, reused: true) })
            })
            return try JSONBody.response(encoding: body)
        case .accepted(let accepted, let waited):
            let views = accepted.map { JobView($0.job, reused: $0.reused) }
            RequestAudit.current?.note(jobs: views.map(\.job))
            context.logger.info("Jobs accepted", metadata: [
                "job.count": "\(views.count)", "job.reused": "\(views.filter(\.reused).count)",
                "job.action": "\(items.first?.action.rawValue ?? "")",
            ])
            let done = views.allSatisfy { $0.job.state.isFinal }
            return try JSONBody.response(status: done && waited ? .ok : .accepted,
                                         encoding: JobsBody(jobs: views, count: views.count))
        }
    }

    /// A refused batch as the API answers it: 422 with every problem, or 502 when an engine could not
    /// be read. Nothing was created either way.
    static func apiError(_ error: ProvisioningError) -> APIError {
        switch error {
        case .invalid(let issues):
            return invalid(issues)
        case .unsupported(let missing):
            var error = APIError(
                .unprocessableContent, code: "unsupported_capability",
                message: missing.map { "engine \($0.engine) is a \($0.kind) engine, which has no \($0.capability) capability" }
                    .uniqued().joined(separator: "; ") + "; nothing was created",
                fix: "send these items to an engine whose kind has the capability (GET /api/v1/backends lists them)")
            error.issues = missing.map {
                ValidationIssue(path: $0.path, message: "\($0.kind) engines cannot \($0.capability)",
                                fix: "choose an engine whose capabilities include \($0.capability)")
            }
            return error
        case .enginesUnavailable(let failures):
            return APIError(.badGateway, code: "engine_unavailable",
                            message: "could not validate against the engine: "
                                + failures.map { "\($0.engine): \($0.message)" }.joined(separator: "; "),
                            fix: "nothing was created; retry when the engine answers")
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
        let known: Set<String> = ["state", "engine", "document_num", "vm_id", "limit"]
        for (key, _) in query where !known.contains(String(key)) {
            throw APIError(.badRequest, code: "unknown_parameter", message: "unknown query parameter '\(key)'",
                           fix: "use any of: \(known.sorted().joined(separator: ", "))")
        }
        // An empty value is no filter, as in the listings.
        func value(_ name: String) -> String? {
            query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        }
        var filter = JobFilter()
        if let state = value("state") {
            guard let known = JobState.all.first(where: { $0.rawValue == state }) else {
                throw APIError(.badRequest, code: "bad_filter", message: "unknown job state '\(state)'",
                               fix: "one of: \(JobState.all.map(\.rawValue).joined(separator: ", "))")
            }
            filter.state = known
        }
        if let engine = value("engine") {
            let names = inventory.backends.map(\.backend.name)
            guard names.contains(engine) else {
                throw APIError(.badRequest, code: "unknown_engine", message: "unknown engine '\(engine)'",
                               fix: "configured engines: \(names.joined(separator: ", "))")
            }
            filter.engine = engine
        }
        filter.documentNum = value("document_num")
        filter.vmID = value("vm_id")
        if let limit = value("limit") {
            guard let count = Int(limit), (1...1000).contains(count) else {
                throw APIError(.badRequest, code: "bad_limit", message: "limit must be 1–1000, found '\(limit)'",
                               fix: "use limit=100 (the default) or any number from 1 to 1000")
            }
            filter.limit = count
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

/// `GET /api/v1/jobs/{id}?wait=N&revision=R`: answer once the job is recorded at a revision after
/// `R` (or is final), or after `N` seconds with the job as it is: how the web face and scripts follow
/// a job, on whichever replica runs it, without polling.
struct FollowOptions {
    var wait: Int
    var revision: Int

    /// Nil when the request does not ask to wait.
    init?(_ request: Request) throws {
        var wait: Int?
        var revision = 0
        for (key, value) in request.uri.queryParameters {
            switch key {
            case "wait":
                guard let seconds = Int(value), (0 ... 3600).contains(seconds) else {
                    throw APIError(.badRequest, code: "bad_parameter", message: "wait must be 0–3600 seconds, found '\(value)'")
                }
                wait = seconds
            case "revision":
                guard let number = Int(value), number >= 0 else {
                    throw APIError(.badRequest, code: "bad_parameter",
                                   message: "revision must be a whole number, found '\(value)'",
                                   fix: "pass the job's revision from the previous answer")
                }
                revision = number
            default:
                throw APIError(.badRequest, code: "unknown_parameter", message: "unknown query parameter '\(key)'",
                               fix: "a job is read with wait and revision only")
            }
        }
        guard let wait, wait > 0 else { return nil }
        self.wait = wait
        self.revision = revision
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

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
