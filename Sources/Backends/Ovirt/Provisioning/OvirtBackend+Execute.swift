import AggregatorCore
import Logging

extension OvirtBackend {
    /// Runs a plan made by ``plan(_:)``: creates (or reuses) the VLAN network, its vNIC profile, its
    /// attachment to the cluster and to `host_nic` of every host, and for `create_vm` the VM with its
    /// disks, NIC and cloud-init, then starts it.
    ///
    /// Every engine call carries `Correlation-Id: context.correlationID`. Each step is reported to
    /// `context.recorder`. What exists as requested when the step runs is reused. On a failure the
    /// step is recorded with the engine's fault text and the error is thrown; what was created stays
    /// on the engine (and in the record) for an operator to inspect: nothing is rolled back.
    /// - Throws: ``BackendError``, or `CancellationError` when the job is cancelled.
    public func execute(_ plan: ProvisioningPlan, for item: ProvisioningItem, context: JobContext) async throws
        -> ProvisioningResult
    {
        guard case .section(let section) = OvirtSection.decode(item) else {
            throw BackendError(.unsupported, engine: name, message: "\(item.path): the ovirt section is invalid; plan the item first")
        }
        let run = OvirtRun(backend: self, plan: plan, item: item, section: section, job: context)
        return try await run.run()
    }
}

/// One execution of a plan. Used from the job's task only; host setups run in child tasks that
/// capture only Sendable values, and every recorder call is made from the job's task.
final class OvirtRun {
    let backend: OvirtBackend
    let plan: ProvisioningPlan
    let item: ProvisioningItem
    let section: OvirtSection
    let job: JobContext
    private(set) var engineIDs: [String: String] = [:]

    init(backend: OvirtBackend, plan: ProvisioningPlan, item: ProvisioningItem, section: OvirtSection, job: JobContext) {
        self.backend = backend
        self.plan = plan
        self.item = item
        self.section = section
        self.job = job
    }

    private var session: OvirtSession { backend.session }
    private var options: OvirtProvisioningOptions { backend.provisioning }
    private var engine: String { backend.name }
    private var recorder: any JobRecorder { job.recorder }

    private func context(_ key: String) throws -> String {
        guard let value = plan.context[key], !value.isEmpty else {
            throw BackendError(.invalidResponse, engine: engine, message: "the plan lacks '\(key)'; plan the item again")
        }
        return value
    }

    private var engineVersion: (major: Int, minor: Int)? {
        guard let text = plan.context[OvirtPlanKey.engineVersion] else { return nil }
        let parts = text.split(separator: ".").compactMap { Int($0) }
        return parts.count >= 2 ? (parts[0], parts[1]) : nil
    }

    func run() async throws -> ProvisioningResult {
        job.logger.info("Provisioning started", metadata: metadata)
        let lockKey = "\(section.cluster)\u{0}\(item.vlan.networkName)"
        await backend.networkSetup.acquire(lockKey)
        let network: String
        let profileID: String
        let hostCount: Int
        do {
            network = try await ensureNetwork()
            profileID = try await ensureVnicProfile(networkID: network)
            try await ensureClusterAttachment(networkID: network)
            hostCount = try await ensureHostAttachments(networkID: network)
        } catch {
            await backend.networkSetup.release(lockKey)
            throw error
        }
        await backend.networkSetup.release(lockKey)
        var summary = "network \(item.vlan.networkName) (VLAN \(item.vlan.id)) on cluster \(section.cluster) "
            + "and \(hostCount) host\(hostCount == 1 ? "" : "s")"
        if item.action == .createVM, let vm = item.vm {
            let vmID = try await createVM(vm)
            try await extendBootDisk(vm, vmID: vmID)
            let mounts = try await addDisks(vm, vmID: vmID)
            try await configureCloudInit(vm, vmID: vmID, mounts: mounts)
            try await addNIC(vmID: vmID, profileID: profileID)
            try await start(vm, vmID: vmID)
            summary += "; VM \(vm.name) is up (id \(vmID))"
        }
        job.logger.info("Provisioning finished", metadata: metadata)
        return ProvisioningResult(engineIDs: engineIDs, summary: summary)
    }

    private var metadata: Logger.Metadata {
        ["backend.name": "\(engine)", "job.id": "\(job.jobID)", "job.correlation_id": "\(job.correlationID)",
         "job.action": "\(item.action)"]
    }

