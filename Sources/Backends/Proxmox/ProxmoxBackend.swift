import AggregatorCore
import BackendSupport
import EngineHTTP
import Logging

/// The Proxmox VE backend: one cluster's (or standalone node's) API (`/api2/json`) seen through
/// the common model.
///
/// It authenticates with an API token or a shared, renewed ticket, keeps one HTTP client (so
/// connections are reused), lists QEMU VMs, nodes and the cluster from `/cluster/resources` and
/// `/cluster/status` (guest IP addresses from the QEMU guest agent), and creates VMs by full clone
/// of a template (see `docs/proxmox-backend.md`).
///
/// ```swift
/// var registry = BackendRegistry()
/// ProxmoxBackend.register(in: &registry)
/// ```
public final class ProxmoxBackend: EngineBackendKind, VMCreatingBackend {
    /// The kind this backend registers under: `proxmox`.
    public static let kind: BackendKind = "proxmox"
    /// The user an entry without `username` logs in as: `root@pam`.
    public static let defaultUsername = "root@pam"

    /// The engine's name from the configuration.
    public let name: String
    /// Always ``kind`` (`proxmox`).
    public var kind: BackendKind { Self.kind }

    let session: ProxmoxSession
    let options: ProxmoxOptions
    /// VMs whose guest agent did not answer lately.
    let agentBackoff: ProxmoxAgentBackoff
    let logger: Logger

    /// Creates the backend for one configured engine. Nothing is sent until the first call.
    ///
    /// - Parameters:
    ///   - configuration: The engine's entry; uses `url` (`https://HOST:8006/api2/json`), `username`
    ///     (`USER@REALM`, or `USER@REALM!TOKENID` for an API token), the resolved password (the token's
    ///     secret for a token), `ca_file`, `insecure`, `connect_timeout`, `request_timeout`,
    ///     `max_response_bytes` and `options` (`task_poll_interval`, `task_timeout`, `agent_timeout`,
    ///     `agent_concurrency`, `agent_retry_after`, `nextid_retries`).
    ///   - logger: The backend's logger (carrying `backend.name`).
    /// - Throws: ``ConfigurationError`` naming the engine when the password is missing, the URL is
    ///   not an http(s) URL, the user name has no realm, or an option is unknown or invalid.
    public convenience init(configuration: BackendConfiguration, logger: Logger) throws {
        try self.init(configuration: configuration, logger: logger, options: nil)
    }

    init(configuration: BackendConfiguration, logger: Logger, options: ProxmoxOptions?,
         ticketRenewal: Duration = .seconds(3600)) throws {
        let password = try configuration.requirePassword(missing: "password or token secret")
        let endpoints = try configuration.endpoints(example: "https://HOST:8006/api2/json")
        let credentials: ProxmoxCredentials
        switch ProxmoxCredentials.make(username: configuration.username ?? Self.defaultUsername, secret: password) {
        case .success(let made): credentials = made
        case .failure(let problem):
            throw configuration.problem("engine '\(configuration.name)': \(problem.message)", fix: problem.fix)
        }
        let resolved = try options ?? ProxmoxOptions(options: configuration.options, engine: configuration.name)
        let http = configuration.httpClientConfiguration(maxConcurrentRequests: max(8, resolved.agentConcurrency + 2))
        configuration.warnIfInsecure(endpoints, logger: logger)
        self.name = configuration.name
        self.options = resolved
        self.agentBackoff = ProxmoxAgentBackoff(retryAfter: resolved.agentRetryAfter)
        self.logger = logger
        self.session = ProxmoxSession(
            engine: configuration.name, endpoints: endpoints, credentials: credentials,
            client: HTTPClient(configuration: http, logger: logger),
            errors: ProxmoxErrorMapping(configuration: configuration, endpoints: endpoints),
            logger: logger, ticketRenewal: ticketRenewal)
    }

    /// Registers the `proxmox` kind in `registry`: its factory, its default user `root@pam` and
    /// its certificate download for `aggregator trust`.
    public static func register(in registry: inout BackendRegistry) {
        registry.register(ProxmoxBackend.self)
    }

    // MARK: - VirtualizationBackend

    /// Authenticates and reads `GET /version` and `GET /cluster/status`: product `Proxmox VE`,
    /// its version (`8.2.4`) and the user or token id; the cluster name is logged.
    public func probe() async throws -> EngineProbe {
        async let version = session.get(ProxmoxVersion.self, path: "version", expected: "a JSON version object")
        async let status = session.get([ProxmoxClusterStatusEntry].self, path: "cluster/status",
                                       expected: "a JSON cluster status list")
        let (engineVersion, entries) = try await (version, status)
        let cluster = ProxmoxInventory.clusterName(entries)
        logger.debug("Probed engine", metadata: ["backend.name": "\(name)", "cluster.name": "\(cluster ?? "?")"])
        return EngineProbe(product: "Proxmox VE", version: ProxmoxMapping.nonEmpty(engineVersion.version)
                               ?? ProxmoxMapping.nonEmpty(engineVersion.release),
                           user: session.credentials.principal)
    }

    /// Lists every QEMU VM (not containers, not templates) with guest agent IP addresses.
    public func listVMs() async throws -> [VM] { try await readInventory().vms }

    /// Lists every node of the cluster.
    public func listHosts() async throws -> [Hypervisor] { try await readInventory(agent: false).hosts }

    /// Lists the cluster: one, named after the standalone node when the node is in no cluster.
    public func listClusters() async throws -> [Cluster] { try await readInventory(agent: false).clusters }

    /// Reads VMs, nodes and the cluster with three concurrent calls, then the guest agents of
    /// running VMs.
    public func readInventory() async throws -> EngineReadout { try await readInventory(agent: true) }

    /// Forgets the ticket and stops the HTTP client. Idempotent. Proxmox VE has no logout call.
    public func shutdown() async {
        await session.close()
        await session.client.shutdown()
    }
}
