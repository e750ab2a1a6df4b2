/// Reading VMs (`PVE::API2::Qemu`, `PVE::API2::Qemu::Agent`).
extension PVERoutes {
    var qemuReadRoutes: [APIRoute] {
        [
            APIRoute("GET", "nodes/{node}/qemu", schema: ["full": .boolean()], proxyToNode: true) { call in
                let (model, now) = state.snapshot()
                let full = call.params.bool("full") ?? false
                let vms = model.vms.values.filter { $0.node == call.node }.sorted { $0.vmid < $1.vmid }
                return APIResult(.array(vms.map { .object(VMRendering.status($0, model: model, now: now, full: full)) }))
            },
            APIRoute("GET", "nodes/{node}/qemu/{vmid}", schema: APIRoute.vmSchema, proxyToNode: true) { call throws(PVEError) in
                _ = try vm(call)
                let subdirs = [
                    "config", "pending", "cloudinit", "status", "unlink", "vncproxy", "termproxy", "migrate", "resize",
                    "move", "rrd", "rrddata", "monitor", "agent", "snapshot", "spiceproxy", "sendkey", "firewall", "mtunnel",
                    "remote_migrate",
                ]
                return APIResult(.array(subdirs.map { .object(["subdir": .string($0)]) }))
            },
            APIRoute(
                "GET", "nodes/{node}/qemu/{vmid}/config",
                schema: APIRoute.vmSchema.merging(["current": .boolean(), "snapshot": .string(format: Formats.snapshotName)]) { $1 },
                proxyToNode: true
            ) { call throws(PVEError) in
                if call.params.has("snapshot"), call.params.bool("current") == true {
                    let message = "cannot use 'snapshot' parameter with 'current'"
                    throw .parameters(["snapshot": message, "current": message])
                }
                let vm = try vm(call)
                if let snapshot = call.params.string("snapshot") { throw .runtime("snapshot '\(snapshot)' does not exist") }
                return APIResult(VMRendering.config(vm))
            },
            APIRoute("GET", "nodes/{node}/qemu/{vmid}/status", schema: APIRoute.vmSchema, proxyToNode: true) { call throws(PVEError) in
                _ = try vm(call)
                let subdirs = ["current", "start", "stop", "reset", "shutdown", "suspend", "reboot"]
                return APIResult(.array(subdirs.map { .object(["subdir": .string($0)]) }))
            },
            APIRoute("GET", "nodes/{node}/qemu/{vmid}/status/current", schema: APIRoute.vmSchema, proxyToNode: true) {
                call throws(PVEError) in
                let (model, now) = state.snapshot()
                guard let vm = model.vms[call.vmid], vm.node == call.node else { throw .noConfig(vmid: call.vmid, node: call.node) }
                var status = VMRendering.status(vm, model: model, now: now, full: true)
                status["ha"] = .object(["managed": .int(0)])
                if vm.config.agentEnabled { status["agent"] = .int(1) }
                return APIResult(.object(status))
            },
            APIRoute("GET", "nodes/{node}/qemu/{vmid}/agent/network-get-interfaces", schema: APIRoute.vmSchema, proxyToNode: true) {
                call throws(PVEError) in
                let (model, now) = state.snapshot()
                let interfaces = try model.agentInterfaces(vmid: call.vmid, node: call.node, now: now)
                let uptime = model.vms[call.vmid].map { VMRendering.usage($0, now: now).uptime } ?? 0
                return APIResult(.object(["result": VMRendering.guestInterfaces(interfaces, uptime: uptime)]))
            },
        ]
    }

    /// The VM of `{vmid}` when it is on `{node}` (`load_config`).
    func vm(_ call: APICall) throws(PVEError) -> PVEVM {
        guard let vm = state.snapshot().model.vms[call.vmid], vm.node == call.node else {
            throw .noConfig(vmid: call.vmid, node: call.node)
        }
        return vm
    }
}
