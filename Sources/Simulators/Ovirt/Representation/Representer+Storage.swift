/// Storage domains, disks and disk attachments.
extension Representer {
    // MARK: Storage domains

    func storageDomain(_ sd: SimStorageDomain, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "StorageDomain", allowed: ["data_centers"])
        let href = Self.href("storagedomains", sd.id)
        var storage: [OvirtNode] = []
        if let address = sd.nfsAddress { storage.append(.string("address", address)) }
        if let path = sd.nfsPath { storage.append(.string("path", path)) }
        if sd.storageType == "nfs" { storage.append(.enumeration("nfs_version", "auto")) }
        storage.append(.enumeration("type", sd.storageType))
        var fields: [OvirtNode] = [
            .long("available", sd.available),
            .bool("backup", false),
            .int("block_size", 512),
            .long("committed", sd.committed),
            .int("critical_space_action_blocker", 5),
            .bool("discard_after_delete", false),
            .enumeration("external_status", "ok"),
            .bool("master", true),
            .group("storage", storage),
            .enumeration("storage_format", "v5"),
            .bool("supports_discard", false),
            .bool("supports_discard_zeroes_data", false),
            .enumeration("type", "data"),
            .long("used", sd.used),
            .int("warning_low_space_indicator", 10),
            .bool("wipe_after_delete", false),
        ]
        if let sub = follow.child("data_centers") {
            fields.append(.list("data_centers", item: "data_center", try inventory.dataCenter(sd.dataCenterID).map { [try dataCenter($0, follow: sub)] } ?? []))
        } else {
            fields.append(
                .list("data_centers", item: "data_center", [.reference("data_center", id: sd.dataCenterID, href: Self.href("datacenters", sd.dataCenterID))])
            )
        }
        return OvirtNode(
            "storage_domain",
            .object(
                OvirtObject(
                    id: sd.id,
                    href: href,
                    actions: ["isattached", "reduceluns", "refreshluns", "updateovfstore"],
                    name: sd.name,
                    description: sd.description,
                    comment: "",
                    links: links(href, ["diskprofiles", "disks", "storageconnections", "permissions", "templates", "vms", "disksnapshots"]),
                    fields: fields
                )
            )
        )
    }


    // MARK: Disks

    func disk(_ disk: SimDisk, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "Disk", allowed: ["storage_domains"])
        let href = Self.href("disks", disk.id)
        var fields: [OvirtNode] = [
            .long("actual_size", disk.actualSize),
            .string("alias", disk.name),
            .enumeration("backup", "none"),
            .enumeration("content_type", "data"),
            .enumeration("format", disk.format),
            .string("image_id", disk.imageID),
            .bool("propagate_errors", false),
            .long("provisioned_size", disk.provisionedSize),
            .enumeration("qcow_version", "qcow2_v3"),
            .bool("shareable", false),
            .bool("sparse", disk.sparse),
            .enumeration("status", disk.status),
            .enumeration("storage_type", "image"),
            .long("total_size", disk.actualSize),
            .bool("wipe_after_delete", false),
        ]
        let profileID = StableID(engine: inventory.engineName).make("diskprofile", 0)
        fields.append(.reference("disk_profile", id: profileID, href: Self.href("diskprofiles", profileID)))
        fields.append(.reference("quota", id: StableID(engine: inventory.engineName).make("quota", 0), href: nil))
        if let sub = follow.child("storage_domains") {
            fields.append(.list("storage_domains", item: "storage_domain", try inventory.storageDomain(disk.storageDomainID).map { [try storageDomain($0, follow: sub)] } ?? []))
        } else {
            fields.append(
                .list(
                    "storage_domains",
                    item: "storage_domain",
                    [.reference("storage_domain", id: disk.storageDomainID, href: Self.href("storagedomains", disk.storageDomainID))]
                )
            )
        }
        return OvirtNode(
            "disk",
            .object(
                OvirtObject(
                    id: disk.id,
                    href: href,
                    actions: ["convert", "copy", "export", "move", "reduce", "refreshlun", "sparsify"],
                    name: disk.name,
                    description: disk.description,
                    links: links(href, ["disksnapshots", "permissions", "statistics"]),
                    fields: fields
                )
            )
        )
    }

    /// - Parameters:
    ///   - ownerPath: `vms/ID` or `templates/ID`; the attachment's href lives under it.
    func diskAttachment(_ attachment: SimDiskAttachment, ownerKind: String, ownerID: String, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "DiskAttachment", allowed: ["disk", ownerKind == "vms" ? "vm" : "template"])
        let href = Self.href(ownerKind, ownerID, "diskattachments", attachment.diskID)
        var fields: [OvirtNode] = [
            .bool("active", attachment.active),
            .bool("bootable", attachment.bootable),
            .enumeration("interface", attachment.interface),
            .string("logical_name", "/dev/sda"),
            .bool("pass_discard", false),
            .bool("read_only", false),
            .bool("uses_scsi_reservation", false),
        ]
        if let node = try reference(
            "disk",
            id: attachment.diskID,
            href: Self.href("disks", attachment.diskID),
            follow: follow,
            resolve: { sub in try inventory.disk(attachment.diskID).map { try disk($0, follow: sub) } }
        ) {
            fields.append(node)
        }
        let ownerElement = ownerKind == "vms" ? "vm" : "template"
        if let sub = follow.child(ownerElement) {
            if ownerKind == "vms", let vm = inventory.vms.first(where: { $0.id == ownerID }) {
                fields.append(try self.vm(vm, follow: sub))
            } else if let template = inventory.template(ownerID) {
                fields.append(try self.template(template, follow: sub))
            }
        } else {
            fields.append(.reference(ownerElement, id: ownerID, href: Self.href(ownerKind, ownerID)))
        }
        return OvirtNode("disk_attachment", .object(OvirtObject(id: attachment.diskID, href: href, fields: fields)))
    }
}
