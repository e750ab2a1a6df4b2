/// Decodes and validates the body of `POST /api/v1/vms`: the backend-neutral way to ask any
/// engine for a VM. One VM as an object, or several as an array of such objects.
///
/// ```json
/// {
///   "engine": "e15-test",
///   "name": "app-01", "hostname": "app-01.example.com",
///   "cores": 2, "memory_gb": 4, "template": "redos8-template", "os": "RedOS 8",
///   "disks": [{"size_gb": 40, "mount_point": "/", "sparse": true}, {"size_gb": 100, "mount_point": "/data", "sparse": true}],
///   "network": {"vlan_id": 2921, "name": "2921-app-net", "nic_name": "eth0"},
///   "ip": {"address": "10.105.249.51", "netmask": "255.255.255.0", "gateway": "10.105.249.1", "dns_servers": ["10.0.0.1"]},
///   "meta": {"document_num": "6666"},
///   "placement": {"cluster": "Default", "storage_domain": "data1", "host_nic": "bond0"}
/// }
/// ```
///
/// `placement` is the engine kind's own section (an oVirt cluster and storage domain, a Proxmox
/// node and storage, ...), validated by the backend against its engine like the rest. Every
/// problem is reported with its path (`disks[1].size_gb`, `[2].ip.gateway`) and line and column.
public struct VMRequestDecoder: Sendable {
    /// Configured engines by name, with their kind.
    public var engines: [String: BackendKind]
    /// Bounds shared with the seed's files.
    public var limits: ProvisioningRequestDecoder

    public init(engines: [String: BackendKind]) {
        self.engines = engines
        self.limits = ProvisioningRequestDecoder(engines: [], kind: "any")
    }

    static let keys: Set<String> = ["engine", "name", "hostname", "cores", "memory_gb", "template", "os", "disks",
                                    "network", "ip", "meta", "placement"]

