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
    func capped(_ issues: [ValidationIssue]) -> [ValidationIssue] {
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

    func checkUnknownKeys(_ value: JSONValue, known: Set<String>, optionalIgnored: Set<String> = [],
                                  path: String, context: inout ItemContext) {
        for member in value.members ?? [] where !known.contains(member.key) && !optionalIgnored.contains(member.key) {
            // Past the listed issues only the count matters: skip the edit distances.
            guard context.issues.count <= maxIssues else {
                context.issue(ProvisioningItem.join(path, member.key), "unknown field", at: member.value)
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
            context.issue(ProvisioningItem.join(path, member.key), "unknown field", fix: fix, at: member.value)
        }
    }

    func section(_ value: JSONValue?, path: String, parent: JSONValue, context: inout ItemContext) -> JSONValue? {
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

    func decodeMeta(_ value: JSONValue?, path: String, parent: JSONValue, context: inout ItemContext) -> RequestMeta? {
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
        let hostname = fields.hostname("hostname", required: true)
        let cores = fields.integer("cores", in: 1...maxCores, unit: "", fix: "between 1 and \(maxCores) cores")
        let memory = fields.integer("memory", in: 1...maxMemoryGB, unit: " GB",
                                    fix: "memory is in GB, between 1 and \(maxMemoryGB)")
        let template = fields.string("template")
        let os = fields.optionalString("os")
        let nicName = fields.interfaceName("nic_name", required: true)
        let address = fields.staticAddress()
        let dnsServers = fields.dnsServers("dns_servers")
        let disks = fields.disks("disks", keys: .seed, maxDisks: maxDisks, maxDiskGB: maxDiskGB)
        context.issues += fields.issues
        guard let name, let hostname, let cores, let memory, let template, let nicName, let address,
              let dnsServers, let disks, fields.issues.isEmpty
        else { return nil }
        return VMSpec(name: name, hostname: hostname, cores: cores, memoryGB: memory, disks: disks, template: template,
                      os: os, nicName: nicName, address: address.address, netmask: address.netmask,
                      gateway: address.gateway, dnsServers: dnsServers)
    }
}
