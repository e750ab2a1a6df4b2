/// A VM's configuration as `qemu-server` keeps it: option name to value
/// text, the way `/etc/pve/qemu-server/VMID.conf` holds it.
struct VMConfig: Sendable, Equatable {
    var values: [String: String] = [:]

    subscript(key: String) -> String? {
        get { values[key] }
        set { values[key] = newValue }
    }

    var name: String? { values["name"] }
    var lock: String? { values["lock"] }
    var isTemplate: Bool { values["template"].map { $0 == "1" } ?? false }

    /// The configuration file text: the description as `#` comment lines,
    /// then `key: value` lines sorted by key.
    var fileText: String {
        var text = ""
        if let description = values["description"] {
            for line in description.split(separator: "\n", omittingEmptySubsequences: false) {
                text += "#\(line)\n"
            }
        }
        for key in values.keys.sorted() where key != "description" {
            text += "\(key): \(values[key]!)\n"
        }
        return text
    }

    /// The SHA-1 of ``fileText``, as the API's `digest`.
    var digest: String { SHA1.hex(fileText) }

    /// The drive options (`scsi0`, `ide2`, …) present, sorted by name.
    var driveKeys: [String] {
        values.keys.filter { DriveNames.isDrive($0) }.sorted()
    }

    /// The `unusedN` entries, sorted by index.
    var unusedKeys: [String] {
        values.keys.filter { $0.hasPrefix("unused") }.sorted { DriveNames.index($0) < DriveNames.index($1) }
    }

    /// The `netN` options, sorted by index.
    var netKeys: [String] {
        values.keys.filter { $0.hasPrefix("net") && Int($0.dropFirst(3)) != nil }
            .sorted { DriveNames.index($0) < DriveNames.index($1) }
    }

    /// The drive whose size `maxdisk` reports: the first disk of the boot
    /// order, else the first of `scsi0`, `virtio0`, `sata0`, `ide0` that
    /// is a disk.
    var bootDisk: Drive? {
        var candidates: [String] = []
        if let boot = values["boot"], let order = PropertyString.parse(boot)["order"] {
            candidates = order.split(separator: ";").map(String.init)
        } else if let bootdisk = values["bootdisk"] {
            candidates = [bootdisk]
        }
        candidates += ["scsi0", "virtio0", "sata0", "ide0"]
        for key in candidates where DriveNames.isDrive(key) {
            if let text = values[key], let drive = Drive(text), !drive.isCDROM {
                return drive
            }
        }
        return nil
    }

    /// The lowest free index for a new `unusedN` entry.
    var nextUnusedKey: String {
        var index = 0
        while values["unused\(index)"] != nil { index += 1 }
        return "unused\(index)"
    }

    /// Memory in MiB (`memory` is a property string whose default key is `current`; default 512).
    var memoryMiB: Int {
        guard let memory = values["memory"] else { return 512 }
        let parsed = PropertyString.parse(memory, defaultKey: "current")
        return parsed["current"].flatMap { Int($0) } ?? 512
    }

    /// sockets × cores (defaults 1 each), or `vcpus` when set.
    var cpuCount: Int {
        if let vcpus = values["vcpus"].flatMap({ Int($0) }) { return vcpus }
        let sockets = values["sockets"].flatMap { Int($0) } ?? 1
        let cores = values["cores"].flatMap { Int($0) } ?? 1
        return sockets * cores
    }

    /// Whether `agent` is set with `enabled` on.
    var agentEnabled: Bool {
        guard let agent = values["agent"] else { return false }
        let enabled = PropertyString.parse(agent, defaultKey: "enabled")["enabled"] ?? "0"
        return PropertyString.boolean(enabled) == true
    }
}

/// The drive option names `qemu-server` knows.
enum DriveNames {
    static let limits: [(prefix: String, count: Int)] = [
        ("ide", 4), ("sata", 6), ("scsi", 31), ("virtio", 16), ("efidisk", 1), ("tpmstate", 1),
    ]

    /// Whether `key` is a valid drive name (`scsi0` … `scsi30`, `ide0` … `ide3`, …).
    static func isDrive(_ key: String) -> Bool {
        for (prefix, count) in limits where key.hasPrefix(prefix) {
            let digits = key.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.allSatisfy(\.isNumber), digits == String(Int(digits) ?? -1),
                let index = Int(digits)
            else { return false }
            return index < count
        }
        return false
    }

    /// The trailing number of `scsi3`, `unused12`, `net0`.
    static func index(_ key: String) -> Int {
        Int(key.drop { !$0.isNumber }) ?? 0
    }

    /// Every valid drive name, for enumerations in error messages.
    static var all: [String] {
        limits.flatMap { limit in (0..<limit.count).map { "\(limit.prefix)\($0)" } }
    }
}
