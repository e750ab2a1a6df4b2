import CoreMetrics

/// The aggregator's own metrics, recorded through swift-metrics (the server exports them in the
/// Prometheus format at `/metrics`).
///
/// Every label carries a bounded value: engine names (configured), kinds, operation names,
/// error codes, job states and step names without their per-host or per-disk suffix. Never a
/// VM name, a job id or an address.
public enum AggregatorMetrics {
    /// One engine call ended: `aggregator_engine_calls_total{engine,operation,outcome}` and
    /// `aggregator_engine_call_duration_seconds{engine,operation}`.
    /// - Parameter outcome: `ok`, or the ``BackendError/Code`` of the failure.
    public static func engineCall(engine: String, operation: String, outcome: String, duration: Duration) {
        Counter(label: "aggregator_engine_calls_total",
                dimensions: [("engine", engine), ("operation", operation), ("outcome", outcome)]).increment()
        Timer(label: "aggregator_engine_call_duration_seconds",
              dimensions: [("engine", engine), ("operation", operation)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(duration.inNanoseconds)
    }

    /// A job reached `state` (started: `running`; ended: `succeeded`, `failed`, `interrupted`):
    /// `aggregator_jobs_total{engine,kind,action,state}`.
    public static func job(engine: String, kind: BackendKind, action: ProvisioningAction, state: JobState) {
        Counter(label: "aggregator_jobs_total",
                dimensions: [("engine", engine), ("kind", kind.rawValue), ("action", action.rawValue),
                             ("state", state.rawValue)]).increment()
    }

    /// A job step ended: `aggregator_job_step_duration_seconds{kind,step,outcome}`.
    public static func jobStep(kind: BackendKind, step: String, outcome: String, duration: Duration) {
        Timer(label: "aggregator_job_step_duration_seconds",
              dimensions: [("kind", kind.rawValue), ("step", stepFamily(step)), ("outcome", outcome)],
              preferredDisplayUnit: .seconds)
            .recordNanoseconds(duration.inNanoseconds)
    }

    /// `attach_network_to_host:host01` → `attach_network_to_host`, `add_disk[1]` → `add_disk`:
    /// the suffix names one object and would make the label unbounded.
    static func stepFamily(_ step: String) -> String {
        let cut = step.firstIndex { $0 == ":" || $0 == "[" } ?? step.endIndex
        return String(step[..<cut])
    }

    /// Sets the gauges that describe the live model now (call before each export):
    /// `aggregator_engine_data_age_seconds{engine}`, `aggregator_engine_up{engine}` (the last
    /// refresh succeeded), `aggregator_engine_stale{engine}`,
    /// `aggregator_engine_last_full_read_duration_seconds{engine}`,
    /// `aggregator_engine_full_read_age_seconds{engine}` (since the last full read that succeeded),
    /// `aggregator_engine_consistency_probe_age_seconds{engine}` (since the last consistency
    /// probe the engine answered) and `aggregator_inventory_objects{engine,type}`.
    public static func updateModelGauges(_ model: InventoryModel) {
        let now = ContinuousClock.now
        for engine in model.engines {
            let snapshot = engine.snapshot
            let labels = [("engine", engine.name)]
            let age = snapshot.syncedAt.map { (now - $0).inSeconds } ?? -1
            Gauge(label: "aggregator_engine_data_age_seconds", dimensions: labels).record(age)
            Gauge(label: "aggregator_engine_up", dimensions: labels)
                .record(snapshot.tried && snapshot.lastError == nil && snapshot.loaded ? 1 : 0)
            let stale = !snapshot.loaded || snapshot.syncedAt.map { now - $0 > engine.staleAfter } ?? true
            Gauge(label: "aggregator_engine_stale", dimensions: labels).record(stale ? 1 : 0)
            if let lastFull = snapshot.lastSuccessfulFullRead {
                Gauge(label: "aggregator_engine_full_read_age_seconds", dimensions: labels)
                    .record((now - lastFull).inSeconds)
            }
            if let lastProbe = snapshot.lastConsistencyProbe {
                Gauge(label: "aggregator_engine_consistency_probe_age_seconds", dimensions: labels)
                    .record((now - lastProbe).inSeconds)
            }
            if let duration = snapshot.lastFullReadDuration {
                Gauge(label: "aggregator_engine_last_full_read_duration_seconds", dimensions: labels)
                    .record(duration.inSeconds)
            }
            for (type, count) in [("vm", snapshot.vms.count), ("host", snapshot.hosts.count),
                                  ("cluster", snapshot.clusters.count)] {
                Gauge(label: "aggregator_inventory_objects", dimensions: [("engine", engine.name), ("type", type)])
                    .record(count)
            }
        }
    }
}

extension Duration {
    /// The duration in nanoseconds, saturating.
    var inNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ attoseconds / 1_000_000_000
    }

    /// The duration in seconds, as a floating-point number.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension AggregatorMetrics {
    /// A consistency probe found the model and the engine different and read the engine in full:
    /// `aggregator_engine_consistency_full_reads_total{engine}`.
    public static func consistencyFullRead(engine: String) {
        Counter(label: "aggregator_engine_consistency_full_reads_total", dimensions: [("engine", engine)]).increment()
    }
}
