import AggregatorCore
import AggregatorTesting
import Logging
import OvirtSimulator
import Testing

@testable import OvirtBackend

/// Where the first replica dies in ``ResumeTests``.
enum OvirtInterruption: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// The VM exists (its id is on record) but its disks are still being cloned.
    case afterCreateVM
    /// The data disk is attached (its id is on record) but still locked.
    case afterAddDisk

    var stopPoint: TakeoverJobRecord.StopPoint {
        switch self {
        case .afterCreateVM: .reported("create_vm", id: "vm_id")
        case .afterAddDisk: .reported("add_disk[1]", id: "disk_id[1]")
        }
    }

    /// The step that was running when the replica died.
    var interruptedStep: String {
        switch self {
        case .afterCreateVM: "create_vm"
        case .afterAddDisk: "add_disk[1]"
        }
    }

    var testDescription: String { rawValue }
}

@Suite("oVirt: a job another replica takes over resumes from its recorded steps", .timeLimit(.minutes(1)))
struct ResumeTests {
    /// `POST`s the backend sent to `path` under the engine's API (the client logs URLs without queries).
    private func posts(_ log: LogRecorder, _ engine: SimulatedEngine, _ path: String) -> Int {
        log.lines(containing: "HTTP request finished").filter { line in
            let fields = line.split(separator: " ")
            return fields.contains("http.method=POST") && fields.contains { $0 == "http.url=\(engine.apiURL)/\(path)" }
        }.count
    }

    @Test("the VM the dead replica was making is found and finished; nothing done before is redone",
          arguments: OvirtInterruption.allCases)
    func resume(_ interruption: OvirtInterruption) async throws {
        try await withSimulatedEngine("resume-\(interruption.rawValue)") { engine in
            let log = LogRecorder()
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: log.logger(), tuning: fastTuning()) {
                backend in
                let name = "resume_vm_01"
                let item = seedItem(engine: engine.name, vm: seedVM(name: name, bootGB: 40, extra: [
                    DiskSpec(sizeGB: 10, mountPoint: "/data", sparse: true),
                ]))
                guard case .ready(let plan) = try await backend.plan(item) else {
                    Issue.record("expected a plan")
                    return
                }

                // The first replica dies in the middle of the step.
                let dying = TakeoverJobRecord(stopAt: interruption.stopPoint)
                let stopped = await dying.run {
                    try await backend.execute(plan, context: dying.context(jobID: "job-resume"))
                }
                #expect(stopped == nil, "the job ended before the stop point: \(String(describing: stopped))")
                let recorded = await dying.steps
                let running = recorded.filter { $0.state == "running" }.map(\.name)
                #expect(running == [interruption.interruptedStep])
                let done = Set(recorded.filter { $0.state == "succeeded" || $0.state == "skipped" }.map(\.name))
                #expect(done.contains("create_network") && done.contains("attach_network_to_cluster"))
                let madeVMID = try #require(recorded.first { $0.name == "create_vm" }?.engineIDs["vm_id"])
                let postsBefore = (vms: posts(log, engine, "vms"), networks: posts(log, engine, "networks"),
                                   disks: posts(log, engine, "vms/\(madeVMID)/diskattachments"))

                // Another replica takes the job over with what the first recorded.
                let takeover = TakeoverJobRecord(steps: recorded)
                let result = try await backend.execute(plan, context: takeover.context(jobID: "job-resume",
                                                                                      recordedSteps: recorded,
                                                                                      logger: log.logger("job")))

                #expect(result.engineIDs["vm_id"] == madeVMID)
                let events = await takeover.events
                let redone = events.filter { done.contains($0.step) }
                #expect(redone.isEmpty, "steps finished before the takeover were run again: \(redone)")
                #expect(events.contains(.started(interruption.interruptedStep)))
                let final = await takeover.steps
                #expect(final.allSatisfy { $0.state == "succeeded" || $0.state == "skipped" }, "\(final)")
                #expect(Set(final.map(\.name)).count == final.count, "a step is recorded twice: \(final.map(\.name))")
                #expect(final.last?.name == "start_vm")

                // The engine: one VM, made once, with its disks and NIC, up.
                #expect(posts(log, engine, "vms") == 1 && postsBefore.vms == 1)
                #expect(posts(log, engine, "networks") == postsBefore.networks)
                let diskPosts = posts(log, engine, "vms/\(madeVMID)/diskattachments")
                #expect(diskPosts == 1, "data disk added \(diskPosts) times (\(postsBefore.disks) before the takeover)")
                let named = try await backend.listVMs().filter { $0.name == name }
                #expect(named.map(\.id) == [madeVMID])
                #expect(named.first?.status == "up")
                let disks = try await backend.session.get(OvirtCollection<OvirtDiskAttachment>.self,
                                                          path: "vms/\(madeVMID)/diskattachments",
                                                          query: [("follow", "disk")], expected: "disk attachments").items
                #expect(disks.count == 2)
                let data = try #require(disks.first { $0.disk?.name == "\(name)_Disk2" || $0.disk?.alias == "\(name)_Disk2" })
                #expect(data.disk?.provisionedSize?.value == 10 << 30)
                #expect(result.engineIDs["disk_id[1]"] == data.diskID)
                let nics = try await backend.session.get(OvirtCollection<OvirtNIC>.self, path: "vms/\(madeVMID)/nics",
                                                         expected: "nics").items
                #expect(nics.map(\.name) == ["nic1"])
                #expect(nics.first?.vnicProfile?.id == result.engineIDs["vnic_profile_id"])
                #expect(log.lines(containing: "Provisioning step done before the takeover").count == done.count)
            }
        }
    }

    @Test("a VM of the plan's name made by another job is still refused when resuming, and left alone")
    func otherJobsVM() async throws {
        try await withSimulatedEngine("resume-other") { engine in
            let log = LogRecorder()
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: log.logger(), tuning: fastTuning()) {
                backend in
                let item = seedItem(engine: engine.name, vm: seedVM(name: "resume_vm_02"))
                guard case .ready(let plan) = try await backend.plan(item) else {
                    Issue.record("expected a plan")
                    return
                }
                let dying = TakeoverJobRecord(stopAt: .reported("create_vm", id: "vm_id"))
                _ = await dying.run { try await backend.execute(plan, context: dying.context(jobID: "job-a")) }
                let recorded = await dying.steps

                // The same record under another job's id: the VM names job-a, so job-b must not take it.
                let other = TakeoverJobRecord(steps: recorded)
                let error = await #expect(throws: BackendError.self) {
                    _ = try await backend.execute(plan, context: other.context(jobID: "job-b", recordedSteps: recorded))
                }
                #expect(error?.httpStatus == 409)
                #expect(error?.message.contains("made by job job-a") == true)
                #expect(try await backend.listVMs().filter { $0.name == "resume_vm_02" }.count == 1)
            }
        }
    }
}
