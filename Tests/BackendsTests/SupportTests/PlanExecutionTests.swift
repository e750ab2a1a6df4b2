import AggregatorCore
import BackendSupport
import Logging
import Synchronization
import Testing

@Suite("Recording the steps of a plan's execution")
struct PlanExecutionTests {
    final class Recorder: JobRecorder {
        let events = Mutex<[String]>([])
        func stepStarted(_ name: String, description: String) async { record("started \(name): \(description)") }
        func stepSucceeded(_ name: String, detail: String?, engineIDs: [String: String]) async {
            record("succeeded \(name): \(detail ?? "-") \(engineIDs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })")
        }
        func stepFailed(_ name: String, error: BackendError) async { record("failed \(name): \(error.code) \(error.message)") }
        func stepSkipped(_ name: String, reason: String) async { record("skipped \(name): \(reason)") }
        private func record(_ event: String) { events.withLock { $0.append(event) } }
    }

    struct Payload: Codable {}

    static func execution(_ recorder: Recorder) throws -> PlanExecution {
        let plan = try ProvisioningPlan(engine: "e1", kind: "test", steps: [.init(name: "clone", description: "clone it")],
                                        payload: Payload())
        let job = JobContext(jobID: "j1", correlationID: "c1", recorder: recorder,
                             logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return PlanExecution(engine: "e1", plan: plan, job: job, metadata: ["vm.name": "web1"], stepOnlyIDs: ["upid"])
    }

    @Test("a step's success is recorded with all its ids; the result keeps all but the step-only ones")
    func success() async throws {
        let recorder = Recorder()
        let execution = try Self.execution(recorder)
        let value = try await execution.step("clone") { (value: 7, detail: "vmid 7", ids: ["vm_id": "7", "upid": "UPID:1"]) }
        #expect(value == 7)
        #expect(recorder.events.withLock { $0 } == [
            "started clone: clone it", "succeeded clone: vmid 7 [\"upid=UPID:1\", \"vm_id=7\"]",
        ])
        let result = execution.finished(summary: "done")
        #expect(result == ProvisioningResult(engineIDs: ["vm_id": "7"], summary: "done"))
        #expect(execution.metadata["backend.name"] == "e1")
        #expect(execution.metadata["vm.name"] == "web1")
    }

    @Test("a failure is recorded and thrown as a BackendError; a step the plan does not describe is named as it is")
    func failure() async throws {
        struct Odd: Error {}
        let recorder = Recorder()
        let execution = try Self.execution(recorder)
        await #expect(throws: BackendError(.invalidResponse, engine: "e1", message: "Odd()")) {
            try await execution.step("start") { () async throws -> (value: Void, detail: String?, ids: [String: String]) in
                throw Odd()
            }
        }
        #expect(recorder.events.withLock { $0 } == ["started start: start", "failed start: invalid_response Odd()"])
    }

    @Test("a cancelled step is recorded as cancelled and rethrown as CancellationError")
    func cancellation() async throws {
        let recorder = Recorder()
        let execution = try Self.execution(recorder)
        await #expect(throws: CancellationError.self) {
            try await execution.step("clone") { () async throws -> (value: Void, detail: String?, ids: [String: String]) in
                throw CancellationError()
            }
        }
        #expect(recorder.events.withLock { $0 }.last == "failed clone: transport the job was cancelled")
    }
}
