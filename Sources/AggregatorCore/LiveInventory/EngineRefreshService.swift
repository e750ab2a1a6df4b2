import ServiceLifecycle

/// Keeps one engine's live model current for as long as the server runs: a full read at start
/// and every `full_refresh`, and between them the engine's change stream polled every
/// `events_poll` (kinds without one get full reads only). A failed refresh keeps the last good
/// data, marked stale, and is retried with a backoff that doubles up to 30 seconds.
///
/// Between full reads it also checks the model against the engine every `consistency_probe`
/// (kinds that can say what they hold), re-reads VMs that started without guest addresses until
/// they appear, and sweeps every running VM still without them every `guest_address_sweep`.
///
/// The intervals are measured, and the pauses between rounds slept, on the service's clock, so a
/// test can pass a clock it moves by hand and drive the periodic work without waiting:
///
/// ```swift
/// let service = EngineRefreshService(engine: model.engines[0], clock: manualClock)
/// ```
public struct EngineRefreshService: Service {
    public let engine: EngineModel
    /// Measures the intervals and paces the rounds. Defaults to `ContinuousClock`.
    public let clock: any Clock<Duration>

    /// Creates the service of `engine` on the continuous clock.
    public init(engine: EngineModel) {
        self.init(engine: engine, clock: ContinuousClock())
    }

    /// Creates the service of `engine`, timed by `clock`.
    /// - Parameters:
    ///   - engine: The engine's live model.
    ///   - clock: Measures the intervals and paces the rounds; tests pass one they move by hand.
    public init(engine: EngineModel, clock: any Clock<Duration>) {
        self.engine = engine
        self.clock = clock
    }

    public func run() async throws {
        await run(on: clock)
    }

    private func run(on clock: some Clock<Duration>) async {
        await cancelWhenGracefulShutdown {
            let settings = engine.settings
            let fullRefresh = engine.fullRefreshInterval
            // A listing may have read the engine already; then that read counts as the first.
            await engine.ensureTried()
            // The model's timestamps are on the continuous clock: carry the read's age over.
            var lastFull = engine.snapshot.loaded
                ? engine.snapshot.lastFullReadStart.map { clock.now.advanced(by: .zero - $0.duration(to: .now)) } : nil
            var lastProbe = clock.now
            var lastSweep = clock.now
            var failures = 0
            while !Task.isCancelled {
                let now = clock.now
                let error: BackendError?
                var pause = settings.eventsPoll
                if lastFull == nil || !engine.snapshot.loaded || lastFull!.duration(to: now) >= fullRefresh {
                    lastFull = now
                    // The model's timestamps are on the continuous clock.
                    error = await engine.fullRead(notBefore: ContinuousClock.now)
                } else if engine.followsChanges {
                    if settings.consistencyProbe > .zero, lastProbe.duration(to: now) >= settings.consistencyProbe {
                        lastProbe = now
                        if case .failed(let failure) = await engine.checkConsistency() {
                            error = failure
                        } else {
                            error = nil
                        }
                    } else {
                        error = await engine.pollChanges()
                    }
                } else {
                    error = nil
                }
                if error == nil {
                    await engine.rereadAwaitedGuestAddresses()
                    if engine.followsChanges, settings.guestAddressSweep > .zero,
                       lastSweep.duration(to: clock.now) >= settings.guestAddressSweep
                    {
                        lastSweep = clock.now
                        await engine.sweepGuestAddresses()
                    }
                }
                if !engine.followsChanges, let lastFull {
                    pause = max(.milliseconds(10), fullRefresh - lastFull.duration(to: clock.now))
                }
                if error == nil {
                    failures = 0
                } else {
                    failures += 1
                    pause = min(.seconds(30), settings.eventsPoll * (1 << min(failures - 1, 5)))
                }
                do {
                    try await clock.sleep(until: clock.now.advanced(by: pause), tolerance: nil)
                } catch {
                    return
                }
            }
        }
    }
}