    /// Decodes `bytes` into `create_vm` items.
    /// - Throws: ``RequestValidationError`` listing every problem.
    public func decode(_ bytes: [UInt8]) throws(RequestValidationError) -> [ProvisioningItem] {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes, limits: limits.jsonLimits)
        } catch {
            throw RequestValidationError([ValidationIssue(
                path: "", message: "not valid JSON: \(error.message)", fix: error.fix,
                line: error.line, column: error.column)])
        }
        let entries: [(value: JSONValue, path: String)]
        if let items = root.array {
            guard !items.isEmpty else {
                throw RequestValidationError([ValidationIssue(path: "", message: "the array is empty",
                                                              fix: "add at least one VM", at: root)])
            }
            guard items.count <= limits.maxItems else {
                throw RequestValidationError([ValidationIssue(
                    path: "", message: "\(items.count) VMs; at most \(limits.maxItems) per request",
                    fix: "split the request", at: root)])
            }
            entries = items.enumerated().map { ($0.element, "[\($0.offset)]") }
        } else if root.members != nil {
            entries = [(root, "")]
        } else {
            throw RequestValidationError([ValidationIssue(
                path: "", message: "must be a VM object or an array of them, found \(root.typeName)", at: root)])
        }

        var issues: [ValidationIssue] = []
        var items: [ProvisioningItem] = []
        var names: [String: String] = [:]
        for (index, entry) in entries.enumerated() {
            var context = ProvisioningRequestDecoder.ItemContext(path: entry.path)
            if let item = decodeItem(entry.value, index: index, path: entry.path, context: &context) {
                let key = "\(item.engine)\u{0}\(item.vm?.name.lowercased() ?? "")"
                if let first = names[key] {
                    context.issue(item.paths.vmName, "duplicate VM name '\(item.vm?.name ?? "")' on engine \(item.engine) "
                                  + "(also \(first))", fix: "give every VM its own name", at: entry.value["name"])
                } else {
                    names[key] = entry.path
                    items.append(item)
                }
            }
            issues += context.issues
        }
        if !issues.isEmpty { throw RequestValidationError(limits.capped(issues)) }
        return items
    }

    private func field(_ path: String, _ key: String) -> String { ProvisioningItem.join(path, key) }

    private func decodeItem(_ value: JSONValue, index: Int, path: String,
                            context: inout ProvisioningRequestDecoder.ItemContext) -> ProvisioningItem? {
        guard value.members != nil else {
            context.issue(path, "must be a VM object, found \(value.typeName)", at: value)
            return nil
        }
        limits.checkUnknownKeys(value, known: Self.keys, path: path, context: &context)
        var fields = FieldReader(object: value, path: path)
        let engine = fields.string("engine")
        var kind: BackendKind?
        if let engine {
            kind = engines[engine]
            if kind == nil {
                fields.issue("engine", "unknown engine '\(engine)'",
                             fix: "configured engines: \(engines.keys.sorted().joined(separator: ", "))")
            }
        }
        let name = fields.string("name")
        let hostname = fields.hostname("hostname", required: false)
        let cores = fields.integer("cores", in: 1...limits.maxCores, unit: "", fix: "between 1 and \(limits.maxCores) cores")
        let memory = fields.integer("memory_gb", in: 1...limits.maxMemoryGB, unit: " GB",
                                    fix: "memory is in GB, between 1 and \(limits.maxMemoryGB)")
        let template = fields.string("template")
        let os = fields.optionalString("os")
        let disks = fields.disks("disks", keys: .api, maxDisks: limits.maxDisks, maxDiskGB: limits.maxDiskGB)
        context.issues += fields.issues

        let network = decodeNetwork(value["network"], path: field(path, "network"), parent: value, context: &context)
        let ip = decodeIP(value["ip"], path: field(path, "ip"), parent: value, context: &context)
        let meta = decodeMeta(value["meta"], path: field(path, "meta"), context: &context)
        let placement = value["placement"] ?? JSONValue(.object([]), line: value.line, column: value.column)
        if placement.members == nil {
            context.issue(field(path, "placement"), "must be an object, found \(placement.typeName)", at: placement)
        }

        guard context.issues.isEmpty, let engine, kind != nil, let name, let cores, let memory, let template, let disks,
              let network, let ip, let meta
        else { return nil }
        let vm = VMSpec(name: name, hostname: hostname ?? name, cores: cores, memoryGB: memory, disks: disks,
                        template: template, os: os, nicName: network.nicName, address: ip.address.address,
                        netmask: ip.address.netmask, gateway: ip.address.gateway, dnsServers: ip.dnsServers)
        var item = ProvisioningItem(index: index, action: .createVM, meta: meta, engine: engine, section: placement,
                                    sectionName: "placement", vlan: network.vlan, vm: vm, path: path,
                                    enginePath: field(path, "engine"))
        item.paths = .api(path)
        return item
    }

    private struct Network {
        var vlan: VLANSpec
        var nicName: String
    }

    /// `network`: the VLAN (`vlan_id`, and the network's `name` where the kind names networks) and
    /// the guest NIC cloud-init configures (`nic_name`, default `eth0`).
    private func decodeNetwork(_ value: JSONValue?, path: String, parent: JSONValue,
                               context: inout ProvisioningRequestDecoder.ItemContext) -> Network? {
        guard let value = limits.section(value, path: path, parent: parent, context: &context) else { return nil }
        limits.checkUnknownKeys(value, known: ["vlan_id", "name", "nic_name"], path: path, context: &context)
        var fields = FieldReader(object: value, path: path)
        let id = fields.integer("vlan_id", in: 1...4094, unit: "", fix: "a VLAN id is 1–4094")
        let name = value["name"] == nil ? nil : fields.string("name")
        if let name, name.contains(where: { $0.isWhitespace }) { fields.issue("name", "must not contain spaces") }
        let nicName = fields.interfaceName("nic_name", required: false) ?? "eth0"
        context.issues += fields.issues
        guard let id, fields.issues.isEmpty else { return nil }
        // Kinds whose networks are named objects (oVirt) take the name; others ignore it.
        return Network(vlan: VLANSpec(name: name ?? "vlan\(id)", id: id), nicName: nicName)
    }

    private struct IP {
        var address: FieldReader.StaticAddress
        var dnsServers: [String]
    }

    private func decodeIP(_ value: JSONValue?, path: String, parent: JSONValue,
                          context: inout ProvisioningRequestDecoder.ItemContext) -> IP? {
        guard let value = limits.section(value, path: path, parent: parent, context: &context) else { return nil }
        limits.checkUnknownKeys(value, known: ["address", "netmask", "gateway", "dns_servers"], path: path, context: &context)
        var fields = FieldReader(object: value, path: path)
        let address = fields.staticAddress()
        let dns = fields.dnsServers("dns_servers")
        context.issues += fields.issues
        guard let address, let dns, fields.issues.isEmpty else { return nil }
        return IP(address: address, dnsServers: dns)
    }

    /// `meta` is optional here: without it the VM's name on its engine is what makes a request
    /// the same request again.
    private func decodeMeta(_ value: JSONValue?, path: String,
                            context: inout ProvisioningRequestDecoder.ItemContext) -> RequestMeta? {
        guard let value, !value.isNull else { return RequestMeta(documentNum: "") }
        return limits.decodeMeta(value, path: path, parent: value, context: &context)
    }
}