    // MARK: - Steps

    private func ensureNetwork() async throws -> String {
        let name = item.vlan.networkName
        let dataCenterID = try context(OvirtPlanKey.dataCenterID)
        let dataCenterName = plan.context[OvirtPlanKey.dataCenterName] ?? dataCenterID
        let existing = try await get(OvirtCollection<OvirtNetwork>.self, "networks",
                                     query: [("search", "name=\(OvirtRules.searchValue(name))")], expected: "a JSON network list")
            .items.first { $0.name == name && $0.dataCenter?.id == dataCenterID }
        if let existing, let id = existing.id {
            guard existing.vlanID == item.vlan.id else {
                let tag = existing.vlanID.map { "VLAN \($0)" } ?? "no VLAN tag"
                return try await step(OvirtStep.createNetwork) {
                    throw BackendError(.httpStatus, engine: self.engine,
                                       message: "network \(name) exists in data center \(dataCenterName) with \(tag), "
                                           + "not VLAN \(self.item.vlan.id)", httpStatus: 409)
                }
            }
            engineIDs["network_id"] = id
            await recorder.stepSkipped(OvirtStep.createNetwork,
                                       reason: "network \(name) with VLAN \(item.vlan.id) exists in data center "
                                           + "\(dataCenterName) (id \(id)): reused")
            return id
        }
        return try await step(OvirtStep.createNetwork) {
            let body = OvirtBody.object([
                "name": .string(name),
                "description": .string(OvirtRun.metaDescription(self.item.meta, limit: 4000)),
                "data_center": .id(dataCenterID),
                "vlan": .object(["id": .int(self.item.vlan.id)]),
                "usages": .list("usage", [.string("vm")]),
            ])
            let network = try await self.write(OvirtNetwork.self, "POST", "networks", body: body, expected: "a JSON network")
            guard let id = network.id else { throw self.missingID("POST /networks") }
            return (id, "created network \(name) with VLAN \(self.item.vlan.id)", ["network_id": id])
        }
    }

    private func ensureVnicProfile(networkID: String) async throws -> String {
        try await step(OvirtStep.vnicProfile) {
            let name = self.item.vlan.networkName
            let profiles = try await self.get(OvirtCollection<OvirtVnicProfile>.self, "networks/\(networkID)/vnicprofiles",
                                              expected: "a JSON vnic profile list").items
            if let profile = profiles.first(where: { $0.name == name }) ?? profiles.first, let id = profile.id {
                return (id, "using vNIC profile \(profile.name ?? id)", ["vnic_profile_id": id])
            }
            let body = OvirtBody.object(["name": .string(name), "network": .id(networkID)])
            let profile = try await self.write(OvirtVnicProfile.self, "POST", "vnicprofiles", body: body,
                                               expected: "a JSON vnic profile")
            guard let id = profile.id else { throw self.missingID("POST /vnicprofiles") }
            return (id, "created vNIC profile \(name)", ["vnic_profile_id": id])
        }
    }

    private func ensureClusterAttachment(networkID: String) async throws {
        let clusterID = try context(OvirtPlanKey.clusterID)
        let attached = try await get(OvirtCollection<OvirtNetwork>.self, "clusters/\(clusterID)/networks",
                                     expected: "a JSON network list").items.contains { $0.id == networkID }
        if attached {
            await recorder.stepSkipped(OvirtStep.attachToCluster,
                                       reason: "network \(item.vlan.networkName) is attached to cluster \(section.cluster)")
            return
        }
        try await step(OvirtStep.attachToCluster) {
            let body = OvirtBody.object(["id": .string(networkID), "required": .bool(false)])
            _ = try await self.write(OvirtNetwork.self, "POST", "clusters/\(clusterID)/networks", body: body,
                                     expected: "a JSON network")
            return ((), "attached to cluster \(self.section.cluster)", ["cluster_id": clusterID])
        }
    }

