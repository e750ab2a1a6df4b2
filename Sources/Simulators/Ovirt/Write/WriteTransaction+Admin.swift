import SimulatorSupport

/// Changes "made by someone else" (another user, the engine itself), which
/// the admin interface applies directly: no validation of an engine command,
/// no job, but the audit log entry the engine writes for the change.
extension WriteTransaction {
    typealias AdminError = SimulatedEngineAdminError

    /// Every `VmStatus` value of the API model.
    static let vmStatuses: Set<String> = [
        "down", "image_locked", "migrating", "not_responding", "paused", "powering_down", "powering_up",
        "reboot_in_progress", "restoring_state", "saving_state", "suspended", "unassigned", "unknown", "up",
        "wait_for_launch",
    ]

    /// VM statuses in which the VM has no host.
    static let hostlessStatuses: Set<String> = ["down", "image_locked", "suspended", "unassigned"]

    /// Every `HostStatus` value of the API model.
    static let hostStatuses: Set<String> = [
        "connecting", "down", "error", "initializing", "install_failed", "installing", "installing_os", "kdumping",
        "maintenance", "non_operational", "non_responsive", "pending_approval", "preparing_for_maintenance",
        "reboot", "unassigned", "up",
    ]

    // MARK: Lookups by id or name

    func adminVMIndex(_ key: String) throws(AdminError) -> Int {
        guard let index = inventory.vms.firstIndex(where: { $0.id == key }) ?? inventory.vms.firstIndex(where: { $0.name == key })
        else { throw AdminError(.notFound, "no VM with id or name '\(key)'") }
        return index
    }

    func adminHostIndex(_ key: String) throws(AdminError) -> Int {
        guard let index = inventory.hosts.firstIndex(where: { $0.id == key }) ?? inventory.hosts.firstIndex(where: { $0.name == key })
        else { throw AdminError(.notFound, "no host with id or name '\(key)'") }
        return index
    }

    func adminCluster(_ key: String?) throws(AdminError) -> SimCluster {
        guard let key else {
            guard let first = inventory.clusters.first else { throw AdminError(.notFound, "the engine has no cluster") }
            return first
        }
        guard let cluster = inventory.clusters.first(where: { $0.id == key }) ?? inventory.clusters.first(where: { $0.name == key })
        else { throw AdminError(.notFound, "no cluster with id or name '\(key)'") }
        return cluster
    }

    /// The host a VM in `cluster` runs on: the one named, or the least loaded host that is up.
    private func placement(cluster: SimCluster, host key: String?) throws(AdminError) -> SimHost {
        if let key {
            let host = inventory.hosts[try adminHostIndex(key)]
            guard host.clusterID == cluster.id else {
                throw AdminError(.conflict, "host '\(host.name)' is not in cluster '\(cluster.name)'")
            }
            return host
        }
        let load = Dictionary(grouping: inventory.vms.compactMap(\.hostID), by: { $0 }).mapValues(\.count)
        let candidates = inventory.hosts.filter { $0.clusterID == cluster.id && $0.status == "up" }
        guard let host = candidates.min(by: { (load[$0.id] ?? 0, $0.name) < (load[$1.id] ?? 0, $1.name) }) else {
            throw AdminError(.conflict, "no host is up in cluster '\(cluster.name)'")
        }
        return host
    }

    // MARK: VMs

