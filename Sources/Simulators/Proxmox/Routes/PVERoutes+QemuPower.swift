/// `POST /nodes/{node}/qemu/{vmid}/status/{start,stop,shutdown,reboot,suspend,resume}`:
/// each returns the UPID of its `qmstart`, `qmstop`, `qmshutdown`,
/// `qmreboot`, `qmpause` (`suspend`), `qmsuspend` (`suspend` with `todisk`)
/// or `qmresume` task. The checks `PVE/API2/Qemu.pm` makes before forking
/// answer the call (500 with the message); those its worker makes end the
/// task with the message as exit status.
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
        let suspendSchema = APIRoute.vmSchema.merging([
            "skiplock": APIRoute.skiplock, "todisk": .boolean(),
            "statestorage": ParamSpec(kind: .string, optional: true, format: Formats.storageID, requires: "todisk"),
        ]) { $1 }
        let resumeSchema = APIRoute.vmSchema.merging(["skiplock": APIRoute.skiplock, "nocheck": .boolean()]) { $1 }
        return [
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/status/start", schema: startSchema, proxyToNode: true) { call throws(PVEError) in
                try rootOnly(call, [
                    "stateuri", "skiplock", "migratedfrom", "migration_type", "migration_network", "targetstorage",
                    "force-cpu", "nets-host-mtu",
                ])
                let skiplock = call.params.bool("skiplock") ?? false
                return try startTask(call, type: "qmstart") { model throws(PVEError) in
                    try model.prepareStart(vmid: call.vmid, node: call.node, skiplock: skiplock)
                }
            },
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/status/stop", schema: stopSchema, proxyToNode: true) { call throws(PVEError) in
                try rootOnly(call, ["skiplock", "keepActive", "migratedfrom"])
                let skiplock = call.params.bool("skiplock") ?? false
                return try startTask(call, type: "qmstop") { model throws(PVEError) in
                    (try model.prepareStop(vmid: call.vmid, node: call.node, shutdown: false, forceStop: true, skiplock: skiplock), [])
                }
            },
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/status/shutdown", schema: shutdownSchema, proxyToNode: true) {
                call throws(PVEError) in
                try rootOnly(call, ["skiplock", "keepActive"])
                let force = call.params.bool("forceStop") ?? false
                let skiplock = call.params.bool("skiplock") ?? false
                return try startTask(call, type: "qmshutdown") { model throws(PVEError) in
                    (try model.prepareStop(vmid: call.vmid, node: call.node, shutdown: true, forceStop: force, skiplock: skiplock), [])
                }
            },
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/status/reboot", schema: rebootSchema, proxyToNode: true) {
                call throws(PVEError) in
                try startTask(call, type: "qmreboot") { model throws(PVEError) in
                    (try model.prepareReboot(vmid: call.vmid, node: call.node), [])
                }
            },
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/status/suspend", schema: suspendSchema, proxyToNode: true) {
                call throws(PVEError) in
                try rootOnly(call, ["skiplock"])
                let toDisk = call.params.bool("todisk") ?? false
                let skiplock = call.params.bool("skiplock") ?? false
                return try startTask(call) { model, now throws(PVEError) in
                    let (type, effect) = try model.prepareSuspend(
                        vmid: call.vmid, node: call.node, toDisk: toDisk, stateStorage: call.params.string("statestorage"),
                        skiplock: skiplock, now: now
                    )
                    return (type, effect, [])
                }
            },
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/status/resume", schema: resumeSchema, proxyToNode: true) {
                call throws(PVEError) in
                try rootOnly(call, ["skiplock", "nocheck"])
                let skiplock = call.params.bool("skiplock") ?? false
                return try startTask(call, type: "qmresume") { model throws(PVEError) in
                    try model.prepareResume(vmid: call.vmid, node: call.node, skiplock: skiplock)
                }
            },
        ]
    }
}