    /// Sets the network up on `host_nic` of every host of the cluster, `host_parallelism` hosts at a
    /// time. Every host is tried; the first failure is thrown after all have finished.
    private func ensureHostAttachments(networkID: String) async throws -> Int {
        let clusterID = try context(OvirtPlanKey.clusterID)
        let hosts = try await get(OvirtCollection<OvirtHost>.self, "hosts", expected: "a JSON host list").items
            .filter { $0.cluster?.id == clusterID && $0.id != nil }
            .sorted { ($0.name ?? "") < ($1.name ?? "") }
        let facts = try await backend.hostNetworkFacts(hosts: hosts.compactMap(\.id), hostNIC: section.hostNIC,
                                                       networkID: networkID, correlationID: job.correlationID)
        var work: [(hostID: String, step: String, hostName: String)] = []
        for host in hosts {
            let hostID = host.id!
            let hostName = host.name ?? hostID
            let stepName = OvirtStep.attachToHostPrefix + hostName
            let nics = facts.nics[hostID] ?? []
            if OvirtPlanner.isAttached(networkID: networkID, hostNIC: section.hostNIC, nics: nics,
                                       attachments: facts.attachments[hostID]) {
                await recorder.stepSkipped(stepName, reason: "network \(item.vlan.networkName) is on "
                                               + "\(section.hostNIC) of host \(hostName)")
            } else {
                work.append((hostID, stepName, hostName))
            }
        }

        let session = self.session
        let correlationID = job.correlationID
        let hostNIC = section.hostNIC
        let commitAfter = engineVersion.map { $0 < (4, 3) } ?? false
        let lockRetries = options.lockRetries
        let pollInterval = options.pollInterval
        var firstError: (any Error)?
        try await withThrowingTaskGroup(of: (Int, Result<String?, any Error>).self) { group in
            var next = 0
            func launch() async {
                guard next < work.count else { return }
                let index = next
                next += 1
                let entry = work[index]
                await recorder.stepStarted(entry.step, description: description(of: entry.step))
                group.addTask {
                    do {
                        let body = OvirtBody.object([
                            "modified_network_attachments": .list("network_attachment", [
                                .object(["network": .id(networkID), "host_nic": .object(["name": .string(hostNIC)])]),
                            ]),
                            "check_connectivity": .bool(true),
                            "commit_on_success": .bool(true),
                        ])
                        let action = try await OvirtRun.withLockRetry(retries: lockRetries, interval: pollInterval) {
                            try await session.write(OvirtAction.self, method: "POST", path: "hosts/\(entry.hostID)/setupnetworks",
                                                    body: body, expected: "a JSON action", correlationID: correlationID)
                        }
                        if commitAfter {
                            _ = try await OvirtRun.withLockRetry(retries: lockRetries, interval: pollInterval) {
                                try await session.write(OvirtAction.self, method: "POST",
                                                        path: "hosts/\(entry.hostID)/commitnetconfig",
                                                        body: .object([]), expected: "a JSON action",
                                                        correlationID: correlationID)
                            }
                        }
                        return (index, .success(action.job?.id))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<max(1, options.hostParallelism) { await launch() }
            while let (index, result) = try await group.next() {
                let entry = work[index]
                switch result {
                case .success:
                    await recorder.stepSucceeded(entry.step, detail: "\(item.vlan.networkName) on \(hostNIC) of \(entry.hostName)",
                                                 engineIDs: ["host_id": entry.hostID])
                case .failure(let error):
                    let failure = backendError(error)
                    await recorder.stepFailed(entry.step, error: failure)
                    if firstError == nil { firstError = error is CancellationError ? error : failure }
                }
                await launch()
            }
        }
        if let firstError { throw firstError }
        return hosts.count
    }

    private func createVM(_ vm: VMSpec) async throws -> String {
        let clusterID = try context(OvirtPlanKey.clusterID)
        let templateID = try context(OvirtPlanKey.templateID)
        let templateDiskID = try context(OvirtPlanKey.templateDiskID)
        let storageDomainID = try context(OvirtPlanKey.storageDomainID)
        return try await step(OvirtStep.createVM) {
            let existing = try await self.get(OvirtCollection<OvirtVM>.self, "vms",
                                              query: [("search", "name=\(OvirtRules.searchValue(vm.name))")],
                                              expected: "a JSON vm list").items.first { $0.name == vm.name }
            if let existing {
                let found = OvirtRules.existingVM(vm.name, engine: self.engine, id: existing.id, comment: existing.comment)
                throw BackendError(.httpStatus, engine: self.engine,
                                   message: "\(found.message); it is left alone", httpStatus: 409)
            }
            let memory = Int64(vm.memoryGB) * OvirtRules.gibibyte
            let boot = vm.disks.first { $0.isBootDisk }
            let sparse = boot?.sparse ?? true
            let body = OvirtBody.object([
                "name": .string(vm.name),
                "description": .string(OvirtRun.metaDescription(self.item.meta, limit: 255)),
                "comment": .string(OvirtRun.metaComment(self.item.meta, jobID: self.job.jobID)),
                "cluster": .id(clusterID),
                "template": .id(templateID),
                "memory": .int(memory),
                "memory_policy": .object(["guaranteed": .int(memory)]),
                "cpu": .object(["topology": .object(["cores": .int(vm.cores), "sockets": .int(1), "threads": .int(1)])]),
                "os": self.plan.context[OvirtPlanKey.osType].map { .object(["type": .string($0)]) },
                "initialization": OvirtCloudInit(vm: vm).body,
                "disk_attachments": .list("disk_attachment", [
                    .object(["disk": .object([
                        "id": .string(templateDiskID),
                        "format": .string(sparse ? "cow" : "raw"),
                        "sparse": .bool(sparse),
                        "storage_domains": .list("storage_domain", [.id(storageDomainID)]),
                    ])]),
                ]),
            ])
            let created = try await self.write(OvirtVM.self, "POST", "vms", query: [("clone", "true")], body: body,
                                               expected: "a JSON vm")
            guard let id = created.id else { throw self.missingID("POST /vms") }
            self.engineIDs["vm_id"] = id
            // The VM exists from now on: on record before the (long) wait for its disks.
            await self.recorder.stepReportedIDs(OvirtStep.createVM, engineIDs: ["vm_id": id])
            try await self.waitForStatus("VM \(vm.name)", path: "vms/\(id)", expected: "a JSON vm", target: "down",
                                         timeout: self.options.createTimeout, option: "create_timeout") { status, _ in
                status == "illegal" ? "the VM became illegal" : nil
            }
            return (id, "created VM \(vm.name); it is down", ["vm_id": id])
        }
    }

    private func extendBootDisk(_ vm: VMSpec, vmID: String) async throws {
        let attachments = try await get(OvirtCollection<OvirtDiskAttachment>.self, "vms/\(vmID)/diskattachments",
                                        expected: "a JSON disk attachment list").items
        guard let boot = attachments.first(where: { $0.bootable?.value == true }) ?? attachments.first,
              let diskID = boot.diskID
        else { return }
        engineIDs["boot_disk_id"] = diskID
        guard plan.steps.contains(where: { $0.name == OvirtStep.extendBootDisk }),
              let size = vm.disks.first(where: { $0.isBootDisk }).map({ Int64($0.sizeGB) * OvirtRules.gibibyte })
        else { return }
        let current = try await get(OvirtDisk.self, "disks/\(diskID)", expected: "a JSON disk").provisionedSize?.value
        if let current, current >= size {
            await recorder.stepSkipped(OvirtStep.extendBootDisk, reason: "the boot disk is \(OvirtRules.gib(current)) already")
            return
        }
        try await step(OvirtStep.extendBootDisk) {
            let body = OvirtBody.object(["disk": .object(["provisioned_size": .int(size)])])
            _ = try await self.write(OvirtDiskAttachment.self, "PUT", "vms/\(vmID)/diskattachments/\(diskID)", body: body,
                                     expected: "a JSON disk attachment")
            try await self.waitForDisk(diskID)
            return ((), "boot disk grown to \(OvirtRules.gib(size))", ["boot_disk_id": diskID])
        }
    }

    private func addDisks(_ vm: VMSpec, vmID: String) async throws -> [OvirtCloudInit.Mount] {
        let storageDomainID = try context(OvirtPlanKey.storageDomainID)
        var mounts: [OvirtCloudInit.Mount] = []
        for (index, disk) in vm.disks.enumerated() where !disk.isBootDisk {
            let diskID = try await step(OvirtStep.addDisk(index)) {
                let body = OvirtBody.object([
                    "bootable": .bool(false),
                    "interface": .string("virtio_scsi"),
                    "active": .bool(true),
                    "disk": .object([
                        "name": .string("\(vm.name)_Disk\(index + 1)"),
                        "description": disk.mountPoint.map { .string("mounted at \($0)") },
                        "provisioned_size": .int(Int64(disk.sizeGB) * OvirtRules.gibibyte),
                        "format": .string(disk.sparse ? "cow" : "raw"),
                        "sparse": .bool(disk.sparse),
                        "storage_domains": .list("storage_domain", [.id(storageDomainID)]),
                    ]),
                ])
                let attachment = try await self.write(OvirtDiskAttachment.self, "POST", "vms/\(vmID)/diskattachments",
                                                      body: body, expected: "a JSON disk attachment")
                guard let diskID = attachment.diskID else { throw self.missingID("POST /vms/\(vmID)/diskattachments") }
                await self.recorder.stepReportedIDs(OvirtStep.addDisk(index), engineIDs: ["disk_id[\(index)]": diskID])
                try await self.waitForDisk(diskID)
                return (diskID, "\(disk.sizeGB) GiB disk" + (disk.mountPoint.map { " for \($0)" } ?? ""),
                        ["disk_id[\(index)]": diskID])
            }
            if let mountPoint = disk.mountPoint { mounts.append(.init(diskID: diskID, mountPoint: mountPoint)) }
        }
        return mounts
    }

    private func configureCloudInit(_ vm: VMSpec, vmID: String, mounts: [OvirtCloudInit.Mount]) async throws {
        guard !mounts.isEmpty else { return }
        try await step(OvirtStep.configureCloudInit) {
            let body = OvirtBody.object(["initialization": OvirtCloudInit(vm: vm, mounts: mounts).body])
            _ = try await self.write(OvirtVM.self, "PUT", "vms/\(vmID)", body: body, expected: "a JSON vm")
            return ((), "cloud-init mounts " + mounts.map(\.mountPoint).joined(separator: ", "), [:])
        }
    }

    /// Adds `nic1` on the profile, or re-points a `nic1` the VM inherited from its template.
    private func addNIC(vmID: String, profileID: String) async throws {
        try await step(OvirtStep.addNIC) {
            let nics = try await self.get(OvirtCollection<OvirtNIC>.self, "vms/\(vmID)/nics", expected: "a JSON nic list").items
            let body = OvirtBody.object([
                "name": .string("nic1"),
                "interface": .string("virtio"),
                "vnic_profile": .id(profileID),
            ])
            let nic: OvirtNIC
            if let inherited = nics.first(where: { $0.name == "nic1" }), let nicID = inherited.id {
                nic = try await self.write(OvirtNIC.self, "PUT", "vms/\(vmID)/nics/\(nicID)", body: body, expected: "a JSON nic")
            } else {
                nic = try await self.write(OvirtNIC.self, "POST", "vms/\(vmID)/nics", body: body, expected: "a JSON nic")
            }
            guard let id = nic.id else { throw self.missingID("POST /vms/\(vmID)/nics") }
            return ((), "nic1 on \(self.item.vlan.networkName)", ["nic_id": id])
        }
    }

    private func start(_ vm: VMSpec, vmID: String) async throws {
        try await step(OvirtStep.startVM) {
            _ = try await self.write(OvirtAction.self, "POST", "vms/\(vmID)/start",
                                     body: .object(["use_cloud_init": .bool(true)]), expected: "a JSON action")
            try await self.waitForStatus("VM \(vm.name)", path: "vms/\(vmID)", expected: "a JSON vm", target: "up",
                                         timeout: self.options.startTimeout, option: "start_timeout") { status, seen in
                let starting: Set<String> = ["wait_for_launch", "powering_up"]
                if status == "down", seen.contains(where: starting.contains) {
                    return "the VM went back to down while starting (see the engine's events)"
                }
                return nil
            }
            return ((), "VM \(vm.name) is up", ["vm_id": vmID])
        }
    }

    // MARK: - Recording

    private func description(of step: String) -> String {
        plan.steps.first { $0.name == step }?.description ?? step
    }

    /// Records `name` as started, runs `body`, and records its success or failure.
    @discardableResult
    private func step<T>(_ name: String,
                         _ body: () async throws -> (value: T, detail: String?, ids: [String: String])) async throws -> T {
        await recorder.stepStarted(name, description: description(of: name))
        do {
            let (value, detail, ids) = try await body()
            engineIDs.merge(ids) { $1 }
            await recorder.stepSucceeded(name, detail: detail, engineIDs: ids)
            return value
        } catch {
            await recorder.stepFailed(name, error: backendError(error))
            job.logger.info("Provisioning step failed", metadata: metadata.merging([
                "job.step": "\(name)", "error.message": "\(backendError(error).message)",
            ]) { $1 })
            if error is CancellationError { throw error }
            throw backendError(error)
        }
    }

    private func backendError(_ error: any Error) -> BackendError {
        switch error {
        case let error as BackendError: return error
        case is CancellationError: return BackendError(.transport, engine: engine, message: "the job was cancelled")
        default: return BackendError(.invalidResponse, engine: engine, message: "\(error)")
        }
    }

    private func missingID(_ request: String) -> BackendError {
        BackendError(.invalidResponse, engine: engine, message: "\(request): the engine's answer has no id")
    }

    // MARK: - Engine calls

    private func get<T: Decodable>(_ type: T.Type, _ path: String, query: [(name: String, value: String)] = [],
                                   expected: String) async throws -> T {
        try await session.get(type, path: path, query: query, expected: expected, correlationID: job.correlationID)
    }

    private func write<T: Decodable>(_ type: T.Type, _ method: String, _ path: String,
                                     query: [(name: String, value: String)] = [], body: OvirtBody?,
                                     expected: String) async throws -> T {
        let session = self.session
        let correlationID = job.correlationID
        return try await Self.withLockRetry(retries: options.lockRetries, interval: options.pollInterval) {
            try await session.write(type, method: method, path: path, query: query, body: body, expected: expected,
                                    correlationID: correlationID)
        }
    }

    /// Runs `call`, trying again after `interval` when the engine refuses it with 409 because an
    /// object is locked or an operation is in progress (it then did nothing).
    static func withLockRetry<T>(retries: Int, interval: Duration,
                                 _ call: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await call()
            } catch let error as BackendError where error.httpStatus == 409 && attempt < retries && isLocked(error) {
                attempt += 1
                try await Task.sleep(for: interval)
            }
        }
    }

    static func isLocked(_ error: BackendError) -> Bool {
        let text = error.message.lowercased()
        return text.contains("locked") || text.contains("in progress")
    }

    private struct StatusOnly: Decodable {
        var status: String?
    }

    /// Reads `path` every `poll_interval` until its `status` is `target`; `failure` turns a status
    /// (given the statuses seen so far) into a reason to stop.
    private func waitForStatus(_ what: String, path: String, expected: String, target: String, timeout: Duration,
                               option: String, failure: (String, [String]) -> String?) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var seen: [String] = []
        while true {
            let status = try await get(StatusOnly.self, path, expected: expected).status ?? "unknown"
            if status == target { return }
            if let reason = failure(status, seen) {
                throw BackendError(.invalidResponse, engine: engine, message: "\(what): \(reason)")
            }
            if seen.last != status { seen.append(status) }
            guard clock.now < deadline else {
                throw BackendError(.timeout, engine: engine,
                                   message: "\(what) did not become \(target) within \(timeout.milliseconds / 1000) s "
                                       + "(\(option)); it is \(status)")
            }
            try await Task.sleep(for: options.pollInterval)
        }
    }