    /// Adds a VM as if created elsewhere: 34 (`USER_ADD_VM`), then 153 when it is up.
    mutating func adminAddVM(
        name: String,
        cluster clusterKey: String?,
        status: String,
        host hostKey: String?,
        ip: String?
    ) throws(AdminError) -> SimVM {
        guard !name.isEmpty, Self.isValidVMName(name), name.count <= Self.maxVMNameLength else {
            throw AdminError(.invalid, "'\(name)' is not a valid VM name (letters, digits, '.', '_', '-'; at most 64)")
        }
        guard !inventory.vms.contains(where: { $0.name == name }) else {
            throw AdminError(.conflict, "a VM named '\(name)' already exists")
        }
        guard Self.vmStatuses.contains(status) else { throw AdminError(.invalid, "unknown VM status '\(status)'") }
        let cluster = try adminCluster(clusterKey)
        let template = inventory.templates.first { $0.id != EngineInventory.blankTemplateID } ?? inventory.templates.first
        let profileID = cluster.networkIDs.first.flatMap { inventory.network($0) }?.vnicProfileIDs.first ?? ""
        var disks: [SimDisk] = []
        if let domain = inventory.storageDomains.first(where: { $0.dataCenterID == cluster.dataCenterID }) {
            disks.append(
                SimDisk(
                    id: Self.newID(), name: "\(name)_Disk1", description: "", provisionedSize: 20 << 30, actualSize: 3 << 30,
                    format: "cow", sparse: true, storageDomainID: domain.id, imageID: Self.newID(), bootable: true
                )
            )
        }
        let vm = SimVM(
            id: Self.newID(),
            name: name,
            description: "",
            comment: "",
            clusterID: cluster.id,
            hostID: nil,
            templateID: template?.id ?? EngineInventory.blankTemplateID,
            status: "down",
            memory: template?.memory ?? 4 << 30,
            sockets: 1,
            cores: template?.cores ?? 2,
            threads: 1,
            osType: template?.osType ?? "other_linux",
            fqdn: nil,
            creationTime: now,
            startTime: nil,
            stopTime: nil,
            highlyAvailable: false,
            guestDistribution: "RED OS",
            guestKernel: "6.1.52-1.el8",
            nics: [SimVMNic(id: Self.newID(), name: "nic1", mac: nextMAC(), vnicProfileID: profileID)],
            diskAttachments: disks.map { SimDiskAttachment(diskID: $0.id, bootable: true, interface: "virtio_scsi") },
            reportedDevices: [],
            guestIPv4: ip
        )
        inventory.disks.append(contentsOf: disks)
        inventory.vms.append(vm)
        vmEvent(34, "VM \(name) was created by \(userName).", vm: vm)
        if status != "down" {
            try adminSetVMStatus(vm.id, to: status, host: hostKey)
        }
        return inventory.vms[try adminVMIndex(vm.id)]
    }

    /// Sets a VM's status as if it changed elsewhere; running statuses give
    /// it a host, `down`, `suspended`, `image_locked` take it away. The
    /// event is that of the status reached (see the simulator's docs); a VM
    /// reaching `up` reports its guest addresses after the guest IP delay.
    mutating func adminSetVMStatus(_ key: String, to status: String, host hostKey: String? = nil) throws(AdminError) {
        guard Self.vmStatuses.contains(status) else { throw AdminError(.invalid, "unknown VM status '\(status)'") }
        let index = try adminVMIndex(key)
        var vm = inventory.vms[index]
        let before = vm
        guard vm.status != status else { return }
        if Self.hostlessStatuses.contains(status) {
            if vm.hostID != nil || vm.status == "up" { Self.powerOff(&vm, at: now) }
            vm.status = status
        } else {
            let cluster = try adminCluster(vm.clusterID)
            if vm.hostID == nil || hostKey != nil {
                vm.hostID = try placement(cluster: cluster, host: hostKey).id
            }
            if vm.startTime == nil {
                vm.startTime = now
                vm.stopTime = nil
            }
            vm.status = status
            if status == "up" {
                let initialization = vm.runOnceInitialization ?? vm.initialization
                vm.fqdn = vm.fqdn ?? initialization?.hostName ?? "\(vm.name).\(engineName).lab.local"
            }
        }
        inventory.vms[index] = vm
        if status == "up", vm.reportedDevices.isEmpty {
            Self.reportGuest(ofVMAt: index, in: &inventory, upAt: now, delay: guestIPDelay)
        }
        let hostName = inventory.host(vm.hostID ?? before.hostID)?.name ?? "N/A"
        switch status {
        case "up" where before.status == "paused":
            vmEvent(40, "VM \(vm.name) was resumed by \(userName) (Host: \(hostName)).", vm: vm)
        case "up":
            vmEvent(153, "VM \(vm.name) was started by \(userName) (Host: \(hostName)).", vm: vm)
        case "down":
            vmEvent(33, "VM \(vm.name) powered off by \(userName) (Host: \(hostName)).", vm: vm, host: before.hostID)
        case "suspended":
            vmEvent(512, "Suspending VM \(vm.name) has been completed.", vm: vm, host: before.hostID)
        case "paused":
            vmEvent(1025, "VM \(vm.name) has been paused.", vm: vm)
        case "not_responding":
            vmEvent(126, "VM \(vm.name) is not responding.", vm: vm, severity: "warning")
        default:
            vmEvent(163, "VM \(vm.name) status was restored to \(EngineMessages.localizedStatus(status)).", vm: vm, host: before.hostID)
        }
    }

