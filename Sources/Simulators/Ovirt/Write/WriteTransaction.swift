import Foundation

/// One write against the inventory, run under ``EngineState``'s lock: the
/// command's validation (in the engine's order, with its messages), its
/// immediate effect, its job and audit log entries, and the changes it
/// schedules for later.
struct WriteTransaction {
    var inventory: EngineInventory
    /// Wall clock at the start of the request, epoch ms.
    let now: Int64
    /// ``SimulatedEngineOptions/asyncDelay`` in ms.
    let delay: Int64
    /// ``SimulatedEngineOptions/guestIPDelay`` in ms.
    let guestIPDelay: Int64
    let correlationID: String
    let engineName: String
    /// The user name the audit log shows (`admin@internal-authz`).
    var userName: String

    /// Changes for later: due time and the change, which gets the time it was due.
    private(set) var scheduled: [(due: Int64, apply: @Sendable (inout EngineInventory, _ now: Int64) -> Void)] = []
    /// The job of the command being run, once its validation has started.
    private(set) var job: SimJob?

    init(
        inventory: EngineInventory,
        now: Int64,
        delay: Int64,
        guestIPDelay: Int64 = 0,
        correlationID: String,
        engineName: String,
        userName: String = "admin@internal-authz"
    ) {
        self.inventory = inventory
        self.now = now
        self.delay = delay
        self.guestIPDelay = guestIPDelay
        self.correlationID = correlationID
        self.engineName = engineName
        self.userName = userName
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    /// Schedules `apply` after `steps` times the async delay; it gets the time it was due.
    mutating func later(_ steps: Int64, _ apply: @escaping @Sendable (inout EngineInventory, _ now: Int64) -> Void) {
        scheduled.append((now + steps * delay, apply))
    }

    // MARK: Jobs and events

    /// Starts the command's job; it is stored when the command succeeds (or
    /// recorded as failed by ``recordFailure(into:)``).
    mutating func beginJob(_ description: String) {
        job = SimJob(
            id: Self.newID(),
            description: description,
            status: "started",
            correlationID: correlationID,
            startTime: now,
            endTime: nil,
            lastUpdated: now
        )
    }

    /// Stores the job, finished now or after `steps` delays (with `finally`
    /// applied at the same moment, with that moment's time). Returns its id.
    @discardableResult
    mutating func commitJob(
        finishAfter steps: Int64 = 0,
        finally: (@Sendable (inout EngineInventory, _ now: Int64) -> Void)? = nil
    ) -> String? {
        guard var job else { return nil }
        let id = job.id
        if steps == 0 || delay == 0 {
            job.status = "finished"
            job.endTime = now
            inventory.jobs.append(job)
            if let finally {
                // Immediate: still applied through the schedule so it runs after this write.
                later(0, finally)
            }
        } else {
            inventory.jobs.append(job)
            later(steps) { inventory, now in
                if let finally { finally(&inventory, now) }
                Self.finishJob(id, at: now, in: &inventory)
            }
        }
        self.job = nil
        return id
    }

    static func finishJob(_ id: String, status: String = "finished", at now: Int64, in inventory: inout EngineInventory) {
        guard let index = inventory.jobs.firstIndex(where: { $0.id == id }) else { return }
        inventory.jobs[index].status = status
        inventory.jobs[index].endTime = now
        inventory.jobs[index].lastUpdated = now
    }

    mutating func event(
        _ code: Int,
        _ description: String,
        severity: String = "normal",
        vm: String? = nil,
        host: String? = nil,
        cluster: String? = nil,
        dataCenter: String? = nil
    ) {
        Self.appendEvent(
            to: &inventory,
            code: code,
            description: description,
            severity: severity,
            time: now,
            correlationID: correlationID,
            vm: vm,
            host: host,
            cluster: cluster,
            dataCenter: dataCenter
        )
    }

    static func appendEvent(
        to inventory: inout EngineInventory,
        code: Int,
        description: String,
        severity: String = "normal",
        time: Int64,
        correlationID: String,
        vm: String? = nil,
        host: String? = nil,
        cluster: String? = nil,
        dataCenter: String? = nil,
        fromMonitoring: Bool = false
    ) {
        inventory.eventLog.append(
            SimEvent(
                index: 0,
                code: code,
                severity: severity,
                description: description,
                time: time,
                correlationID: fromMonitoring ? "" : correlationID,
                vmID: vm,
                hostID: host,
                clusterID: cluster,
                dataCenterID: dataCenter,
                fromMonitoring: fromMonitoring
            ),
            now: time
        )
    }

    /// An event about `vm`, linked as the engine links it: the VM, the host
    /// it runs on (or `host` when given), its cluster and data center.
    /// `fromMonitoring` events carry no correlation id and no user.
    static func appendVMEvent(
        to inventory: inout EngineInventory,
        code: Int,
        description: String,
        severity: String = "normal",
        time: Int64,
        correlationID: String,
        vm: SimVM,
        host: String? = nil,
        fromMonitoring: Bool = false
    ) {
        appendEvent(
            to: &inventory,
            code: code,
            description: description,
            severity: severity,
            time: time,
            correlationID: correlationID,
            vm: vm.id,
            host: host ?? vm.hostID,
            cluster: vm.clusterID,
            dataCenter: inventory.cluster(vm.clusterID)?.dataCenterID,
            fromMonitoring: fromMonitoring
        )
    }

    /// ``appendVMEvent(to:code:description:severity:time:correlationID:vm:host:)`` at this write's time.
    mutating func vmEvent(_ code: Int, _ description: String, vm: SimVM, host: String? = nil, severity: String = "normal") {
        Self.appendVMEvent(
            to: &inventory, code: code, description: description, severity: severity, time: now,
            correlationID: correlationID, vm: vm, host: host
        )
    }

    /// An event about `host`, linked to the host, its cluster and data center.
    mutating func hostEvent(_ code: Int, _ description: String, host: SimHost, severity: String = "normal") {
        event(
            code, description, severity: severity, host: host.id, cluster: host.clusterID,
            dataCenter: inventory.cluster(host.clusterID)?.dataCenterID
        )
    }

    /// Records the command's job as failed in `inventory` (the state before
    /// the command), when the command got as far as starting one.
    func recordFailure(into inventory: inout EngineInventory) {
        guard var job else { return }
        job.status = "failed"
        job.endTime = now
        inventory.jobs.append(job)
    }

    // MARK: Lookups, as the REST layer does them

    func cluster(_ reference: RequestNode) throws(EngineFault) -> SimCluster {
        if let id = reference.id {
            guard let cluster = inventory.cluster(id) else { throw .entityNotFound("GetClusterById") }
            return cluster
        }
        let name = reference.referenceName ?? ""
        guard let cluster = inventory.clusters.first(where: { $0.name == name }) else {
            throw .entityNotFound("Cluster: name=\(name)")
        }
        return cluster
    }

    func template(_ reference: RequestNode, dataCenterID: String) throws(EngineFault) -> SimTemplate {
        if let id = reference.id {
            guard let template = inventory.template(id) else { throw .entityNotFound("GetVmTemplate") }
            return template
        }
        let name = reference.referenceName ?? ""
        let match = inventory.templates.first { template in
            template.name == name
                && (template.clusterID == nil || inventory.cluster(template.clusterID)?.dataCenterID == dataCenterID)
        }
        guard let match else { throw .entityNotFound("GetVmTemplate") }
        return match
    }

    /// `storage_domains/storage_domain` of a disk: by id the REST layer
    /// answers "Entity not found: ID"; by an unknown name a bare 404.
    func storageDomain(of disk: RequestNode) throws(EngineFault) -> SimStorageDomain? {
        guard let reference = disk.items("storage_domains", "storage_domain").first else { return nil }
        if let id = reference.id {
            guard let domain = inventory.storageDomain(id) else { throw .entityNotFound(id) }
            return domain
        }
        if let name = reference.referenceName {
            guard let domain = inventory.storageDomains.first(where: { $0.name == name }) else { throw .notFound }
            return domain
        }
        return nil
    }

    func vmIndex(_ id: String) throws(EngineFault) -> Int {
        guard let index = inventory.vms.firstIndex(where: { $0.id == id }) else { throw .notFound }
        return index
    }

    func require(_ node: RequestNode, type: String, method: String = "add", _ fields: [String]) throws(EngineFault) {
        var missing: [String] = []
        for field in fields {
            let alternatives = field.split(separator: "|").map(String.init)
            // "cluster.id|name": the prefix before the last dot applies to each alternative.
            let present: Bool
            if let dot = alternatives[0].lastIndex(of: ".") {
                let parent = String(alternatives[0][..<dot])
                let first = String(alternatives[0][alternatives[0].index(after: dot)...])
                let names = [first] + alternatives.dropFirst()
                let element = node.child(Self.elementPath(parent))
                present = names.contains { name in
                    name == "id" ? element?.id != nil : element?.string(name)?.isEmpty == false
                }
            } else {
                present = alternatives.contains { name in
                    name == "id" ? node.id != nil : node.string(Self.elementPath(name))?.isEmpty == false
                }
            }
            if !present { missing.append(field) }
        }
        if !missing.isEmpty { throw .incomplete(type, missing, for: method) }
    }

    /// `dataCenter` → `data_center`, `provisionedSize` → `provisioned_size`.
    static func elementPath(_ javaName: String) -> String {
        var result = ""
        for character in javaName {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