    private func waitForDisk(_ diskID: String) async throws {
        try await waitForStatus("disk \(diskID)", path: "disks/\(diskID)", expected: "a JSON disk", target: "ok",
                                timeout: options.createTimeout, option: "create_timeout") { status, _ in
            status == "illegal" ? "the disk became illegal" : nil
        }
    }

    // MARK: - Meta

    /// `document 6666, information system …, owner …, environment …`, cut to `limit` characters.
    static func metaDescription(_ meta: RequestMeta, limit: Int) -> String {
        var parts = ["document \(meta.documentNum)"]
        if let value = meta.infSystem, !value.isEmpty { parts.append("information system \(value)") }
        if let value = meta.owner, !value.isEmpty { parts.append("owner \(value)") }
        if let value = meta.environment, !value.isEmpty { parts.append("environment \(value)") }
        let text = parts.joined(separator: ", ")
        return text.count <= limit ? text : String(text.prefix(limit))
    }

    /// `document_num=6666; inf_system=…; owner=…; environment=…; job=…`: the same, machine-readable.
    static func metaComment(_ meta: RequestMeta, jobID: String) -> String {
        var parts = ["document_num=\(meta.documentNum)"]
        if let value = meta.infSystem { parts.append("inf_system=\(value)") }
        if let value = meta.owner { parts.append("owner=\(value)") }
        if let value = meta.environment { parts.append("environment=\(value)") }
        parts.append("job=\(jobID)")
        return parts.joined(separator: "; ")
    }
}
