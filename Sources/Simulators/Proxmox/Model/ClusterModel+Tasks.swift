import Foundation

/// Worker tasks: starting them, and ending them when they are due.
extension ClusterModel {
    /// Starts a task on `node` and returns its UPID. A `.failure` effect
    /// ends at once (the worker died at its first step); anything else ends
    /// `duration` seconds from `now`.
    mutating func startTask(
        node nodeName: String,
        type: String,
        id: String,
        user: String,
        now: Double,
        duration: Double,
        log: [String] = [],
        effect: TaskEffect
    ) -> String {
        let nodeIndex = nodes.firstIndex { $0.name == nodeName }!
        let pid = nodes[nodeIndex].nextPID
        nodes[nodeIndex].nextPID += 1 + Int(now * 7) % 13
        let pstart = Int((now - nodes[nodeIndex].bootTime) * 100)
        let upid = PVETask.encode(node: nodeName, pid: pid, pstart: pstart, starttime: Int(now), type: type, id: id, user: user)
        var due = now + duration
        if case .failure = effect { due = now }
        taskSequence += 1
        tasks[upid] = PVETask(
            upid: upid, node: nodeName, pid: pid, pstart: pstart, starttime: Int(now), type: type, id: id, user: user,
            log: log, due: due, sequence: taskSequence, effect: effect
        )
        taskOrder.append(upid)
        runningTasks.append(upid)
        return upid
    }

    /// Ends every running task that is due at `now`, oldest first.
    mutating func settle(now: Double) {
        guard !runningTasks.isEmpty else { return }
        let due = runningTasks.compactMap { tasks[$0] }.filter { $0.due <= now }
            .sorted { ($0.due, $0.sequence) < ($1.due, $1.sequence) }
        guard !due.isEmpty else { return }
        for task in due { finish(task.upid) }
        runningTasks.removeAll { tasks[$0]?.isRunning != true }
    }

    private mutating func finish(_ upid: String) {
        guard var task = tasks[upid], task.isRunning else { return }
        var error: String?
        var lines: [String] = []
        if case .failure(let message) = task.effect {
            error = message
        } else if var queue = pendingTaskFailures[task.type], !queue.isEmpty {
            error = queue.removeFirst()
            pendingTaskFailures[task.type] = queue.isEmpty ? nil : queue
            rollback(task.effect, node: task.node)
        } else {
            switch apply(task.effect, at: task.due) {
            case .success(let applied): lines = applied
            case .failure(let failure): error = failure.message
            }
        }
        task.log += lines
        task.endtime = Int(task.due)
        if let error {
            // RESTEnvironment: chomp, newlines to spaces, "TASK ERROR: …" after an empty line.
            var message = error
            while message.hasSuffix("\n") { message.removeLast() }
            message = message.replacingOccurrences(of: "\n", with: " ")
            task.exitStatus = message
            task.log += ["", "TASK ERROR: \(message)"]
        } else {
            task.exitStatus = "OK"
            task.log.append("TASK OK")
        }
        tasks[upid] = task
    }

    /// Undoes what a task did at its start, when it fails on purpose.
    private mutating func rollback(_ effect: TaskEffect, node: String) {
        switch effect {
        case .clone(let newid, _):
            if let vm = vms.removeValue(forKey: newid) { freeVolumes(of: vm) }
        case .config(let vmid, let update):
            let vmNode = vms[vmid]?.node ?? node
            for volid in update.allocated { freeVolume(volid, node: vmNode) }
        case .destroy(let vmid, _, _):
            vms[vmid]?.config["lock"] = nil
        case .hibernate(let vmid, let vmstate):
            abandonHibernation(vmid, vmstate: vmstate)
        default:
            break
        }
    }

    /// Frees every volume a VM's drives, `unusedN` entries and saved state
    /// (`vmstate`) reference; returns the volumes freed.
    @discardableResult
    mutating func freeVolumes(of vm: PVEVM) -> [String] {
        var freed: [String] = []
        for volid in ownedVolumes(of: vm) where !freed.contains(volid) {
            freeVolume(volid, node: vm.node)
            freed.append(volid)
        }
        return freed
    }

