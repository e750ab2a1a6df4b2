import SimulatorSupport

/// Configuration of one simulated Proxmox VE cluster.
///
/// ```swift
/// var options = SimulatedProxmoxOptions(name: "pve-test")
/// options.nodeCount = 3
/// options.taskDelay = .milliseconds(50)
/// let cluster = try await SimulatedProxmox.start(options, logger: logger)
/// ```
public struct SimulatedProxmoxOptions: Sendable {
    /// The engine name: the cluster's name, and the seed of its inventory
    /// (equal names give equal MAC addresses and addresses).
    public var name: String
    /// The address to listen on. Defaults to loopback.
    public var host: String = "127.0.0.1"
    /// The port to listen on; 0 picks a free one. Defaults to 0.
    public var port: Int = 0
    /// How many nodes (`pve1` … `pveN`) to seed. Defaults to 3.
    public var nodeCount: Int = 3
    /// How many ordinary VMs (vmid 100 upwards) to seed, spread over the
    /// nodes. Defaults to 20.
    public var vmCount: Int = 20
    /// The VM templates to seed. Defaults to ``SimulatedProxmoxTemplate/defaults``.
    public var templates: [SimulatedProxmoxTemplate] = SimulatedProxmoxTemplate.defaults
    /// A storage shared by every node (type `rbd`, content `images,rootdir`),
    /// the only kind of storage the real API clones onto another node; nil
    /// seeds none. Defaults to `ceph-pool`.
    public var sharedStorage: String? = "ceph-pool"
    /// Resource pools that exist (the `pool` parameter of clone names one). Defaults to none.
    public var pools: [String] = []
    /// The account `POST /access/ticket` accepts. Defaults to `root@pam`.
    public var username: String = "root@pam"
    /// The password of ``username``. Defaults to `admin`.
    public var password: String = "admin"
    /// The API tokens accepted in `Authorization: PVEAPIToken=…`.
    /// Defaults to ``SimulatedProxmoxAPIToken/default``.
    public var apiTokens: [SimulatedProxmoxAPIToken] = [.default]
    /// How long a task (clone, start, config, resize, …) runs before it
    /// ends. Defaults to 300 ms.
    public var taskDelay: Duration = .milliseconds(300)
    /// How long after a VM finished starting its guest agent begins to
    /// answer. Defaults to 1 s.
    public var guestAgentDelay: Duration = .seconds(1)
    /// Delay added to every request. Defaults to none.
    public var latency: Duration = .zero
    /// How long a ticket stays valid. Defaults to 2 hours, as on a real
    /// cluster; shorten it to test re-login.
    public var ticketLifetime: Duration = .seconds(7200)
    /// How long a refused login or unauthenticated request is held before
    /// its 401 answer (the real proxy holds it 3 s). Defaults to none.
    public var unauthorizedDelay: Duration = .zero
    /// A PEM certificate (chain); together with ``tlsKeyPath`` the cluster serves HTTPS.
    public var tlsCertificatePath: String? = nil
    /// The PEM private key of ``tlsCertificatePath``.
    public var tlsKeyPath: String? = nil
    /// Faults injected from the start (see ``SimulatedProxmoxFaultRule``); more can
    /// be added at run time. Defaults to none.
    public var faults: [SimulatedProxmoxFaultRule] = []
    /// The cluster's time source: when tasks end, tickets expire and guest
    /// agents begin to answer; ``SimulatedClock/manual(startingAt:)`` lets a
    /// test move time instead of waiting. Defaults to the wall clock.
    public var clock: SimulatedClock = .system

    /// The defaults documented on each property, for the cluster `name`.
    public init(name: String) {
        self.name = name
    }

    /// Whether both a certificate and a key are configured.
    public var usesTLS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }

    /// `http(s)://HOST:PORT/api2/json` for a given bound port.
    public func apiURL(port: Int) -> String {
        "\(usesTLS ? "https" : "http")://\(host):\(port)/api2/json"
    }
}

/// An API token: `USER@REALM!TOKENID` and its secret.
public struct SimulatedProxmoxAPIToken: Sendable, Hashable {
    /// The full token id, `root@pam!aggregator`.
    public var tokenID: String
    /// The secret (a UUID on a real cluster).
    public var secret: String

    /// A token `tokenID` (`root@pam!aggregator`) with `secret`.
    public init(tokenID: String, secret: String) {
        self.tokenID = tokenID
        self.secret = secret
    }

    /// Parses the command line form `USER@REALM!TOKENID=SECRET`.
    public init?(commandLine spec: String) {
        guard let equals = spec.firstIndex(of: "=") else { return nil }
        let tokenID = String(spec[..<equals])
        let secret = String(spec[spec.index(after: equals)...])
        guard let bang = tokenID.firstIndex(of: "!"), tokenID[..<bang].contains("@"),
            !tokenID[tokenID.index(after: bang)...].isEmpty, !secret.isEmpty
        else { return nil }
        self.init(tokenID: tokenID, secret: secret)
    }

    /// The user part, `root@pam`.
    public var user: String { String(tokenID.prefix { $0 != "!" }) }

    /// `root@pam!aggregator` with a fixed secret, so demos and tests need no setup.
    public static let `default` = SimulatedProxmoxAPIToken(
        tokenID: "root@pam!aggregator",
        secret: "4f3e2d1c-0b9a-4876-9543-210fedcba987"
    )
}

/// A VM template the cluster is seeded with.
public struct SimulatedProxmoxTemplate: Sendable, Hashable {
    /// Its vmid.
    public var vmid: Int
    /// Its name (a DNS name).
    public var name: String
    /// The node it lives on; the first node when nil.
    public var node: String?
    /// The storage of its disks and cloud-init drive; `local-lvm` of its node when nil.
    public var storage: String?
    /// The size of its `scsi0` disk in GiB.
    public var diskGiB: Int
    /// Memory in MiB.
    public var memoryMiB: Int
    /// Cores.
    public var cores: Int
    /// Whether the guest agent is enabled (`agent: 1`).
    public var agent: Bool
    /// Whether it has a cloud-init drive on `ide2`.
    public var cloudInit: Bool

    /// A template; the defaults are those of `redos8-template`.
    public init(
        vmid: Int,
        name: String,
        node: String? = nil,
        storage: String? = nil,
        diskGiB: Int = 20,
        memoryMiB: Int = 2048,
        cores: Int = 2,
        agent: Bool = true,
        cloudInit: Bool = true
    ) {
        self.vmid = vmid
        self.name = name
        self.node = node
        self.storage = storage
        self.diskGiB = diskGiB
        self.memoryMiB = memoryMiB
        self.cores = cores
        self.agent = agent
        self.cloudInit = cloudInit
    }

    /// `redos8-template` (9000, 20 GiB on the shared storage, so it can be
    /// cloned onto any node) and `ubuntu-2204-template` (9001, 10 GiB on
    /// `local-lvm` of the first node).
    public static let defaults: [SimulatedProxmoxTemplate] = [
        SimulatedProxmoxTemplate(vmid: 9000, name: "redos8-template", storage: "ceph-pool", diskGiB: 20),
        SimulatedProxmoxTemplate(vmid: 9001, name: "ubuntu-2204-template", diskGiB: 10, memoryMiB: 1024, cores: 1),
    ]
}
