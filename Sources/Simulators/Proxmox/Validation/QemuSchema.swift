/// The VM configuration options of `qemu-server` (`json_config_properties`)
/// as the simulator checks them. Options the simulator gives meaning to are
/// checked like the real schema; the others are accepted as strings (or
/// their simple type) and stored as given.
enum QemuSchema {
    static let nicModels = [
        "e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b",
        "i82559er", "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3",
    ]

    /// `pve-qm-net`.
    static let net: PropertyFormat = {
        var aliases: [String: (alias: String, keyAlias: String)] = [:]
        for model in nicModels { aliases[model] = ("macaddr", "model") }
        return PropertyFormat(
            keys: [
                "model": .oneOf(nicModels, optional: false),
                "macaddr": .string(format: Formats.macAddress),
                "bridge": .string(format: Formats.bridgeID),
                "queues": .integer(minimum: 0, maximum: 64),
                "rate": ParamSpec(kind: .number, optional: true, minimum: 0),
                "tag": .integer(minimum: 1, maximum: 4094),
                "trunks": ParamSpec(kind: .string, optional: true, pattern: { text in
                    text.split(separator: ";", omittingEmptySubsequences: false).allSatisfy { range in
                        let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
                        return (1...2).contains(bounds.count) && bounds.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
                    }
                }),
                "firewall": .boolean(),
                "link_down": .boolean(),
                "mtu": .integer(minimum: 1, maximum: 65520),
            ],
            defaultKey: "model",
            aliases: aliases
        )
    }()

    /// `pve-qm-ipconfig`.
    static let ipconfig = PropertyFormat(
        keys: [
            "ip": .string(format: Formats.ipv4Config),
            "gw": ParamSpec(kind: .string, optional: true, format: Formats.ipv4, requires: "ip"),
            "ip6": .string(format: Formats.ipv6Config),
            "gw6": ParamSpec(kind: .string, optional: true, format: Formats.ipv6, requires: "ip6"),
        ],
        defaultKey: nil
    )

    /// The drive format (`pve-qm-scsi`, `pve-qm-virtio`, … with allocation).
    static let drive = PropertyFormat(
        keys: [
            "file": .string(optional: false, format: Formats.volumeIDOrPath),
            "media": .oneOf(["cdrom", "disk"]),
            "size": .string(format: Formats.diskSize),
            "format": .oneOf(["raw", "cow", "qcow", "qed", "qcow2", "vmdk", "cloop"]),
            "cache": .oneOf(["none", "writethrough", "writeback", "unsafe", "directsync"]),
            "aio": .oneOf(["native", "threads", "io_uring"]),
            "discard": .oneOf(["ignore", "on"]),
            "snapshot": .boolean(), "backup": .boolean(), "replicate": .boolean(), "iothread": .boolean(),
            "ssd": .boolean(), "ro": .boolean(), "shared": .boolean(), "detect_zeroes": .boolean(),
            "serial": .string(maxLength: 60), "wwn": .string(), "product": .string(), "vendor": .string(),
            "queues": .integer(minimum: 2), "rerror": .oneOf(["ignore", "report", "stop"]),
            "werror": .oneOf(["enospc", "ignore", "report", "stop"]),
            "cyls": .integer(), "heads": .integer(), "secs": .integer(), "trans": .oneOf(["none", "lba", "auto"]),
            "mbps": .string(), "mbps_rd": .string(), "mbps_wr": .string(), "iops": .string(), "iops_rd": .string(),
            "iops_wr": .string(), "import-from": .string(), "model": .string(), "efitype": .oneOf(["2m", "4m"]),
            "pre-enrolled-keys": .boolean(), "version": .oneOf(["v1.2", "v2.0"]),
        ],
        defaultKey: "file"
    )

    /// `agent`.
    static let agent = PropertyFormat(
        keys: [
            "enabled": .boolean(optional: false),
            "fstrim_cloned_disks": .boolean(),
            "freeze-fs-on-backup": .boolean(),
            "type": .oneOf(["virtio", "isa"]),
        ],
        defaultKey: "enabled"
    )

    /// `memory` (PVE 8: a property string whose default key is `current`).
    static let memory = PropertyFormat(keys: ["current": .integer(optional: false, minimum: 16)], defaultKey: "current")

