import AggregatorCore
import Logging
import ProxmoxSimulator
import Testing

@testable import ProxmoxBackend

@Suite("Proxmox backend against pve-sim: planning and creating VMs")
struct SimulatedProvisioningTests {
    private static let section = #"{"engine":"pve-create","node":"pve2","storage":"ceph-pool","bridge":"vmbr0"}"#

    private func plan(_ backend: ProxmoxBackend, _ item: ProvisioningItem) async throws -> ProvisioningPlan {
        switch try await backend.plan(item) {
        case .ready(let plan): return plan
        case .invalid(let issues):
            Issue.record("plan is invalid: \(issues)")
            throw BackendError(.invalidResponse, engine: backend.name, message: "invalid plan")
        }
    }

    @Test("every problem of an item against the live cluster, at its field", .timeLimit(.minutes(1)))
    func problems() async throws {
        try await withSimulatedProxmox("pve-problems") { cluster in
            let taken = try #require(cluster.admin.vms.first { !$0.isTemplate })
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let item = try ProxmoxFixtures.item(section: #"{"node":"pve1","storage":"local","bridge":"vmbr1"}"#,
                                                    name: taken.name, template: "no-such-template", cores: 64,
                                                    memoryGB: 512)
                guard case .invalid(let issues) = try await backend.plan(item) else {
                    Issue.record("planned")
                    return
                }
                let paths = Set(issues.map(\.path))
                #expect(paths == ["[0].proxmox.storage", "[0].proxmox.bridge", "[0].vm.name", "[0].vm.template",
                                  "[0].vm.cores", "[0].vm.memory"], "\(issues)")
                try cluster.admin.setNodeOnline("pve3", false)
                let offline = try ProxmoxFixtures.item(section: #"{"node":"pve3","storage":"local-lvm"}"#)
                guard case .invalid(let nodeIssues) = try await backend.plan(offline) else {
                    Issue.record("planned on an offline node")
                    return
                }
                #expect(nodeIssues.map(\.path) == ["[0].proxmox.node"], "\(nodeIssues)")
                let local = try ProxmoxFixtures.item(section: #"{"node":"pve2","storage":"local-lvm"}"#,
                                                     template: "ubuntu-2204-template",
                                                     disks: [DiskSpec(sizeGB: 10, mountPoint: "/", sparse: true)])
                guard case .invalid(let cloneIssues) = try await backend.plan(local) else {
                    Issue.record("planned a clone of a local template to another node")
                    return
                }
                #expect(Set(cloneIssues.map(\.path)) == ["[0].vm.template", "[0].proxmox.storage"], "\(cloneIssues)")
            }
        }
    }

    @Test("a full create ends with a running VM as requested; a re-run reuses it", .timeLimit(.minutes(2)))
    func create() async throws {
        try await withSimulatedProxmox("pve-create") { cluster in
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let item = try ProxmoxFixtures.item(section: Self.section, name: "app01", cores: 4, memoryGB: 8)
                let plan = try await plan(backend, item)
                let recorder = RecordingJobRecorder()
                let result = try await backend.execute(plan, context: .test("job-create-1", recorder: recorder))
                #expect(recorder.outcomes == ["clone_vm: succeeded", "configure_vm: succeeded", "resize_boot_disk: succeeded",
                                              "add_disk[0]: succeeded", "start_vm: succeeded", "wait_running: succeeded"])
                let vmid = try #require(result.engineIDs["vm_id"].flatMap(Int.init))
                #expect(result.engineIDs["node"] == "pve2")
                // The id is on record before the clone's task ends, with the task's UPID.
                let reported = recorder.events.first {
                    if case .reported("clone_vm", let ids) = $0 { return ids["vm_id"] == String(vmid) }
                    return false
                }
                guard case .reported(_, let ids) = reported else {
                    Issue.record("vm_id was not reported during the clone")
                    return
                }
                #expect(ids["upid"]?.hasPrefix("UPID:pve1:") == true)

                let vm = try #require(cluster.admin.vm(vmid))
                #expect(vm.name == "app01" && vm.node == "pve2" && vm.status == "running")
                #expect(vm.config["cores"] == "4")
                #expect(vm.config["memory"] == "8192")
                let net0 = ProxmoxPropertyString(vm.config["net0"] ?? "")
                #expect(net0["bridge"] == "vmbr0" && net0["tag"] == "2921")
                #expect(net0["virtio"] != nil, "the NIC keeps its model and the clone's MAC: \(vm.config["net0"] ?? "")")
                #expect(vm.config["ipconfig0"] == "ip=10.29.21.10/24,gw=10.29.21.1")
                #expect(vm.config["nameserver"] == "10.0.0.2 10.0.0.3")
                #expect(vm.config["searchdomain"] == "lab.example")
                #expect(ProxmoxDrive(slot: "scsi0", text: vm.config["scsi0"] ?? "")?.sizeBytes == 40 << 30)
                #expect(ProxmoxDrive(slot: "scsi1", text: vm.config["scsi1"] ?? "")?.sizeBytes == 100 << 30)
                #expect(ProxmoxDrive(slot: "scsi1", text: vm.config["scsi1"] ?? "")?.storage == "ceph-pool")
                #expect(ProxmoxRules.creatingJob(description: vm.config["description"]) == "job-create-1")
                let listed = try await backend.vm(id: String(vmid))
                #expect(listed?.status == "up" && listed?.host == "pve2")

                // The same job again: everything is there, nothing is made twice.
                let count = cluster.admin.vms.count
                let again = RecordingJobRecorder()
                let second = try await backend.execute(plan, context: .test("job-create-1", recorder: again))
                #expect(second.engineIDs["vm_id"] == String(vmid))
                #expect(again.outcomes == ["clone_vm: skipped", "configure_vm: skipped", "resize_boot_disk: skipped",
                                           "add_disk[0]: skipped", "start_vm: skipped", "wait_running: succeeded"])
                #expect(cluster.admin.vms.count == count)

                // Another job with the same plan finds a VM it did not make, and leaves it alone.
                let other = RecordingJobRecorder()
                let error = await #expect(throws: BackendError.self) {
                    _ = try await backend.execute(plan, context: .test("job-other", recorder: other))
                }
                #expect(error?.httpStatus == 409)
                #expect(error?.message.contains("made by job job-create-1") == true)
                #expect(other.outcomes == ["clone_vm: failed"])
            }
        }
    }

    @Test("a failing task is recorded with its exit status, and the job stops there", .timeLimit(.minutes(1)))
    func failingTask() async throws {
        try await withSimulatedProxmox("pve-fail") { cluster in
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let item = try ProxmoxFixtures.item(section: #"{"node":"pve1","storage":"local-lvm"}"#, name: "broken01")
                let plan = try await plan(backend, item)
                let exit = "clone failed: lvcreate 'pve/vm-150-disk-0' error: insufficient free space"
                cluster.admin.failNextTask(type: "qmclone", exitStatus: exit)
                let recorder = RecordingJobRecorder()
                let error = await #expect(throws: BackendError.self) {
                    _ = try await backend.execute(plan, context: .test("job-fail", recorder: recorder))
                }
                #expect(error?.message.contains(exit) == true, "\(String(describing: error))")
                #expect(recorder.outcomes == ["clone_vm: failed"])
                #expect(recorder.events.contains { $0 == .failed("clone_vm", message: error?.message ?? "") })
            }
        }
    }

    @Test("a failing resize after the clone: the VM's id is on record", .timeLimit(.minutes(1)))
    func failingResize() async throws {
        try await withSimulatedProxmox("pve-fail-resize") { cluster in
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let item = try ProxmoxFixtures.item(section: #"{"node":"pve1","storage":"local-lvm"}"#, name: "broken02")
                let plan = try await plan(backend, item)
                cluster.admin.failNextTask(type: "resize", exitStatus: "disk resize failed")
                let recorder = RecordingJobRecorder()
                await #expect(throws: BackendError.self) {
                    _ = try await backend.execute(plan, context: .test("job-fail-2", recorder: recorder))
                }
                #expect(recorder.outcomes == ["clone_vm: succeeded", "configure_vm: succeeded", "resize_boot_disk: failed"])
                #expect(cluster.admin.vms.contains { $0.name == "broken02" })
            }
        }
    }

    @Test("a VM id taken between nextid and the clone: cloned again with a fresh id", .timeLimit(.minutes(1)))
    func nextIDRace() async throws {
        try await withSimulatedProxmox("pve-race") { cluster in
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let item = try ProxmoxFixtures.item(section: #"{"node":"pve1","storage":"local-lvm"}"#, name: "race01",
                                                    disks: [DiskSpec(sizeGB: 20, mountPoint: "/", sparse: true)])
                let plan = try await plan(backend, item)
                cluster.admin.addFault(SimulatedProxmoxFaultRule(
                    method: "POST", path: "/nodes/pve1/qemu/9000/clone", status: 500,
                    message: "unable to create VM 120: config file already exists"))
                let recorder = RecordingJobRecorder()
                let result = try await backend.execute(plan, context: .test("job-race", recorder: recorder))
                #expect(recorder.outcomes.first == "clone_vm: succeeded")
                #expect(!cluster.admin.faults.contains { ($0.count ?? 1) > 0 }, "the refused clone was tried again")
                #expect(cluster.admin.vms.contains { $0.name == "race01" && String($0.vmid) == result.engineIDs["vm_id"] })
            }
        }
    }

    @Test("a cancelled job stops during a task's wait; the VM it cloned is on record", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        try await withSimulatedProxmox("pve-cancel") { options in
            options.taskDelay = .seconds(30)
        } _: { cluster in
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let item = try ProxmoxFixtures.item(section: #"{"node":"pve1","storage":"local-lvm"}"#, name: "cancel01")
                let plan = try await plan(backend, item)
                let recorder = RecordingJobRecorder()
                let job = Task { try await backend.execute(plan, context: .test("job-cancel", recorder: recorder)) }
                let reported = await recorder.first {
                    if case .reported("clone_vm", let ids) = $0 { return ids["vm_id"] != nil }
                    return false
                }
                #expect(reported != nil)
                job.cancel()
                let outcome = await job.result
                #expect(throws: CancellationError.self) { try outcome.get() }
                #expect(recorder.outcomes == ["clone_vm: failed"])
                #expect(recorder.events.contains(.failed("clone_vm", message: "the job was cancelled")))
            }
        }
    }

    @Test("POST /api/v1/vms shape: the placement section, and issues at the API's own field paths",
          .timeLimit(.minutes(1)))
    func apiShape() async throws {
        let body = #"""
            {"engine": "pve-api", "name": "api01", "cores": 2, "memory_gb": 4, "template": "redos8-template",
             "disks": [{"size_gb": 10, "mount_point": "/", "sparse": true}],
             "network": {"vlan_id": 2922, "nic_name": "eth0"},
             "ip": {"address": "10.105.250.22", "netmask": "255.255.255.0", "gateway": "10.105.250.1",
                    "dns_servers": ["10.82.254.32"]},
             "meta": {"document_num": "7001"},
             "placement": {"engine": "pve-api", "node": "pve2", "storage": "local-lvm", "bridge": "vmbr0"}}
            """#
        let items = try VMRequestDecoder(engines: ["pve-api": ProxmoxBackend.kind]).decode(Array(body.utf8))
        let item = try #require(items.first)
        #expect(item.sectionName == "placement")
        try await withSimulatedProxmox("pve-api") { cluster in
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                guard case .invalid(let issues) = try await backend.plan(item) else {
                    Issue.record("planned a clone to non-shared storage on another node")
                    return
                }
                #expect(Set(issues.map(\.path)) == ["placement.storage", "disks[0].size_gb"], "\(issues)")
            }
        }
    }

    @Test("a pool: an unknown one is refused, a known one holds the new VM", .timeLimit(.minutes(1)))
    func pool() async throws {
        try await withSimulatedProxmox("pve-pool") { options in
            options.pools = ["web"]
        } _: { cluster in
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let unknown = try ProxmoxFixtures.item(section: #"{"node":"pve1","storage":"local-lvm","pool":"db"}"#)
                guard case .invalid(let issues) = try await backend.plan(unknown) else {
                    Issue.record("planned into a missing pool")
                    return
                }
                #expect(issues.map(\.path) == ["[0].proxmox.pool"], "\(issues)")
                #expect(issues.first?.message.contains("its pools: web") == true)
                let item = try ProxmoxFixtures.item(section: #"{"node":"pve1","storage":"local-lvm","pool":"web"}"#,
                                                    name: "pooled01", disks: [DiskSpec(sizeGB: 20, mountPoint: "/", sparse: true)])
                let plan = try await plan(backend, item)
                _ = try await backend.execute(plan, context: .test("job-pool", recorder: RecordingJobRecorder()))
                let resources = try await backend.session.get([ProxmoxResource].self, path: "cluster/resources",
                                                              expected: "resources")
                #expect(resources.contains { $0.name == "pooled01" && $0.pool == "web" })
            }
        }
    }
}
