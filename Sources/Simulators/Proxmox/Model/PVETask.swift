/// A worker task (`fork_worker`): what it will change when it ends, its
/// log, and once it ended its exit status.
struct PVETask: Sendable {
    var upid: String
    var node: String
    var pid: Int
    var pstart: Int
    var starttime: Int
    var type: String
    var id: String
    /// The user as the UPID has it: `root@pam` or `root@pam!aggregator`.
    var user: String
    var log: [String]
    /// Epoch seconds when the task ends.
    var due: Double
    var sequence: Int
    var effect: TaskEffect
    var endtime: Int?
    var exitStatus: String?

    var isRunning: Bool { exitStatus == nil }

    /// `UPID:NODE:PID:PSTART:STARTTIME:TYPE:ID:USER:` as `upid_encode` prints it.
    static func encode(node: String, pid: Int, pstart: Int, starttime: Int, type: String, id: String, user: String) -> String {
        "UPID:\(node):\(hex8(pid)):\(hex8(pstart)):\(hex8(starttime)):\(type):\(id):\(user):"
    }

    private static func hex8(_ value: Int) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return hex.count >= 8 ? hex : String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The fields of a UPID, or nil when it is not one (`upid_decode`).
    static func decode(_ upid: String) -> (node: String, pid: Int, pstart: Int, starttime: Int, type: String, id: String, user: String)? {
        let parts = upid.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 9, parts[0] == "UPID", parts[8].isEmpty, Identifiers.isNodeName(parts[1]),
            parts[2].count == 8, let pid = Int(parts[2], radix: 16),
            (8...9).contains(parts[3].count), let pstart = Int(parts[3], radix: 16),
            parts[4].count == 8, let starttime = Int(parts[4], radix: 16),
            !parts[5].isEmpty, !parts[7].isEmpty,
            ![parts[5], parts[6], parts[7]].contains(where: { $0.contains(where: { $0 == "/" || $0.isWhitespace }) })
        else { return nil }
        return (parts[1], pid, pstart, starttime, parts[5], parts[6], parts[7])
    }

    /// The user without the token part, and the token name when there is one.
    var userAndToken: (user: String, token: String?) {
        guard let bang = user.firstIndex(of: "!") else { return (user, nil) }
        return (String(user[..<bang]), String(user[user.index(after: bang)...]))
    }

    /// The status the task index lists: the exit status once ended.
    var listStatus: String? { exitStatus }
}

/// What a task changes when it ends.
enum TaskEffect: Sendable {
    /// Nothing (a stop of a stopped VM, a config change that changed nothing).
    case none
    /// The worker failed right at its start with this message.
    case failure(String)
    /// A clone: the new VM exists, locked `clone`, on the source node; it is
    /// unlocked (and moved to `targetNode`) when the task ends.
    case clone(newid: Int, targetNode: String?)
    /// A start; of a VM hibernated (`lock: suspended`) it resumes from the
    /// saved state and frees it.
    case start(vmid: Int)
    case stop(vmid: Int)
    case reboot(vmid: Int)
    /// `qmpause` (`suspend` without `todisk`): QMP `stop`, the VM stays `running` with QMP status `paused`.
    case pause(vmid: Int)
    /// `qmsuspend` (`suspend` with `todisk`): the VM is locked `suspending`
    /// with its `vmstate` volume allocated from the start; when the task
    /// ends it is stopped and locked `suspended`.
    case hibernate(vmid: Int, vmstate: String)
    /// `qmresume` of a paused VM: QMP `cont`.
    case resume(vmid: Int)
    case config(vmid: Int, ConfigUpdate)
    case resize(vmid: Int, disk: String, bytes: Int)
    /// The VM is locked `destroyed` until the task ends, then gone with its
    /// volumes (and, with `destroy-unreferenced-disks`, every volume it owns
    /// on an enabled storage); `purge` adds the log line of the jobs clean-up.
    case destroy(vmid: Int, purge: Bool, unreferenced: Bool)
}

/// A configuration change applied when its task ends.
struct ConfigUpdate: Sendable {
    /// Options to set (new disks already allocated and printed).
    var set: [String: String] = [:]
    /// Options to delete.
    var delete: [String] = []
    /// Volumes allocated for new disks (freed if the task fails).
    var allocated: [String] = []
    /// Task log lines.
    var log: [String] = []
}
