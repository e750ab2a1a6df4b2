/// `PVE::API2::Tasks`: a node's task list, a task's status and log.
extension PVERoutes {
    var taskRoutes: [APIRoute] {
        [
            APIRoute(
                "GET", "nodes/{node}/tasks",
                schema: [
                    "start": .integer(minimum: 0), "limit": .integer(minimum: 0), "userfilter": .string(),
                    "typefilter": .string(), "vmid": .vmid(optional: true), "errors": .boolean(),
                    "source": .oneOf(["archive", "active", "all"]), "since": .integer(), "until": .integer(),
                    "statusfilter": .string(),
                ],
                proxyToNode: true
            ) { call in
                taskList(call)
            },
            APIRoute("GET", "nodes/{node}/tasks/{upid}", proxyToNode: true) { call throws(PVEError) in
                _ = try task(call)
                return APIResult(.array([.object(["name": .string("log")]), .object(["name": .string("status")])]))
            },
            APIRoute("GET", "nodes/{node}/tasks/{upid}/status", proxyToNode: true) { call throws(PVEError) in
                let task = try task(call)
                var status = identity(task)
                status["status"] = .string(task.isRunning ? "running" : "stopped")
                if let exit = task.exitStatus { status["exitstatus"] = .string(exit) }
                return APIResult(.object(status))
            },
            APIRoute(
                "GET", "nodes/{node}/tasks/{upid}/log",
                schema: ["start": .integer(minimum: 0), "limit": .integer(minimum: 0), "download": .boolean()],
                proxyToNode: true
            ) { call throws(PVEError) in
                guard PVETask.decode(call.required("upid")) != nil else {
                    throw .parameter("upid", "unable to parse worker upid")
                }
                guard let task = state.snapshot().model.tasks[call.required("upid")], task.node == call.node else {
                    return APIResult(.object(["n": .int(1), "t": .string("unable to open file - No such file or directory")]), total: 1)
                }
                let start = call.params.int("start") ?? 0
                let limit = call.params.int("limit") ?? 50
                let lines = task.log.isEmpty ? ["no content"] : task.log
                let selected = lines.enumerated().dropFirst(start).prefix(limit == 0 ? lines.count : limit)
                return APIResult(
                    .array(selected.map { .object(["n": .int($0.offset + 1), "t": .string($0.element)]) }),
                    total: lines.count
                )
            },
        ]
    }

    /// The task named by `{upid}` on `{node}`, or the parameter error the real method raises.
    private func task(_ call: APICall) throws(PVEError) -> PVETask {
        let upid = call.required("upid")
        guard PVETask.decode(upid) != nil else { throw .parameter("upid", "unable to parse worker upid") }
        guard let task = state.snapshot().model.tasks[upid], task.node == call.node else {
            throw .parameter("upid", "no such task")
        }
        return task
    }

    /// The fields `upid_decode` gives, with a token task's user split into `user` and `tokenid`.
    private func identity(_ task: PVETask) -> [String: PVEJSON] {
        let (user, token) = task.userAndToken
        var fields: [String: PVEJSON] = [
            "upid": .string(task.upid), "node": .string(task.node), "pid": .int(task.pid), "pstart": .int(task.pstart),
            "starttime": .int(task.starttime), "type": .string(task.type), "id": .string(task.id), "user": .string(user),
        ]
        if let token { fields["tokenid"] = .string(token) }
        return fields
    }

    /// `upid_normalize_status_type`.
    private static func statusType(_ status: String?) -> String {
        guard let status else { return "unknown" }
        if status == "OK" { return "ok" }
        if status.hasPrefix("WARNINGS: ") { return "warning" }
        if status == "unexpected status" { return "unknown" }
        return "error"
    }

    private func taskList(_ call: APICall) -> APIResult {
        let model = state.snapshot().model
        let source = call.params.string("source") ?? "archive"
        var statusFilter: Set<String> = ["ok", "warning", "error", "unknown"]
        if call.params.bool("errors") == true {
            statusFilter.remove("ok")
        } else if let filter = call.params.string("statusfilter") {
            statusFilter = Set(Identifiers.splitList(filter).map { $0.lowercased() })
        }
        let start = call.params.int("start") ?? 0
        var limit = call.params.int("limit") ?? 50
        var count = 0
        var result: [PVEJSON] = []
        func consider(_ task: PVETask, status: String?) {
            let user = task.userAndToken.user
            if let filter = call.params.string("userfilter"), !user.lowercased().contains(filter.lowercased()) { return }
            if let type = call.params.string("typefilter"), type != task.type { return }
            if let vmid = call.params.string("vmid"), task.id != vmid { return }
            if let since = call.params.int("since"), task.starttime < since { return }
            if let until = call.params.int("until"), task.starttime > until { return }
            if task.exitStatus != nil, !statusFilter.contains(Self.statusType(task.exitStatus)) { return }
            count += 1
            if count <= start || limit <= 0 { return }
            var entry = identity(task)
            if let end = task.endtime { entry["endtime"] = .int(end) }
            if let status { entry["status"] = .string(status) }
            result.append(.object(entry))
            limit -= 1
        }
        let tasks = model.taskOrder.compactMap { model.tasks[$0] }.filter { $0.node == call.node }
        if source == "active" || source == "all" {
            for task in tasks.reversed() where task.isRunning { consider(task, status: "RUNNING") }
        }
        if source != "active" {
            let finished = tasks.filter { !$0.isRunning }.sorted { ($0.endtime ?? 0, $0.starttime) > ($1.endtime ?? 0, $1.starttime) }
            for task in finished { consider(task, status: task.exitStatus) }
        }
        return APIResult(.array(result), total: count)
    }
}
