import Foundation

/// `status/suspend` and `status/resume` (`vm_suspend`, `vm_resume` in
/// `PVE/API2/Qemu.pm`, the workers in `PVE/QemuServer.pm`).
///
/// Without `todisk` a suspend is a pause (task `qmpause`): QEMU stops the
/// guest's CPUs, the VM stays `running` with QMP status `paused`, and a
/// resume (`qmresume`) continues it. With `todisk` (task `qmsuspend`) the
/// VM hibernates: the worker locks it `suspending`, allocates a state
/// volume `vm-VMID-state-suspend-YYYY-MM-DD` (on a directory storage
/// `VMID/vm-VMID-state-suspend-YYYY-MM-DD.raw`) of twice the memory plus
/// 500 MiB on the state storage and records it as `vmstate` (with
/// `runningmachine` and `runningcpu`); when the state is saved QEMU quits
/// and the lock becomes `suspended`. A start (or a resume) of that VM boots
/// it from the saved state, frees the volume and drops the lock.
extension ClusterModel {
    /// The machine and CPU a hibernated VM must be started with again.
    static let runningMachine = "pc-i440fx-9.0+pve0"
    static let runningCPU = "qemu64,+aes,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,+pni,+popcnt,+sse4.1,+sse4.2,+ssse3"

    /// `vm_suspend`: the API's checks throw (`VM N not running`, passed-through
    /// PCI devices with `todisk`); the worker's (lock, storage) end the task.
    ///
    /// - Returns: The task type (`qmpause` or `qmsuspend`) and its effect.
    mutating func prepareSuspend(
        vmid: Int, node: String, toDisk: Bool, stateStorage: String?, skiplock: Bool, now: Double
    ) throws(PVEError) -> (type: String, effect: TaskEffect) {
        let type = toDisk ? "qmsuspend" : "qmpause"
        guard var vm = vms[vmid], vm.node == node else {
            throw .runtime("unable to find configuration file for VM \(vmid) on node '\(node)'")
        }
        if vm.runState == .stopped { throw .runtime("VM \(vmid) not running") }
        if toDisk, vm.config.values.keys.contains(where: { $0.hasPrefix("hostpci") }) {
            throw .runtime(
                "cannot suspend VM to disk due to passed-through PCI device(s), which lack the possibility to save/restore their internal state"
            )
        }
        let isBackingUp = vm.config.lock == "backup"
        if let lock = vm.config.lock, !skiplock, !isBackingUp { return (type, .failure("VM is locked (\(lock))")) }
        guard toDisk else { return (type, .pause(vmid: vmid)) }
        if isBackingUp { return (type, .failure("cannot suspend to disk during backup")) }

        let storeID = stateStorage ?? vmstateStorage(of: vm)
        guard let storage = storage(storeID) else { return (type, .failure("storage '\(storeID)' does not exist")) }
        let day = Self.day(of: now)
        // A file based storage keeps images in a directory per VM and names files with their format.
        let name = storage.type == "dir" ? "\(vmid)/vm-\(vmid)-state-suspend-\(day).raw" : "vm-\(vmid)-state-suspend-\(day)"
        let bytes = (vm.config.memoryMiB * 2 + 500) << 20
        let volid = allocateVolume(storage: storage, node: vm.node, vmid: vmid, bytes: bytes, name: name)
        vm.config["lock"] = "suspending"
        vm.config["vmstate"] = volid
        vm.config["runningmachine"] = Self.runningMachine
        vm.config["runningcpu"] = Self.runningCPU
        vms[vmid] = vm
        return (type, .hibernate(vmid: vmid, vmstate: volid))
    }

    /// `vm_resume`: a hibernated VM (`lock: suspended`) is started from its
    /// state; any other must be running (`VM N not running`). The worker
    /// checks the lock, and resuming a running VM changes nothing.
    func prepareResume(vmid: Int, node: String, skiplock: Bool) throws(PVEError) -> (TaskEffect, [String]) {
        let vm = vms[vmid].flatMap { $0.node == node ? $0 : nil }
        if let vm, vm.config.lock == "suspended" {
            return try prepareStart(vmid: vmid, node: node, skiplock: true)
        }
        guard let vm else { throw .runtime("unable to find configuration file for VM \(vmid) on node '\(node)'") }
        if vm.runState == .stopped { throw .runtime("VM \(vmid) not running") }
        if vm.config.isTemplate { return (.failure("VM \(vmid) is a template and cannot be resumed!"), []) }
        if vm.runState == .running { return (.none, []) }
        if let lock = vm.config.lock, !skiplock, lock != "backup" { return (.failure("VM is locked (\(lock))"), []) }
        return (.resume(vmid: vmid), [])
    }

    /// `find_vmstate_storage`: `vmstatestorage`, else a shared storage one
    /// of the VM's disks is on, else a local one (file based preferred),
    /// else `local`.
    func vmstateStorage(of vm: PVEVM) -> String {
        if let configured = vm.config["vmstatestorage"] { return configured }
        var shared: String?
        var local: String?
        for key in vm.config.driveKeys {
            guard let drive = vm.config[key].flatMap(Drive.init), !(drive.isCDROM && !drive.isCloudInit),
                let storeID = drive.storage, let storage = storage(storeID)
            else { continue }
            if storage.shared {
                if shared == nil || storage.type == "dir" { shared = storeID }
            } else if local == nil || storage.type == "dir" {
                local = storeID
            }
        }
        return shared ?? local ?? "local"
    }

    /// Applies the end of a hibernation: QEMU quit with the state saved.
    mutating func finishHibernation(_ vmid: Int) -> Result<[String], PVEError> {
        guard var vm = vms[vmid] else { return .success([]) }
        guard vm.config.lock == "suspending" else { return .failure(.runtime("lock changed unexpectedly")) }
        vm.runState = .stopped
        vm.startedAt = nil
        vm.pid = nil
        vm.agentReadyAt = nil
        vm.config["lock"] = "suspended"
        vms[vmid] = vm
        return .success(["State saved, quitting"])
    }

    /// Undoes a hibernation that failed: the state volume is freed, the
    /// `suspending` lock stays ("to indicate something went wrong").
    mutating func abandonHibernation(_ vmid: Int, vmstate: String) {
        guard var vm = vms[vmid] else { return }
        freeVolume(vmstate, node: vm.node)
        for key in ["vmstate", "runningmachine", "runningcpu"] { vm.config[key] = nil }
        vms[vmid] = vm
    }

    /// Drops a hibernated VM's saved state once it runs again (`Resumed VM, removing state`).
    mutating func removeSavedState(of vm: inout PVEVM) {
        if let vmstate = vm.config["vmstate"] { freeVolume(vmstate, node: vm.node) }
        for key in ["lock", "vmstate", "runningmachine", "runningcpu"] { vm.config[key] = nil }
    }

    /// `strftime("%Y-%m-%d", …)` of an epoch time (UTC: the simulated nodes run in UTC).
    static func day(of time: Double) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: time))
        func two(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : "\(value ?? 0)" }
        return "\(parts.year ?? 1970)-\(two(parts.month))-\(two(parts.day))"
    }
}
