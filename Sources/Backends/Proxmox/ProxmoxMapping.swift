import AggregatorCore

/// Translation of Proxmox VE answers into the common model.
enum ProxmoxMapping {
    /// The common status of a QEMU guest and the engine's own words for it.
    ///
    /// A `clone` or `create` lock is `image_locked` (its disks are being copied), `migrate` is
    /// `migrating`, `suspended`/`suspending` are `suspended`; otherwise `running` is `up` (or
    /// `paused` when the monitor says so), `stopped` is `down`, anything else `unknown`.
    /// The raw status is the engine's `status`, with the lock and monitor state when there are any
    /// (`stopped (lock: clone)`, `running (qmp: paused)`).
    static func vmStatus(status: String?, lock: String?, qmpStatus: String? = nil) -> (common: String, raw: String) {
        let engineStatus = nonEmpty(status)?.lowercased() ?? "unknown"
        var raw = engineStatus
        if let qmp = nonEmpty(qmpStatus), qmp != engineStatus { raw += " (qmp: \(qmp))" }
        if let lock = nonEmpty(lock) { raw += " (lock: \(lock))" }
        switch nonEmpty(lock) {
        case "clone", "create": return ("image_locked", raw)
        case "migrate": return ("migrating", raw)
        case "suspended", "suspending": return ("suspended", raw)
        default: break
        }
        switch engineStatus {
        case "running":
            switch nonEmpty(qmpStatus) {
            case "paused", "prelaunch", "inmigrate", "postmigrate": return ("paused", raw)
            case "suspended": return ("suspended", raw)
            default: return ("up", raw)
            }
        case "stopped": return ("down", raw)
        default: return ("unknown", raw)
        }
    }

    /// The common status of a node: `online` is `up`, `offline` and `unknown` are `non_responsive`.
    static func hostStatus(_ status: String?) -> (common: String, raw: String) {
        let raw = nonEmpty(status)?.lowercased() ?? "unknown"
        return (raw == "online" ? "up" : "non_responsive", raw)
    }

    /// A QEMU guest of `/cluster/resources` (not a template), or nil for anything else.
    static func vm(_ resource: ProxmoxResource, engine: String, cluster: String, ipAddresses: [String] = []) -> VM? {
        guard resource.isQemu, !resource.isTemplate, let vmid = resource.vmidValue else { return nil }
        let status = vmStatus(status: resource.status, lock: resource.lock)
        let running = resource.status == "running"
        var vm = VM(
            engine: engine, id: String(vmid), name: nonEmpty(resource.name) ?? "VM \(vmid)", status: status.common,
            cluster: cluster, host: running ? nonEmpty(resource.node) : nil,
            cpus: resource.maxcpu?.int, memoryBytes: resource.maxmem?.int64,
            ipAddresses: ipAddresses, comment: nonEmpty(resource.tags).map { "tags: \($0)" })
        vm.rawStatus = status.raw == status.common ? nil : status.raw
        return vm
    }

    /// A node of `/cluster/resources`; `address` comes from `/cluster/status`.
    static func host(_ resource: ProxmoxResource, engine: String, cluster: String, address: String?,
                     runningVMs: Int) -> Hypervisor? {
        guard resource.type == "node", let name = nonEmpty(resource.node) ?? nonEmpty(resource.name) else { return nil }
        let status = hostStatus(resource.status)
        var host = Hypervisor(
            engine: engine, id: name, name: name, address: nonEmpty(address), status: status.common,
            cluster: cluster, cpuThreads: resource.maxcpu?.int, memoryBytes: resource.maxmem?.int64,
            vmCount: runningVMs)
        host.rawStatus = status.raw == status.common ? nil : status.raw
        return host
    }

    /// The addresses the guest agent reports, without loopback and IPv6 link-local ones, in order,
    /// without duplicates.
    static func ipAddresses(_ answer: ProxmoxAgentInterfaces) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for interface in answer.result ?? [] where interface.name != "lo" {
            for address in interface.addresses ?? [] {
                guard let ip = nonEmpty(address.address) else { continue }
                let lower = ip.lowercased()
                if lower.hasPrefix("127.") || lower == "::1" || lower.hasPrefix("fe80:") { continue }
                if seen.insert(ip).inserted { result.append(ip) }
            }
        }
        return result
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
