/// How VMs appear in `/cluster/resources`, `/nodes/{node}/qemu`,
/// `status/current` and `config` (field names and JSON types as
/// `PVE::QemuServer::vmstatus`, `pvestatd` and `extract_vm_stats` give them).
enum VMRendering {
    /// Made-up but stable usage figures of a running VM.
    struct Usage {
        var uptime = 0
        var cpu = 0.0
        var mem = 0
        var netin = 0
        var netout = 0
        var diskread = 0
        var diskwrite = 0
    }

    static func usage(_ vm: PVEVM, now: Double) -> Usage {
        guard vm.runState != .stopped, let started = vm.startedAt else { return Usage() }
        let uptime = max(0, Int(now - started))
        let maxmem = vm.config.memoryMiB << 20
        let seed = vm.vmid % 11
        return Usage(
            uptime: uptime,
            cpu: vm.runState == .paused ? 0 : 0.004 + Double(seed) * 0.0031,
            mem: maxmem / 100 * (35 + seed * 4),
            netin: uptime * (900 + seed * 37),
            netout: uptime * (400 + seed * 23),
            diskread: 250_000_000 + uptime * 2_000,
            diskwrite: 90_000_000 + uptime * 1_500
        )
    }

    static func maxDisk(_ vm: PVEVM, model: ClusterModel) -> Int {
        guard let disk = vm.config.bootDisk else { return 0 }
        return model.volumeSize(disk.file, node: vm.node) ?? disk.sizeBytes ?? 0
    }

    /// `maxcpu` / `cpus`: the configured vCPUs, at most the node's CPUs.
    static func cpus(_ vm: PVEVM, model: ClusterModel) -> Int {
        min(vm.config.cpuCount, model.node(vm.node)?.maxCPU ?? 32)
    }

    /// A `type: qemu` entry of `/cluster/resources`. A VM on an offline
    /// node has no statistics any more: only its ids, `status: unknown`,
    /// and the `lock`/`tags` of its configuration.
    static func resource(_ vm: PVEVM, model: ClusterModel, now: Double) -> PVEJSON {
        var entry: [String: PVEJSON] = [
            "id": .string("qemu/\(vm.vmid)"), "vmid": .int(vm.vmid), "node": .string(vm.node),
            "type": .string("qemu"), "status": .string("unknown"),
        ]
        if model.node(vm.node)?.online ?? false {
            let usage = usage(vm, now: now)
            entry["status"] = .string(vm.runState.rawValue)
            entry["name"] = .string(vm.name)
            entry["uptime"] = .int(usage.uptime)
            entry["template"] = .int(vm.config.isTemplate ? 1 : 0)
            entry["maxcpu"] = .int(cpus(vm, model: model))
            entry["cpu"] = .double(usage.cpu)
            entry["maxmem"] = .int(vm.config.memoryMiB << 20)
            entry["mem"] = .int(usage.mem)
            entry["maxdisk"] = .int(maxDisk(vm, model: model))
            entry["disk"] = .int(0)
            entry["netin"] = .int(usage.netin)
            entry["netout"] = .int(usage.netout)
            entry["diskread"] = .int(usage.diskread)
            entry["diskwrite"] = .int(usage.diskwrite)
        }
        if let lock = vm.config.lock { entry["lock"] = .string(lock) }
        if let tags = vm.config["tags"] { entry["tags"] = .string(tags) }
        if let pool = vm.pool { entry["pool"] = .string(pool) }
        return .object(entry)
    }

    /// An entry of `GET /nodes/{node}/qemu` (`vmstatus`); `full` adds what QMP tells.
    static func status(_ vm: PVEVM, model: ClusterModel, now: Double, full: Bool) -> [String: PVEJSON] {
        let usage = usage(vm, now: now)
        var entry: [String: PVEJSON] = [
            "vmid": .int(vm.vmid),
            "status": .string(vm.runState == .stopped ? "stopped" : "running"),
            "name": .string(vm.name),
            "cpus": .int(cpus(vm, model: model)),
            "maxmem": .int(vm.config.memoryMiB << 20),
            "maxdisk": .int(maxDisk(vm, model: model)),
            "disk": .int(0),
            "uptime": .int(usage.uptime),
            "cpu": .double(usage.cpu),
            "mem": .int(usage.mem),
            "netin": .int(usage.netin),
            "netout": .int(usage.netout),
        ]
        if let pid = vm.pid, vm.runState != .stopped { entry["pid"] = .int(pid) }
        if vm.config.isTemplate { entry["template"] = .int(1) }
        if let lock = vm.config.lock { entry["lock"] = .string(lock) }
        if let tags = vm.config["tags"] { entry["tags"] = .string(tags) }
        if vm.config.values.keys.contains(where: { $0.hasPrefix("serial") }) { entry["serial"] = .int(1) }
        if full {
            entry["qmpstatus"] = .string(vm.runState.rawValue)
            if vm.runState != .stopped {
                entry["diskread"] = .int(usage.diskread)
                entry["diskwrite"] = .int(usage.diskwrite)
                entry["running-machine"] = .string("pc-i440fx-9.0+pve0")
                entry["running-qemu"] = .string("9.0.2")
            }
        }
        return entry
    }

    /// `GET …/config`: option values, numbers for integer and boolean
    /// options, the password masked, and the `digest`.
    static func config(_ vm: PVEVM) -> PVEJSON {
        var result: [String: PVEJSON] = ["digest": .string(vm.config.digest)]
        for (key, value) in vm.config.values {
            if key == "cipassword" {
                result[key] = .string("**********")
            } else if QemuSchema.isNumeric(key), let number = Int(value) {
                result[key] = .int(number)
            } else {
                result[key] = .string(value)
            }
        }
        return .object(result)
    }

    /// `agent/network-get-interfaces`'s `result`, as `qemu-ga` reports it.
    static func guestInterfaces(_ interfaces: [GuestInterface], uptime: Int) -> PVEJSON {
        .array(interfaces.enumerated().map { index, interface in
            .object([
                "name": .string(interface.name),
                "hardware-address": .string(interface.mac),
                "ip-addresses": .array(interface.addresses.map { address, prefix in
                    .object([
                        "ip-address": .string(address),
                        "ip-address-type": .string(address.contains(":") ? "ipv6" : "ipv4"),
                        "prefix": .int(prefix),
                    ])
                }),
                "statistics": .object([
                    "rx-bytes": .int(uptime * (index + 1) * 613), "rx-dropped": .int(0), "rx-errs": .int(0),
                    "rx-packets": .int(uptime * (index + 1) * 3), "tx-bytes": .int(uptime * (index + 1) * 291),
                    "tx-dropped": .int(0), "tx-errs": .int(0), "tx-packets": .int(uptime * (index + 1) * 2),
                ]),
            ])
        })
    }
}
