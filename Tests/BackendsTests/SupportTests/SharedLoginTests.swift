import AggregatorCore
import BackendSupport
import Synchronization
import Testing

@Suite("Shared engine login")
struct SharedLoginTests {
    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
        var count: Int { value.withLock { $0 } }
    }

    /// A clock reading the test moves by hand.
    final class ManualTime: Sendable {
        private let reading = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { reading.withLock { $0 } }
        func advance(by duration: Duration) { reading.withLock { $0 += duration } }
    }

    static let refused = BackendError(.unauthorized, engine: "e1", message: "login as svc@internal failed")

    @Test("concurrent callers share one login", .timeLimit(.minutes(1)))
    func sharedLogin() async throws {
        let cache = SharedLogin<String>()
        let logins = Counter()
        let (started, signal) = AsyncStream<Void>.makeStream()
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await cache.credential {
                        signal.yield()
                        for await _ in release { break }
                        return "token-\(logins.next())"
                    }.value
                }
            }
            for await _ in started { break }
            releaser.yield()
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(logins.count == 1)
        #expect(Set(values) == ["token-1"])
        #expect(cache.loginCount == 1)
    }

    @Test("a failed login that is not a refusal reaches every waiter and the next call logs in again")
    func failedLogin() async throws {
        struct Unreachable: Error {}
        let cache = SharedLogin<String>()
        await #expect(throws: Unreachable.self) {
            try await cache.credential { throw Unreachable() }
        }
        #expect(try await cache.credential { "fresh" }.value == "fresh")
        #expect(cache.loginCount == 2)
    }

    @Test("a refused login is not tried again by any caller before the back-off ends, and the back-off doubles")
    func refusalBacksOff() async throws {
        let time = ManualTime()
        let cache = SharedLogin<String>(backoff: .init(initial: .seconds(5), maximum: .seconds(12)),
                                        now: { time.now })
        let attempts = Counter()
        let refuse: SharedLogin<String>.Login = {
            _ = attempts.next()
            throw Self.refused
        }
        for _ in 0..<20 {
            await #expect(throws: Self.refused) { try await cache.credential(login: refuse) }
        }
        #expect(attempts.count == 1)
        time.advance(by: .seconds(4))
        await #expect(throws: Self.refused) { try await cache.credential(login: refuse) }
        #expect(attempts.count == 1)
        time.advance(by: .seconds(1))
        await #expect(throws: Self.refused) { try await cache.credential(login: refuse) }
        #expect(attempts.count == 2)
        // Second refusal in a row: 10 s.
        time.advance(by: .seconds(9))
        await #expect(throws: Self.refused) { try await cache.credential(login: refuse) }
        #expect(attempts.count == 2)
        time.advance(by: .seconds(1))
        await #expect(throws: Self.refused) { try await cache.credential(login: refuse) }
        #expect(attempts.count == 3)
        // Third: capped at 12 s. A success then ends the back-off.
        #expect(cache.retryAt == time.now + .seconds(12))
        time.advance(by: .seconds(12))
        #expect(try await cache.credential { "ok" }.value == "ok")
        #expect(cache.retryAt == nil)
        _ = cache.take()
        await #expect(throws: Self.refused) { try await cache.credential(login: refuse) }
        #expect(cache.retryAt == time.now + .seconds(5))
    }

    @Test("a credential older than renewAfter is replaced by a fresh login")
    func renewal() async throws {
        let time = ManualTime()
        let cache = SharedLogin<String>(now: { time.now })
        let logins = Counter()
        let login: SharedLogin<String>.Login = { "ticket-\(logins.next())" }
        #expect(try await cache.credential(renewAfter: .seconds(3600), login: login).value == "ticket-1")
        time.advance(by: .seconds(3599))
        #expect(try await cache.credential(renewAfter: .seconds(3600), login: login).value == "ticket-1")
        time.advance(by: .seconds(1))
        #expect(try await cache.credential(renewAfter: .seconds(3600), login: login).value == "ticket-2")
    }

    @Test("invalidate forgets only the credential it names")
    func invalidate() async throws {
        let cache = SharedLogin<String>()
        let first = try await cache.credential { "one" }
        cache.invalidate(first)
        let second = try await cache.credential { "two" }
        #expect(second.value == "two")
        cache.invalidate(first)  // stale: a second 401 for the old token must not log in again
        #expect(try await cache.credential { "three" }.value == "two")
        #expect(cache.loginCount == 2)
        #expect(cache.take() == "two")
        #expect(cache.take() == nil)
    }

    @Test("a cancelled caller stops waiting for a login that hangs", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        let cache = SharedLogin<String>()
        let (started, signal) = AsyncStream<Void>.makeStream()
        let (ended, endSignal) = AsyncStream<Void>.makeStream()
        // Never fed: the login hangs until its task is cancelled.
        let (engine, _) = AsyncStream<String>.makeStream()
        let waiter = Task {
            try await cache.credential {
                signal.yield()
                for await answer in engine { return answer }
                endSignal.yield()
                throw CancellationError()
            }
        }
        for await _ in started { break }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        for await _ in ended { break }  // the hanging login itself was cancelled
        // The abandoned login was cancelled; a new caller starts a fresh one.
        #expect(try await cache.credential { "next" }.value == "next")
    }
}
