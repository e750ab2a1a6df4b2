import ServiceLifecycle

/// Keeps one engine's live model current for as long as the server runs: a full read at start
/// and every `full_refresh`, and between them the engine's change stream polled every
/// `events_poll` (kinds without one get full reads only). A failed refresh keeps the last good
/// data, marked stale, and is retried with a backoff that doubles up to 30 seconds.
///
/// Between full reads it also checks the model against the engine every `consistency_probe`
/// (kinds that can say what they hold), re-reads VMs that started without guest addresses until
/// they appear, and sweeps every running VM still without them every `guest_address_sweep`.
public struct EngineRefreshService: Service {
    public let engine: EngineModel

    public init(engine: EngineModel) { self.engine = engine }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            let settings = engine.settings
            let fullRefresh = engine.fullRefreshInterval
            let clock = ContinuousClock()
            // A listing may have read the engine already; then that read counts as the first.
            await engine.ensureTried()
            var lastFull = engine.snapshot.loaded ? engine.snapshot.lastFullReadStart : nil
            var lastProbe = clock.now
            var lastSweep = clock.now
            var failures = 0
            while !Task.isCancelled {
                let now = clock.now
                let error: BackendError?
                var pause = settings.eventsPoll
                if lastFull == nil || !engine.snapshot.loaded || now - lastFull! >= fullRefresh {
                    lastFull = now
                    error = await engine.fullRead(notBefore: now)
                } else if engine.followsChanges {
                    if settings.consistencyProbe > .zero, now - lastProbe >= settings.consistencyProbe {
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
                       clock.now - lastSweep >= settings.guestAddressSweep
                    {
                        lastSweep = clock.now
                        await engine.sweepGuestAddresses()
                    }
                }
                if !engine.followsChanges, let lastFull {
                    pause = max(.milliseconds(10), fullRefresh - (clock.now - lastFull))
                }
                if error == nil {
                    failures = 0
                } else {
                    failures += 1
                    pause = min(.seconds(30), settings.eventsPoll * (1 << min(failures - 1, 5)))
                }
                do {
                    try await Task.sleep(for: pause)
                } catch {
                    return
                }
            }
        }
    }
}
