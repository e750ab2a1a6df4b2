import Foundation

/// Where a job is in its life.
public struct JobState: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Accepted, waiting for a slot on its engine.
    public static let queued = JobState(rawValue: "queued")
    /// Steps are being executed on the engine.
    public static let running = JobState(rawValue: "running")
    public static let succeeded = JobState(rawValue: "succeeded")
    public static let failed = JobState(rawValue: "failed")
    /// The server stopped (or crashed) while the job was queued or running; its steps show how far it got.
    public static let interrupted = JobState(rawValue: "interrupted")

    /// States that will not change any more.
    public var isFinal: Bool { self == .succeeded || self == .failed || self == .interrupted }

    public static let all: [JobState] = [.queued, .running, .succeeded, .failed, .interrupted]

    public var description: String { rawValue }
}

/// One step of a job, as executed on the engine.
public struct JobStep: Sendable, Codable, Hashable {
    public var name: String
    public var description: String
    /// `running`, `succeeded`, `failed` or `skipped`.
    public var state: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// What the step did (`reused existing network`), or why it was skipped.
    public var detail: String?
    /// Engine ids of objects the step created or reused.
    public var engineIDs: [String: String]
    /// The engine's fault text when the step failed.
    public var error: String?

    public init(name: String, description: String, state: String, startedAt: Date, finishedAt: Date? = nil,
                detail: String? = nil, engineIDs: [String: String] = [:], error: String? = nil) {
        self.name = name
        self.description = description
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.detail = detail
        self.engineIDs = engineIDs
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case name, description, state, detail, error
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case engineIDs = "engine_ids"
    }
}

/// Why a job failed.
public struct JobError: Sendable, Codable, Hashable {
    /// `BackendError` code (`http_status`, `timeout`, ...) or `interrupted`.
    public var code: String
    public var message: String
    public var httpStatus: Int?

    public init(code: String, message: String, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }
}

/// One item of an uploaded request, tracked from acceptance to its end on the engine.
public struct Job: Sendable, Codable, Hashable, Identifiable {
    /// Our id; also the engine-side correlation id of every call the job makes.
    public var id: String
    public var action: ProvisioningAction
    public var engine: String
    public var kind: BackendKind
    public var documentNum: String
    /// The VM's name for create_vm, the network's for create_vlan.
    public var target: String
    /// Same document, engine, action and target: the same job.
    public var idempotencyKey: String
    public var state: JobState
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Index of the item in the uploaded file.
    public var itemIndex: Int
    /// The item's `meta` section.
    public var meta: RequestMeta
    public var plan: ProvisioningPlan?
    public var steps: [JobStep]
    public var result: ProvisioningResult?
    public var error: JobError?
    /// The id of the HTTP request that created the job (`X-Request-Id`), when it came over HTTP.
    public var requestID: String?
    /// Sent with every engine call of the job where the engine takes one (oVirt's
    /// `Correlation-Id`): the request id and the item's index, so the engine's own jobs and events
    /// can be searched for it. Jobs stored before it existed use their ``id``.
    public var correlationID: String?

    /// The replica that runs the job (or ran it last): `server.replica_name`, or the host name and
    /// process id. Nil for jobs stored before replicas existed.
    public var runner: String?
    /// How many times a replica started the job: 1, or more after takeovers. Nil until it starts.
    public var attempts: Int?
    /// Bumped on every recorded change, so a client following a job (`?wait=` with `revision`)
    /// wakes when it changes. Nil for jobs stored before it existed.
    public var revision: Int?

    /// The engine's id of the VM the job is about: the one an operation acts on, or the one a
    /// create made (once the engine gave it). Nil for networks, and for jobs before the VM exists.
    public var vmID: String?

    /// The correlation id engine calls carry.
    public var engineCorrelationID: String { correlationID ?? id }

    public init(id: String = UUID().uuidString.lowercased(), action: ProvisioningAction, engine: String,
                kind: BackendKind, documentNum: String, target: String, idempotencyKey: String,
                state: JobState = .queued, createdAt: Date = Date(), itemIndex: Int, meta: RequestMeta,
                plan: ProvisioningPlan? = nil, requestID: String? = nil, correlationID: String? = nil) {
        self.requestID = requestID
        self.correlationID = correlationID
        self.id = id
        self.action = action
        self.engine = engine
        self.kind = kind
        self.documentNum = documentNum
        self.target = target
        self.idempotencyKey = idempotencyKey
        self.state = state
        self.createdAt = createdAt
        self.itemIndex = itemIndex
        self.meta = meta
        self.plan = plan
        self.steps = []
    }

    /// The idempotency key of an item: same document, engine, action and target name.
    public static func idempotencyKey(for item: ProvisioningItem) -> String {
        let target = item.vm?.name ?? item.vlan.networkName
        var key = "\(item.action)|\(item.meta.documentNum)|\(item.engine)|\(target.lowercased())"
        if item.action == .createVLAN { key += "|\(item.vlan.id)" }
        return key
    }

    /// The target name of an item.
    public static func target(for item: ProvisioningItem) -> String {
        item.vm?.name ?? item.vlan.networkName
    }
}

/// Which jobs to list.
public struct JobFilter: Sendable, Hashable {
    public var state: JobState?
    public var engine: String?
    public var documentNum: String?
    /// Jobs about this VM (its engine id): its create and the operations on it.
    public var vmID: String?
    /// Most jobs to return, newest first. Defaults to 100.
    public var limit: Int = 100

    public init(state: JobState? = nil, engine: String? = nil, documentNum: String? = nil, vmID: String? = nil,
                limit: Int = 100) {
        self.state = state
        self.engine = engine
        self.documentNum = documentNum
        self.vmID = vmID
        self.limit = limit
    }
}
