import AggregatorCore
import Logging

/// One named contract check, run against a kind's harness.
public struct ContractCheck: Sendable, CustomStringConvertible {
    /// Short stable name (`listings`), usable as a test argument.
    public let name: String
    /// What the check asserts.
    public let summary: String
    private let body: @Sendable (any BackendContractHarness) async -> [ContractViolation]

    /// Creates a check; `body` must stop every engine and backend it starts.
    public init(name: String, summary: String,
                _ body: @escaping @Sendable (any BackendContractHarness) async -> [ContractViolation]) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    /// Runs the check; every engine and backend it starts is stopped before it returns.
    public func run(_ harness: any BackendContractHarness) async -> [ContractViolation] {
        await body(harness)
    }

    public var description: String { name }
}

/// The behaviour every backend kind owes the aggregator, checked against the kind's own simulator.
///
/// A kind's tests supply a ``BackendContractHarness`` (start a simulated engine, build a backend)
/// and run ``checks``, for example one Swift Testing case per check name. The checks use what the
/// server uses: ``VirtualizationBackend/readInventory()``, the reads of one object by id, the
/// change feed of a ``ChangeFeedBackend``, and the live model over an ``EngineSet``; they do not
/// depend on any test framework.
public enum BackendContract {
    /// Every check, in a stable order.
    public static let checks: [ContractCheck] = [
        ContractCheck(name: "listings",
                      summary: "listings are complete, tagged with the engine, with unique ids and resolved names") {
            await withEngine(ContractEngineSpec(name: "contract-listings"), harness: $0, check: "listings") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "listings") {
                    await checkListings($0, expect: engine.expectations)
                }
            }
        },
        ContractCheck(name: "objects",
                      summary: "a VM, host or cluster read by id is the one listed; an unknown id is nil, not an error") {
            await withEngine(ContractEngineSpec(name: "contract-objects"), harness: $0, check: "objects") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "objects") {
                    await checkObjects($0)
                }
            }
        },
        ContractCheck(name: "changes",
                      summary: "a kind with a change feed reports a VM whose power state changed, and nothing when nothing did") {
            await withEngine(ContractEngineSpec(name: "contract-changes"), harness: $0, check: "changes") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "changes") {
                    await checkChanges($0, engine: engine)
                }
            }
        },
        ContractCheck(name: "create-vm",
                      summary: "a kind that creates VMs plans without creating, creates one VM, and a re-run never makes a second") {
            await withEngine(ContractEngineSpec(name: "contract-create"), harness: $0, check: "create-vm") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "create-vm") {
                    await checkCreateVM($0, engine: engine)
                }
            }
        },
        ContractCheck(name: "resume-vm",
                      summary: "a kind that creates VMs resumes a job whose replica died once the VM existed: one VM, nothing redone") {
            await withEngine(ContractEngineSpec(name: "contract-resume"), harness: $0, check: "resume-vm") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "resume-vm") {
                    await checkResumeVM($0, engine: engine)
                }
            }
        },
        ContractCheck(name: "create-vlan",
                      summary: "a kind that creates VLANs runs a plan to the end, and a re-run reuses what it made") {
            await withEngine(ContractEngineSpec(name: "contract-vlan"), harness: $0, check: "create-vlan") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "create-vlan") {
                    await checkCreateVLAN($0, engine: engine)
                }
            }
        },
        ContractCheck(name: "power-vms",
                      summary: "a kind that powers VMs stops and starts one and reads the status back; a repeated stop is a no-op step") {
            await withEngine(ContractEngineSpec(name: "contract-power", vmCount: 4), harness: $0, check: "power-vms") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "power-vms") {
                    await checkPowerVMs($0, engine: engine)
                }
            }
        },
        ContractCheck(name: "delete-vms",
                      summary: "a kind that deletes VMs refuses a protected one, naming the protection, and deletes one that is down") {
            await withEngine(ContractEngineSpec(name: "contract-delete", vmCount: 4), harness: $0, check: "delete-vms") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "delete-vms") {
                    await checkDeleteVMs($0, engine: engine)
                }
            }
        },
        ContractCheck(name: "probe", summary: "a probe logs in and reports a version") {
            await withEngine(ContractEngineSpec(name: "contract-probe"), harness: $0, check: "probe") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "probe") {
                    await checkProbe($0)
                }
            }
        },
        ContractCheck(name: "unreachable", summary: "an engine that is down gives connection_refused") {
            await checkUnreachable(harness: $0)
        },
        ContractCheck(name: "bad-credentials",
                      summary: "a wrong password gives unauthorized, naming the engine and never the password") {
            await checkBadCredentials(harness: $0)
        },
        ContractCheck(name: "timeout",
                      summary: "a slow engine times out in the live model while a fast one still answers") {
            await checkTimeout(harness: $0)
        },
    ]

    /// The check called `name`, if any.
    public static func check(named name: String) -> ContractCheck? {
        checks.first { $0.name == name }
    }

    /// Runs `checks` one after the other and returns every violation.
    public static func run(_ checks: [ContractCheck] = checks, harness: any BackendContractHarness) async
        -> [ContractViolation]
    {
        var violations: [ContractViolation] = []
        for check in checks { violations += await check.run(harness) }
        return violations
    }

    // MARK: - Checks

    /// Reads a healthy engine in full, as the live model does, and checks it against `expect`.
    public static func checkListings(_ backend: any VirtualizationBackend, expect: BackendContractExpectations)
        async -> [ContractViolation]
    {
        var found = Findings(check: "listings")
        let readout: EngineReadout
        do {
            readout = try await backend.readInventory()
        } catch {
            found.fail("readInventory failed: \(error)")
            return found.violations
        }
        let (vms, hosts, clusters) = (readout.vms, readout.hosts, readout.clusters)

        found.expect(backend.name == expect.engine, "backend name is '\(backend.name)', expected '\(expect.engine)'")
        found.expect(backend.capabilities.isSuperset(of: .inventory),
                     "capabilities \(backend.capabilities.names) lack \(BackendCapabilities.inventory.names)")
        found.expect(backend.capabilities.contains(.changeFeed) == (backend is any ChangeFeedBackend),
                     "capabilities \(backend.capabilities.names) disagree with the change-feed conformance")
        found.expect(backend.capabilities.contains(.createVM) == (backend is any VMCreatingBackend),
                     "capabilities \(backend.capabilities.names) disagree with the VM-creating conformance")
        found.expect(backend.capabilities.contains(.createVLAN) == (backend is any VLANCreatingBackend),
                     "capabilities \(backend.capabilities.names) disagree with the VLAN-creating conformance")

        // VMs
        found.expect(vms.count == expect.vmCount, "listed \(vms.count) VMs, expected \(expect.vmCount)")
        found.checkIdentities(vms.map { ($0.engine, $0.id, $0.name) }, of: "VM", engine: expect.engine)
        let hostNames = Set(hosts.map(\.name))
        for vm in vms {
            found.checkStatus(vm.status, of: "VM \(vm.name)")
            if let cluster = vm.cluster {
                found.expect(expect.clusterNames.contains(cluster),
                             "VM \(vm.name) names cluster '\(cluster)', not one of \(expect.clusterNames.sorted())")
            } else {
                found.fail("VM \(vm.name) has no cluster")
            }
            if vm.status == "up" {
                if let host = vm.host {
                    found.expect(hostNames.contains(host), "running VM \(vm.name) names host '\(host)', not a listed host name")
                } else {
                    found.fail("running VM \(vm.name) has no host")
                }
            }
            found.expect(!vm.ipAddresses.contains(""), "VM \(vm.name) lists an empty IP address")
            if let cpus = vm.cpus { found.expect(cpus > 0, "VM \(vm.name) has \(cpus) CPUs") }
            if let memory = vm.memoryBytes { found.expect(memory > 0, "VM \(vm.name) has \(memory) bytes of memory") }
        }
        if let name = expect.someVMName {
            found.expect(vms.contains { $0.name == name }, "VM '\(name)' is missing from the listing")
        }

        // Hosts
        found.expect(hosts.count == expect.hostCount, "listed \(hosts.count) hosts, expected \(expect.hostCount)")
        found.checkIdentities(hosts.map { ($0.engine, $0.id, $0.name) }, of: "host", engine: expect.engine)
        for host in hosts {
            found.checkStatus(host.status, of: "host \(host.name)")
            if let cluster = host.cluster {
                found.expect(expect.clusterNames.contains(cluster),
                             "host \(host.name) names cluster '\(cluster)', not one of \(expect.clusterNames.sorted())")
            } else {
                found.fail("host \(host.name) has no cluster")
            }
        }

        // Clusters
        found.expect(Set(clusters.map(\.name)) == expect.clusterNames,
                     "clusters are \(clusters.map(\.name).sorted()), expected \(expect.clusterNames.sorted())")
        found.checkIdentities(clusters.map { ($0.engine, $0.id, $0.name) }, of: "cluster", engine: expect.engine)
        let hostCounts = clusters.compactMap(\.hostCount)
        if hostCounts.count == clusters.count {
            found.expect(hostCounts.reduce(0, +) == hosts.count,
                         "cluster host counts add up to \(hostCounts.reduce(0, +)), but \(hosts.count) hosts are listed")
        }
        let running = vms.filter { $0.host != nil }.count
        let vmCounts = clusters.compactMap(\.vmCount)
        if vmCounts.count == clusters.count {
            found.expect(vmCounts.reduce(0, +) == running,
                         "cluster VM counts add up to \(vmCounts.reduce(0, +)), but \(running) VMs run on a host")
        }
        return found.violations
    }

    /// Reads a few listed VMs, hosts and clusters by id: each must be the object listed (same
    /// name, status and engine), and an id the engine does not have must give nil, not an error.
    public static func checkObjects(_ backend: any VirtualizationBackend) async -> [ContractViolation] {
        var found = Findings(check: "objects")
        do {
            let readout = try await backend.readInventory()
            for listed in readout.vms.prefix(3) {
                let read = try await backend.vm(id: listed.id)
                found.expect(read?.name == listed.name && read?.status == listed.status && read?.engine == listed.engine,
                             "VM \(listed.id) read by id is \(read.map { "\($0.name) (\($0.status))" } ?? "nil"), "
                                 + "listed as \(listed.name) (\(listed.status))")
            }
            for listed in readout.hosts.prefix(3) {
                let read = try await backend.host(id: listed.id)
                found.expect(read?.name == listed.name && read?.engine == listed.engine,
                             "host \(listed.id) read by id is \(read?.name ?? "nil"), listed as \(listed.name)")
            }
            for listed in readout.clusters.prefix(3) {
                let read = try await backend.cluster(id: listed.id)
                found.expect(read?.name == listed.name && read?.engine == listed.engine,
                             "cluster \(listed.id) read by id is \(read?.name ?? "nil"), listed as \(listed.name)")
            }
            let unknown = "999999"
            let (vm, host, cluster) = (try await backend.vm(id: unknown), try await backend.host(id: unknown),
                                       try await backend.cluster(id: unknown))
            found.expect(vm == nil, "an unknown VM id \(unknown) gave a VM")
            found.expect(host == nil, "an unknown host id \(unknown) gave a host")
            found.expect(cluster == nil, "an unknown cluster id \(unknown) gave a cluster")
        } catch {
            found.fail("reading by id failed: \(error)")
        }
        return found.violations
    }

    /// For a ``ChangeFeedBackend``: from a cursor taken before, the feed reports nothing while
    /// nothing happens, then names a VM whose power state was changed on the engine. A kind
    /// without a change feed must not claim one.
    public static func checkChanges(_ backend: any VirtualizationBackend, engine: any ContractEngine) async
        -> [ContractViolation]
    {
        var found = Findings(check: "changes")
        guard let feed = backend as? any ChangeFeedBackend else {
            found.expect(!backend.capabilities.contains(.changeFeed), "claims a change feed it does not have")
            return found.violations
        }
        do {
            let readout = try await backend.readInventory()
            guard let vm = readout.vms.first else {
                found.fail("the engine has no VM to change")
                return found.violations
            }
            let cursor = try await feed.changeCursor()
            switch try await feed.changes(since: cursor) {
            case .changes(let objects, let next):
                found.expect(objects.isEmpty, "nothing happened, yet the feed reports \(objects)")
                found.expect(next == cursor, "nothing happened, yet the cursor moved from \(cursor) to \(next)")
            case .resync(let reason):
                found.fail("a fresh cursor asked for a full read: \(reason)")
            }
            try await engine.flipPowerState(of: vm)
            switch try await feed.changes(since: cursor) {
            case .changes(let objects, let next):
                found.expect(objects.contains(.vm(id: vm.id)), "VM \(vm.id) changed power state; the feed reports \(objects)")
                found.expect(next != cursor, "the cursor did not move past the change")
            case .resync(let reason):
                found.fail("one change asked for a full read: \(reason)")
            }
            let now = try await backend.vm(id: vm.id)
            found.expect(now?.status != vm.status, "VM \(vm.id) is still \(vm.status) after its power state changed")
        } catch {
            found.fail("following the change feed failed: \(error)")
        }
        return found.violations
    }

    /// For a ``VMCreatingBackend``: a plan changes nothing on the engine; executing it leaves
    /// exactly one VM of the requested name, which reading by id finds; executing it again (a job
    /// re-run) never makes a second one: it reuses the VM or refuses the taken name, naming it. A
    /// kind that creates no VMs must not claim to.
    public static func checkCreateVM(_ backend: any VirtualizationBackend, engine: any ContractEngine) async
        -> [ContractViolation]
    {
        var found = Findings(check: "create-vm")
        guard let creator = backend as? any VMCreatingBackend else {
            found.expect(!backend.capabilities.contains(.createVM), "claims to create VMs it cannot")
            return found.violations
        }
        let name = "contract-vm-01"
        do {
            let item = try engine.vmItem(named: name)
            let before = try await backend.readInventory().vms.count
            guard case .ready(let plan) = try await creator.plan(item) else {
                found.fail("a valid item for this engine was not planned")
                return found.violations
            }
            found.expect(!plan.steps.isEmpty, "the plan has no steps")
            let afterPlan = try await backend.readInventory().vms.count
            found.expect(afterPlan == before, "planning changed the engine: \(before) VMs before, \(afterPlan) after")

            let recorder = ContractRecorder()
            let context = recorder.context(jobID: "contract-job")
            let first = try await creator.execute(plan, context: context)
            var named = try await backend.readInventory().vms.filter { $0.name == name }
            found.expect(named.count == 1, "after the create the engine has \(named.count) VMs named \(name)")
            if let id = first.engineIDs["vm_id"] {
                let read = try await backend.vm(id: id)
                found.expect(read?.name == name, "the created VM \(id) read by id is \(read?.name ?? "nil")")
            } else {
                found.fail("the result names no vm_id: \(first.engineIDs)")
            }
            found.expect(await recorder.started > 0, "no step was reported to the job")

            // A re-run reuses the VM (Proxmox VE) or refuses the taken name (oVirt): never a second VM.
            do {
                let second = try await creator.execute(plan, context: context)
                found.expect(second.engineIDs["vm_id"] == first.engineIDs["vm_id"],
                             "the re-run named another VM: \(second.engineIDs["vm_id"] ?? "nil")")
            } catch let refusal as BackendError {
                found.expect(refusal.message.contains(name), "the re-run's refusal does not name the VM: \(refusal)")
            }
            named = try await backend.readInventory().vms.filter { $0.name == name }
            found.expect(named.count == 1, "after a re-run the engine has \(named.count) VMs named \(name)")
        } catch {
            found.fail("creating a VM failed: \(error)")
        }
        return found.violations
    }

    /// For a ``VMCreatingBackend``: a job stopped as a replica killed with `kill -9` stops, right
    /// after a step reported the new VM's `vm_id`, and run again with the same job id and the steps
    /// it recorded (as the replica that takes it over runs it) ends with exactly one VM of the
    /// requested name, the one on record; no step the first run finished is started again, and
    /// every step of the record ends finished, none twice.
    public static func checkResumeVM(_ backend: any VirtualizationBackend, engine: any ContractEngine) async
        -> [ContractViolation]
    {
        var found = Findings(check: "resume-vm")
        guard let creator = backend as? any VMCreatingBackend else { return found.violations }
        let name = "contract-vm-resume"
        let jobID = "contract-resume-job"
        do {
            let item = try engine.vmItem(named: name)
            guard case .ready(let plan) = try await creator.plan(item) else {
                found.fail("a valid item for this engine was not planned")
                return found.violations
            }
            let dying = TakeoverJobRecord(stopAt: TakeoverJobRecord.StopPoint {
                if case .reported(_, let ids) = $0 { ids["vm_id"] != nil } else { false }
            })
            if let ended = await dying.run({ try await creator.execute(plan, context: dying.context(jobID: jobID)) }) {
                found.fail("the job ended (\(ended)) without reporting the VM's vm_id while a step ran")
                return found.violations
            }
            let recorded = await dying.steps
            let vmID = recorded.reduce(into: [String: String]()) { $0.merge($1.engineIDs) { $1 } }["vm_id"]
            let done = Set(recorded.filter { $0.state == "succeeded" || $0.state == "skipped" }.map(\.name))

            let takeover = TakeoverJobRecord(steps: recorded)
            let result = try await creator.execute(plan, context: takeover.context(jobID: jobID, recordedSteps: recorded))
            found.expect(result.engineIDs["vm_id"] == vmID,
                         "the resumed job names VM \(result.engineIDs["vm_id"] ?? "nil"), the record \(vmID ?? "nil")")
            let named = try await backend.readInventory().vms.filter { $0.name == name }
            found.expect(named.map(\.id) == [vmID].compactMap { $0 },
                         "after the takeover the engine has VMs \(named.map(\.id)) named \(name), the record names \(vmID ?? "nil")")
            let redone = await takeover.events.filter { done.contains($0.step) }
            found.expect(redone.isEmpty, "steps finished before the takeover were reported again: \(redone)")
            let final = await takeover.steps
            let unfinished = final.filter { $0.state != "succeeded" && $0.state != "skipped" }
            found.expect(unfinished.isEmpty, "steps not finished after the takeover: \(unfinished.map { "\($0.name) \($0.state)" })")
            found.expect(Set(final.map(\.name)).count == final.count, "a step is recorded twice: \(final.map(\.name))")
        } catch {
            found.fail("resuming the create failed: \(error)")
        }
        return found.violations
    }

    /// For a ``VLANCreatingBackend``: the harness's item plans and runs to the end, reporting its
    /// steps, and running the same plan again succeeds by reusing what the first run made. A kind
    /// that creates no VLANs must not claim to.
    public static func checkCreateVLAN(_ backend: any VirtualizationBackend, engine: any ContractEngine) async
        -> [ContractViolation]
    {
        var found = Findings(check: "create-vlan")
        guard let creator = backend as? any VLANCreatingBackend else {
            found.expect(!backend.capabilities.contains(.createVLAN), "claims to create VLANs it cannot")
            return found.violations
        }
        do {
            guard let item = try engine.vlanItem() else {
                found.fail("the kind creates VLANs but the harness has no create_vlan item")
                return found.violations
            }
            guard case .ready(let plan) = try await creator.plan(item) else {
                found.fail("a valid create_vlan item for this engine was not planned")
                return found.violations
            }
            let recorder = ContractRecorder()
            let context = recorder.context(jobID: "contract-vlan-job")
            _ = try await creator.execute(plan, context: context)
            found.expect(await recorder.started > 0, "no step was reported to the job")
            _ = try await creator.execute(plan, context: context)
        } catch {
            found.fail("creating a VLAN failed: \(error)")
        }
        return found.violations
    }

    /// For a ``VMPowerBackend``: a VM that is up is stopped (a plan, then its execution) and read by
    /// id as `down`; stopping it again is one step planned as already done; starting it leaves it
    /// `up`. A kind that powers no VMs must not claim to.
    public static func checkPowerVMs(_ backend: any VirtualizationBackend, engine: any ContractEngine) async
        -> [ContractViolation]
    {
        var found = Findings(check: "power-vms")
        guard let power = backend as? any VMPowerBackend else {
            found.expect(!backend.capabilities.contains(.powerVMs), "claims to power VMs it cannot")
            return found.violations
        }
        do {
            let vm = try await runningVM(backend, engine: engine)
            func request(_ operation: VMOperation) -> VMOperationRequest {
                VMOperationRequest(operation: operation, engine: backend.name, vmID: vm.id, vmName: vm.name,
                                   shutdownTimeoutSeconds: 30, path: "vm")
            }
            func run(_ operation: VMOperation, expect status: String) async throws {
                guard case .ready(let plan) = try await power.planOperation(request(operation)) else {
                    found.fail("\(operation) of VM \(vm.name) was not planned")
                    return
                }
                found.expect(plan.steps.contains { $0.name == operation.jobAction.rawValue },
                             "the \(operation) plan has no \(operation.jobAction) step: \(plan.steps.map(\.name))")
                let recorder = ContractRecorder()
                let result = try await power.execute(plan, context: recorder.context(jobID: "contract-\(operation)"))
                found.expect(result.engineIDs["vm_id"] == vm.id, "the \(operation) job's result names no vm_id \(vm.id)")
                let read = try await backend.vm(id: vm.id)
                found.expect(read?.status == status,
                             "after \(operation) VM \(vm.name) is \(read?.status ?? "gone"), not \(status)")
            }
            try await run(.stop, expect: "down")
            if case .ready(let again) = try await power.planOperation(request(.stop)) {
                found.expect(again.steps.count == 1 && again.steps[0].alreadyDone,
                             "stopping a VM that is down is not one step planned as already done: \(again.steps)")
            } else {
                found.fail("stopping a VM that is down was refused; it must succeed as a no-op")
            }
            try await run(.start, expect: "up")
        } catch {
            found.fail("powering a VM failed: \(error)")
        }
        return found.violations
    }

    /// For a ``VMDeletingBackend``: a VM the engine protects is refused (a plan that is `.invalid`,
    /// naming the VM) and left on the engine; a VM that is down is deleted and reading it by id
    /// gives nil. A kind that deletes no VMs must not claim to.
    public static func checkDeleteVMs(_ backend: any VirtualizationBackend, engine: any ContractEngine) async
        -> [ContractViolation]
    {
        var found = Findings(check: "delete-vms")
        guard let deleter = backend as? any VMDeletingBackend else {
            found.expect(!backend.capabilities.contains(.deleteVMs), "claims to delete VMs it cannot")
            return found.violations
        }
        do {
            let down = try await downVMs(backend, engine: engine, count: 2)
            func request(_ vm: VM) -> VMOperationRequest {
                VMOperationRequest(operation: .delete, engine: backend.name, vmID: vm.id, vmName: vm.name, path: "vm")
            }
            let protected = down[0]
            try await engine.protectFromDeletion(protected)
            switch try await deleter.planOperation(request(protected)) {
            case .ready:
                found.fail("the delete of protected VM \(protected.name) was planned; it must be refused")
            case .invalid(let issues):
                found.expect(issues.contains { $0.message.contains(protected.name) && $0.fix != nil },
                             "the refusal does not name the VM with a fix: \(issues)")
            }
            found.expect(try await backend.vm(id: protected.id) != nil, "protected VM \(protected.name) is gone")

            let doomed = down[1]
            guard case .ready(let plan) = try await deleter.planOperation(request(doomed)) else {
                found.fail("the delete of VM \(doomed.name), which is down, was not planned")
                return found.violations
            }
            _ = try await deleter.execute(plan, context: ContractRecorder().context(jobID: "contract-delete"))
            found.expect(try await backend.vm(id: doomed.id) == nil, "VM \(doomed.name) is still there after its delete")
        } catch {
            found.fail("deleting a VM failed: \(error)")
        }
        return found.violations
    }

    /// A VM of the engine that is up, turning one on when none is.
    private static func runningVM(_ backend: any VirtualizationBackend, engine: any ContractEngine) async throws -> VM {
        let vms = try await backend.readInventory().vms
        if let up = vms.first(where: { $0.status == "up" }) { return up }
        guard let vm = vms.first(where: { $0.status == "down" }) else { throw ContractSetupError("the engine has no VM to power") }
        try await engine.flipPowerState(of: vm)
        return vm
    }

    /// `count` VMs of the engine that are down, turning running ones off as needed.
    private static func downVMs(_ backend: any VirtualizationBackend, engine: any ContractEngine, count: Int) async throws -> [VM] {
        let vms = try await backend.readInventory().vms
        var chosen = Array(vms.filter { $0.status == "down" }.prefix(count))
        for vm in vms where chosen.count < count && vm.status == "up" {
            try await engine.flipPowerState(of: vm)
            chosen.append(vm)
        }
        guard chosen.count == count else { throw ContractSetupError("the engine has fewer than \(count) VMs to delete") }
        return chosen
    }

    /// Probes a healthy engine: it must report a version.
    public static func checkProbe(_ backend: any VirtualizationBackend) async -> [ContractViolation] {
        var found = Findings(check: "probe")
        do {
            let probe = try await backend.probe()
            found.expect(!(probe.version ?? "").isEmpty, "probe reported no version: \(probe)")
        } catch {
            found.fail("probe failed: \(error)")
        }
        return found.violations
    }

    /// An engine that was stopped: every call fails with `connection_refused` naming the engine.
    public static func checkUnreachable(harness: any BackendContractHarness) async -> [ContractViolation] {
        let check = "unreachable"
        let engine: any ContractEngine
        do {
            engine = try await harness.startEngine(ContractEngineSpec(name: "contract-unreachable"))
        } catch {
            return [ContractViolation(check: check, message: "could not start the simulated engine: \(error)")]
        }
        let configuration = engine.configuration(password: nil)
        let expect = engine.expectations
        await engine.stop()
        return await withBackend(configuration, harness: harness, check: check) { backend in
            var found = Findings(check: check)
            let secrets = [expect.password].compactMap { $0 }
            await found.expectFailure(.connectionRefused, engine: expect.engine, secrets: secrets, "readInventory") {
                _ = try await backend.readInventory()
            }
            await found.expectFailure(.connectionRefused, engine: expect.engine, secrets: secrets, "probe") {
                _ = try await backend.probe()
            }
            return found.violations
        }
    }

    /// A wrong password: `unauthorized`, not a crash; the error names the engine, and neither
    /// password reaches the error or the log.
    public static func checkBadCredentials(harness: any BackendContractHarness) async -> [ContractViolation] {
        let check = "bad-credentials"
        return await withEngine(ContractEngineSpec(name: "contract-bad-credentials"), harness: harness, check: check) {
            engine, harness in
            let wrong = "wrong-\(UInt64.random(in: 1_000_000...UInt64.max))"
            let expect = engine.expectations
            let secrets = [wrong] + [expect.password].compactMap { $0 }
            return await withBackend(engine.configuration(password: wrong), harness: harness, check: check) { backend in
                var found = Findings(check: check)
                await found.expectFailure(.unauthorized, engine: expect.engine, secrets: secrets, "readInventory") {
                    _ = try await backend.readInventory()
                }
                await found.expectFailure(.unauthorized, engine: expect.engine, secrets: secrets, "probe") {
                    _ = try await backend.probe()
                }
                for line in harness.recordedLog() where secrets.contains(where: { line.contains($0) }) {
                    found.fail("a password appears in the log: \(line.prefix(200))")
                }
                return found.violations
            }
        }
    }

    /// Two engines in one ``EngineSet``: a slow one beyond its timeout and a fast one, listed
    /// through the live model. The slow one must report `timeout`, the fast one its VMs.
    public static func checkTimeout(
        harness: any BackendContractHarness, latency: Duration = .seconds(3), timeout: Duration = .milliseconds(600)
    ) async -> [ContractViolation] {
        let check = "timeout"
        return await withEngine(ContractEngineSpec(name: "contract-slow", latency: latency), harness: harness,
                                check: check) { slow, harness in
            await withEngine(ContractEngineSpec(name: "contract-fast"), harness: harness, check: check) { fast, harness in
                await withBackend(slow.configuration(password: nil), harness: harness, check: check) { slowBackend in
                    await withBackend(fast.configuration(password: nil), harness: harness, check: check) { fastBackend in
                        var found = Findings(check: check)
                        let inventory = harness.makeInventory([
                            RegisteredBackend(backend: slowBackend, timeout: timeout),
                            RegisteredBackend(backend: fastBackend, timeout: .seconds(30)),
                        ])
                        let listing = await inventory.model.vms()
                        let byEngine = Dictionary(listing.statuses.map { ($0.engine, $0) }, uniquingKeysWith: { a, _ in a })
                        if let status = byEngine[slow.expectations.engine] {
                            found.expect(!status.ok && status.error == "timeout",
                                         "slow engine has status ok=\(status.ok) error=\(status.error ?? "nil"), expected a timeout")
                        } else {
                            found.fail("slow engine missing from the listing")
                        }
                        if let status = byEngine[fast.expectations.engine] {
                            found.expect(status.ok && status.count == fast.expectations.vmCount,
                                         "fast engine has status ok=\(status.ok) with \(status.count) VMs, "
                                             + "expected \(fast.expectations.vmCount)")
                        } else {
                            found.fail("fast engine missing from the listing")
                        }
                        return found.violations
                    }
                }
            }
        }
    }

    // MARK: - Scoping helpers

    /// Starts an engine, runs `body`, and stops the engine on every path.
    public static func withEngine(
        _ spec: ContractEngineSpec, harness: any BackendContractHarness, check: String,
        _ body: (any ContractEngine, any BackendContractHarness) async -> [ContractViolation]
    ) async -> [ContractViolation] {
        let engine: any ContractEngine
        do {
            engine = try await harness.startEngine(spec)
        } catch {
            return [ContractViolation(check: check, message: "could not start the simulated engine '\(spec.name)': \(error)")]
        }
        let violations = await body(engine, harness)
        await engine.stop()
        return violations
    }

    /// Builds a backend, runs `body`, and shuts the backend down on every path.
    public static func withBackend(
        _ configuration: BackendConfiguration, harness: any BackendContractHarness, check: String,
        _ body: (any VirtualizationBackend) async -> [ContractViolation]
    ) async -> [ContractViolation] {
        let backend: any VirtualizationBackend
        do {
            backend = try harness.makeBackend(configuration)
        } catch {
            return [ContractViolation(check: check, message: "could not build a backend for '\(configuration.name)': \(error)")]
        }
        var violations = await body(backend)
        await backend.shutdown()
        if backend.kind != harness.kind {
            violations.append(ContractViolation(check: check, message: "backend kind is '\(backend.kind)', expected '\(harness.kind)'"))
        }
        return violations
    }
}

