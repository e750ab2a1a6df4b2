/// `POST /nodes/{node}/qemu/{vmid}/status/{start,stop,shutdown,reboot}`:
/// each returns the UPID of its `qmstart`, `qmstop`, `qmshutdown` or
/// `qmreboot` task.
extension PVERoutes {
    var qemuPowerRoutes: [APIRoute] {
        let startSchema = APIRoute.vmSchema.merging([
            "skiplock": APIRoute.skiplock, "stateuri": .string(maxLength: 128), "migratedfrom": .node(optional: true),
            "migration_type": .oneOf(["secure", "insecure"]), "migration_network": .string(), "machine": .string(),
            "force-cpu": .string(), "targetstorage": .string(), "timeout": .integer(minimum: 0),
            "nets-host-mtu": .string(),
        ]) { $1 }
        let stopSchema = APIRoute.vmSchema.merging([
            "skiplock": APIRoute.skiplock, "migratedfrom": .node(optional: true), "timeout": .integer(minimum: 0),
            "keepActive": .boolean(), "overrule-shutdown": .boolean(),
        ]) { $1 }
        let shutdownSchema = APIRoute.vmSchema.merging([
            "skiplock": APIRoute.skiplock, "timeout": .integer(minimum: 0), "forceStop": .boolean(), "keepActive": .boolean(),
        ]) { $1 }
        let rebootSchema = APIRoute.vmSchema.merging(["timeout": .integer(minimum: 0)]) { $1 }
        return [
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/status/start", schema: startSchema, proxyToNode: true) { call throws(PVEError) in
                try rootOnly(call, [
                    "stateuri", "skiplock", "migratedfrom", "migration_type", "migration_network", "targetstorage",
                    "force-cpu", "nets-host-mtu",
                ])
                return try startTask(call, type: "qmstart") { model throws(PVEError) in
                    let effect = try model.prepareStart(vmid: call.vmid, node: call.node)
                    let hasCloudInit = model.vms[call.vmid]?.config.driveKeys.contains {
                        model.vms[call.vmid]?.config[$0].flatMap(Drive.init)?.isCloudInit ?? false
                    } ?? false
                    if case .start = effect, hasCloudInit { return (effect, ["generating cloud-init ISO"]) }
                    return (effect, [])
                }
            },
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/status/stop", schema: stopSchema, proxyToNode: true) { call throws(PVEError) in
                try rootOnly(call, ["skiplock", "keepActive", "migratedfrom"])
                return try startTask(call, type: "qmstop") { model throws(PVEError) in
                    (try model.prepareStop(vmid: call.vmid, node: call.node, shutdown: false, forceStop: true), [])
                }
            },
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/status/shutdown", schema: shutdownSchema, proxyToNode: true) {
                call throws(PVEError) in
                try rootOnly(call, ["skiplock", "keepActive"])
                let force = call.params.bool("forceStop") ?? false
                return try startTask(call, type: "qmshutdown") { model throws(PVEError) in
                    (try model.prepareStop(vmid: call.vmid, node: call.node, shutdown: true, forceStop: force), [])
                }
            },
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/status/reboot", schema: rebootSchema, proxyToNode: true) {
                call throws(PVEError) in
                try startTask(call, type: "qmreboot") { model throws(PVEError) in
                    (try model.prepareReboot(vmid: call.vmid, node: call.node), [])
                }
            },
        ]
    }
}
