import Foundation
import SimulatorSupport

/// Configuration of one simulated oVirt engine.
///
/// ```swift
/// var options = SimulatedEngineOptions(name: "e15-test")
/// options.vmCount = 500
/// let engine = try await SimulatedEngine.start(options, logger: logger)
/// ```
public struct SimulatedEngineOptions: Sendable {
    /// The engine name; it also seeds the inventory, so equal names give equal ids.
    public var name: String
    /// The address to listen on. Defaults to loopback.
    public var host: String = "127.0.0.1"
    /// The port to listen on; 0 picks a free one. Defaults to 0.
    public var port: Int = 0
    /// How many VMs to seed. Defaults to 20.
    public var vmCount: Int = 20
    /// How many hosts to seed. Defaults to 3.
    public var hostCount: Int = 3
    /// Delay added to every request. Defaults to none.
    public var latency: Duration = .zero
    /// The account accepted by SSO and Basic auth. Defaults to `admin@internal`.
    public var username: String = "admin@internal"
    /// The password of ``username``. Defaults to `admin`.
    public var password: String = "admin"
    /// A PEM certificate (chain); together with ``tlsKeyPath`` the engine serves HTTPS.
    public var tlsCertificatePath: String? = nil
    /// The PEM private key of ``tlsCertificatePath``.
    public var tlsKeyPath: String? = nil
    /// The base delay of asynchronous engine work: a new VM stays
    /// `image_locked` and new or extended disks stay `locked` this long, and
    /// a started VM spends this long in each of `wait_for_launch` and
    /// `powering_up`. Zero makes every transition immediate. Defaults to 300 ms.
    public var asyncDelay: Duration = .milliseconds(300)
    /// Faults injected from the start (see ``SimulatedEngineFaultRule``); more can be added at
    /// run time through `POST /__sim/faults`. Defaults to none.
    public var faults: [SimulatedEngineFaultRule] = []
    /// How long a VM's guest agent takes to report its addresses once the VM
    /// is `up` (started with `POST /vms/{id}/start`, set `up` by the admin
    /// interface, or added `up`): until then its reported devices are empty,
    /// and their arrival writes no event, as on a real engine. Seeded VMs
    /// have reported long ago. Zero reports at once. Defaults to zero.
    public var guestIPDelay: Duration = .zero
    /// The engine's time source; ``SimulatedClock/manual(startingAt:)`` lets a
    /// test move time instead of waiting. Defaults to the wall clock.
    public var clock: SimulatedClock = .system
    /// Which of the blocks of addresses and MACs derived from ``name`` the
    /// engine uses; 0, the name's own, unless two engines of one process
    /// would share addresses (see ``resolvingAddressConflicts(_:)``).
    /// Defaults to 0.
    public var addressVariant: Int = 0
    /// The most bytes of rendered VM text the engine keeps for reuse (each
    /// VM's JSON or XML is rendered once and served again until the VM
    /// changes); 0 renders every request afresh. Defaults to 128 MiB.
    public var renderCacheBytes: Int = 128 << 20

    public init(name: String) {
        self.name = name
    }

    /// Whether both a certificate and a key are configured.
    public var usesTLS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }

    /// Parses a duration as the command line gives it: a number with the
    /// unit `ms`, `s`, `m` or `h` (`500ms`, `5s`, `1.5m`); a bare number is
    /// seconds. Returns nil for anything else, or a negative value.
    ///
    /// ```swift
    /// SimulatedEngineOptions.parseDuration("5s")   // .seconds(5)
    /// ```
    public static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, milliseconds: Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        var number = Substring(trimmed)
        var scale = 1000.0
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            number = trimmed.dropLast(unit.suffix.count)
            scale = unit.milliseconds
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number),
            value.isFinite, value >= 0
        else { return nil }
        return .milliseconds(Int64((value * scale).rounded()))
    }

    /// `http(s)://HOST:PORT/ovirt-engine/api` for a given bound port.
    public func apiURL(port: Int) -> String {
        "\(usesTLS ? "https" : "http")://\(host):\(port)/ovirt-engine/api"
    }
}
