/// Every simulated API method. The methods are grouped by the Perl module
/// that implements them on a real cluster.
struct PVERoutes: Sendable {
    let state: ClusterState

    /// The pve-manager release the simulator answers as (PVE 8.4).
    static let version = (version: "8.4.1", release: "8.4", repoid: "2a5fa54a8503f96d")

    var all: [APIRoute] {
        accessRoutes + clusterRoutes + nodeRoutes + storageContentRoutes + taskRoutes + qemuReadRoutes + qemuWriteRoutes
            + qemuPowerRoutes
    }

    /// The node the client talks to (`local` in `/cluster/status`, the node
    /// `localhost` stands for).
    var localNode: String { "pve1" }

    /// `/access/ticket`, `/access/domains` and `/version`.
    private var accessRoutes: [APIRoute] {
        [
            APIRoute(
                "POST", "access/ticket",
                schema: [
                    "username": .string(optional: false, maxLength: 64),
                    "password": .string(optional: false),
                    "realm": .string(),
                    "otp": .string(),
                    "path": ParamSpec(kind: .string, optional: true, maxLength: 64, requires: "privs"),
                    "privs": ParamSpec(kind: .string, optional: true, maxLength: 64, requires: "path"),
                    "new-format": .boolean(),
                    "tfa-challenge": .string(),
                ],
                isPublic: true
            ) { call throws(PVEError) in try createTicket(call) },
            APIRoute("GET", "access/ticket", isPublic: true) { _ in .null },
            APIRoute("GET", "access/domains", isPublic: true) { _ in
                APIResult(.array([
                    .object(["realm": .string("pam"), "type": .string("pam"), "comment": .string("Linux PAM standard authentication")]),
                    .object(["realm": .string("pve"), "type": .string("pve"), "comment": .string("Proxmox VE authentication server")]),
                ]))
            },
            APIRoute("GET", "version") { _ in
                APIResult(.object([
                    "version": .string(Self.version.version),
                    "release": .string(Self.version.release),
                    "repoid": .string(Self.version.repoid),
                ]))
            },
        ]
    }

    /// `create_ticket`: a password, or a still valid ticket of the same user, gives a new ticket.
    private func createTicket(_ call: APICall) throws(PVEError) -> APIResult {
        var username = call.required("username")
        if let realm = call.params.string("realm") { username += "@\(realm)" }
        let password = call.required("password")
        let options = state.options
        let renewing = state.user(ofTicket: password).map { $0 == username || $0 == "root@pam" } ?? false
        guard renewing || (username == options.username && password == options.password) else {
            throw PVEError(status: 401, message: "authentication failure\n")
        }
        let issued = state.issueTicket(for: username)
        return APIResult(.object([
            "username": .string(username),
            "ticket": .string(issued.ticket),
            "CSRFPreventionToken": .string(issued.csrfToken),
            "clustername": .string(state.snapshot().model.clusterName),
            "cap": Self.rootCapabilities,
        ]))
    }

    /// `compute_api_permission` for `root@pam`.
    static let rootCapabilities: PVEJSON = {
        func set(_ names: [String]) -> PVEJSON { .object(Dictionary(uniqueKeysWithValues: names.map { ($0, PVEJSON.int(1)) })) }
        return .object([
            "vms": set([
                "VM.Allocate", "VM.Audit", "VM.Backup", "VM.Clone", "VM.Config.CDROM", "VM.Config.CPU", "VM.Config.Cloudinit",
                "VM.Config.Disk", "VM.Config.HWType", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Options",
                "VM.Console", "VM.Migrate", "VM.Monitor", "VM.PowerMgmt", "VM.Snapshot", "VM.Snapshot.Rollback",
                "Permissions.Modify",
            ]),
            "storage": set([
                "Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate", "Datastore.Audit",
                "Permissions.Modify",
            ]),
            "access": set(["Group.Allocate", "Permissions.Modify", "User.Modify"]),
            "nodes": set(["Permissions.Modify", "Sys.Audit", "Sys.Console", "Sys.Incoming", "Sys.Modify", "Sys.PowerMgmt", "Sys.Syslog"]),
            "dc": set(["SDN.Allocate", "SDN.Audit", "SDN.Use", "Sys.Audit", "Sys.Modify"]),
            "sdn": set(["Permissions.Modify", "SDN.Allocate", "SDN.Audit", "SDN.Use"]),
            "mapping": set(["Mapping.Audit", "Mapping.Modify", "Mapping.Use", "Permissions.Modify"]),
        ])
    }()
}
