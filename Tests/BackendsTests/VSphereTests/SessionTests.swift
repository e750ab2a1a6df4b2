import AggregatorCore
import AggregatorTesting
import Logging
import Testing

@testable import VSphereBackend

@Suite("vCenter sessions and faults against vcsim", .enabled(if: VCSimEngine.program != nil, Comment(rawValue: VCSimEngine.missing)))
struct SessionTests {
    static func backend(_ engine: VCSimEngine, password: String? = nil,
                        logger: Logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }) throws -> VSphereBackend {
        try VSphereBackend(configuration: engine.configuration(password: password), logger: logger)
    }

    @Test("a session the vCenter ended is replaced by one new login, and the read succeeds", .timeLimit(.minutes(1)))
    func expiredSession() async throws {
        let engine = try await VCSimEngine.start(name: "vc-session")
        let backend = try Self.backend(engine)
        do {
            let before = try await backend.readInventory()
            #expect(backend.session.loginCount == 1)
            try await engine.admin.terminateOtherSessions()
            let after = try await backend.readInventory()
            #expect(after.vms.map(\.id).sorted() == before.vms.map(\.id).sorted())
            #expect(backend.session.loginCount == 2)
            // A VM read alone goes through the same renewal.
            try await engine.admin.terminateOtherSessions()
            #expect(try await backend.vm(id: before.vms[0].id)?.name == before.vms[0].name)
            #expect(backend.session.loginCount == 3)
        } catch {
            Issue.record("\(error)")
        }
        await backend.shutdown()
        await engine.stop()
    }

    @Test("a wrong password is unauthorized, names the user and never the password", .timeLimit(.minutes(1)))
    func wrongPassword() async throws {
        let engine = try await VCSimEngine.start(name: "vc-password")
        let recorder = LogRecorder()
        let wrong = "wrong-\(UInt32.random(in: 100_000...UInt32.max))"
        let backend = try Self.backend(engine, password: wrong, logger: recorder.logger("vsphere"))
        do {
            _ = try await backend.readInventory()
            Issue.record("a wrong password read the inventory")
        } catch let error as BackendError {
            #expect(error.code == .unauthorized)
            #expect(error.engine == "vc-password")
            #expect(error.message.contains("login as user failed"))
            #expect(!error.message.contains(wrong) && !error.message.contains(engine.password))
        }
        #expect(!recorder.all.contains { $0.contains(wrong) || $0.contains(engine.password) })
        await backend.shutdown()
        await engine.stop()
    }

    @Test("the change feed names a VM powered off on the vCenter; an earlier cursor asks for a full read", .timeLimit(.minutes(1)))
    func changeFeed() async throws {
        let engine = try await VCSimEngine.start(name: "vc-feed")
        let backend = try Self.backend(engine)
        do {
            let vm = try #require(try await backend.readInventory().vms.first { $0.status == "up" })
            let cursor = try await backend.changeCursor()
            try await engine.admin.setPower(vm.id, on: false)
            guard case .changes(let objects, let next) = try await backend.changes(since: cursor) else {
                Issue.record("a resync after a power change")
                return
            }
            #expect(objects.contains(.vm(id: vm.id)))
            #expect(try await backend.vm(id: vm.id)?.status == "down")
            #expect(next != cursor)
            // An earlier cursor cannot be replayed: the collector handed its updates out once.
            if case .changes = try await backend.changes(since: cursor) {
                Issue.record("a cursor that is not the latest continued the feed")
            }
        } catch {
            Issue.record("\(error)")
        }
        await backend.shutdown()
        await engine.stop()
    }
}
