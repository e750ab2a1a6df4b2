/// Power actions, resize, destroy and the guest agent, with the checks
/// `PVE/API2/Qemu.pm` makes before forking (thrown) and those its workers
/// make (a `.failure` effect: the call still returns a UPID).
extension ClusterModel {
    private func workerVM(_ vmid: Int, node: String) -> Result<PVEVM, PVEError> {
        guard let vm = vms[vmid], vm.node == node else { return .failure(.noConfig(vmid: vmid, node: node)) }
        return .success(vm)
    }

    /// `check_running`'s message for a VM that is not on the node.
    private static func notOnNode(_ vmid: Int, _ node: String) -> String {
        "unable to find configuration file for VM \(vmid) on node '\(node)'"
    }

    /// `status/start`: quorum is checked before forking, the rest in `vm_start`.
    /// A VM hibernated by `suspend` with `todisk` (`lock: suspended`) is
    /// started whatever its lock says and resumes from its saved state.
    func prepareStart(vmid: Int, node: String, skiplock: Bool = false) throws(PVEError) -> (TaskEffect, [String]) {
        guard quorate else { throw .runtime("cluster not ready - no quorum?") }
        let vm: PVEVM
        switch workerVM(vmid, node: node) {
        case .failure(let error): return (.failure(error.message), [])
        case .success(let found): vm = found
        }
        if vm.config.isTemplate { return (.failure("you can't start a vm if it's a template"), []) }
        let resumes = vm.config.lock == "suspended" || vm.config["vmstate"] != nil
        if let lock = vm.config.lock, !skiplock, lock != "suspended" { return (.failure("VM is locked (\(lock))"), []) }
        if vm.runState != .stopped { return (.failure("VM \(vmid) already running"), []) }
        var log: [String] = []
        if resumes { log.append("Resuming suspended VM") }
        let hasCloudInit = vm.config.driveKeys.contains { vm.config[$0].flatMap(Drive.init)?.isCloudInit ?? false }
        if hasCloudInit, !resumes { log.insert("generating cloud-init ISO", at: 0) }
        return (.start(vmid: vmid), log)
    }

    /// `status/stop` and `status/shutdown` (`_do_vm_stop`): a stopped VM is
    /// fine (a hibernated one keeps its `suspended` lock), a locked running
    /// one is not unless `skiplock`.
    func prepareStop(vmid: Int, node: String, shutdown: Bool, forceStop: Bool, skiplock: Bool = false) throws(PVEError) -> TaskEffect {
        if shutdown, let vm = vms[vmid], vm.node == node, vm.runState == .paused, !forceStop {
            throw .runtime("VM is paused - cannot shutdown")
        }
        guard let vm = vms[vmid], vm.node == node else { return .failure(Self.notOnNode(vmid, node)) }
        guard vm.runState != .stopped else { return .none }
        if let lock = vm.config.lock, !skiplock { return .failure("VM is locked (\(lock))") }
        return .stop(vmid: vmid)
    }

    /// `status/reboot`.
    func prepareReboot(vmid: Int, node: String) throws(PVEError) -> TaskEffect {
        guard let vm = vms[vmid], vm.node == node else { throw .runtime(Self.notOnNode(vmid, node)) }
        if vm.runState == .paused { throw .runtime("VM is paused - cannot shutdown") }
        if vm.runState == .stopped { throw .runtime("VM \(vmid) not running") }
        if let lock = vm.config.lock { return .failure("VM is locked (\(lock))") }
        return .reboot(vmid: vmid)
    }

