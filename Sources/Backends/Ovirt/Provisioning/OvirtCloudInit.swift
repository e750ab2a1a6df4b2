import AggregatorCore
import Foundation

/// The VM's cloud-init `initialization`, persisted on the VM so it is applied on the first run.
///
/// Extra disks are formatted and mounted by a cloud-config `custom_script`. The guest finds each
/// disk by the serial the engine gives it, the first 20 characters of the disk id, which udev
/// publishes for a virtio-scsi disk as `/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_<serial>`:
/// unlike `/dev/sdb`, this does not depend on the order the guest discovers its disks in.
/// Each disk gets one XFS file system on the whole device (no partition table, so growing the disk
/// later needs only `xfs_growfs`), never overwriting an existing one, and is mounted with `nofail`.
struct OvirtCloudInit: Sendable, Hashable {
    /// One extra disk to mount.
    struct Mount: Sendable, Hashable {
        var diskID: String
        var mountPoint: String
    }

    var hostName: String
    var nicName: String
    var address: String
    var netmask: String
    var gateway: String
    var dnsServers: [String]
    var mounts: [Mount] = []

    init(vm: VMSpec, mounts: [Mount] = []) {
        hostName = vm.hostname
        nicName = vm.nicName
        address = vm.address
        netmask = vm.netmask
        gateway = vm.gateway
        dnsServers = vm.dnsServers
        self.mounts = mounts
    }

    /// The guest path of a virtio-scsi disk with engine id `diskID`.
    static func devicePath(diskID: String) -> String {
        "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_" + String(diskID.prefix(20))
    }

    /// `#cloud-config` that formats and mounts ``mounts``; nil when there is nothing to mount.
    var customScript: String? {
        guard !mounts.isEmpty else { return nil }
        var lines = ["#cloud-config", "fs_setup:"]
        for mount in mounts {
            lines.append("  - device: \(Self.yamlQuoted(Self.devicePath(diskID: mount.diskID)))")
            lines.append("    filesystem: xfs")
            lines.append("    partition: none")
            lines.append("    overwrite: false")
        }
        lines.append("mounts:")
        for mount in mounts {
            let fields = [Self.devicePath(diskID: mount.diskID), mount.mountPoint, "xfs", "defaults,nofail", "0", "2"]
            lines.append("  - [" + fields.map(Self.yamlQuoted).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `initialization` element.
    var body: OvirtBody {
        .object([
            "host_name": .string(hostName),
            "dns_servers": dnsServers.isEmpty ? nil : .string(dnsServers.joined(separator: " ")),
            "nic_configurations": .list("nic_configuration", [
                .object([
                    "name": .string(nicName),
                    "boot_protocol": .string("static"),
                    "on_boot": .bool(true),
                    "ip": .object([
                        "address": .string(address),
                        "netmask": .string(netmask),
                        "gateway": .string(gateway),
                        "version": .string("v4"),
                    ]),
                ]),
            ]),
            "custom_script": customScript.map { .string($0) },
        ])
    }

    private static func yamlQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
