import AggregatorCore
import BackendSupport
import EngineHTTP
import Synchronization
import Testing

@Suite("One new login and one retry after a 401")
struct SharedLoginRetryTests {
    /// An engine that accepts only the credentials it lists.
    final class Engine: Sendable {
        private let state = Mutex((valid: Set<String>(), sent: [String](), logins: 0))
        init(valid: Set<String>) { state.withLock { $0.valid = valid } }
        func login() -> String { state.withLock { $0.logins += 1; return "token-\($0.logins)" } }
        func answer(_ token: String) -> HTTPResponse {
            state.withLock { $0.sent.append(token); return HTTPResponse(status: $0.valid.contains(token) ? 200 : 401) }
        }
        var sent: [String] { state.withLock { $0.sent } }
    }

    @Test("a rejected credential is replaced by one fresh login and the request sent again")
    func retriesOnce() async throws {
        let engine = Engine(valid: ["token-2"])
        let tokens = SharedLogin<String>()
        var rejections = 0
        let response = try await tokens.send(login: { engine.login() }, onRejected: { rejections += 1 }) { token in
            engine.answer(token)
        }
        #expect(response.status == 200)
        #expect(engine.sent == ["token-1", "token-2"])
        #expect(rejections == 1)
        #expect(tokens.loginCount == 2)
    }

    @Test("a second 401 is returned as it is, after exactly one more login")
    func secondRejection() async throws {
        let engine = Engine(valid: [])
        let tokens = SharedLogin<String>()
        let response = try await tokens.send(login: { engine.login() }) { engine.answer($0) }
        #expect(response.status == 401)
        #expect(engine.sent == ["token-1", "token-2"])
    }

    @Test("an accepted credential is reused without logging in again")
    func reuse() async throws {
        let engine = Engine(valid: ["token-1"])
        let tokens = SharedLogin<String>()
        for _ in 0..<3 {
            #expect(try await tokens.send(login: { engine.login() }) { engine.answer($0) }.status == 200)
        }
        #expect(tokens.loginCount == 1)
    }
}
