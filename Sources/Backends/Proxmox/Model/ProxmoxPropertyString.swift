import BackendSupport

/// A Proxmox property string: `virtio=BC:24:11:2A:3B:4C,bridge=vmbr0,tag=2921` or
/// `local-lvm:vm-100-disk-0,size=32G`. A leading part without `=` is the default key's value
/// (the volume of a drive); the others are `key=value` pairs in order.
struct ProxmoxPropertyString: Sendable, Hashable {
    /// The leading part without `=` (`local-lvm:vm-100-disk-0`), if any.
    var head: String?
    var pairs: [(key: String, value: String)]

    init(_ text: String) {
        var head: String?
        var pairs: [(key: String, value: String)] = []
        for (index, part) in text.split(separator: ",", omittingEmptySubsequences: true).enumerated() {
            if let equals = part.firstIndex(of: "=") {
                pairs.append((String(part[..<equals]), String(part[part.index(after: equals)...])))
            } else if index == 0 {
                head = String(part)
            }
        }
        self.head = head
        self.pairs = pairs
    }

    subscript(key: String) -> String? { pairs.first { $0.key == key }?.value }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.head == rhs.head && lhs.pairs.map(\.key) == rhs.pairs.map(\.key) && lhs.pairs.map(\.value) == rhs.pairs.map(\.value)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(head)
        for pair in pairs {
            hasher.combine(pair.key)
            hasher.combine(pair.value)
        }
    }
}

/// A disk of a VM configuration (`scsi0: local-lvm:vm-100-disk-0,size=32G`).
struct ProxmoxDrive: Sendable, Hashable {
    /// `scsi0`.
    var slot: String
    /// `local-lvm:vm-100-disk-0`, or `none` for an empty drive.
    var volume: String
    /// Bytes, from `size=`.
    var sizeBytes: Int64?
    /// `cdrom` for CD drives (and the cloud-init drive).
    var media: String?

    /// The storage part of the volume (`local-lvm`), nil for `none` or a path.
    var storage: String? {
        guard let colon = volume.firstIndex(of: ":"), !volume.hasPrefix("/") else { return nil }
        return String(volume[..<colon])
    }

    /// A disk that holds data: not a CD drive, not empty, not the cloud-init drive.
    var isDisk: Bool { media != "cdrom" && volume != "none" && !volume.contains("cloudinit") }

    /// Bus prefixes of disk slots, as qemu-server numbers them (`scsi0`–`scsi30`, `virtio0`–`virtio15`, ...).
    static let buses = ["scsi", "virtio", "sata", "ide"]

    /// Whether `key` names a disk slot (`scsi3`, `virtio0`), not `scsihw` or `unused0`.
    static func isSlot(_ key: String) -> Bool {
        buses.contains { bus in
            key.hasPrefix(bus) && !key.dropFirst(bus.count).isEmpty && key.dropFirst(bus.count).allSatisfy(\.isNumber)
        }
    }

    init(slot: String, volume: String, sizeBytes: Int64?, media: String?) {
        self.slot = slot
        self.volume = volume
        self.sizeBytes = sizeBytes
        self.media = media
    }

    init?(slot: String, text: String) {
        guard Self.isSlot(slot) else { return nil }
        let property = ProxmoxPropertyString(text)
        guard let volume = property.head ?? property["file"] else { return nil }
        self.init(slot: slot, volume: volume, sizeBytes: property["size"].flatMap(Self.parseSize),
                  media: property["media"])
    }

    /// Every drive of a configuration, in slot order.
    static func drives(of config: ProxmoxVMConfig) -> [ProxmoxDrive] {
        config.compactMap { ProxmoxDrive(slot: $0.key, text: $0.value.value) }.sorted { order($0.slot) < order($1.slot) }
    }

    /// The disk the VM boots from: the first disk of `boot: order=…`, else the legacy `bootdisk`,
    /// else the first disk in slot order (scsi, virtio, sata, ide).
    static func bootDisk(of config: ProxmoxVMConfig) -> ProxmoxDrive? {
        let disks = drives(of: config).filter(\.isDisk)
        if let boot = config["boot"]?.value {
            let property = ProxmoxPropertyString(boot)
            let order = property["order"] ?? (property.head.map { _ in "" } ?? "")
            for slot in order.split(separator: ";") {
                if let disk = disks.first(where: { $0.slot == slot }) { return disk }
            }
        }
        if let slot = config["bootdisk"]?.value, let disk = disks.first(where: { $0.slot == slot }) { return disk }
        return disks.first
    }

    /// `32G` → bytes, as `PVE::JSONSchema::parse_size` reads it (K, M, G, T, with or without `iB`; plain bytes).
    static func parseSize(_ text: String) -> Int64? {
        var number = Substring(text.trimmingWhitespace())
        var unit: Int64 = 1
        for (suffixes, factor) in [(["KiB", "K"], Int64(1) << 10), (["MiB", "M"], Int64(1) << 20),
                                   (["GiB", "G"], Int64(1) << 30), (["TiB", "T"], Int64(1) << 40)] {
            if let suffix = suffixes.first(where: { number.hasSuffix($0) }) {
                number = number.dropLast(suffix.count)
                unit = factor
                break
            }
        }
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        let bytes = value * Double(unit)
        return bytes < 9.0e18 ? Int64(bytes) : nil
    }

    private static func order(_ slot: String) -> (Int, Int) {
        let bus = buses.firstIndex { slot.hasPrefix($0) } ?? buses.count
        let number = Int(slot.drop { !$0.isNumber }) ?? 0
        return (bus, number)
    }
}
