import AggregatorCore
import CoreMetrics
import Hummingbird
import NIOPosix
import Prometheus
import Synchronization

/// `GET /metrics`: every metric in the Prometheus text format (version 0.0.4).
///
/// Request metrics come from Hummingbird's `MetricsMiddleware` (by route pattern, method and
/// status); engine calls, refreshes, jobs and step durations from ``AggregatorMetrics``. The
/// gauges that describe the live model (data age, sizes) are set at each scrape, and the
/// standard `process_*` metrics (``ProcessMetrics``) read from `/proc` then.
struct MetricsController: Sendable {
    let inventory: EngineSet
    let registry: PrometheusCollectorRegistry

    func addRoutes(to router: some RouterMethods<some RequestContext>) {
        router.get("metrics") { _, _ in
            AggregatorMetrics.updateModelGauges(inventory.model)
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            // procfs reads are file reads: not on the cooperative pool.
            if let process = try? await NIOThreadPool.singleton.runIfActive({ ProcessMetrics.read() }) {
                buffer.writeString(process.text)
            }
            return Response(status: .ok,
                            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: buffer))
        }
    }
}

/// The process's metrics system: swift-metrics bootstrapped once with a Prometheus registry.
public enum ServerMetrics {
    private static let bootstrapped = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps swift-metrics with a Prometheus factory (once per process) and returns its
    /// registry. Metric and label names are made Prometheus-safe (`http.route` → `http_route`).
    public static func bootstrap() -> PrometheusCollectorRegistry {
        bootstrapped.withLock { existing in
            if let existing { return existing }
            let registry = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.nameAndLabelSanitizer = { name, labels in
                (sanitized(name), labels.map { (sanitized($0.0), $0.1) })
            }
            MetricsSystem.bootstrap(factory)
            existing = registry
            return registry
        }
    }

    /// Letters, digits and `_`; anything else becomes `_`.
    static func sanitized(_ name: String) -> String {
        String(name.unicodeScalars.map { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
                ? Character(scalar) : "_"
        })
    }
}
