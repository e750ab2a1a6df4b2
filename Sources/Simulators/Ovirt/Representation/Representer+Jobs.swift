/// Jobs, events and action replies.
extension Representer {
    func job(_ job: SimJob) -> OvirtNode {
        let href = Self.href("jobs", job.id)
        let owner = StableID(engine: inventory.engineName).make("user", 0)
        var fields: [OvirtNode] = [.bool("auto_cleared", true)]
        if let end = job.endTime { fields.append(.date("end_time", end)) }
        fields.append(.bool("external", false))
        fields.append(.date("last_updated", job.endTime ?? job.lastUpdated))
        fields.append(.date("start_time", job.startTime))
        fields.append(.enumeration("status", job.status))
        fields.append(.reference("owner", id: owner, href: Self.href("users", owner)))
        return OvirtNode(
            "job",
            .object(
                OvirtObject(
                    id: job.id,
                    href: href,
                    actions: ["clear", "end"],
                    description: job.description,
                    links: links(href, ["steps"]),
                    fields: fields
                )
            )
        )
    }

    func event(_ event: SimEvent) -> OvirtNode {
        let id = String(event.index)
        var fields: [OvirtNode] = [.int("code", event.code)]
        if !event.fromMonitoring {
            fields.append(.string("correlation_id", event.correlationID))
        }
        fields += [
            .int("custom_id", -1),
            .int("flood_rate", 30),
            .int("index", event.index),
            .string("origin", "oVirt"),
            .enumeration("severity", event.severity),
            .date("time", event.time),
        ]
        if let cluster = event.clusterID { fields.append(.reference("cluster", id: cluster, href: Self.href("clusters", cluster))) }
        if let dc = event.dataCenterID { fields.append(.reference("data_center", id: dc, href: Self.href("datacenters", dc))) }
        if let host = event.hostID { fields.append(.reference("host", id: host, href: Self.href("hosts", host))) }
        if !event.fromMonitoring {
            let user = StableID(engine: inventory.engineName).make("user", 0)
            fields.append(.reference("user", id: user, href: Self.href("users", user)))
        }
        if let vm = event.vmID { fields.append(.reference("vm", id: vm, href: Self.href("vms", vm))) }
        return OvirtNode(
            "event",
            .object(OvirtObject(id: id, href: Self.href("events", id), description: event.description, fields: fields))
        )
    }

    /// `<action><status>complete</status><job/></action>`, a synchronous action's reply.
    static func actionReply(jobID: String?) -> OvirtNode {
        var fields: [OvirtNode] = [.enumeration("status", "complete")]
        if let jobID { fields.append(.reference("job", id: jobID, href: href("jobs", jobID))) }
        return .group("action", fields)
    }

    /// The reply to a VM action as `AbstractBackendActionableResource` writes
    /// it: the posted action's `async` echoed, the command's job, `status`
    /// (`complete`; `pending` for an action answered 202 while its async tasks
    /// run, with `async=true`), and the VM acted on with its action links
    /// (`setActionItem(action, addLinks(newModel(id)))`). Fields in the
    /// schema's (alphabetical) order.
    static func vmActionReply(vmID: String, jobID: String?, status: String = "complete", async: Bool?) -> OvirtNode {
        var fields: [OvirtNode] = []
        if let async { fields.append(.bool("async", async)) }
        if let jobID { fields.append(.reference("job", id: jobID, href: href("jobs", jobID))) }
        fields.append(.enumeration("status", status))
        let vmHref = href("vms", vmID)
        fields.append(OvirtNode("vm", .object(OvirtObject(id: vmID, href: vmHref, actions: vmActions))))
        return .group("action", fields)
    }

    /// A failed action as the REST layer answers it (`actionFailure`): the
    /// posted action with the `fault` set and `status` `failed`, under the
    /// fault's HTTP status.
    static func actionFailure(reason: String, detail: String, async: Bool?) -> OvirtNode {
        var fields: [OvirtNode] = []
        if let async { fields.append(.bool("async", async)) }
        fields.append(.group("fault", [.string("reason", reason), .string("detail", detail)]))
        fields.append(.enumeration("status", "failed"))
        return .group("action", fields)
    }
}
