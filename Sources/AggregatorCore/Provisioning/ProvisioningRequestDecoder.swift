import Foundation

/// Decodes and validates an uploaded request file (the seed's JSON array of items) before any
/// engine is touched. Every problem in the whole file is collected with its path
/// (`[0].vm.disks[1].size`) and line and column, so an operator fixes the file in one pass.
///
/// The kind-specific section (`ovirt`) is only checked for its `engine`; the backend validates
/// the rest against its live engine.
public struct ProvisioningRequestDecoder: Sendable {
    /// Configured engines of the kind being requested, by name.
    public var engines: [String]
    /// The backend kind, which is also the name of the kind-specific section (`ovirt`).
    public var kind: BackendKind
    /// Most items one file may hold. Defaults to 200.
    public var maxItems: Int = 200
    /// Upper bounds that catch typos (a memory of 2048 GB meant as MB). Defaults: 256 cores,
    /// 4096 GB memory, 65536 GB per disk, 16 disks.
    public var maxCores = 256
    public var maxMemoryGB = 4096
    public var maxDiskGB = 65536
    public var maxDisks = 16
    /// Most problems one answer lists (the rest are counted in a last issue). Defaults to 100.
    public var maxIssues = 100
    /// Bounds on the JSON text: nesting depth 64, size 16 MiB by default.
    public var jsonLimits = JSONParser.Limits()

    public init(engines: [String], kind: BackendKind) {
        self.engines = engines
        self.kind = kind
    }