    /// `cicustom`: `user=STORAGE:snippets/x.yaml,network=…`.
    static let cicustom = PropertyFormat(
        keys: [
            "meta": .string(format: Formats.volumeID), "network": .string(format: Formats.volumeID),
            "user": .string(format: Formats.volumeID), "vendor": .string(format: Formats.volumeID),
        ],
        defaultKey: nil
    )

    private static let plainStrings = [
        "hotplug", "keyboard", "bootdisk", "hugepages", "vga", "watchdog", "startdate", "startup", "args",
        "cdrom", "cpu", "vmstatestorage", "machine", "smbios1", "vmgenid", "hookscript", "ivshmem",
        "audio0", "spice_enhancements", "rng0", "affinity", "amd-sev", "lock", "sshkeys", "cipassword",
        "searchdomain", "ciuser", "boot",
    ]

    private static let plainBooleans = [
        "onboot", "autostart", "reboot", "numa", "acpi", "kvm", "tdf", "localtime", "freeze", "template",
        "tablet", "protection", "ciupgrade", "keephugepages",
    ]

    /// Every option name with its schema, indexed options included.
    static let options: [String: ParamSpec] = {
        var options: [String: ParamSpec] = [:]
        for name in plainStrings { options[name] = .string() }
        for name in plainBooleans { options[name] = .boolean() }
        options["name"] = .string(format: Formats.dnsName)
        options["description"] = .string(maxLength: 8192)
        options["tags"] = .string(format: Formats.tagList)
        options["cores"] = .integer(minimum: 1)
        options["sockets"] = .integer(minimum: 1)
        options["vcpus"] = .integer(minimum: 1)
        options["smp"] = .integer(minimum: 1)
        options["balloon"] = .integer(minimum: 0)
        options["shares"] = .integer(minimum: 0, maximum: 50000)
        options["cpuunits"] = .integer(minimum: 1, maximum: 262_144)
        options["cpulimit"] = ParamSpec(kind: .number, optional: true, minimum: 0, maximum: 128)
        options["migrate_speed"] = .integer(minimum: 0)
        options["migrate_downtime"] = ParamSpec(kind: .number, optional: true, minimum: 0)
        options["memory"] = .string(format: Formats.property(memory))
        options["agent"] = .string(format: Formats.property(agent))
        options["ostype"] = .oneOf(["other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11", "l24", "l26", "solaris"])
        options["scsihw"] = .oneOf(["lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi"])
        options["bios"] = .oneOf(["seabios", "ovmf"])
        options["arch"] = .oneOf(["x86_64", "aarch64"])
        options["citype"] = .oneOf(["configdrive2", "nocloud", "opennebula"])
        options["cicustom"] = .string(format: Formats.property(cicustom))
        options["nameserver"] = .string(format: Formats.addressList)
        for index in 0..<32 {
            options["net\(index)"] = .string(format: Formats.property(net))
            options["ipconfig\(index)"] = .string(format: Formats.property(ipconfig))
        }
        for name in DriveNames.all { options[name] = .string(format: Formats.property(drive)) }
        for index in 0..<256 { options["unused\(index)"] = .string(format: Formats.volumeID) }
        for index in 0..<4 { options["serial\(index)"] = .string() }
        for index in 0..<3 { options["parallel\(index)"] = .string() }
        for index in 0..<16 { options["hostpci\(index)"] = .string() }
        for index in 0..<14 { options["usb\(index)"] = .string() }
        for index in 0..<8 { options["numa\(index)"] = .string() }
        for index in 0..<10 { options["virtiofs\(index)"] = .string() }
        return options
    }()

    /// Options whose configuration values are JSON numbers in `GET …/config`
    /// (`integer` and `boolean` options go through `int()` when the file is parsed).
    static func isNumeric(_ option: String) -> Bool {
        guard let spec = options[option] else { return false }
        return spec.kind == .integer || spec.kind == .boolean
    }

    /// Whether `option` is a known option (for `delete` and `revert`).
    static func exists(_ option: String) -> Bool {
        options[option] != nil || option == "parent" || option == "vmstate" || option == "meta"
    }
}
