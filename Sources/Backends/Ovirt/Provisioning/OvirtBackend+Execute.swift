import AggregatorCore
import BackendSupport
import Logging

extension OvirtBackend {
    /// Runs the steps of a plan made by ``plan(_:)`` or, for a VM operation, ``planOperation(_:)``
    /// (see ``executeOperation(_:context:)``), in order: creates (or reuses) the VLAN
    /// network, its vNIC profile, its attachment to the cluster and to `host_nic` of every host, and
    /// for `create_vm` the VM with its disks, NIC and cloud-init, then starts it.
    ///
    /// Every engine call carries `Correlation-Id: context.correlationID`. Each step is reported to
    /// `context.recorder`. What exists as requested when the step runs is reused. On a failure the
    /// step is recorded with the engine's fault text and the error is thrown; what was created stays
    /// on the engine (and in the record) for an operator to inspect: nothing is rolled back.
    /// - Throws: ``BackendError``, or `CancellationError` when the job is cancelled.
    public func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        if VMOperationPlan.operation(of: plan) != nil {
            return try await executeOperation(plan, context: context)
        }
        let payload = try plan.payload(as: OvirtPlan.self)
        return try await OvirtRun(backend: self, plan: plan, payload: payload, job: context).run()
    }
}

/// One execution of a plan. Used from the job's task only; host setups run in child tasks that
/// capture only Sendable values, and every recorder call is made from the job's task.
final class OvirtRun {
    let backend: OvirtBackend
    /// The plan as execution follows it.
    let payload: OvirtPlan
    /// The record of the run: steps reported to the job, engine ids collected for its result.
    let execution: PlanExecution

    init(backend: OvirtBackend, plan: ProvisioningPlan, payload: OvirtPlan, job: JobContext) {
        self.backend = backend
        self.payload = payload
        self.execution = PlanExecution(engine: backend.name, plan: plan, job: job, metadata: [
            "job.correlation_id": "\(job.correlationID)", "job.action": "\(payload.action)",
        ])
    }

    var session: OvirtSession { backend.session }
    var options: OvirtProvisioningOptions { backend.provisioning }
    var engine: String { backend.name }
    var job: JobContext { execution.job }
    var recorder: any JobRecorder { execution.recorder }
    var network: OvirtPlan.Network { payload.network }
    var engineIDs: [String: String] {
        get { execution.engineIDs }
        set { execution.engineIDs = newValue }
    }

    /// The VM part of the plan; its steps are only planned for `create_vm`.
    func virtualMachine() throws -> OvirtPlan.VirtualMachine {
        guard let vm = payload.vm else {
            throw BackendError(.invalidResponse, engine: engine, message: "the plan has VM steps but no VM; post the item again")
        }
        return vm
    }

    /// What earlier steps produced, needed by later ones.
    private struct Produced {
        var networkID: String?
        var profileID: String?
        var hostCount = 0
        var vmID: String?
        var mounts: [OvirtCloudInit.Mount] = []
    }

    func run() async throws -> ProvisioningResult {
        execution.logStarted()
        // One job at a time sets up a network on a cluster: two jobs for the same VLAN would both
        // create it. Held from the first network step until the hosts carry it.
        let lockKey = "\(payload.cluster.id)\u{0}\(network.name)"
        await backend.networkSetup.acquire(lockKey)
        var locked = true
        var produced = Produced()
        do {
            for step in payload.steps {
                if locked, !step.isNetworkStep {
                    backend.networkSetup.release(lockKey)
                    locked = false
                }
                try await run(step, &produced)
            }
        } catch {
            if locked { backend.networkSetup.release(lockKey) }
            throw error
        }
        if locked { backend.networkSetup.release(lockKey) }

        var summary = "network \(network.name) (VLAN \(network.vlanID)) on cluster \(payload.cluster.name) "
            + "and \(produced.hostCount) host\(produced.hostCount == 1 ? "" : "s")"
        if let vm = payload.vm, let vmID = produced.vmID {
            summary += "; VM \(vm.spec.name) is up (id \(vmID))"
        }
        return execution.finished(summary: summary)
    }

    private func run(_ step: OvirtPlan.Step, _ produced: inout Produced) async throws {
        func required(_ value: String?, _ what: String) throws -> String {
            guard let value else {
                throw BackendError(.invalidResponse, engine: engine,
                                   message: "the plan runs \(step) before a step that gives the \(what)")
            }
            return value
        }
        switch step {
        case .createNetwork:
            if let id = execution.doneBefore(OvirtStep.createNetwork, restore: { $0["network_id"] }) {
                produced.networkID = id
            } else {
                produced.networkID = try await ensureNetwork()
            }
        case .ensureVnicProfile:
            if let id = execution.doneBefore(OvirtStep.vnicProfile, restore: { $0["vnic_profile_id"] }) {
                produced.profileID = id
            } else {
                produced.profileID = try await ensureVnicProfile(networkID: try required(produced.networkID, "network"))
            }
        case .attachToCluster:
            if !execution.doneBefore(OvirtStep.attachToCluster) {
                try await ensureClusterAttachment(networkID: try required(produced.networkID, "network"))
            }
        case .attachToHosts:
            produced.hostCount = try await ensureHostAttachments(networkID: try required(produced.networkID, "network"))
        case .createVM:
            if let id = execution.doneBefore(OvirtStep.createVM, restore: { $0["vm_id"] }) {
                produced.vmID = id
            } else {
                produced.vmID = try await createVM(try virtualMachine())
            }
        case .extendBootDisk(let bytes):
            if !execution.doneBefore(OvirtStep.extendBootDisk) {
                try await extendBootDisk(to: bytes, vmID: try required(produced.vmID, "VM"))
            }
        case .addDisk(let index):
            let vm = try virtualMachine()
            guard vm.spec.disks.indices.contains(index) else {
                throw BackendError(.invalidResponse, engine: engine,
                                   message: "the plan adds disk [\(index)], which the VM does not have")
            }
            let diskID: String
            if let id = execution.doneBefore(OvirtStep.addDisk(index), restore: { $0[OvirtStep.diskID(index)] }) {
                diskID = id
            } else {
                diskID = try await addDisk(index, vm: vm, vmID: try required(produced.vmID, "VM"))
            }
            if let mountPoint = vm.spec.disks[index].mountPoint {
                produced.mounts.append(OvirtCloudInit.Mount(diskID: diskID, mountPoint: mountPoint))
            }
        case .configureCloudInit:
            if !execution.doneBefore(OvirtStep.configureCloudInit) {
                try await configureCloudInit(try virtualMachine(), vmID: try required(produced.vmID, "VM"),
                                             mounts: produced.mounts)
            }
        case .addNIC:
            if !execution.doneBefore(OvirtStep.addNIC) {
                try await addNIC(vmID: try required(produced.vmID, "VM"),
                                 profileID: try required(produced.profileID, "vNIC profile"))
            }
        case .startVM:
            if !execution.doneBefore(OvirtStep.startVM) {
                try await start(try virtualMachine().spec, vmID: try required(produced.vmID, "VM"))
            }
        }
    }
}
