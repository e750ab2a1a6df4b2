/// Decodes engine listings into the backend's engine types in one pass over the bytes, keeping
/// only the fields ``OvirtMapping`` uses and skipping the rest (links, actions, the many VM
/// settings) without building them.
///
/// It produces the same values as `JSONDecoder` with the `Decodable` types for the fields it
/// keeps, with the same tolerance: integers as numbers or numeric strings (``OvirtInt``), `{}`
/// or a missing key for an empty collection, a bare array for a collection, `null` for an absent
/// value, the first of repeated members. A kept field of the wrong type fails the document as
/// `JSONDecoder` does; fields it does not keep are not type-checked.
enum OvirtListingDecoder {
    typealias Reader = OvirtJSONReader

    // MARK: - Documents

    /// `{"vm": [...]}` (or `{}`, or a bare array).
    static func vms(_ body: [UInt8]) throws -> [OvirtVM] { try collection(body, key: "vm", vm) }
    /// One VM object, `GET /vms/{id}`.
    static func vm(_ body: [UInt8]) throws -> OvirtVM { try Reader.parse(body) { try vm(&$0) } }
    static func hosts(_ body: [UInt8]) throws -> [OvirtHost] { try collection(body, key: "host", host) }
    static func host(_ body: [UInt8]) throws -> OvirtHost { try Reader.parse(body) { try host(&$0) } }
    static func clusters(_ body: [UInt8]) throws -> [OvirtCluster] { try collection(body, key: "cluster", cluster) }
    static func cluster(_ body: [UInt8]) throws -> OvirtCluster { try Reader.parse(body) { try cluster(&$0) } }
    static func dataCenters(_ body: [UInt8]) throws -> [OvirtDataCenter] {
        try collection(body, key: "data_center", dataCenter)
    }
    static func templates(_ body: [UInt8]) throws -> [OvirtTemplate] { try collection(body, key: "template", template) }
    static func events(_ body: [UInt8]) throws -> [OvirtEvent] { try collection(body, key: "event", event) }

    // MARK: - Objects

    private static let vmFields: [StaticString] = [
        "id", "name", "status", "host", "cluster", "template", "memory", "cpu", "os", "creation_time",
        "reported_devices", "description", "comment", "fqdn",
    ]

    static func vm(_ reader: inout Reader) throws -> OvirtVM {
        var vm = OvirtVM()
        try reader.forEachField(vmFields) { reader, field in
            switch field {
            case 0: vm.id = try reader.readString()
            case 1: vm.name = try reader.readString()
            case 2: vm.status = try reader.readString()
            case 3: vm.host = try reference(&reader)
            case 4: vm.cluster = try reference(&reader)
            case 5: vm.template = try reference(&reader)
            case 6: vm.memory = try reader.readInt()
            case 7:
                vm.cpu = try object(&reader, OvirtVM.CPU(), ["topology"]) { cpu, reader, _ in
                    cpu.topology = try topology(&reader)
                }
            case 8:
                vm.os = try object(&reader, OvirtVM.OperatingSystem(), ["type"]) { os, reader, _ in
                    os.type = try reader.readString()
                }
            case 9: vm.creationTime = try reader.readInt()
            case 10: vm.reportedDevices = try nestedCollection(&reader, key: "reported_device", reportedDevice)
            case 11: vm.description = try reader.readString()
            case 12: vm.comment = try reader.readString()
            default: vm.fqdn = try reader.readString()
            }
        }
        return vm
    }

    private static let hostFields: [StaticString] = [
        "id", "name", "address", "status", "comment", "cluster", "memory", "cpu", "summary", "os",
    ]

    static func host(_ reader: inout Reader) throws -> OvirtHost {
        var host = OvirtHost()
        try reader.forEachField(hostFields) { reader, field in
            switch field {
            case 0: host.id = try reader.readString()
            case 1: host.name = try reader.readString()
            case 2: host.address = try reader.readString()
            case 3: host.status = try reader.readString()
            case 4: host.comment = try reader.readString()
            case 5: host.cluster = try reference(&reader)
            case 6: host.memory = try reader.readInt()
            case 7:
                host.cpu = try object(&reader, OvirtHost.CPU(), ["name", "topology"]) { cpu, reader, field in
                    if field == 0 { cpu.name = try reader.readString() } else { cpu.topology = try topology(&reader) }
                }
            case 8:
                host.summary = try object(&reader, OvirtHost.VMSummary(), ["active", "total"]) { summary, reader, field in
                    if field == 0 { summary.active = try reader.readInt() } else { summary.total = try reader.readInt() }
                }
            default:
                host.os = try object(&reader, OvirtHost.OperatingSystem(), ["type", "version"]) { os, reader, field in
                    if field == 0 {
                        os.type = try reader.readString()
                    } else {
                        os.version = try object(&reader, OvirtVersion(), ["full_version"]) { version, reader, _ in
                            version.fullVersion = try reader.readString()
                        }
                    }
                }
            }
        }
        return host
    }

    private static let clusterFields: [StaticString] = [
        "id", "name", "description", "comment", "data_center", "cpu", "version",
    ]

