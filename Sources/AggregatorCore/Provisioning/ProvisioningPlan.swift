/// The engine calls a backend will make for one item, in order, decided against the live engine.
///
/// Returned by `?dry_run=true` as is; stored with the job so the runner executes exactly
/// what was validated.
public struct ProvisioningPlan: Sendable, Codable, Hashable {
    /// One planned step.
    public struct Step: Sendable, Codable, Hashable {
        /// Stable machine name (`create_network`, `attach_network_to_cluster`, `create_vm`, ...).
        public var name: String
        /// What the step does, for operators (`POST /networks: 2921-redvt-eqp-test-e15, VLAN 2921, data center Default`).
        public var description: String
        /// True when the step is planned but already satisfied on the engine (it will be reused, not redone).
        public var alreadyDone: Bool

        public init(name: String, description: String, alreadyDone: Bool = false) {
            self.name = name
            self.description = description
            self.alreadyDone = alreadyDone
        }
    }

    public var engine: String
    public var steps: [Step]
    /// Engine ids and names the backend resolved while planning (cluster id, template id, ...),
    /// opaque to Core; the backend reads them back when executing.
    public var context: [String: String]

    public init(engine: String, steps: [Step], context: [String: String] = [:]) {
        self.engine = engine
        self.steps = steps
        self.context = context
    }
}

/// What planning against the live engine found.
public enum PlanOutcome: Sendable, Hashable {
    /// Ready to run.
    case ready(ProvisioningPlan)
    /// The item cannot run on this engine as written.
    case invalid([ValidationIssue])
}

/// What an executed item left on the engine.
public struct ProvisioningResult: Sendable, Codable, Hashable {
    /// Engine ids of what was created or reused (`network_id`, `vm_id`, `vnic_profile_id`, ...).
    public var engineIDs: [String: String]
    /// One-line summary for operators.
    public var summary: String

    public init(engineIDs: [String: String], summary: String) {
        self.engineIDs = engineIDs
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case summary
        case engineIDs = "engine_ids"
    }
}
