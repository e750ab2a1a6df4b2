import AggregatorCore
import BackendSupport
import EngineHTTP
import Logging

/// The oVirt / RED Virtualization backend: one engine's REST API (v4, JSON) seen through the
/// common model.
///
/// It logs in through the engine's SSO service, keeps one token and one HTTP client (so
/// connections to the engine are reused), and lists VMs, hosts and clusters with a bounded
/// number of round trips whatever the size of the engine (see `docs/ovirt-backend.md`).
///
/// ```swift
/// var registry = BackendRegistry()
/// OvirtBackend.register(in: &registry)
/// ```
/// Lists VMs, hosts and clusters, follows the audit log (``ChangeFeedBackend``), checks itself
/// against the API root's summary (``ConsistencyProbing``), and creates VLAN networks and VMs.
public final class OvirtBackend: EngineBackendKind, ChangeFeedBackend, VLANCreatingBackend, VMCreatingBackend {
    /// The kind this backend registers under: `ovirt`.
    public static let kind: BackendKind = "ovirt"

    /// Settings of the list requests; the defaults suit engines of any size.
    struct Tuning: Sendable {
        /// VMs per page (`max=`).
        var pageSize = 500
        /// VM pages requested at the same time once the total is known.
        var pagesInFlight = 4
        /// List VMs with `follow=reported_devices` to get guest IP addresses in the same request.
        var followReportedDevices = true
        /// Replaces the provisioning options read from the configuration's `options:` (tests).
        var provisioning: OvirtProvisioningOptions? = nil
        /// Events per change-feed request (`max=`).
        var eventPageSize = 1000
        /// Event pages one poll reads at most; more events than that ask for a full read.
        var eventMaxPages = 10
        /// How long an event index missing between seen events is waited for (a transaction that
        /// committed late) before the feed asks for a full read.
        var eventGapGrace: Duration = .seconds(5)
        /// Missing event indexes the feed keeps track of at most.
        var maxEventHoles = 10_000
        /// The clock the change feed measures ``eventGapGrace`` on; tests pass a clock they move
        /// by hand. Defaults to `ContinuousClock.now`.
        var now: @Sendable () -> ContinuousClock.Instant = { .now }
    }

    /// The engine's name from the configuration.
    public let name: String
    /// Always ``kind`` (`ovirt`).
    public var kind: BackendKind { Self.kind }

    let session: OvirtSession
    let tuning: Tuning
    /// Polling and retry settings of provisioning (`options:`).
    let provisioning: OvirtProvisioningOptions
    /// Serialises the network steps of jobs that share a network (two VMs of one file on one
    /// VLAN), so they do not both create it; the VM steps still run in parallel.
    let networkSetup = ConcurrencyLimiter(limit: 1)
    /// Names and placements remembered between reads (single-object reads, the change feed).
    let cache = OvirtInventoryCache()
    /// The time the change feed stamps on a missing event index (``Tuning/now`` in epoch milliseconds).
    let eventClock: OvirtEventClock
    let logger: Logger

    /// Creates the backend for one configured engine. Nothing is sent until the first call.
    ///
    /// - Parameters:
    ///   - configuration: The engine's entry; uses `url`, `username`, `password`, `ca_file`,
    ///     `insecure`, `connect_timeout`, `request_timeout` and `options` (provisioning: `poll_interval`,
    ///     `create_timeout`, `start_timeout`, `host_parallelism`, `lock_retries`).
    ///   - logger: The backend's logger (carrying `backend.name`).
    /// - Throws: ``ConfigurationError`` naming the engine when the password is missing, the
    ///   URL is not an http(s) URL or an option is unknown or invalid.
    public convenience init(configuration: BackendConfiguration, logger: Logger) throws {
        try self.init(configuration: configuration, logger: logger, tuning: Tuning())
    }

