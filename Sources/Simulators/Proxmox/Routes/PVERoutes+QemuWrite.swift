/// Changing VMs (`PVE::API2::Qemu`): clone, config (async POST and sync
/// PUT), resize and destroy. Each runs the real method's synchronous checks
/// (their failures are the HTTP answer) and starts the task its worker
/// would be, returning the UPID.
extension PVERoutes {
    private static let configControlParameters: Set<String> = [
        "node", "vmid", "skiplock", "delete", "revert", "force", "digest", "background_delay", "import-working-storage",
    ]

    var qemuWriteRoutes: [APIRoute] {
        let cloneSchema = APIRoute.vmSchema.merging([
            "newid": .vmid(), "name": .string(format: Formats.dnsName), "description": .string(),
            "pool": .string(format: Formats.poolID), "snapname": .string(format: Formats.snapshotName),
            "storage": .storage(), "format": .oneOf(["raw", "qcow2", "vmdk"]), "full": .boolean(),
            "target": .node(optional: true), "bwlimit": .integer(minimum: 0),
        ]) { $1 }
        var configSchema = QemuSchema.options.merging(APIRoute.vmSchema) { $1 }
        configSchema["skiplock"] = APIRoute.skiplock
        configSchema["delete"] = .string(format: Formats.configIDList)
        configSchema["revert"] = .string(format: Formats.configIDList)
        configSchema["force"] = ParamSpec(kind: .boolean, optional: true, requires: "delete")
        configSchema["digest"] = .string(maxLength: 40)
        var asyncSchema = configSchema
        asyncSchema["background_delay"] = .integer(minimum: 1, maximum: 30)
        asyncSchema["import-working-storage"] = .storage()
        return [
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/clone", schema: cloneSchema, proxyToNode: true) { call throws(PVEError) in
                let request = ClusterModel.CloneRequest(
                    vmid: call.vmid, node: call.node, newid: call.params.int("newid") ?? 0,
                    name: call.params.string("name"), description: call.params.string("description"),
                    pool: call.params.string("pool"), snapname: call.params.string("snapname"),
                    storage: call.params.string("storage"), format: call.params.string("format"),
                    full: call.params.bool("full"), target: call.params.string("target")
                )
                return try startTask(call, type: "qmclone") { model throws(PVEError) in try model.prepareClone(request) }
            },
            APIRoute("POST", "nodes/{node}/qemu/{vmid}/config", schema: asyncSchema, proxyToNode: true) { call throws(PVEError) in
                try updateConfig(call, sync: call.params.has("background_delay"))
            },
            APIRoute("PUT", "nodes/{node}/qemu/{vmid}/config", schema: configSchema, proxyToNode: true) { call throws(PVEError) in
                try updateConfig(call, sync: true)
            },
            APIRoute(
                "PUT", "nodes/{node}/qemu/{vmid}/resize",
                schema: APIRoute.vmSchema.merging([
                    "skiplock": APIRoute.skiplock, "disk": .oneOf(DriveNames.all, optional: false),
                    "size": ParamSpec(kind: .string, optional: false, pattern: Self.isResizeSize),
                    "digest": .string(maxLength: 40),
                ]) { $1 },
                proxyToNode: true
            ) { call throws(PVEError) in
                try rootOnly(call, ["skiplock"])
                return try startTask(call, type: "resize") { model in
                    (model.prepareResize(
                        vmid: call.vmid, node: call.node, disk: call.required("disk"), size: call.required("size"),
                        digest: call.params.string("digest")
                    ), [])
                }
            },
            APIRoute(
                "DELETE", "nodes/{node}/qemu/{vmid}",
                schema: APIRoute.vmSchema.merging([
                    "skiplock": APIRoute.skiplock, "purge": .boolean(), "destroy-unreferenced-disks": .boolean(),
                ]) { $1 },
                proxyToNode: true
            ) { call throws(PVEError) in
                try rootOnly(call, ["skiplock"])
                let skiplock = call.params.bool("skiplock") ?? false
                let purge = call.params.bool("purge") ?? false
                let unreferenced = call.params.bool("destroy-unreferenced-disks") ?? false
                return try startTask(call, type: "qmdestroy") { model throws(PVEError) in
                    let effect = try model.prepareDestroy(
                        vmid: call.vmid, node: call.node, skiplock: skiplock, purge: purge, unreferenced: unreferenced
                    )
                    return (effect, [])
                }
            },
        ]
    }

    /// `size` of resize: `\+?\d+(\.\d+)?[KMGT]?`.
    private static let isResizeSize: @Sendable (String) -> Bool = { text in
        var rest = Substring(text)
        if rest.first == "+" { rest = rest.dropFirst() }
        if let last = rest.last, "KMGT".contains(last) { rest = rest.dropLast() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// `raise_param_exc({ X => "Only root may use this option." })` for API tokens and other users.
    func rootOnly(_ call: APICall, _ names: [String]) throws(PVEError) {
        for name in names where call.user != "root@pam" {
            if let value = call.params.string(name), !value.isEmpty, value != "0" {
                throw .parameter(name, "Only root may use this option.")
            }
        }
    }

    /// Runs `prepare` under the lock and starts the task it describes on `{node}`.
    func startTask(
        _ call: APICall,
        type: String,
        prepare: (inout ClusterModel) throws(PVEError) -> (TaskEffect, [String])
    ) throws(PVEError) -> APIResult {
        let duration = state.taskDuration
        let upid = try state.write { (model: inout ClusterModel, now: Double) throws(PVEError) -> String in
            let (effect, log) = try prepare(&model)
            return model.startTask(
                node: call.node, type: type, id: String(call.vmid), user: call.user, now: now, duration: duration,
                log: log, effect: effect
            )
        }
        return APIResult(.string(upid))
    }

    /// Like ``startTask(_:type:prepare:)`` for a method whose task type
    /// depends on what `prepare` finds (`suspend`: `qmpause` or `qmsuspend`);
    /// `prepare` also gets the cluster's time.
    func startTask(
        _ call: APICall,
        prepare: (inout ClusterModel, Double) throws(PVEError) -> (type: String, effect: TaskEffect, log: [String])
    ) throws(PVEError) -> APIResult {
        let duration = state.taskDuration
        let upid = try state.write { (model: inout ClusterModel, now: Double) throws(PVEError) -> String in
            let (type, effect, log) = try prepare(&model, now)
            return model.startTask(
                node: call.node, type: type, id: String(call.vmid), user: call.user, now: now, duration: duration,
                log: log, effect: effect
            )
        }
        return APIResult(.string(upid))
    }

    /// `update_vm_api`: POST forks a `qmconfig` task; PUT (and POST with
    /// `background_delay`) applies the change before answering `null`.
    private func updateConfig(_ call: APICall, sync: Bool) throws(PVEError) -> APIResult {
        try rootOnly(call, ["skiplock"])
        let settings = call.params.scalars(excluding: Self.configControlParameters)
        if sync {
            let backgrounded = call.method == "POST"
            try state.write { (model: inout ClusterModel, _: Double) throws(PVEError) in
                let prepared = try model.prepareConfigUpdate(
                    vmid: call.vmid, node: call.node, settings: settings, deleteList: call.params.string("delete"),
                    revertList: call.params.string("revert"), digest: call.params.string("digest")
                )
                if let failure = prepared.workerFailure {
                    throw .runtime(backgrounded ? "failed to update VM \(call.vmid): \(failure)" : failure)
                }
                if case .failure(let error) = model.applyConfig(call.vmid, prepared.update) { throw error }
            }
            return .null
        }
        return try startTask(call, type: "qmconfig") { model throws(PVEError) in
            let prepared = try model.prepareConfigUpdate(
                vmid: call.vmid, node: call.node, settings: settings, deleteList: call.params.string("delete"),
                revertList: call.params.string("revert"), digest: call.params.string("digest")
            )
            if let failure = prepared.workerFailure { return (.failure(failure), prepared.update.log) }
            return (.config(vmid: call.vmid, prepared.update), [])
        }
    }
}