    /// Moves a running VM to another host of its cluster at once: 62 (`VM_MIGRATION_START`), then 63 (`VM_MIGRATION_DONE`).
    mutating func adminMigrateVM(_ key: String, to hostKey: String) throws(AdminError) {
        let index = try adminVMIndex(key)
        let vm = inventory.vms[index]
        guard let sourceID = vm.hostID, let source = inventory.host(sourceID) else {
            throw AdminError(.conflict, "VM '\(vm.name)' is not running (status \(vm.status))")
        }
        let destination = inventory.hosts[try adminHostIndex(hostKey)]
        guard destination.id != sourceID else { throw AdminError(.conflict, "VM '\(vm.name)' already runs on '\(destination.name)'") }
        guard destination.clusterID == vm.clusterID else {
            throw AdminError(.conflict, "host '\(destination.name)' is not in the cluster of VM '\(vm.name)'")
        }
        vmEvent(
            62,
            "Migration started (VM: \(vm.name), Source: \(source.name), Destination: \(destination.name), User: \(userName)). ",
            vm: vm
        )
        inventory.vms[index].hostID = destination.id
        vmEvent(
            63,
            "Migration completed (VM: \(vm.name), Source: \(source.name), Destination: \(destination.name), Duration: 1 second, Total: 1 second, Actual downtime: (N/A))",
            vm: inventory.vms[index]
        )
    }

    /// Removes a VM in any status, with its disks: 113 (`USER_REMOVE_VM_FINISHED`).
    mutating func adminRemoveVM(_ key: String) throws(AdminError) {
        let index = try adminVMIndex(key)
        let vm = inventory.vms[index]
        let diskIDs = Set(vm.diskAttachments.map(\.diskID))
        inventory.disks.removeAll { diskIDs.contains($0.id) }
        inventory.vms.remove(at: index)
        inventory.heldVMIDs.remove(vm.id)
        vmEvent(113, "VM \(vm.name) was successfully removed by \(userName).", vm: vm)
    }

    /// Sets or clears a VM's delete protection as an edit made elsewhere,
    /// writing 35 (`USER_UPDATE_VM`) when it changes.
    mutating func adminSetDeleteProtected(_ key: String, _ enabled: Bool) throws(AdminError) {
        let index = try adminVMIndex(key)
        guard inventory.vms[index].deleteProtected != enabled else { return }
        inventory.vms[index].deleteProtected = enabled
        let vm = inventory.vms[index]
        vmEvent(35, "VM \(vm.name) configuration was updated by \(userName).", vm: vm)
    }

    /// Takes (or releases) the VM's exclusive lock as another operation
    /// would; no event, as the engine's in-memory locks write none.
    mutating func adminHoldVM(_ key: String, _ held: Bool) throws(AdminError) {
        let id = inventory.vms[try adminVMIndex(key)].id
        if held { inventory.heldVMIDs.insert(id) } else { inventory.heldVMIDs.remove(id) }
    }

