import Foundation

/// How an audited request ended.
public struct AuditOutcome: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A create was accepted (jobs stored, or earlier jobs answered again).
    public static let accepted = AuditOutcome(rawValue: "accepted")
    /// A dry run answered its plans; nothing was created.
    public static let dryRun = AuditOutcome(rawValue: "dry_run")
    /// The request was refused as invalid (4xx); nothing was created.
    public static let rejected = AuditOutcome(rawValue: "rejected")
    /// The request failed on our side or an engine's (5xx); nothing was created.
    public static let failed = AuditOutcome(rawValue: "failed")
    /// Authentication, role or cross-site checks refused the request.
    public static let denied = AuditOutcome(rawValue: "denied")

    public static let all: [AuditOutcome] = [.accepted, .dryRun, .rejected, .failed, .denied]

    public var description: String { rawValue }
}

/// One item a create named: which document, engine and VM (or network), and its job.
public struct AuditItem: Sendable, Codable, Hashable {
    public var documentNum: String
    public var engine: String
    /// The VM's name for create_vm, the network's for create_vlan.
    public var target: String
    /// The job that carries the item, once there is one.
    public var jobID: String?

    public init(documentNum: String, engine: String, target: String, jobID: String? = nil) {
        self.documentNum = documentNum
        self.engine = engine
        self.target = target
        self.jobID = jobID
    }

    enum CodingKeys: String, CodingKey {
        case engine, target
        case documentNum = "document_num"
        case jobID = "job_id"
    }
}

/// A record of the audit trail: who did what, when, from where, and how it ended.
///
/// Every create, dry run and denied request is recorded. Tokens and secrets never are.
public struct AuditEntry: Sendable, Codable, Hashable, Identifiable {
    /// A random id of the entry.
    public var id: String
    /// When the request ended.
    public var time: Date
    /// The token's name or the JWT's subject; `anonymous` without authentication, or `-`
    /// when the caller could not be identified.
    public var who: String
    /// `token`, `jwt` or `none`; nil when the caller was not identified.
    public var authMethod: String?
    /// The caller's role, when identified.
    public var role: String?
    /// The peer's address (`127.0.0.1:53422`), when known.
    public var peer: String?
    /// The HTTP method (`POST`).
    public var method: String
    /// The request's path, without its query (at most 512 characters).
    public var path: String
    /// `create_vm`, `create_vlan`, or the last path component of another request.
    public var action: String
    public var dryRun: Bool
    /// What the request named, when it got as far as reading its upload.
    public var items: [AuditItem]
    public var outcome: AuditOutcome
    /// The HTTP status answered.
    public var status: Int
    /// The error code answered (`unauthorized`, `forbidden`, `invalid_request`, ...).
    public var code: String?
    /// The error message answered; never a token or secret.
    public var message: String?

    public init(id: String = UUID().uuidString.lowercased(), time: Date = Date(), who: String,
                authMethod: String? = nil, role: String? = nil, peer: String? = nil, method: String,
                path: String, action: String, dryRun: Bool = false, items: [AuditItem] = [],
                outcome: AuditOutcome, status: Int, code: String? = nil, message: String? = nil) {
        self.id = id
        self.time = time
        self.who = who
        self.authMethod = authMethod
        self.role = role
        self.peer = peer
        self.method = method
        self.path = path
        self.action = action
        self.dryRun = dryRun
        self.items = items
        self.outcome = outcome
        self.status = status
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case id, time, who, role, peer, method, path, action, items, outcome, status, code, message
        case authMethod = "auth_method"
        case dryRun = "dry_run"
    }
}

/// Which audit entries to list.
public struct AuditFilter: Sendable, Hashable {
    public var outcome: AuditOutcome?
    /// Most entries to return, newest first. Defaults to 100.
    public var limit: Int = 100

    public init(outcome: AuditOutcome? = nil, limit: Int = 100) {
        self.outcome = outcome
        self.limit = limit
    }
}

/// Durable storage of the audit trail. Implementations must not block Swift's cooperative
/// thread pool.
public protocol AuditLog: Sendable {
    /// Appends `entry`.
    func record(_ entry: AuditEntry) async throws
    /// Entries matching `filter`, newest first.
    func auditEntries(matching filter: AuditFilter) async throws -> [AuditEntry]
}
