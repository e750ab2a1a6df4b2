/// Readers for the parts of a VM request both request shapes share: the disk list and the
/// static IPv4 settings.
extension FieldReader {
    /// Names of the disk fields in one request shape (`size` in the seed's files, `size_gb` in
    /// `POST /api/v1/vms`).
    struct DiskKeys {
        var size: String
        var known: [String]

        static let seed = DiskKeys(size: "size", known: ["mount_point", "size", "sparse", "type"])
        static let api = DiskKeys(size: "size_gb", known: ["mount_point", "size_gb", "sparse"])
    }

    /// The disk list under `key`: at least one disk, at most `maxDisks`, sizes within
    /// `1...maxDiskGB`, mount points absolute and distinct.
    mutating func disks(_ key: String, keys: DiskKeys, maxDisks: Int, maxDiskGB: Int) -> [DiskSpec]? {
        let path = ProvisioningItem.join(self.path, key)
        guard let value = object[key], !value.isNull else {
            issue(key, "is required",
                  fix: "list the VM's disks: [{\"\(keys.size)\": 40, \"mount_point\": \"/\", \"sparse\": 1}]")
            return nil
        }
        guard let items = value.array else {
            issue(key, "must be an array, found \(value.typeName)")
            return nil
        }
        guard !items.isEmpty else {
            issue(key, "must list at least one disk")
            return nil
        }
        if items.count > maxDisks { issue(key, "\(items.count) disks; at most \(maxDisks)") }
        var disks: [DiskSpec] = []
        var mounts: [String: Int] = [:]
        var ok = true
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard item.members != nil else {
                issues.append(ValidationIssue(path: itemPath, message: "must be an object, found \(item.typeName)", at: item))
                ok = false
                continue
            }
            var disk = FieldReader(object: item, path: itemPath)
            for member in item.members ?? [] where !keys.known.contains(member.key) {
                disk.issues.append(ValidationIssue(path: "\(itemPath).\(member.key)", message: "unknown field",
                                                   fix: "known fields: \(keys.known.joined(separator: ", "))",
                                                   at: member.value))
            }
            let size = disk.integer(keys.size, in: 1...maxDiskGB, unit: " GB",
                                    fix: "disk size is in GB, between 1 and \(maxDiskGB)")
            let type = keys.known.contains("type") ? disk.optionalInteger("type") : nil
            let mount = disk.optionalString("mount_point")
            if let mount {
                if !mount.hasPrefix("/") || mount.contains(" ") {
                    disk.issue("mount_point", "'\(mount)' is not an absolute path", fix: "e.g. / or /data")
                } else if let first = mounts[mount] {
                    disk.issue("mount_point", "'\(mount)' is also the mount point of disk [\(first)]")
                } else {
                    mounts[mount] = index
                }
            }
            let sparse = disk.flag("sparse")
            issues += disk.issues
            if let size, let sparse, disk.issues.isEmpty {
                disks.append(DiskSpec(sizeGB: size, type: type, mountPoint: mount, sparse: sparse))
            } else {
                ok = false
            }
        }
        return ok ? disks : nil
    }

    /// A static IPv4 setting: an address, its netmask and a gateway inside the subnet.
    struct StaticAddress {
        var address: String
        var netmask: String
        var gateway: String
    }

    /// Reads `address`, `netmask` and `gateway` and checks them together: a usable contiguous
    /// netmask (/1–/30), a host address (not the network or broadcast address), a gateway in the
    /// subnet that is not the address itself.
    mutating func staticAddress() -> StaticAddress? {
        let address = ipv4("address")
        let netmask = ipv4("netmask")
        let gateway = ipv4("gateway")
        var netmaskBits: Int?
        if let netmask {
            netmaskBits = NetworkText.prefixLength(ofNetmask: netmask)
            if netmaskBits == nil || netmaskBits == 0 || netmaskBits! > 30 {
                issue("netmask", "'\(netmask)' is not a usable netmask", fix: "a contiguous mask such as 255.255.255.192")
                netmaskBits = nil
            }
        }
        var ok = true
        if let address, let netmask, let bits = netmaskBits {
            let (network, broadcast) = NetworkText.bounds(address: address, netmask: netmask)
            if NetworkText.value(address) == network || NetworkText.value(address) == broadcast {
                issue("address", "\(address) is the network or broadcast address of its /\(bits) subnet",
                      fix: "use a host address")
                ok = false
            }
            if let gateway {
                let gatewayValue = NetworkText.value(gateway)
                if gatewayValue & NetworkText.value(netmask) != network {
                    issue("gateway", "\(gateway) is outside the subnet of \(address)/\(bits)",
                          fix: "the gateway must be in the VM's subnet")
                    ok = false
                } else if gateway == address {
                    issue("gateway", "equals the VM's own address")
                    ok = false
                }
            }
        }
        guard ok, let address, let netmask, netmaskBits != nil, let gateway else { return nil }
        return StaticAddress(address: address, netmask: netmask, gateway: gateway)
    }

    /// A host name for cloud-init, when present and valid.
    mutating func hostname(_ key: String, required: Bool) -> String? {
        guard required || object[key] != nil else { return nil }
        guard let hostname = string(key) else { return nil }
        guard NetworkText.isHostname(hostname) else {
            issue(key, "'\(hostname)' is not a valid host name",
                  fix: "letters, digits, '-' and '_', labels of at most 63 characters separated by dots")
            return nil
        }
        return hostname
    }

    /// A guest interface name (`enp1s0`), when present and valid.
    mutating func interfaceName(_ key: String, required: Bool) -> String? {
        guard required || object[key] != nil else { return nil }
        guard let name = string(key) else { return nil }
        guard NetworkText.isInterfaceName(name) else {
            issue(key, "'\(name)' is not a valid interface name", fix: "at most 15 characters: letters, digits, '-', '_', '.'")
            return nil
        }
        return name
    }
}
