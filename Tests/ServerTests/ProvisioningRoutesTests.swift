import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SQLiteJobStore
import Testing

@testable import Server

@Suite struct ProvisioningRoutesTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples").standardized

    static func example(_ name: String) throws -> String {
        try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
    }

    struct Harness: Sendable {
        var backend: FixedBackend
        var store: SQLiteJobStore
        var runner: JobRunner
        var inventory: EngineSet
        var maxUpload: Int

        func application() -> some ApplicationProtocol {
            Application(router: AggregatorServer.buildRouter(inventory: inventory, jobs: runner, maxUploadBytes: maxUpload))
        }
    }

    /// A router over one `e15-test` test backend with a job runner on a fresh SQLite file,
    /// the runner running for the duration of `body`.
    /// - Parameter serving: The backend the inventory holds, when not `backend` itself (a kind
    ///   with fewer capabilities around it).
    func withHarness(maxUpload: Int = 1 << 20, backend: FixedBackend = FixedBackend(name: "e15-test"),
                     serving: (any VirtualizationBackend)? = nil,
                     _ body: (Harness) async throws -> Void) async throws {
        let inventory = EngineSet(backends: [RegisteredBackend(backend: serving ?? backend, timeout: .seconds(5))],
                                  logger: Logger(label: "test"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteJobStore(path: path)
        let runner = JobRunner(store: store, inventory: inventory, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runner.run() }
            defer { group.cancelAll() }
            try await body(Harness(backend: backend, store: store, runner: runner, inventory: inventory, maxUpload: maxUpload))
        }
    }

    func multipart(_ json: String, field: String = "jsonfile") -> (HTTPFields, ByteBuffer) {
        let boundary = "------------------------d74496d66958873e"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"test.json\"\r\n"
            + "Content-Type: application/json\r\n\r\n\(json)\r\n--\(boundary)--\r\n"
        return ([.contentType: "multipart/form-data; boundary=\(boundary)"], ByteBuffer(string: body))
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test(.timeLimit(.minutes(1)))
    func seedCurlUploadCreatesOneJobPerItemAndRepostReusesIt() async throws {
        try await withHarness { harness in
            try await harness.application().test(.router) { client in
                let (headers, body) = multipart(try Self.example("create_vm.json"))
                let (firstID, correlation) = try await client.execute(uri: "/ovirt/create_vm?wait=10", method: .post,
                                                                      headers: headers, body: body) { response in
                    #expect(response.status == .ok)
                    let jobs = try #require(try json(response.body)["jobs"] as? [[String: Any]])
                    #expect(jobs.count == 1)
                    #expect(jobs[0]["state"] as? String == "succeeded")
                    #expect(jobs[0]["engine"] as? String == "e15-test")
                    #expect(jobs[0]["target"] as? String == "test_vm_11")
                    #expect(jobs[0]["reused"] as? Bool == false)
                    let steps = try #require(jobs[0]["steps"] as? [[String: Any]])
                    #expect(steps.map { $0["state"] as? String } == ["succeeded", "succeeded"])
                    // The engine correlation id: the request's id and the item's index.
                    let requestID = try #require(response.headers[RequestID.header])
                    #expect(jobs[0]["request_id"] as? String == requestID)
                    #expect(jobs[0]["correlation_id"] as? String == "\(requestID)-0")
                    return (try #require(jobs[0]["id"] as? String), "\(requestID)-0")
                }
                #expect(await harness.backend.executions.correlations == [correlation])

                let (headers2, body2) = multipart(try Self.example("create_vm.json"))
                try await client.execute(uri: "/ovirt/create_vm", method: .post, headers: headers2, body: body2) {
                    response in
                    let jobs = try #require(try json(response.body)["jobs"] as? [[String: Any]])
                    #expect(jobs[0]["id"] as? String == firstID)
                    #expect(jobs[0]["reused"] as? Bool == true)
                }
                #expect(await harness.backend.executions.targets == ["test_vm_11"], "re-posting executed again")

                try await client.execute(uri: "/api/v1/jobs/\(firstID)", method: .get) { response in
                    let job = try json(response.body)
                    #expect(job["state"] as? String == "succeeded")
                }
                try await client.execute(uri: "/api/v1/jobs?document_num=6666&state=succeeded", method: .get) {
                    response in
                    let listing = try json(response.body)
                    #expect(listing["count"] as? Int == 1)
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func rawJSONBodyAndAnswer202() async throws {
        try await withHarness { harness in
            try await harness.application().test(.router) { client in
                try await client.execute(uri: "/ovirt/create_vlan", method: .post,
                                         headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: try Self.example("create_vlan.json"))) { response in
                    #expect(response.status == .accepted)
                    let jobs = try #require(try json(response.body)["jobs"] as? [[String: Any]])
                    #expect(jobs[0]["action"] as? String == "create_vlan")
                    #expect(jobs[0]["target"] as? String == "2921-redvt-eqp-test-e15")
                    #expect((jobs[0]["href"] as? String)?.hasPrefix("/api/v1/jobs/") == true)
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func dryRunPlansAndCreatesNothing() async throws {
        try await withHarness { harness in
            try await harness.application().test(.router) { client in
                let (headers, body) = multipart(try Self.example("create_vm.json"))
                try await client.execute(uri: "/ovirt/create_vm?dry_run=true", method: .post, headers: headers,
                                         body: body) { response in
                    #expect(response.status == .ok)
                    let items = try #require(try json(response.body)["items"] as? [[String: Any]])
                    let plan = try #require(items.first?["plan"] as? [String: Any])
                    #expect((plan["steps"] as? [[String: Any]])?.count == 2)
                }
                let stored = try await harness.store.jobs(matching: JobFilter())
                #expect(stored.isEmpty)
                #expect(await harness.backend.executions.targets.isEmpty)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func badUploadsAreClear4xxAndCreateNothing() async throws {
        try await withHarness(maxUpload: 4096) { harness in
            try await harness.application().test(.router) { client in
                let seed = try Self.example("create_vm.json")
                let (wrongField, wrongBody) = multipart(seed, field: "file")
                try await client.execute(uri: "/ovirt/create_vm", method: .post, headers: wrongField, body: wrongBody) {
                    response in
                    #expect(response.status == .badRequest)
                    let error = try #require(try json(response.body)["error"] as? [String: Any])
                    #expect(error["code"] as? String == "missing_field")
                    #expect((error["message"] as? String)?.contains("jsonfile") == true)
                }
                let (headers, body) = multipart(seed.replacingOccurrences(of: "\"sparse\": 0", with: "\"sparse\": 0 # no"))
                try await client.execute(uri: "/ovirt/create_vm", method: .post, headers: headers, body: body) {
                    response in
                    #expect(response.status == .unprocessableContent)
                    let issues = try #require(try json(response.body)["issues"] as? [[String: Any]])
                    #expect(issues.first?["line"] as? Int == 25)
                    #expect((issues.first?["message"] as? String)?.contains("not valid JSON") == true)
                }
                let (bigHeaders, bigBody) = multipart(String(repeating: " ", count: 10_000) + seed)
                try await client.execute(uri: "/ovirt/create_vm", method: .post, headers: bigHeaders, body: bigBody) {
                    response in
                    #expect(response.status == .contentTooLarge)
                }
                let taken = seed.replacingOccurrences(of: "\"name\": \"test_vm_11\"", with: "\"name\": \"taken\"")
                let (takenHeaders, takenBody) = multipart(taken)
                try await client.execute(uri: "/ovirt/create_vm", method: .post, headers: takenHeaders, body: takenBody) {
                    response in
                    #expect(response.status == .unprocessableContent)
                    let issues = try #require(try json(response.body)["issues"] as? [[String: Any]])
                    #expect(issues.first?["path"] as? String == "[0].vm.name")
                }
                try await client.execute(uri: "/ovirt/create_vm?wait=forever", method: .post) { response in
                    #expect(response.status == .badRequest)
                }
                let stored = try await harness.store.jobs(matching: JobFilter())
                #expect(stored.isEmpty)
                #expect(await harness.backend.executions.targets.isEmpty)
            }
        }
    }

    /// The engine has no change stream here, so only the create itself can put the VM in the model.
    @Test(.timeLimit(.minutes(1)))
    func createdVMIsListedAsSoonAsTheEngineReportsIt() async throws {
        let (reads, read) = AsyncStream.makeStream(of: String.self)
        var backend = FixedBackend(name: "e15-test")
        backend.vmReads = read
        try await withHarness(backend: backend) { harness in
            try await harness.application().test(.router) { client in
                let before = try await client.execute(uri: "/api/v1/vms?name_exact=test_vm_11", method: .get) {
                    try json($0.body)["count"] as? Int
                }
                #expect(before == 0)
                let (headers, body) = multipart(try Self.example("create_vm.json"))
                try await client.execute(uri: "/ovirt/create_vm?wait=10", method: .post, headers: headers, body: body) {
                    #expect($0.status == .ok)
                }
                // The job re-reads the VM the engine reported; once the engine is asked for it the
                // re-read holds the model's writer, and a write queued now runs after it.
                for await id in reads where id == "vm-1" { break }
                await harness.inventory.model.engine(named: "e15-test")?.refresh([])
                let items = try await client.execute(uri: "/api/v1/vms?name_exact=test_vm_11", method: .get) {
                    try json($0.body)["items"] as? [[String: Any]] ?? []
                }
                #expect(items.map { $0["id"] as? String } == ["vm-1"])
                #expect(items.first?["engine"] as? String == "e15-test")
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func engineFaultGivesAFailedJobWithTheEngineMessage() async throws {
        try await withHarness { harness in
            try await harness.application().test(.router) { client in
                let seed = try Self.example("create_vm.json")
                    .replacingOccurrences(of: "\"name\": \"test_vm_11\"", with: "\"name\": \"will_fail\"")
                let (headers, body) = multipart(seed)
                try await client.execute(uri: "/ovirt/create_vm?wait=10", method: .post, headers: headers, body: body) {
                    response in
                    let job = try #require((try json(response.body)["jobs"] as? [[String: Any]])?.first)
                    #expect(job["state"] as? String == "failed")
                    let error = try #require(job["error"] as? [String: Any])
                    #expect((error["message"] as? String)?.contains("Disk is locked") == true)
                    let steps = try #require(job["steps"] as? [[String: Any]])
                    #expect(steps.map { $0["state"] as? String } == ["succeeded", "failed"])
                    #expect(steps[0]["engine_ids"] as? [String: String] == ["network_id": "n-1"])
                }
                // A failed job does not block a new attempt.
                let (headers2, body2) = multipart(seed)
                try await client.execute(uri: "/ovirt/create_vm", method: .post, headers: headers2, body: body2) {
                    response in
                    let job = try #require((try json(response.body)["jobs"] as? [[String: Any]])?.first)
                    #expect(job["reused"] as? Bool == false)
                }
            }
        }
    }
}
