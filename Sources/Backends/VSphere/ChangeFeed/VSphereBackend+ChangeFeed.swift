import AggregatorCore
import BackendSupport

/// Following the vCenter's changes with a property filter and `WaitForUpdatesEx`, the way
/// vSphere clients (the vSphere Client, govc's `events`/`collect`, ManageIQ) follow an inventory.
extension VSphereBackend: ChangeFeedBackend {
    /// What the feed watches: a change to any of these marks the object changed.
    static let feedProperties: [(type: String, paths: [String])] = [
        ("VirtualMachine", ["name", "runtime.powerState", "runtime.host", "config.template", "config.hardware.numCPU",
                            "config.hardware.numCoresPerSocket", "config.hardware.memoryMB", "config.annotation",
                            "guest.net", "guest.ipAddress", "guest.hostName"]),
        ("HostSystem", ["name", "parent", "runtime.connectionState", "runtime.inMaintenanceMode"]),
        ("ClusterComputeResource", ["name", "host"]),
    ]

    /// Sets up a new property filter (a collector and a container view of the session's own) and
    /// reads it to its current version, which the cursor holds. The setup before it, if any, is
    /// destroyed.
    public func changeCursor() async throws -> ChangeCursor {
        let content = try await session.serviceContent()
        if let old = feed.take() { await destroy(old) }
        let made = try await session.call("CreatePropertyCollector", on: content.propertyCollector)
        guard let collector = ManagedObjectReference(made.first) else {
            throw session.errors.invalid([], expected: "a PropertyCollector reference",
                                         call: "CreatePropertyCollector on \(content.propertyCollector)")
        }
        let viewAnswer = try await session.call("CreateContainerView", on: content.viewManager, [
            SOAPNode(reference: "container", content.rootFolder),
            SOAPNode("type", text: "VirtualMachine"), SOAPNode("type", text: "HostSystem"),
            SOAPNode("type", text: "ClusterComputeResource"), SOAPNode("recursive", text: "true"),
        ])
        guard let view = ManagedObjectReference(viewAnswer.first) else {
            throw session.errors.invalid([], expected: "a ContainerView reference",
                                         call: "CreateContainerView on \(content.viewManager)")
        }
        let setup = VSphereChangeFeed.Setup(id: feed.nextID(), collector: collector, view: view)
        if let replaced = feed.install(setup) { await destroy(replaced) }
        let filter = PropertyFilter(properties: Self.feedProperties, source: .view(view))
        _ = try await session.call("CreateFilter", on: collector, [
            filter.spec(named: "spec"), SOAPNode("partialUpdates", text: "false"),
        ])
        var version = ""
        while true {
            guard let update = try await waitForUpdates(setup, version: version) else { break }
            version = update.version
            if !update.truncated { break }
        }
        return ChangeCursor(VSphereChangeFeed.token(setup: setup.id, sequence: 0, version: version))
    }

    /// The VMs, hosts and clusters whose watched properties changed, that appeared or that left
    /// since `cursor`, without waiting. A cursor of an earlier setup, a cursor that is not the
    /// latest (a collector hands each update out once, so the feed cannot go back), a collector the
    /// vCenter no longer knows (a new session) or a version it refuses asks for a full read.
    ///
    /// The cursor counts the update sets answered besides the collector's version: vcsim answers
    /// every update set with the version it was asked with, real vCenter with a new one.
    public func changes(since cursor: ChangeCursor) async throws -> ChangeFeedResult {
        guard let (setupID, sequence, since) = VSphereChangeFeed.parse(cursor.token) else {
            return .resync(reason: "cursor '\(cursor.token)' is not a vSphere change feed cursor")
        }
        guard let setup = feed.current, setup.id == setupID else {
            return .resync(reason: "the change feed was set up again since this cursor")
        }
        guard sequence == feed.sequence else {
            return .resync(reason: "cursor \(cursor.token) is not the feed's latest; it continues only from there")
        }
        var changed: [InventoryObject] = []
        var version = since
        do {
            while let update = try await waitForUpdates(setup, version: version) {
                version = update.version
                for object in update.objects where !changed.contains(object) { changed.append(object) }
                if !update.truncated { break }
            }
        } catch let error as BackendError where error.code == .notFound || error.code == .unauthorized {
            return .resync(reason: "the vCenter no longer knows the change feed's collector (\(error.message))")
        } catch let error as BackendError where error.message.contains("InvalidCollectorVersion") {
            return .resync(reason: "the vCenter refused the collector version: \(error.message)")
        }
        guard !changed.isEmpty || version != since else { return .changes([], next: cursor) }
        let next = feed.advance(setup: setup.id)
        return .changes(changed, next: ChangeCursor(VSphereChangeFeed.token(setup: setup.id, sequence: next, version: version)))
    }

    /// One update set.
    struct UpdateSet {
        var version: String
        var truncated: Bool
        var objects: [InventoryObject]
    }

    /// `WaitForUpdatesEx(version)` without waiting; nil when nothing changed.
    func waitForUpdates(_ setup: VSphereChangeFeed.Setup, version: String) async throws -> UpdateSet? {
        let answer = try await session.call("WaitForUpdatesEx", on: setup.collector, [
            SOAPNode("version", text: version),
            SOAPNode("options", [SOAPNode("maxWaitSeconds", text: "0"), SOAPNode("maxObjectUpdates", text: "1000")]),
        ])
        guard let update = answer.first, let next = update.text(of: "version") else { return nil }
        var objects: [InventoryObject] = []
        for filterSet in update.children("filterSet") {
            for object in filterSet.children("objectSet") {
                guard let reference = ManagedObjectReference(object.child("obj")) else { continue }
                switch reference.type {
                case "VirtualMachine": objects.append(.vm(id: reference.value))
                case "HostSystem": objects.append(.host(id: reference.value))
                case "ClusterComputeResource": objects.append(.cluster(id: reference.value))
                default: break
                }
            }
        }
        return UpdateSet(version: next.trimmingWhitespace(), truncated: update.text(of: "truncated") == "true",
                         objects: objects)
    }

    /// Destroys a setup's collector (and with it its filter) and its view; best effort.
    func destroy(_ setup: VSphereChangeFeed.Setup) async {
        _ = try? await session.call("DestroyPropertyCollector", on: setup.collector)
        _ = try? await session.call("DestroyView", on: setup.view)
    }
}
