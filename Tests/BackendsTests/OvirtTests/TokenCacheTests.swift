import Synchronization
import Testing

@testable import OvirtBackend

@Suite("Token cache")
struct TokenCacheTests {
    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
        var count: Int { value.withLock { $0 } }
    }

    @Test("concurrent callers share one login", .timeLimit(.minutes(1)))
    func sharedLogin() async throws {
        let cache = OvirtTokenCache()
        let logins = Counter()
        let tokens = try await withThrowingTaskGroup(of: OvirtTokenCache.Token.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await cache.token {
                        try await Task.sleep(for: .milliseconds(50))
                        return "token-\(logins.next())"
                    }
                }
            }
            return try await group.reduce(into: [OvirtTokenCache.Token]()) { $0.append($1) }
        }
        #expect(logins.count == 1)
        #expect(Set(tokens).count == 1)
        #expect(tokens.first?.value == "token-1")
        #expect(await cache.loginCount == 1)
    }

    @Test("a failed login reaches every waiter and the next call logs in again", .timeLimit(.minutes(1)))
    func failedLogin() async throws {
        struct Refused: Error {}
        let cache = OvirtTokenCache()
        await #expect(throws: Refused.self) {
            try await cache.token { throw Refused() }
        }
        let token = try await cache.token { "fresh" }
        #expect(token.value == "fresh")
        #expect(await cache.loginCount == 2)
    }

    @Test("invalidate forgets only the token it names", .timeLimit(.minutes(1)))
    func invalidate() async throws {
        let cache = OvirtTokenCache()
        let first = try await cache.token { "one" }
        await cache.invalidate(first)
        let second = try await cache.token { "two" }
        #expect(second.value == "two")
        await cache.invalidate(first)  // stale: a second 401 for the old token must not log in again
        #expect(try await cache.token { "three" }.value == "two")
        #expect(await cache.loginCount == 2)
        #expect(await cache.take() == "two")
        #expect(await cache.take() == nil)
    }

    @Test("a cancelled caller stops waiting for a login that hangs", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        let cache = OvirtTokenCache()
        let waiter = Task {
            try await cache.token {
                try await Task.sleep(for: .seconds(600))
                return "never"
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        // The abandoned login was cancelled; a new caller starts a fresh one.
        #expect(try await cache.token { "next" }.value == "next")
    }
}
