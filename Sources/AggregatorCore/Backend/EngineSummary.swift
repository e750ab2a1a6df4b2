/// An engine's own account of what it holds, for ``ConsistencyProbing``.
public struct EngineSummary: Sendable, Hashable {
    /// A total and an active count of one kind of object.
    public struct Count: Sendable, Hashable, CustomStringConvertible {
        public var total: Int
        /// Nil when the engine does not say.
        public var active: Int?

        public init(total: Int, active: Int?) {
            self.total = total
            self.active = active
        }

        public var description: String { active.map { "\(total) (\($0) active)" } ?? "\(total)" }
    }

    /// Whether an engine counts an object as active.
    public enum Activity: Sendable, Hashable {
        case active
        case inactive
        /// The common model cannot tell (oVirt's API shows `migrating` for both sides of a
        /// migration, and the engine counts only one of them).
        case either
    }

    /// VMs; nil when the engine does not say.
    public var vms: Count?
    /// Hosts; nil when the engine does not say.
    public var hosts: Count?
    /// The status of every VM in an exceptional status (``ConsistencyProbing/isExceptional(_:)``),
    /// by id: a change between two statuses the counts treat alike (up to paused) shows here.
    /// Nil when the engine does not say, or has too many to list cheaply.
    public var exceptionalVMs: [String: String]?
    /// Every host's status, by id (hosts are few): a lost change between two statuses the counts
    /// treat alike (maintenance to non-operational) shows here. Nil when the engine does not say.
    public var hostStatuses: [String: String]?
    /// How many VMs each host holds, by host id, for the hosts with no migration under way: a
    /// lost migration moves no count and no status but shows here. Nil when the engine does not say.
    public var vmsPerHost: [String: Int]?
    /// Why the change stream is not where the feed is (newer events it has not reported, or
    /// numbering that went backwards); nil when the feed has seen everything.
    public var changeStreamDifference: String?

    public init(vms: Count? = nil, hosts: Count? = nil, exceptionalVMs: [String: String]? = nil,
                hostStatuses: [String: String]? = nil, vmsPerHost: [String: Int]? = nil,
                changeStreamDifference: String? = nil) {
        self.hostStatuses = hostStatuses
        self.vms = vms
        self.hosts = hosts
        self.exceptionalVMs = exceptionalVMs
        self.vmsPerHost = vmsPerHost
        self.changeStreamDifference = changeStreamDifference
    }

    /// How the model's snapshot differs from this summary, one line per difference; empty when
    /// they agree. An active count agrees when it lies between the model's certainly active
    /// objects and those plus the ones the model cannot tell about.
    public func differences(from snapshot: EngineSnapshot, countingActive backend: some ConsistencyProbing) -> [String] {
        var found: [String] = []
        if let vms, let difference = Self.difference("VMs", engine: vms, model: snapshot.vms.ordered.map {
            backend.activity(of: $0.item)
        }) {
            found.append(difference)
        }
        if let hosts, let difference = Self.difference("hosts", engine: hosts, model: snapshot.hosts.ordered.map {
            backend.activity(of: $0.item)
        }) {
            found.append(difference)
        }
        if let exceptionalVMs {
            var model: [String: String] = [:]
            for record in snapshot.vms.ordered where backend.isExceptional(record.item) {
                model[record.item.id] = record.item.status
            }
            let differing = Set(model.keys).union(exceptionalVMs.keys).filter { model[$0] != exceptionalVMs[$0] }.sorted()
            if !differing.isEmpty {
                let shown = differing.prefix(5).map { "\($0) engine \(exceptionalVMs[$0] ?? "-") model \(model[$0] ?? "-")" }
                found.append("VMs in exceptional statuses: " + shown.joined(separator: ", ")
                    + (differing.count > 5 ? " and \(differing.count - 5) more" : ""))
            }
        }
        if let hostStatuses {
            let model = Dictionary(snapshot.hosts.ordered.map { ($0.item.id, $0.item.status) }) { first, _ in first }
            let differing = Set(model.keys).union(hostStatuses.keys).filter { model[$0] != hostStatuses[$0] }.sorted()
            if !differing.isEmpty {
                let shown = differing.prefix(5).map { "\($0) engine \(hostStatuses[$0] ?? "-") model \(model[$0] ?? "-")" }
                found.append("host statuses: " + shown.joined(separator: ", ")
                    + (differing.count > 5 ? " and \(differing.count - 5) more" : ""))
            }
        }
        if let vmsPerHost {
            var placed: [String: Int] = [:]
            for record in snapshot.vms.ordered {
                if let host = record.item.host { placed[host, default: 0] += 1 }
            }
            let differing = vmsPerHost.keys.sorted().compactMap { id -> String? in
                // A host the model does not hold shows in the host counts.
                guard let host = snapshot.hosts.record(id: id)?.item else { return nil }
                let model = placed[host.name, default: 0]
                return model == vmsPerHost[id] ? nil : "\(host.name) engine \(vmsPerHost[id] ?? 0) model \(model)"
            }
            if !differing.isEmpty {
                found.append("VMs on hosts: " + differing.prefix(5).joined(separator: ", ")
                    + (differing.count > 5 ? " and \(differing.count - 5) more" : ""))
            }
        }
        if let changeStreamDifference { found.append(changeStreamDifference) }
        return found
    }

    private static func difference(_ what: String, engine: Count, model: [Activity]) -> String? {
        let active = model.count { $0 == .active }
        let either = model.count { $0 == .either }
        let totalDiffers = engine.total != model.count
        let activeDiffers = engine.active.map { $0 < active || $0 > active + either } ?? false
        guard totalDiffers || activeDiffers else { return nil }
        let modelActive = either == 0 ? "\(active)" : "\(active)–\(active + either)"
        return "\(what): engine \(engine), model \(model.count) (\(modelActive) active)"
    }
}