    /// `PUT resize`: every check runs in the worker (PVE 8 forks a `resize` task).
    func prepareResize(vmid: Int, node: String, disk: String, size: String, digest: String?) -> TaskEffect {
        let vm: PVEVM
        switch workerVM(vmid, node: node) {
        case .failure(let error): return .failure(error.message)
        case .success(let found): vm = found
        }
        if let digest, digest != vm.config.digest { return .failure("checksum mismatch (file change by other user?)") }
        if let lock = vm.config.lock { return .failure("VM is locked (\(lock))") }
        guard let text = vm.config[disk], let drive = Drive(text) else { return .failure("disk '\(disk)' does not exist") }
        if drive.file == "none" || drive.storage == nil { return .failure("disk '\(disk)' has no associated volume") }
        if drive.isCDROM { return .failure("you can't resize a cdrom") }
        guard let current = volumeSize(drive.file, node: vm.node) ?? drive.sizeBytes else {
            return .failure("Could not determine current size of volume '\(drive.file)'")
        }
        let relative = size.hasPrefix("+")
        guard let requested = DiskSize.parse(relative ? String(size.dropFirst()) : size) else { return .failure("internal error") }
        let newSize = relative ? current + requested : requested
        if newSize < current { return .failure("shrinking disks is not supported") }
        if newSize == current { return .none }
        return .resize(vmid: vmid, disk: disk, bytes: newSize)
    }

    /// `DELETE /nodes/{node}/qemu/{vmid}` (`destroy_vm`): the early checks
    /// (configuration, `protection`, running) answer; the worker checks the
    /// lock (not with `skiplock`, nor a hibernated VM's `suspended`) and
    /// that no linked clone uses a template's base volume. The VM is locked
    /// `destroyed` while the task runs.
    mutating func prepareDestroy(
        vmid: Int, node: String, skiplock: Bool, purge: Bool, unreferenced: Bool
    ) throws(PVEError) -> TaskEffect {
        guard var vm = vms[vmid], vm.node == node else { throw .noConfig(vmid: vmid, node: node) }
        if PropertyString.boolean(vm.config["protection"] ?? "0") == true {
            throw .runtime("can't remove VM \(vmid) - protection mode enabled")
        }
        if vm.runState != .stopped { throw .runtime("VM \(vmid) is running - destroy failed") }
        if let lock = vm.config.lock, !skiplock, lock != "suspended" { return .failure("VM is locked (\(lock))") }
        if vm.config.isTemplate, let used = baseVolumeInUse(of: vm) {
            return .failure("base volume '\(used)' is still in use by linked cloned")
        }
        vm.config["lock"] = "destroyed"
        vms[vmid] = vm
        return .destroy(vmid: vmid, purge: purge, unreferenced: unreferenced)
    }

    /// A template's base volume another VM's linked clone is made from
    /// (`volume_is_base_and_used`): on RBD a clone's volume is `BASE/vm-N-disk-K`.
    private func baseVolumeInUse(of template: PVEVM) -> String? {
        for key in template.config.driveKeys + template.config.unusedKeys {
            guard let drive = template.config[key].flatMap(Drive.init), !drive.isCDROM, drive.storage != nil else { continue }
            let prefix = drive.file + "/"
            let used = vms.values.contains { other in
                other.vmid != template.vmid && (other.config.driveKeys + other.config.unusedKeys).contains { otherKey in
                    other.config[otherKey].flatMap(Drive.init)?.file.hasPrefix(prefix) ?? false
                }
            }
            if used { return drive.file }
        }
        return nil
    }

    /// `agent/network-get-interfaces` (`agent_available`, then the guest's answer).
    func agentInterfaces(vmid: Int, node: String, now: Double) throws(PVEError) -> [GuestInterface] {
        guard let vm = vms[vmid], vm.node == node else { throw .noConfig(vmid: vmid, node: node) }
        guard vm.config["agent"] != nil else { throw .runtime("No QEMU guest agent configured") }
        guard vm.runState != .stopped else { throw .runtime("VM \(vmid) is not running") }
        guard vm.config.agentEnabled, vm.runState == .running, !vm.agentHung, let ready = vm.agentReadyAt, ready <= now else {
            throw .runtime("QEMU guest agent is not running")
        }
        return vm.guestInterfaces
    }
}