    static func cluster(_ reader: inout Reader) throws -> OvirtCluster {
        var cluster = OvirtCluster()
        try reader.forEachField(clusterFields) { reader, field in
            switch field {
            case 0: cluster.id = try reader.readString()
            case 1: cluster.name = try reader.readString()
            case 2: cluster.description = try reader.readString()
            case 3: cluster.comment = try reader.readString()
            case 4: cluster.dataCenter = try reference(&reader)
            case 5:
                cluster.cpu = try object(&reader, OvirtCluster.CPU(), ["type"]) { cpu, reader, _ in
                    cpu.type = try reader.readString()
                }
            default:
                cluster.version = try object(&reader, OvirtVersion(), ["major", "minor"]) { version, reader, field in
                    if field == 0 { version.major = try reader.readInt() } else { version.minor = try reader.readInt() }
                }
            }
        }
        return cluster
    }

    private static let idAndName: [StaticString] = ["id", "name"]

    static func dataCenter(_ reader: inout Reader) throws -> OvirtDataCenter {
        var dataCenter = OvirtDataCenter()
        try reader.forEachField(idAndName) { reader, field in
            if field == 0 { dataCenter.id = try reader.readString() } else { dataCenter.name = try reader.readString() }
        }
        return dataCenter
    }

    static func template(_ reader: inout Reader) throws -> OvirtTemplate {
        var template = OvirtTemplate()
        try reader.forEachField(idAndName) { reader, field in
            if field == 0 { template.id = try reader.readString() } else { template.name = try reader.readString() }
        }
        return template
    }

    private static let eventFields: [StaticString] = ["index", "id", "code", "time", "vm", "host", "cluster"]

    static func event(_ reader: inout Reader) throws -> OvirtEvent {
        var event = OvirtEvent()
        try reader.forEachField(eventFields) { reader, field in
            switch field {
            case 0: event.index = try reader.readInt()
            case 1: event.id = try reader.readString()
            case 2: event.code = try reader.readInt()
            case 3: event.time = try reader.readScalarText()
            case 4: event.vm = try reference(&reader)?.id
            case 5: event.host = try reference(&reader)?.id
            default: event.cluster = try reference(&reader)?.id
            }
        }
        return event
    }

    // MARK: - Parts

    static func reference(_ reader: inout Reader) throws -> OvirtReference? {
        try object(&reader, OvirtReference(), idAndName) { reference, reader, field in
            if field == 0 { reference.id = try reader.readString() } else { reference.name = try reader.readString() }
        }
    }

    private static let topologyFields: [StaticString] = ["sockets", "cores", "threads"]

    static func topology(_ reader: inout Reader) throws -> OvirtCPUTopology? {
        try object(&reader, OvirtCPUTopology(), topologyFields) { topology, reader, field in
            switch field {
            case 0: topology.sockets = try reader.readInt()
            case 1: topology.cores = try reader.readInt()
            default: topology.threads = try reader.readInt()
            }
        }
    }

    static func reportedDevice(_ reader: inout Reader) throws -> OvirtReportedDevice {
        var device = OvirtReportedDevice()
        try reader.forEachField(["ips"]) { reader, _ in
            device.ips = try nestedCollection(&reader, key: "ip") { reader in
                var ip = OvirtIP()
                try reader.forEachField(["address"]) { reader, _ in ip.address = try reader.readString() }
                return ip
            }
        }
        return device
    }

    /// An object whose members named in `fields` are read into `initial` (the first of repeated
    /// members counts); nil for `null`.
    static func object<T>(
        _ reader: inout Reader, _ initial: T, _ fields: [StaticString], _ member: (inout T, inout Reader, Int) throws -> Void
    ) throws -> T? {
        var value = initial
        let present = try reader.readFields(fields) { reader, field in try member(&value, &reader, field) }
        return present ? value : nil
    }

    /// A whole document that is a collection: the array under `key` of an object (absent: empty),
    /// or a bare array.
    static func collection<T>(
        _ body: [UInt8], key: StaticString, _ element: (inout Reader) throws -> T
    ) throws -> [T] {
        try Reader.parse(body) { reader in
            switch try reader.peek() {
            case UInt8(ascii: "{"):
                var items: [T] = []
                try reader.forEachField([key]) { reader, _ in items = try list(&reader, element) }
                return items
            case UInt8(ascii: "["):
                return try list(&reader, element)
            default:
                throw reader.error("expected a JSON object")
            }
        }
    }

    /// A nested list with its wrapper (`"ips": {"ip": [...]}`), a bare array, or nil for `null`.
    static func nestedCollection<T: OvirtCollectionElement>(
        _ reader: inout Reader, key: StaticString, _ element: (inout Reader) throws -> T
    ) throws -> OvirtCollection<T>? {
        switch try reader.peek() {
        case UInt8(ascii: "{"):
            var items: [T] = []
            try reader.forEachField([key]) { reader, _ in items = try list(&reader, element) }
            return OvirtCollection(items)
        case UInt8(ascii: "["):
            return OvirtCollection(try list(&reader, element))
        case UInt8(ascii: "n"):
            _ = try reader.readString()
            return nil
        default:
            throw reader.error("expected a collection")
        }
    }

    /// An array of `element`s; `null` is an empty list.
    static func list<T>(_ reader: inout Reader, _ element: (inout Reader) throws -> T) throws -> [T] {
        if try reader.peek() == UInt8(ascii: "n") {
            _ = try reader.readString()
            return []
        }
        var items: [T] = []
        try reader.forEachElement { reader in items.append(try element(&reader)) }
        return items
    }
}