    // MARK: Hosts

    /// Sets a host's status: 15 for maintenance, 16 and 13 for up, 12 for
    /// non responsive, 517 for non operational, 13 otherwise.
    mutating func adminSetHostStatus(_ key: String, to status: String) throws(AdminError) {
        guard Self.hostStatuses.contains(status) else { throw AdminError(.invalid, "unknown host status '\(status)'") }
        let index = try adminHostIndex(key)
        guard inventory.hosts[index].status != status else { return }
        inventory.hosts[index].status = status
        let host = inventory.hosts[index]
        switch status {
        case "maintenance":
            hostEvent(15, "Host \(host.name) was switched to Maintenance Mode.", host: host)
        case "up":
            hostEvent(16, "Activation of host \(host.name) initiated by \(userName).", host: host)
            hostEvent(13, "Status of host \(host.name) was set to Up.", host: host)
        case "non_responsive":
            hostEvent(12, "Host \(host.name) is non responsive.", host: host, severity: "error")
        case "non_operational":
            hostEvent(517, "Host \(host.name) moved to Non-Operational state.", host: host)
        default:
            hostEvent(13, "Status of host \(host.name) was set to \(Self.vdsStatusName(status)).", host: host)
        }
    }

    /// Adds an up host like the seeded ones (NIC `eno1` carrying the
    /// cluster's management network): 42 (`USER_ADD_VDS`).
    mutating func adminAddHost(name: String, cluster clusterKey: String?) throws(AdminError) -> SimHost {
        guard !name.isEmpty else { throw AdminError(.invalid, "a host needs a name") }
        guard !inventory.hosts.contains(where: { $0.name == name }) else {
            throw AdminError(.conflict, "a host named '\(name)' already exists")
        }
        let cluster = try adminCluster(clusterKey)
        let nic = SimHostNic(
            id: Self.newID(), name: "eno1", mac: nextMAC(), speed: 10_000_000_000, mtu: 1500,
            networkID: cluster.networkIDs.first
        )
        var attachments: [SimNetworkAttachment] = []
        if let management = cluster.networkIDs.first {
            attachments.append(SimNetworkAttachment(id: Self.newID(), networkID: management, nicID: nic.id))
        }
        let host = SimHost(
            id: Self.newID(),
            name: name,
            address: "\(name).lab.local",
            clusterID: cluster.id,
            status: "up",
            cpuModel: "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz",
            cpuSpeedMHz: 3000,
            sockets: 2,
            coresPerSocket: 24,
            threadsPerCore: 2,
            memory: 512 << 30,
            serialNumber: "CZ" + String(Self.newID().prefix(8)).uppercased(),
            hardwareUUID: Self.newID().uppercased(),
            spm: false,
            nics: [nic],
            networkAttachments: attachments
        )
        inventory.hosts.append(host)
        hostEvent(42, "Host \(name) was added by \(userName).", host: host)
        return host
    }

    /// Removes a host no VM runs on: 44 (`USER_REMOVE_VDS`).
    mutating func adminRemoveHost(_ key: String) throws(AdminError) {
        let index = try adminHostIndex(key)
        let host = inventory.hosts[index]
        let running = inventory.vms.filter { $0.hostID == host.id }.map(\.name)
        guard running.isEmpty else {
            throw AdminError(.conflict, "VMs run on host '\(host.name)': \(running.sorted().joined(separator: ", "))")
        }
        inventory.hosts.remove(at: index)
        hostEvent(44, "Host \(host.name) was removed by \(userName).", host: host)
    }

    /// `VDSStatus` names as the engine prints them (`non_responsive` → `NonResponsive`).
    static func vdsStatusName(_ status: String) -> String {
        status.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
