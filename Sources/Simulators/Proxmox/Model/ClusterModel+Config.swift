import Foundation

/// `POST|PUT /nodes/{node}/qemu/{vmid}/config`: the checks `update_vm_api`
/// makes before its worker runs, the disks its worker allocates, and the
/// change applied when the worker ends.
extension ClusterModel {
    /// The outcome of preparing a configuration change.
    struct PreparedConfig: Sendable {
        var update: ConfigUpdate
        /// Why the worker fails (a POST still returns a UPID, a PUT answers 500).
        var workerFailure: String?
    }

    /// Runs the synchronous checks and prepares the change.
    ///
    /// - Parameters:
    ///   - settings: Validated option values (without `delete`, `digest`, …).
    ///   - deleteList: The `delete` parameter.
    /// - Throws: The errors the real API answers before forking its worker.
    mutating func prepareConfigUpdate(
        vmid: Int,
        node: String,
        settings rawSettings: [String: String],
        deleteList: String?,
        revertList: String?,
        digest: String?
    ) throws(PVEError) -> PreparedConfig {
        var settings = rawSettings
        if let cdrom = settings.removeValue(forKey: "cdrom") { settings["ide2"] = cdrom + (cdrom.contains("media=") ? "" : ",media=cdrom") }
        if (deleteList ?? "").isEmpty, (revertList ?? "").isEmpty, settings.isEmpty {
            throw .runtime("no options specified")
        }
        for option in Identifiers.splitList(revertList ?? "") where !QemuSchema.exists(option) {
            throw .parameter("revert", "unknown option '\(option)'")
        }
        var deletes: [String] = []
        for var option in Identifiers.splitList(deleteList ?? "") {
            if option == "cdrom" { option = "ide2" }
            if settings[option] != nil {
                throw .parameter("delete", "you can't use '-\(option)' and -delete \(option)' at the same time")
            }
            guard QemuSchema.exists(option) else { throw .parameter("delete", "unknown option '\(option)'") }
            deletes.append(option)
        }
        for (key, value) in settings where DriveNames.isDrive(key) {
            guard case .success(var options) = QemuSchema.drive.parse(value, path: key),
                let file = options.removeValue(forKey: "file")
            else { throw .parameter(key, "unable to parse drive options") }
            let drive = Drive(file: file, options: options)
            settings[key] = drive.text
            if drive.newDiskGiB != nil || drive.isCloudInit && drive.volumeName == "cloudinit" {
                guard let storeID = drive.storage else { continue }
                guard let storage = storage(storeID) else { throw .runtime("storage '\(storeID)' does not exist") }
                if drive.newDiskGiB != nil, !storage.holdsImages {
                    throw .parameter("storage", "storage '\(storeID)' does not support vm images")
                }
            }
        }
        for (key, value) in settings where key.hasPrefix("net") && DriveNames.index(key) < 32 && QemuSchema.options[key] != nil {
            settings[key] = normalizedNet(value)
        }
        if let tags = settings["tags"] { settings["tags"] = Self.uniqueTags(tags) }

        guard let vm = vms[vmid], vm.node == node else { throw .noConfig(vmid: vmid, node: node) }
        if let digest, digest != vm.config.digest { throw .runtime("checksum mismatch (file change by other user?)") }
        if let lock = vm.config.lock { throw .runtime("VM is locked (\(lock))") }
        if settings["memory"] != nil || settings["balloon"] != nil {
            var memoryConfig = vm.config
            if let memory = settings["memory"] { memoryConfig["memory"] = memory }
            let balloon = settings["balloon"].flatMap { Int($0) } ?? vm.config["balloon"].flatMap { Int($0) } ?? 0
            if balloon > 0, balloon > memoryConfig.memoryMiB {
                throw .runtime("balloon value too large (must be smaller than assigned memory)")
            }
        }
        return allocateDisks(vm: vm, settings: settings, deletes: deletes)
    }