/// Accumulates violations for one check.
struct Findings {
    let check: String
    var violations: [ContractViolation] = []

    init(check: String) { self.check = check }

    mutating func fail(_ message: String) {
        violations.append(ContractViolation(check: check, message: message))
    }

    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    mutating func checkStatus(_ status: String, of what: String) {
        expect(!status.isEmpty, "\(what) has an empty status")
        expect(status == status.lowercased(), "\(what) has status '\(status)', expected lowercase")
    }

    mutating func checkIdentities(_ items: [(engine: String, id: String, name: String)], of kind: String, engine: String) {
        var seen = Set<String>()
        for item in items {
            expect(item.engine == engine, "\(kind) \(item.name) is tagged with engine '\(item.engine)', expected '\(engine)'")
            expect(!item.id.isEmpty, "\(kind) \(item.name) has an empty id")
            expect(!item.name.isEmpty, "\(kind) \(item.id) has an empty name")
            if !item.id.isEmpty, !seen.insert(item.id).inserted {
                fail("\(kind) id '\(item.id)' is listed twice")
            }
        }
    }

    /// Runs `body`, which must throw a ``BackendError`` with `code` that names `engine` and no secret.
    mutating func expectFailure(
        _ code: BackendError.Code, engine: String, secrets: [String], _ what: String,
        _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            fail("\(what) succeeded, expected \(code)")
        } catch let error as BackendError {
            expect(error.code == code, "\(what) failed with \(error.code), expected \(code): \(error)")
            expect(error.engine == engine, "\(what) error names engine '\(error.engine)', expected '\(engine)'")
            expect(String(describing: error).contains(engine), "\(what) error description does not name the engine: \(error)")
            expect(!error.message.isEmpty, "\(what) error has an empty message")
            for secret in secrets where !secret.isEmpty {
                expect(!String(describing: error).contains(secret), "\(what) error reveals a password")
                expect(!String(reflecting: error).contains(secret), "\(what) error's debug description reveals a password")
            }
        } catch {
            fail("\(what) threw \(type(of: error)) instead of a BackendError: \(error)")
        }
    }
}

/// The simulated engine lacks what a check needs (no VM in a usable state).
struct ContractSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Counts the steps a backend reports while the contract runs its plans.
actor ContractRecorder: JobRecorder {
    private(set) var started = 0

    /// The context a contract job runs in: this recorder, the job's id, a silent logger.
    nonisolated func context(jobID: String) -> JobContext {
        JobContext(jobID: jobID, correlationID: "\(jobID)-0", recorder: self,
                   logger: Logger(label: "contract", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func stepStarted(_ name: String, description: String) async { started += 1 }
    func stepSucceeded(_ name: String, detail: String?, engineIDs: [String: String]) async {}
    func stepFailed(_ name: String, error: BackendError) async {}
    func stepSkipped(_ name: String, reason: String) async {}
}