    /// The volumes `destroy_vm` removes: those of its drives (not CD-ROMs),
    /// `unusedN` entries and `vmstate` that the VM owns (a volume of another
    /// VM attached to this one stays).
    func ownedVolumes(of vm: PVEVM) -> [String] {
        var volids: [String] = []
        for key in vm.config.driveKeys + vm.config.unusedKeys {
            guard let text = vm.config[key], let drive = Drive(text), !(drive.isCDROM && !drive.isCloudInit) else { continue }
            if drive.storage != nil { volids.append(drive.file) }
        }
        if let vmstate = vm.config["vmstate"] { volids.append(vmstate) }
        return volids.filter { Self.owner(of: $0) == vm.vmid }
    }

    /// The VM a volume belongs to by its name (`parse_volname`): `vm-N-…` or
    /// `base-N-…`, for an RBD linked clone `BASE/vm-N-…`.
    static func owner(of volid: String) -> Int? {
        let name = volid.split(separator: ":", maxSplits: 1).last.map(String.init) ?? volid
        let last = name.split(separator: "/").last.map(String.init) ?? name
        for prefix in ["vm-", "base-"] where last.hasPrefix(prefix) {
            let digits = last.dropFirst(prefix.count).prefix { $0.isNumber }
            if !digits.isEmpty, last.dropFirst(prefix.count + digits.count).first == "-" { return Int(digits) }
        }
        return nil
    }

    /// Volumes named for `vmid` (`vm-VMID-…`, `base-VMID-…`, an RBD clone's
    /// `BASE/vm-VMID-…`) on every storage with images `node` sees (`vdisk_list`).
    func volumesNamed(for vmid: Int, node: String) -> [String] {
        var volids: [String] = []
        for storage in storages where storage.holdsImages {
            for name in (volumes[location(storage: storage, node: node)] ?? [:]).keys {
                if Self.owner(of: name) == vmid { volids.append("\(storage.id):\(name)") }
            }
        }
        return volids.sorted()
    }

    /// Applies a task's change; returns extra log lines, or why it failed.
    private mutating func apply(_ effect: TaskEffect, at time: Double) -> Result<[String], PVEError> {
        switch effect {
        case .none, .failure:
            return .success([])
        case .clone(let newid, let targetNode):
            guard var vm = vms[newid] else { return .failure(.runtime("clone failed: VM \(newid) vanished")) }
            vm.config["lock"] = nil
            if let targetNode { vm.node = targetNode }
            vms[newid] = vm
            return .success([])
        case .start(let vmid):
            return startVM(vmid, at: time)
        case .stop(let vmid):
            if var vm = vms[vmid], vm.runState != .stopped {
                vm.runState = .stopped
                vm.startedAt = nil
                vm.pid = nil
                vm.agentReadyAt = nil
                vms[vmid] = vm
            }
            return .success([])
        case .pause(let vmid):
            if var vm = vms[vmid], vm.runState == .running {
                vm.runState = .paused
                vms[vmid] = vm
            }
            return .success([])
        case .hibernate(let vmid, _):
            return finishHibernation(vmid)
        case .resume(let vmid):
            if var vm = vms[vmid], vm.runState == .paused {
                vm.runState = .running
                vms[vmid] = vm
            }
            return .success([])
        case .reboot(let vmid):
            guard var vm = vms[vmid], vm.runState != .stopped else { return .success([]) }
            vm.runState = .running
            vm.startedAt = time
            vm.agentReadyAt = time + agentDelay
            vm.guestInterfaces = Self.guestInterfaces(vmid: vmid, config: vm.config)
            vms[vmid] = vm
            return .success([])
        case .config(let vmid, let update):
            return applyConfig(vmid, update).map { update.log + $0 }
        case .resize(let vmid, let disk, let bytes):
            guard var vm = vms[vmid], let text = vm.config[disk], var drive = Drive(text) else { return .success([]) }
            drive.options["size"] = DiskSize.format(bytes)
            vm.config[disk] = drive.text
            vms[vmid] = vm
            resizeVolume(drive.file, node: vm.node, bytes: bytes)
            return .success([])
        case .destroy(let vmid, let purge, let unreferenced):
            guard let vm = vms.removeValue(forKey: vmid) else { return .success([]) }
            var freed = freeVolumes(of: vm)
            if unreferenced {
                for volid in volumesNamed(for: vmid, node: vm.node) where !freed.contains(volid) {
                    freeVolume(volid, node: vm.node)
                    freed.append(volid)
                }
            }
            var lines: [String] = []
            for volid in freed {
                guard let colon = volid.firstIndex(of: ":"), let storage = storage(String(volid[..<colon])) else { continue }
                let name = String(volid[volid.index(after: colon)...])
                switch storage.type {
                case "lvmthin": lines.append("  Logical volume \"\(name)\" successfully removed.")
                case "rbd": lines.append("Removing image: 100% complete...done.")
                default: break
                }
            }
            if purge { lines.append("purging VM \(vmid) from related configurations..") }
            return .success(lines)
        }
    }

