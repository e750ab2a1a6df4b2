import Testing

@testable import AggregatorCore

@Suite("Concurrency limiter and the job finish signal")
struct ConcurrencyLimiterTests {
    /// Waits, yielding, until `condition` holds (the limiter's queue is only visible through the actor).
    func until(_ condition: () async -> Bool) async {
        while await !condition() { await Task.yield() }
    }

    @Test("a caller cancelled while it waits for a permit stops waiting at once and takes none",
          .timeLimit(.minutes(1)))
    func cancelledWaiterLeavesTheQueue() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let (holding, held) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await limiter.withPermit(for: "e1") {
                held.yield()
                for await _ in release { break }
            }
        }
        for await _ in holding { break }
        let waiter = Task { try await limiter.withPermit(for: "e1") { "ran" } }
        await until { limiter.waiters(for: "e1") == 1 }
        waiter.cancel()
        // Before the holder lets go: a waiter that stayed queued would hang here.
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(limiter.waiters(for: "e1") == 0)
        releaser.yield()
        try await holder.value
        #expect(try await limiter.withPermit(for: "e1") { "next" } == "next", "the permit came back")
    }

    @Test("waiters are served in arrival order", .timeLimit(.minutes(1)))
    func arrivalOrder() async throws {
        let limiter = ConcurrencyLimiter(limit: 1)
        await limiter.acquire("e1")
        let first = Task { try await limiter.withPermit(for: "e1") { 1 } }
        await until { limiter.waiters(for: "e1") == 1 }
        let second = Task { try await limiter.withPermit(for: "e1") { 2 } }
        await until { limiter.waiters(for: "e1") == 2 }
        limiter.release("e1")
        #expect(try await first.value == 1)
        #expect(try await second.value == 2)
    }

    @Test("a finish signal wakes a waiter, also one that read the store just before it", .timeLimit(.minutes(1)))
    func finishSignalWakesWaiters() async {
        let signal = JobFinishSignal()
        let generation = signal.generation
        signal.signal()
        // Signalled after the generation was taken: returns at once.
        await signal.changed(after: generation)
        let later = signal.generation
        let waiter = Task { await signal.changed(after: later) }
        signal.signal()
        await waiter.value
        // Nothing signalled: only cancellation ends the wait.
        let cancelled = Task { await signal.changed(after: signal.generation) }
        cancelled.cancel()
        await cancelled.value
    }
}
