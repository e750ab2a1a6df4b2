import AggregatorCore
import BackendSupport
import EngineHTTP
import Logging
import Synchronization

/// The VMware vSphere backend: one vCenter's vim25 SOAP API (`https://VCENTER/sdk`) seen through
/// the common model.
///
/// It logs in once per vCenter (`SessionManager.Login`, a `vmware_soap_session` cookie shared by
/// every call, one fresh login on `NotAuthenticated`), reads VMs, hosts and clusters from a
/// container view with the `PropertyCollector` (paged), follows changes with `WaitForUpdatesEx`,
/// creates VMs by cloning a template into a cluster's resource pool, and starts, stops and
/// deletes VMs with vSphere tasks (see `docs/vsphere-backend.md`).
///
/// ```swift
/// var registry = BackendRegistry()
/// VSphereBackend.register(in: &registry)
/// ```
public final class VSphereBackend: EngineBackendKind {
    /// The kind this backend registers under: `vsphere`.
    public static let kind: BackendKind = "vsphere"
    /// The user an entry without `username` logs in as: `administrator@vsphere.local`.
    public static let defaultUsername = "administrator@vsphere.local"

    /// The engine's name from the configuration.
    public let name: String
    /// Always ``kind`` (`vsphere`).
    public var kind: BackendKind { Self.kind }

    let session: VSphereSession
    let options: VSphereOptions
    let logger: Logger
    /// Names and parents of containers from the last full read, to place a VM read alone.
    let topology = Mutex(VSphereInventory.Topology())
    /// The property filter the change feed waits on, per session.
    let feed: VSphereChangeFeed

    /// Creates the backend for one configured engine. Nothing is sent until the first call.
    ///
    /// - Parameters:
    ///   - configuration: The engine's entry; uses `url` (`https://VCENTER/sdk`), `username`
    ///     (`administrator@vsphere.local` when omitted), the resolved password, `ca_file`, `insecure`,
    ///     `connect_timeout`, `request_timeout`, `max_response_bytes` and `options`
    ///     (`task_poll_interval`, `task_timeout`).
    ///   - logger: The backend's logger (carrying `backend.name`).
    /// - Throws: ``ConfigurationError`` naming the engine when the password is missing, the URL is
    ///   not an http(s) URL, or an option is unknown or invalid.
    public convenience init(configuration: BackendConfiguration, logger: Logger) throws {
        try self.init(configuration: configuration, logger: logger, options: nil)
    }

    init(configuration: BackendConfiguration, logger: Logger, options: VSphereOptions?) throws {
        let password = try configuration.requirePassword()
        let endpoints = try configuration.endpoints(example: "https://VCENTER/sdk")
        let resolved = try options ?? VSphereOptions(options: configuration.options, engine: configuration.name)
        let http = configuration.httpClientConfiguration(maxConcurrentRequests: 8)
        configuration.warnIfInsecure(endpoints, logger: logger)
        self.name = configuration.name
        self.options = resolved
        self.logger = logger
        self.session = VSphereSession(
            engine: configuration.name, endpoints: endpoints,
            username: configuration.username ?? Self.defaultUsername, password: password,
            client: HTTPClient(configuration: http, logger: logger),
            errors: VSphereErrorMapping(configuration: configuration, endpoints: endpoints), logger: logger)
        self.feed = VSphereChangeFeed()
    }

    /// Registers the `vsphere` kind in `registry`: its factory, its default user and its
    /// certificate download for `aggregator trust`.
    public static func register(in registry: inout BackendRegistry) {
        registry.register(VSphereBackend.self)
    }

    // MARK: - VirtualizationBackend

    /// Logs in and reports the vCenter's product and version (`RetrieveServiceContent`'s `about`).
    public func probe() async throws -> EngineProbe {
        let content = try await session.serviceContent()
        _ = try await session.logins.credential(login: { [session] in try await session.login() })
        let product = content.apiType == "HostAgent" ? "VMware ESXi" : "VMware vCenter Server"
        return EngineProbe(product: product, version: content.version, user: session.username)
    }

    /// Lists every VM (templates excluded).
    public func listVMs() async throws -> [VM] { try await readInventory().vms }

    /// Lists every host.
    public func listHosts() async throws -> [Hypervisor] { try await readInventory().hosts }

    /// Lists every cluster (`ClusterComputeResource`); a standalone host is in none.
    public func listClusters() async throws -> [Cluster] { try await readInventory().clusters }

    /// Reads VMs, hosts, clusters and the containers that place them in one paged property read
    /// of a container view over the whole inventory.
    public func readInventory() async throws -> EngineReadout {
        let objects = try await session.withContainerView(of: VSphereInventory.viewTypes) { view in
            try await session.retrieve(VSphereInventory.filter(view: view))
        }
        let (readout, topology) = VSphereInventory.readout(objects, engine: name)
        self.topology.withLock { $0 = topology }
        return readout
    }

    /// Logs out and stops the HTTP client. Idempotent.
    public func shutdown() async {
        await session.close()
        await session.client.shutdown()
    }
}