    /// Decodes `bytes` for `action`.
    /// - Throws: ``RequestValidationError`` listing every problem, or ``JSONParser/SyntaxError``
    ///   (wrapped into the same error) when the file is not JSON.
    public func decode(_ bytes: [UInt8], action: ProvisioningAction) throws(RequestValidationError) -> [ProvisioningItem] {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes, limits: jsonLimits)
        } catch {
            throw RequestValidationError([ValidationIssue(
                path: "", message: "not valid JSON: \(error.message)", fix: error.fix,
                line: error.line, column: error.column)])
        }
        var issues: [ValidationIssue] = []
        guard let items = root.array else {
            let fix = root.members != nil ? "wrap the object in [ ... ]: the file is a JSON array of items" : nil
            throw RequestValidationError([ValidationIssue(
                path: "", message: "must be a JSON array of items, found \(root.typeName)", fix: fix, at: root)])
        }
        if items.isEmpty {
            throw RequestValidationError([ValidationIssue(path: "", message: "the array is empty",
                                                          fix: "add at least one item", at: root)])
        }
        if items.count > maxItems {
            throw RequestValidationError([ValidationIssue(
                path: "", message: "\(items.count) items; at most \(maxItems) per file",
                fix: "split the file", at: root)])
        }

        var decoded: [ProvisioningItem] = []
        var vmNames: [String: (index: Int, engine: String)] = [:]
        var networks: [String: (index: Int, id: Int)] = [:]
        for (index, value) in items.enumerated() {
            var context = ItemContext(path: "[\(index)]")
            if let item = decodeItem(value, index: index, action: action, context: &context) {
                if let vm = item.vm {
                    let key = "\(item.engine)\u{0}\(vm.name.lowercased())"
                    if let first = vmNames[key] {
                        context.issue("[\(index)].vm.name", "duplicate VM name '\(vm.name)' on engine \(item.engine) "
                                      + "(also item [\(first.index)])", fix: "give every VM its own name",
                                      at: value["vm"]?["name"])
                    } else {
                        vmNames[key] = (index, item.engine)
                    }
                }
                let networkKey = "\(item.engine)\u{0}\(item.vlan.networkName)"
                if let first = networks[networkKey], first.id != item.vlan.id {
                    context.issue("[\(index)].vlan.id", "network '\(item.vlan.networkName)' is given VLAN \(item.vlan.id) "
                                  + "here and \(first.id) in item [\(first.index)]",
                                  fix: "one network name, one VLAN id", at: value["vlan"]?["id"])
                } else if networks[networkKey] == nil {
                    networks[networkKey] = (index, item.vlan.id)
                }
                decoded.append(item)
            }
            issues += context.issues
        }
        if !issues.isEmpty { throw RequestValidationError(capped(issues)) }
        return decoded
    }

    /// At most ``maxIssues`` issues, then one that counts the rest, so a file with a
    /// hundred thousand unknown keys gets a short answer.
    private func capped(_ issues: [ValidationIssue]) -> [ValidationIssue] {
        guard issues.count > maxIssues else { return issues }
        return Array(issues.prefix(maxIssues)) + [ValidationIssue(
            path: "", message: "and \(issues.count - maxIssues) more problems not listed",
            fix: "fix the listed ones and post the file again to see the rest")]
    }

    // MARK: - Items

    struct ItemContext {
        var path: String
        var issues: [ValidationIssue] = []

        mutating func issue(_ path: String, _ message: String, fix: String? = nil, at value: JSONValue?) {
            issues.append(ValidationIssue(path: path, message: message, fix: fix, at: value))
        }
    }

    private func decodeItem(_ value: JSONValue, index: Int, action: ProvisioningAction,
                            context: inout ItemContext) -> ProvisioningItem? {
        let path = context.path
        guard value.members != nil else {
            context.issue(path, "must be an object with meta, \(kind), vlan\(action == .createVM ? " and vm" : "") sections, "
                          + "found \(value.typeName)", at: value)
            return nil
        }
        var known: Set<String> = ["meta", kind.rawValue, "vlan", "vm"]
        if action == .createVLAN { known.remove("vm") }
        checkUnknownKeys(value, known: known, optionalIgnored: action == .createVLAN ? ["vm"] : [], path: path,
                         context: &context)

        let meta = decodeMeta(value["meta"], path: "\(path).meta", parent: value, context: &context)
        let engine = decodeSection(value[kind.rawValue], path: "\(path).\(kind)", parent: value, context: &context)
        let vlan = decodeVLAN(value["vlan"], path: "\(path).vlan", parent: value, context: &context)
        var vm: VMSpec?
        if action == .createVM {
            vm = decodeVM(value["vm"], path: "\(path).vm", parent: value, context: &context)
        }
        guard let meta, let engine, let vlan, action == .createVLAN || vm != nil, context.issues.isEmpty else {
            return nil
        }
        return ProvisioningItem(index: index, action: action, meta: meta, engine: engine,
                                section: value[kind.rawValue]!, sectionName: kind.rawValue, vlan: vlan, vm: vm)
    }

    private func checkUnknownKeys(_ value: JSONValue, known: Set<String>, optionalIgnored: Set<String> = [],
                                  path: String, context: inout ItemContext) {
        for member in value.members ?? [] where !known.contains(member.key) && !optionalIgnored.contains(member.key) {
            // Past the listed issues only the count matters: skip the edit distances.
            guard context.issues.count <= maxIssues else {
                context.issue("\(path).\(member.key)", "unknown field", at: member.value)
                continue
            }
            // A key far longer than every known one is no misspelling of them.
            let suggestion = member.key.count > 64 ? nil
                : known.min { editDistance($0, member.key) < editDistance($1, member.key) }
            let fix: String
            if let suggestion, editDistance(suggestion, member.key) <= 2 {
                fix = "did you mean '\(suggestion)'?"
            } else {
                fix = "known fields: \(known.sorted().joined(separator: ", "))"
            }
            context.issue("\(path).\(member.key)", "unknown field", fix: fix, at: member.value)
        }
    }

    private func section(_ value: JSONValue?, path: String, parent: JSONValue, context: inout ItemContext) -> JSONValue? {
        guard let value else {
            context.issue(path, "is required", fix: "add the \"\(path.split(separator: ".").last ?? "")\" section",
                          at: parent)
            return nil
        }
        guard value.members != nil else {
            context.issue(path, "must be an object, found \(value.typeName)", at: value)
            return nil
        }
        return value
    }

    private func decodeMeta(_ value: JSONValue?, path: String, parent: JSONValue, context: inout ItemContext) -> RequestMeta? {
        guard let value = section(value, path: path, parent: parent, context: &context) else { return nil }
        checkUnknownKeys(value, known: ["document_num", "inf_system", "owner", "environment"], path: path,
                         context: &context)
        var fields = FieldReader(object: value, path: path)
        let document = fields.identifier("document_num")
        let meta = RequestMeta(documentNum: document ?? "", infSystem: fields.optionalString("inf_system"),
                               owner: fields.optionalString("owner"), environment: fields.optionalString("environment"))
        context.issues += fields.issues
        return document == nil ? nil : meta
    }

    private func decodeSection(_ value: JSONValue?, path: String, parent: JSONValue, context: inout ItemContext) -> String? {
        guard let value = section(value, path: path, parent: parent, context: &context) else { return nil }
        var fields = FieldReader(object: value, path: path)
        let engine = fields.string("engine")
        context.issues += fields.issues
        guard let engine else { return nil }
        guard engines.contains(engine) else {
            context.issue("\(path).engine", "unknown engine '\(engine)'",
                          fix: "configured \(kind) engines: \(engines.joined(separator: ", "))", at: value["engine"])
            return nil
        }
        return engine
    }

    private func decodeVLAN(_ value: JSONValue?, path: String, parent: JSONValue, context: inout ItemContext) -> VLANSpec? {
        guard let value = section(value, path: path, parent: parent, context: &context) else { return nil }
        checkUnknownKeys(value, known: ["name", "id", "suffix"], path: path, context: &context)
        var fields = FieldReader(object: value, path: path)
        let name = fields.string("name")
        let id = fields.integer("id", in: 1...4094, unit: "", fix: "a VLAN id is 1–4094")
        let suffix = fields.optionalString("suffix") ?? ""
        if let name, name.contains(where: { $0.isWhitespace }) {
            fields.issue("name", "must not contain spaces")
        }
        context.issues += fields.issues
        guard let name, let id else { return nil }
        return VLANSpec(name: name, id: id, suffix: suffix)
    }

    private func decodeVM(_ value: JSONValue?, path: String, parent: JSONValue, context: inout ItemContext) -> VMSpec? {
        guard let value = section(value, path: path, parent: parent, context: &context) else { return nil }
        checkUnknownKeys(value, known: ["name", "hostname", "cores", "memory", "disks", "template", "os", "nic_name",
                                        "gateway", "netmask", "address", "dns_servers"], path: path, context: &context)
        var fields = FieldReader(object: value, path: path)
        let name = fields.string("name")
        let hostname = fields.string("hostname")
        if let hostname, !NetworkText.isHostname(hostname) {
            fields.issue("hostname", "'\(hostname)' is not a valid host name",
                         fix: "letters, digits, '-' and '_', labels of at most 63 characters separated by dots")
        }
        let cores = fields.integer("cores", in: 1...maxCores, unit: "", fix: "between 1 and \(maxCores) cores")
        let memory = fields.integer("memory", in: 1...maxMemoryGB, unit: " GB",
                                    fix: "memory is in GB, between 1 and \(maxMemoryGB)")
        let template = fields.string("template")
        let os = fields.optionalString("os")
        let nicName = fields.string("nic_name")
        if let nicName, !NetworkText.isInterfaceName(nicName) {
            fields.issue("nic_name", "'\(nicName)' is not a valid interface name",
                         fix: "at most 15 characters: letters, digits, '-', '_', '.'")
        }
        let address = fields.ipv4("address")
        let netmask = fields.ipv4("netmask")
        let gateway = fields.ipv4("gateway")
        var netmaskBits: Int?
        if let netmask {
            netmaskBits = NetworkText.prefixLength(ofNetmask: netmask)
            if netmaskBits == nil || netmaskBits == 0 || netmaskBits! > 30 {
                fields.issue("netmask", "'\(netmask)' is not a usable netmask", fix: "a contiguous mask such as 255.255.255.192")
                netmaskBits = nil
            }
        }
        if let address, let netmask, let bits = netmaskBits {
            let (network, broadcast) = NetworkText.bounds(address: address, netmask: netmask)
            if NetworkText.value(address) == network || NetworkText.value(address) == broadcast {
                fields.issue("address", "\(address) is the network or broadcast address of its /\(bits) subnet",
                             fix: "use a host address")
            }
            if let gateway {
                let gatewayValue = NetworkText.value(gateway)
                if gatewayValue & NetworkText.value(netmask) != network {
                    fields.issue("gateway", "\(gateway) is outside the subnet of \(address)/\(bits)",
                                 fix: "the gateway must be in the VM's subnet")
                } else if gateway == address {
                    fields.issue("gateway", "equals the VM's own address")
                }
            }
        }
        let dnsServers = fields.dnsServers("dns_servers")
        let disks = decodeDisks(value["disks"], path: "\(path).disks", parent: value, fields: &fields)
        context.issues += fields.issues
        guard let name, let hostname, let cores, let memory, let template, let nicName, let address, netmaskBits != nil,
              let netmask, let gateway, let dnsServers, let disks, fields.issues.isEmpty
        else { return nil }
        return VMSpec(name: name, hostname: hostname, cores: cores, memoryGB: memory, disks: disks, template: template,
                      os: os, nicName: nicName, address: address, netmask: netmask, gateway: gateway,
                      dnsServers: dnsServers)
    }

    private func decodeDisks(_ value: JSONValue?, path: String, parent: JSONValue, fields: inout FieldReader) -> [DiskSpec]? {
        guard let value else {
            fields.issue("disks", "is required", fix: "list the VM's disks: [{\"size\": 40, \"mount_point\": \"/\", \"sparse\": 1}]")
            return nil
        }
        guard let items = value.array else {
            fields.issue("disks", "must be an array, found \(value.typeName)")
            return nil
        }
        guard !items.isEmpty else {
            fields.issue("disks", "must list at least one disk")
            return nil
        }
        if items.count > maxDisks { fields.issue("disks", "\(items.count) disks; at most \(maxDisks)") }
        var disks: [DiskSpec] = []
        var mounts: [String: Int] = [:]
        var ok = true
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard item.members != nil else {
                fields.issues.append(ValidationIssue(path: itemPath, message: "must be an object, found \(item.typeName)", at: item))
                ok = false
                continue
            }
            var disk = FieldReader(object: item, path: itemPath)
            for member in item.members ?? [] where !["size", "type", "mount_point", "sparse"].contains(member.key) {
                disk.issues.append(ValidationIssue(path: "\(itemPath).\(member.key)", message: "unknown field",
                                                   fix: "known fields: mount_point, size, sparse, type", at: member.value))
            }
            let size = disk.integer("size", in: 1...maxDiskGB, unit: " GB", fix: "disk size is in GB, between 1 and \(maxDiskGB)")
            let type = disk.optionalInteger("type")
            let mount = disk.optionalString("mount_point")
            if let mount {
                if !mount.hasPrefix("/") || mount.contains(" ") {
                    disk.issue("mount_point", "'\(mount)' is not an absolute path", fix: "e.g. / or /data")
                } else if let first = mounts[mount] {
                    disk.issue("mount_point", "'\(mount)' is also the mount point of disk [\(first)]")
                } else {
                    mounts[mount] = index
                }
            }
            let sparse = disk.flag("sparse")
            fields.issues += disk.issues
            if let size, let sparse, disk.issues.isEmpty {
                disks.append(DiskSpec(sizeGB: size, type: type, mountPoint: mount, sparse: sparse))
            } else {
                ok = false
            }
        }
        return ok ? disks : nil
    }
}

