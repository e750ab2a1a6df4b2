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
    /// Faults injected from the start (see ``FaultRule``); more can be added at
    /// run time through `POST /__sim/faults`. Defaults to none.
    public var faults: [FaultRule] = []
    /// The most bytes of rendered VM text the engine keeps for reuse (each
    /// VM's JSON or XML is rendered once and served again until the VM
    /// changes); 0 renders every request afresh. Defaults to 128 MiB.
    public var renderCacheBytes: Int = 128 << 20

    public init(name: String) {
        self.name = name
    }

    /// Whether both a certificate and a key are configured.
    public var usesTLS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }

    /// `http(s)://HOST:PORT/ovirt-engine/api` for a given bound port.
    public func apiURL(port: Int) -> String {
        "\(usesTLS ? "https" : "http")://\(host):\(port)/ovirt-engine/api"
    }
}
