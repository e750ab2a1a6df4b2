import Foundation

/// `POST /nodes/{node}/qemu/{vmid}/clone` (`clone_vm` in `PVE/API2/Qemu.pm`).
extension ClusterModel {
    /// What a clone request asks for.
    struct CloneRequest: Sendable {
        var vmid: Int
        var node: String
        var newid: Int
        var name: String?
        var description: String?
        var pool: String?
        var snapname: String?
        var storage: String?
        var format: String?
        var full: Bool?
        var target: String?
    }

    /// Runs `load_and_check` (every failure here is the HTTP answer), then
    /// what the worker does at its start: the new VM appears on the source
    /// node, locked `clone`, with its disks allocated.
    ///
    /// - Returns: The task effect and log.
    mutating func prepareClone(_ request: CloneRequest) throws(PVEError) -> (effect: TaskEffect, log: [String]) {
        var target = request.target
        if target == request.node || target == "localhost" { target = nil }
        if let pool = request.pool, !pools.contains(pool) { throw .permission("pool '\(pool)' does not exist") }
        if let target, node(target) == nil { throw .runtime("no such cluster node '\(target)'") }
        var destination: PVEStorage?
        if let storeID = request.storage {
            guard let storage = storage(storeID) else { throw .runtime("storage '\(storeID)' does not exist") }
            guard storage.holdsImages else {
                throw .parameter("storage", "storage '\(storeID)' does not support vm images")
            }
            if target != nil, !storage.shared { throw .runtime("can't clone to non-shared storage '\(storeID)'") }
            destination = storage
        }
        guard quorate else { throw .runtime("cluster not ready - no quorum?") }
        guard let source = vms[request.vmid], source.node == request.node else {
            throw .noConfig(vmid: request.vmid, node: request.node)
        }
        if let lock = source.config.lock { throw .runtime("VM is locked (\(lock))") }
        if let snapname = request.snapname { throw .runtime("snapshot '\(snapname)' does not exist") }
        let full = request.full ?? !source.config.isTemplate
        if request.storage != nil, !full { throw .runtime("parameter 'storage' not allowed for linked clones") }
        if request.format != nil, !full { throw .runtime("parameter 'format' not allowed for linked clones") }

        var sharedVM = true
        for key in source.config.driveKeys {
            guard let drive = source.config[key].flatMap(Drive.init), drive.file != "none", let storeID = drive.storage else {
                continue
            }
            if !(storage(storeID)?.shared ?? false) { sharedVM = false }
        }
        if let target, !sharedVM { throw .runtime("can't clone VM to node '\(target)' (VM uses local storage)") }
        if vms[request.newid] != nil {
            throw .runtime("unable to create VM \(request.newid): config file already exists")
        }
        for key in source.config.driveKeys {
            guard let drive = source.config[key].flatMap(Drive.init), !(drive.isCDROM && !drive.isCloudInit) else { continue }
            if !full, !drive.isCloudInit, !(drive.volumeName?.hasPrefix("base-") ?? false) {
                throw .runtime("Linked clone feature is not supported for '\(drive.file)' (\(key))")
            }
        }

        var log: [String] = []
        var config = VMConfig()
        for (key, value) in source.config.values where !key.hasPrefix("unused") {
            guard !["snapshots", "parent", "snaptime", "vmstate", "snapstate", "template", "lock"].contains(key) else { continue }
            config[key] = value
        }
        for key in source.config.netKeys {
            if let value = config[key] { config[key] = replacingMAC(in: value) }
        }
        var smbios = PropertyString.parse(config["smbios1"] ?? "")
        smbios["uuid"] = UUID().uuidString.lowercased()
        config["smbios1"] = PropertyString.print(smbios, defaultKey: nil)
        if config["vmgenid"] != nil { config["vmgenid"] = UUID().uuidString.lowercased() }
        config["name"] = request.name ?? "Copy-of-VM-\(source.config.name ?? String(request.vmid))"
        if let description = request.description, !description.isEmpty { config["description"] = description }
        config["lock"] = "clone"

        for key in source.config.driveKeys {
            guard var drive = source.config[key].flatMap(Drive.init), !(drive.isCDROM && !drive.isCloudInit),
                let sourceStorage = drive.storage.flatMap({ storage($0) })
            else { continue }
            let bytes = volumeSize(drive.file, node: source.node) ?? drive.sizeBytes ?? 0
            if full || drive.isCloudInit {
                log.append("create full clone of drive \(key) (\(drive.file))")
                let storage = destination ?? sourceStorage
                if drive.isCloudInit {
                    drive.file = allocateVolume(
                        storage: storage, node: source.node, vmid: request.newid, bytes: bytes, name: "vm-\(request.newid)-cloudinit"
                    )
                } else {
                    drive.file = allocateVolume(storage: storage, node: source.node, vmid: request.newid, bytes: bytes)
                    log.append("transferred 0.0 B of \(DiskSize.render(bytes)) (0.00%)")
                    log.append("transferred \(DiskSize.render(bytes)) of \(DiskSize.render(bytes)) (100.00%)")
                }
            } else {
                log.append("create linked clone of drive \(key) (\(drive.file))")
                let base = drive.volumeName ?? ""
                var volid = allocateVolume(storage: sourceStorage, node: source.node, vmid: request.newid, bytes: bytes)
                if sourceStorage.type == "rbd" {
                    let name = String(volid.dropFirst(sourceStorage.id.count + 1))
                    freeVolume(volid, node: source.node)
                    volid = allocateVolume(
                        storage: sourceStorage, node: source.node, vmid: request.newid, bytes: bytes, name: "\(base)/\(name)"
                    )
                } else {
                    log.append("  Logical volume \"\(volid.dropFirst(sourceStorage.id.count + 1))\" created.")
                }
                drive.file = volid
            }
            config[key] = drive.text
        }
        var clone = PVEVM(vmid: request.newid, node: source.node, config: config)
        clone.pool = request.pool
        vms[request.newid] = clone
        return (.clone(newid: request.newid, targetNode: target), log)
    }

    /// A `netN` value with a fresh MAC address (a clone always gets new ones).
    private mutating func replacingMAC(in value: String) -> String {
        var parts = value.split(separator: ",").map(String.init)
        guard let first = parts.first, let equals = first.firstIndex(of: "="),
            QemuSchema.nicModels.contains(String(first[..<equals]))
        else { return value }
        parts[0] = first[..<equals] + "=" + newMAC()
        return parts.joined(separator: ",")
    }
}
