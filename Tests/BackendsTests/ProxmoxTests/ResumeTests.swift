import AggregatorCore
import AggregatorTesting
import ProxmoxSimulator
import Testing

@testable import ProxmoxBackend

@Suite("Proxmox: a job another replica takes over resumes from its recorded steps", .timeLimit(.minutes(1)))
struct ProxmoxResumeTests {
    /// A clone from pve1's template onto pve2: the VM is made on pve1 and moved when the task ends.
    private static let section = #"{"engine":"pve-resume","node":"pve2","storage":"ceph-pool","bridge":"vmbr0"}"#

    private func plan(_ backend: ProxmoxBackend, name: String) async throws -> ProvisioningPlan {
        let item = try ProxmoxFixtures.item(section: Self.section, name: name, cores: 2, memoryGB: 4)
        guard case .ready(let plan) = try await backend.plan(item) else {
            Issue.record("expected a plan")
            throw CancellationError()
        }
        return plan
    }

    /// Requests the backend logged with `method` whose URL ends with `suffix`.
    private func requests(_ log: LogRecorder, _ method: String, endingWith suffix: String) -> Int {
        log.lines(containing: "HTTP request finished").filter { line in
            let fields = line.split(separator: " ")
            return fields.contains { $0 == "http.method=\(method)" }
                && fields.contains { $0.hasPrefix("http.url=") && $0.hasSuffix(suffix) }
        }.count
    }

    /// Task status reads (`GET /nodes/{node}/tasks/{upid}/status`) the backend logged.
    private func taskStatusReads(_ log: LogRecorder) -> Int {
        log.lines(containing: "HTTP request finished").filter { $0.contains("/tasks/") && $0.contains("http.method=GET") }.count
    }

    @Test("killed while the clone task runs: the VM it made is found by the job's mark, its task followed, never cloned twice")
    func duringClone() async throws {
        try await withSimulatedProxmox("pve-resume") { options in
            options.taskDelay = .milliseconds(400)
        } _: { cluster in
            let log = LogRecorder()
            try await withProxmoxBackend(.simulated(cluster), logger: log.logger()) { backend in
                let plan = try await plan(backend, name: "resume01")
                let dying = TakeoverJobRecord(stopAt: .reported("clone_vm", id: "vm_id"))
                let stopped = await dying.run {
                    try await backend.execute(plan, context: dying.context(jobID: "job-pve-resume"))
                }
                #expect(stopped == nil)
                let recorded = await dying.steps
                let clone = try #require(recorded.first { $0.name == "clone_vm" })
                #expect(clone.state == "running" && clone.engineIDs["upid"] != nil)
                let vmid = try #require(clone.engineIDs["vm_id"].flatMap(Int.init))
                // The clone task usually still runs here (lock `clone`); on a loaded machine it may have ended
                // already. Either way the takeover must follow the recorded task rather than clone again.
                #expect(cluster.admin.vm(vmid) != nil, "the clone's VM exists at the takeover")

                let taskReads = taskStatusReads(log)
                let takeover = TakeoverJobRecord(steps: recorded)
                let result = try await backend.execute(plan, context: takeover.context(jobID: "job-pve-resume",
                                                                                      recordedSteps: recorded))
                #expect(result.engineIDs["vm_id"] == String(vmid))
                #expect(requests(log, "POST", endingWith: "/clone") == 1)
                let final = await takeover.steps
                #expect(final.map(\.name) == ["clone_vm", "configure_vm", "resize_boot_disk", "add_disk[0]", "start_vm",
                                              "wait_running"])
                #expect(final.allSatisfy { $0.state == "succeeded" || $0.state == "skipped" }, "\(final)")
                #expect(final.first?.detail?.contains("made by this job finished cloning") == true)
                #expect(taskStatusReads(log) > taskReads, "the recorded clone task was followed")

                let named = cluster.admin.vms.filter { $0.name == "resume01" }
                #expect(named.map(\.vmid) == [vmid])
                let vm = try #require(named.first)
                #expect(vm.node == "pve2" && vm.status == "running")
                #expect(vm.config["cores"] == "2" && vm.config["memory"] == "4096")
                #expect(ProxmoxDrive(slot: "scsi1", text: vm.config["scsi1"] ?? "")?.sizeBytes == 100 << 30)
            }
        }
    }

    @Test("killed after the clone: it is not run again, the recorded vmid gives the VM to the next steps")
    func afterClone() async throws {
        try await withSimulatedProxmox("pve-resume") { cluster in
            let log = LogRecorder()
            try await withProxmoxBackend(.simulated(cluster), logger: log.logger()) { backend in
                let plan = try await plan(backend, name: "resume02")
                let dying = TakeoverJobRecord(stopAt: .started("configure_vm"))
                let stopped = await dying.run {
                    try await backend.execute(plan, context: dying.context(jobID: "job-pve-resume-2"))
                }
                #expect(stopped == nil)
                let recorded = await dying.steps
                let clone = try #require(recorded.first { $0.name == "clone_vm" })
                #expect(clone.state == "succeeded")
                let resourceReads = requests(log, "GET", endingWith: "/cluster/resources")

                let takeover = TakeoverJobRecord(steps: recorded)
                let result = try await backend.execute(plan, context: takeover.context(jobID: "job-pve-resume-2",
                                                                                      recordedSteps: recorded))
                #expect(result.engineIDs["vm_id"] == clone.engineIDs["vm_id"])
                let events = await takeover.events
                #expect(!events.contains { $0.step == "clone_vm" }, "\(events)")
                #expect(events.first == .started("configure_vm"))
                #expect(requests(log, "POST", endingWith: "/clone") == 1)
                #expect(requests(log, "GET", endingWith: "/cluster/resources") == resourceReads,
                        "the takeover looked for the VM it had on record")
                #expect(cluster.admin.vms.filter { $0.name == "resume02" }.count == 1)
                #expect(cluster.admin.vms.first { $0.name == "resume02" }?.status == "running")
            }
        }
    }
}