    init(configuration: BackendConfiguration, logger: Logger, tuning: Tuning) throws {
        let password = try configuration.requirePassword()
        let endpoints = try configuration.endpoints(example: "https://ENGINE/ovirt-engine/api")
        configuration.warnIfInsecure(endpoints, logger: logger)
        self.provisioning = try tuning.provisioning
            ?? OvirtProvisioningOptions(options: configuration.options, engine: configuration.name)
        self.name = configuration.name
        self.tuning = tuning
        self.eventClock = OvirtEventClock(now: tuning.now)
        self.logger = logger
        self.session = OvirtSession(
            engine: configuration.name, endpoints: endpoints, username: configuration.username ?? Self.defaultUsername,
            password: password,
            client: HTTPClient(configuration: configuration.httpClientConfiguration(maxConcurrentRequests: 8),
                               logger: logger),
            errors: OvirtErrorMapping(configuration: configuration, endpoints: endpoints),
            logger: logger)
    }

    /// The user an engine is logged in as when its entry names none.
    public static let defaultUsername = "admin@internal"

    /// Registers the `ovirt` kind: its factory, default user and CA download.
    public static func register(in registry: inout BackendRegistry) {
        registry.register(OvirtBackend.self)
    }

    // MARK: - VirtualizationBackend

    /// Logs in and reads the API root: product name, full version and the user.
    public func probe() async throws -> EngineProbe {
        let root = try await session.get(OvirtAPI.self, path: "", expected: "the JSON API root")
        let version = root.productInfo?.version
        let user = root.authenticatedUser
        return EngineProbe(
            product: OvirtMapping.nonEmpty(root.productInfo?.name),
            version: OvirtMapping.nonEmpty(version?.fullVersion) ?? version?.majorMinor,
            user: OvirtMapping.nonEmpty(user?.name) ?? OvirtMapping.nonEmpty(user?.userName) ?? session.username)
    }

    /// Lists every VM with cluster, data center, host and template names and guest IP addresses,
    /// in a bounded number of round trips (see `docs/ovirt-backend.md`).
    public func listVMs() async throws -> [VM] {
        async let found = lookups(hosts: true, templates: true)
        async let vms = allVMs()
        let (lookups, engineVMs) = try await (found, vms)
        let index = lookups.index
        cache.replace(names: index, hosts: lookups.hosts ?? [], vms: engineVMs)
        return engineVMs.compactMap { OvirtMapping.vm($0, engine: name, names: index) }
    }

    /// Lists every host with its cluster and data center names.
    public func listHosts() async throws -> [Hypervisor] {
        async let found = lookups(hosts: false, templates: false)
        async let hosts = session.read(path: "hosts", expected: "a JSON host list", OvirtListingDecoder.hosts)
        let (lookups, engineHosts) = try await (found, hosts)
        let index = lookups.index
        return engineHosts.compactMap { OvirtMapping.host($0, engine: name, names: index) }
    }

    /// Lists every cluster with its data center name, host count and running VM count.
    public func listClusters() async throws -> [Cluster] {
        async let clusters = session.read(path: "clusters", expected: "a JSON cluster list", OvirtListingDecoder.clusters)
        async let dataCenters = lookup(path: "datacenters", expected: "a JSON data center list",
                                       OvirtListingDecoder.dataCenters)
        async let hosts = lookup(path: "hosts", expected: "a JSON host list", OvirtListingDecoder.hosts)
        let (engineClusters, engineDataCenters, engineHosts) = try await (clusters, dataCenters, hosts)
        let index = OvirtNameIndex(clusters: engineClusters, dataCenters: engineDataCenters ?? [])
        return engineClusters.compactMap {
            OvirtMapping.cluster($0, engine: name, names: index, hosts: engineHosts)
        }
    }

    /// Revokes the SSO token (best-effort) and stops the HTTP client. Idempotent.
    public func shutdown() async {
        await session.logout()
        await session.client.shutdown()
    }
}