/// Reads typed fields of one JSON object, collecting issues with paths.
struct FieldReader {
    let object: JSONValue
    let path: String
    var issues: [ValidationIssue] = []

    mutating func issue(_ key: String, _ message: String, fix: String? = nil) {
        issues.append(ValidationIssue(path: "\(path).\(key)", message: message, fix: fix, at: object[key] ?? object))
    }

    mutating func string(_ key: String) -> String? {
        guard let value = object[key], !value.isNull else {
            issue(key, "is required")
            return nil
        }
        guard let text = value.string else {
            issue(key, "must be a string, found \(value.typeName)")
            return nil
        }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            issue(key, "must not be empty")
            return nil
        }
        return text
    }

    /// A string, or a number written without quotes (document numbers are often typed as numbers).
    mutating func identifier(_ key: String) -> String? {
        if let value = object[key], case .number(let text) = value.content { return text }
        return string(key)
    }

    mutating func optionalString(_ key: String) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.string else {
            issue(key, "must be a string, found \(value.typeName)")
            return nil
        }
        return text
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>, unit: String, fix: String) -> Int? {
        guard let value = object[key], !value.isNull else {
            issue(key, "is required", fix: fix)
            return nil
        }
        guard let number = value.integer else {
            if case .number = value.content {
                issue(key, "must be a whole number", fix: fix)
            } else {
                issue(key, "must be a positive integer, found \(value.typeName)", fix: fix)
            }
            return nil
        }
        guard range.contains(number) else {
            issue(key, number <= 0 ? "must be a positive integer, found \(number)"
                  : "\(number)\(unit) is out of range \(range.lowerBound)–\(range.upperBound)", fix: fix)
            return nil
        }
        return number
    }

    mutating func optionalInteger(_ key: String) -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let number = value.integer else {
            issue(key, "must be an integer, found \(value.typeName)")
            return nil
        }
        return number
    }

    /// `0`/`1` (the seed's convention) or `false`/`true`.
    mutating func flag(_ key: String) -> Bool? {
        guard let value = object[key], !value.isNull else {
            issue(key, "is required", fix: "1 for thin provisioning, 0 for preallocated")
            return nil
        }
        if let bool = value.bool { return bool }
        switch value.integer {
        case 0: return false
        case 1: return true
        default:
            issue(key, "must be 0 or 1, found \(value.string.map { "\"\($0)\"" } ?? value.typeName)",
                  fix: "1 for thin provisioning, 0 for preallocated")
            return nil
        }
    }

    mutating func ipv4(_ key: String) -> String? {
        guard let text = string(key) else { return nil }
        guard NetworkText.isIPv4(text) else {
            issue(key, "'\(text)' is not an IPv4 address", fix: "four numbers 0–255 separated by dots")
            return nil
        }
        return text
    }

    /// Space-separated (the seed's form) or an array of IPv4 addresses.
    mutating func dnsServers(_ key: String) -> [String]? {
        guard let value = object[key], !value.isNull else {
            issue(key, "is required", fix: "space-separated IPv4 addresses, e.g. \"10.0.0.1 10.0.0.2\"")
            return nil
        }
        var servers: [String]
        if let text = value.string {
            servers = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        } else if let items = value.array, items.allSatisfy({ $0.string != nil }) {
            servers = items.compactMap(\.string)
        } else {
            issue(key, "must be a string of space-separated addresses, found \(value.typeName)")
            return nil
        }
        servers = servers.filter { !$0.isEmpty }
        guard !servers.isEmpty else {
            issue(key, "must list at least one DNS server")
            return nil
        }
        let bad = servers.filter { !NetworkText.isIPv4($0) }
        guard bad.isEmpty else {
            issue(key, "not IPv4 addresses: \(bad.joined(separator: ", "))", fix: "space-separated IPv4 addresses")
            return nil
        }
        return servers
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