    /// The worker's `create_disks`: allocates new disks and cloud-init drives.
    private mutating func allocateDisks(vm: PVEVM, settings: [String: String], deletes: [String]) -> PreparedConfig {
        var update = ConfigUpdate(set: settings, delete: deletes)
        update.log.append("update VM \(vm.vmid): " + (settings.keys.sorted().map { "-\($0) \($0 == "cipassword" ? "<hidden>" : settings[$0]!)" }
            + (deletes.isEmpty ? [] : ["-delete \(deletes.joined(separator: ","))"])).joined(separator: " "))
        for key in settings.keys.sorted() where DriveNames.isDrive(key) {
            guard var drive = Drive(settings[key]!) else { continue }
            if drive.file == "none" || drive.file == "cdrom" {
                drive.options["size"] = nil
            } else if drive.isCloudInit && drive.volumeName == "cloudinit" {
                if let other = vm.config.driveKeys.first(where: { $0 != key && (vm.config[$0].flatMap(Drive.init)?.isCloudInit ?? false) }) {
                    return fail(update, "\(key) - cloud-init drive is already attached at '\(other)'", node: vm.node)
                }
                let storage = storage(drive.storage!)!
                drive.file = allocateVolume(storage: storage, node: vm.node, vmid: vm.vmid, bytes: 4 << 20, name: "vm-\(vm.vmid)-cloudinit")
                drive.options["media"] = "cdrom"
                drive.options["format"] = nil
                update.allocated.append(drive.file)
                update.log.append("\(key): successfully created disk '\(drive.text)'")
            } else if let gib = drive.newDiskGiB, let storeID = drive.storage, let storage = storage(storeID) {
                let bytes = Int(gib * Double(DiskSize.gib))
                var volid = allocateVolume(storage: storage, node: vm.node, vmid: vm.vmid, bytes: bytes)
                if vm.config.isTemplate {
                    freeVolume(volid, node: vm.node)
                    let name = volid.replacingOccurrences(of: "\(storeID):vm-", with: "base-")
                    volid = allocateVolume(storage: storage, node: vm.node, vmid: vm.vmid, bytes: bytes, name: name)
                }
                drive.file = volid
                drive.options["size"] = DiskSize.format(bytes)
                drive.options["format"] = nil
                update.allocated.append(volid)
                update.log.append("\(key): successfully created disk '\(drive.text)'")
            } else if drive.file.allSatisfy({ $0.isNumber || $0 == "." }) {
                return fail(update, "no storage ID specified (and no default storage)", node: vm.node)
            } else if drive.file.contains(":") {
                guard let size = volumeSize(drive.file, node: vm.node) else {
                    return fail(update, "volume \(drive.file) does not exist", node: vm.node)
                }
                drive.options["size"] = DiskSize.format(size)
            }
            update.set[key] = drive.text
        }
        return PreparedConfig(update: update, workerFailure: nil)
    }

    private mutating func fail(_ update: ConfigUpdate, _ message: String, node: String) -> PreparedConfig {
        for volid in update.allocated { freeVolume(volid, node: node) }
        var failed = update
        failed.allocated = []
        return PreparedConfig(update: failed, workerFailure: message)
    }

    /// Applies a prepared change (`vmconfig_apply_pending`): deleted disks
    /// and replaced disks become `unusedN`, cloud-init drives and deleted
    /// `unusedN` volumes are freed.
    mutating func applyConfig(_ vmid: Int, _ update: ConfigUpdate) -> Result<[String], PVEError> {
        guard var vm = vms[vmid] else { return .failure(.noConfig(vmid: vmid, node: "localhost")) }
        var lines: [String] = []
        for option in update.delete {
            guard let value = vm.config[option] else {
                lines.append("cannot delete '\(option)' - not set in current configuration!")
                continue
            }
            vm.config[option] = nil
            if option.hasPrefix("unused") {
                freeVolume(value, node: vm.node)
            } else if DriveNames.isDrive(option) {
                detach(value, from: &vm)
            }
        }
        for key in update.set.keys.sorted() {
            let value = update.set[key]!
            if DriveNames.isDrive(key), let old = vm.config[key], old != value,
                Drive(old)?.file != Drive(value)?.file
            {
                detach(old, from: &vm)
            }
            if DriveNames.isDrive(key), let file = Drive(value)?.file {
                for unused in vm.config.unusedKeys where vm.config[unused] == file { vm.config[unused] = nil }
            }
            vm.config[key] = value
        }
        vms[vmid] = vm
        return .success(lines)
    }

    /// A drive leaving the configuration: data disks are kept as `unusedN`,
    /// cloud-init volumes freed, CD-ROMs just dropped.
    private mutating func detach(_ value: String, from vm: inout PVEVM) {
        guard let drive = Drive(value), drive.storage != nil else { return }
        if drive.isCloudInit {
            freeVolume(drive.file, node: vm.node)
        } else if !drive.isCDROM {
            vm.config[vm.config.nextUnusedKey] = drive.file
        }
    }

    /// `netN` with a MAC address added when missing (`parse_net` + `print_net`).
    mutating func normalizedNet(_ value: String) -> String {
        guard case .success(var parsed) = QemuSchema.net.parse(value, path: "net") else { return value }
        if parsed["macaddr"] == nil { parsed["macaddr"] = newMAC() }
        return PropertyString.print(parsed, defaultKey: "model", combineWith: "macaddr")
    }

    /// `get_unique_tags`: split, lower-cased, sorted, without duplicates, joined by `;`.
    static func uniqueTags(_ tags: String) -> String {
        var seen: Set<String> = []
        return Identifiers.splitList(tags).map { $0.lowercased() }.sorted().filter { seen.insert($0).inserted }
            .joined(separator: ";")
    }
}