    private mutating func startVM(_ vmid: Int, at time: Double) -> Result<[String], PVEError> {
        guard var vm = vms[vmid] else { return .success([]) }
        guard vm.runState == .stopped else { return .failure(.runtime("VM \(vmid) already running")) }
        var lines: [String] = []
        if vm.config.lock == "suspended" || vm.config["vmstate"] != nil {
            removeSavedState(of: &vm)
            lines.append("Resumed VM, removing state")
        }
        let nodeIndex = nodes.firstIndex { $0.name == vm.node }!
        vm.runState = .running
        vm.startedAt = time
        vm.pid = nodes[nodeIndex].nextPID
        nodes[nodeIndex].nextPID += 3
        vm.agentReadyAt = time + agentDelay
        vm.guestInterfaces = Self.guestInterfaces(vmid: vmid, config: vm.config)
        vms[vmid] = vm
        return .success(lines)
    }

    /// What the guest configures at boot: `lo`, then one `ens18`, `ens19`, …
    /// per `netN` with the static address of `ipconfigN`, or an address a
    /// DHCP server would have handed out, and an IPv6 link-local address.
    static func guestInterfaces(vmid: Int, config: VMConfig) -> [GuestInterface] {
        var interfaces = [GuestInterface(name: "lo", mac: "00:00:00:00:00:00", addresses: [("127.0.0.1", 8), ("::1", 128)])]
        for key in config.netKeys {
            let index = DriveNames.index(key)
            guard let text = config[key] else { continue }
            let net = PropertyString.parse(text)
            let model = QemuSchema.nicModels.first { net[$0] != nil }
            let mac = (model.flatMap { net[$0] } ?? net["macaddr"] ?? "BC:24:11:00:00:00").lowercased()
            var addresses: [(String, Int)] = []
            let ipconfig = config["ipconfig\(index)"].map { PropertyString.parse($0) } ?? [:]
            if let ip = ipconfig["ip"], ip != "dhcp", ip != "manual" {
                let parts = ip.split(separator: "/")
                addresses.append((String(parts[0]), Int(parts.last ?? "24") ?? 24))
            } else if ipconfig["ip"] != "manual" {
                addresses.append(("10.\(200 + index % 50).\((vmid / 250) % 256).\(vmid % 250 + 2)", 24))
            }
            if let ip6 = ipconfig["ip6"], ip6.contains("/") {
                let parts = ip6.split(separator: "/")
                addresses.append((String(parts[0]), Int(parts.last ?? "64") ?? 64))
            }
            addresses.append((linkLocal(mac: mac), 64))
            interfaces.append(GuestInterface(name: "ens\(18 + index)", mac: mac, addresses: addresses))
        }
        return interfaces
    }

    /// The EUI-64 link-local address of a MAC address.
    static func linkLocal(mac: String) -> String {
        var bytes = mac.split(separator: ":").compactMap { UInt8($0, radix: 16) }
        guard bytes.count == 6 else { return "fe80::1" }
        bytes[0] ^= 0x02
        let eui = [bytes[0], bytes[1], bytes[2], 0xFF, 0xFE, bytes[3], bytes[4], bytes[5]]
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(eui[$0]) << 8 | UInt16(eui[$0 + 1]), radix: 16) }
        return "fe80::" + groups.joined(separator: ":")
    }
}
