/// The engine calls a backend will make for one item, in order, decided against the live engine.
///
/// Returned by `?dry_run=true` as is; stored with the job so the runner executes exactly
/// what was validated: a backend's ``VirtualizationBackend/execute(_:context:)`` reads its typed
/// ``payload`` and nothing else of the request.
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
    /// The kind of the engine, which is also the kind of ``payload``.
    public var kind: BackendKind
    /// What will happen, for operators (`?dry_run=true`, the job record).
    public var steps: [Step]
    /// The backend's own typed plan: everything execution needs, resolved while planning
    /// (engine ids, the VM as requested, the order of steps). Read it back with ``payload(as:)``.
    public var payload: PlanPayload

    /// A plan whose payload is `payload`, a value of the backend's own plan type.
    /// - Throws: ``BackendError`` (`.invalidResponse`) when the payload cannot be encoded.
    public init(engine: String, kind: BackendKind, steps: [Step], payload: some Encodable) throws(BackendError) {
        self.engine = engine
        self.kind = kind
        self.steps = steps
        do {
            self.payload = try PlanPayload(encoding: payload)
        } catch {
            throw BackendError(.invalidResponse, engine: engine, message: "could not encode the \(kind) plan: \(error)")
        }
    }

    /// The backend's plan, decoded as `type`.
    /// - Throws: ``BackendError`` (`.invalidResponse`) when the stored payload is not a `type`
    ///   (a job stored by another version, say): plan the item again.
    public func payload<P: Decodable>(as type: P.Type) throws(BackendError) -> P {
        do {
            return try payload.decode(type)
        } catch {
            throw BackendError(.invalidResponse, engine: engine,
                               message: "the stored plan is not a \(kind) plan this version can run (\(error)); post the item again")
        }
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
