import AggregatorCore

/// The body of `POST /api/v1/vms/actions`:
///
/// ```json
/// {"action": "stop", "vms": [{"engine": "e15", "id": "…", "name": "web01"}], "force": false}
/// {"action": "stop", "query": {"engine": "e15", "name": "test_"}, "max": 120}
/// ```
///
/// Exactly one of `vms` (each with `engine` and `id`; `name` required for `delete`) or `query` (the
/// VM listing's filters, as strings). `max` raises the request's limit within `operations.bulk_ceiling`.
/// Every problem is reported with its path, line and column.
struct BulkOperationBody {
    var action: VMOperation
    var targets: [VMOperationService.Target] = []
    /// The listing filters, as name and value pairs, when the body selects by query.
    var query: [(String, String)]?
    var max: Int?
    var force = false
    var shutdownTimeoutSeconds: Int?
    var documentNum: String?

    static let fields: Set<String> = ["action", "vms", "query", "max", "force", "shutdown_timeout", "document_num"]

    init(_ bytes: [UInt8]) throws(BulkBodyError) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw .issues([ValidationIssue(path: "$", message: error.message, fix: error.fix, line: error.line, column: error.column)])
        }
        guard let members = root.members else {
            throw .issues([ValidationIssue(path: "$", message: "must be a JSON object, found \(root.typeName)",
                                           fix: #"send {"action": "stop", "vms": [{"engine": "…", "id": "…"}]}"#, at: root)])
        }
        var issues: [ValidationIssue] = []
        for member in members where !Self.fields.contains(member.key) {
            issues.append(ValidationIssue(path: member.key, message: "is not a field of a bulk operation",
                                          fix: "use \(Self.fields.sorted().joined(separator: ", "))", at: member.value))
        }
        let actions = VMOperation.allCases.map(\.rawValue).joined(separator: ", ")
        var action = VMOperation.start
        if let value = root["action"] {
            if let name = value.string, let known = VMOperation(rawValue: name) {
                action = known
            } else {
                issues.append(ValidationIssue(path: "action", message: "must be one of \(actions)", at: value))
            }
        } else {
            issues.append(ValidationIssue(path: "action", message: "is missing", fix: "add \"action\": one of \(actions)", at: root))
        }
        self.action = action
        switch (root["vms"], root["query"]) {
        case (nil, nil), (.some, .some):
            issues.append(ValidationIssue(path: "$", message: "must have exactly one of vms and query",
                                          fix: "list the VMs under vms, or select them with query", at: root))
        case (.some(let list), nil):
            issues += readTargets(list)
        case (nil, .some(let filters)):
            issues += readQuery(filters)
        }
        if let value = root["max"] {
            if let limit = value.integer, limit > 0 { max = limit } else {
                issues.append(ValidationIssue(path: "max", message: "must be a positive whole number", at: value))
            }
        }
        if let value = root["force"] {
            if let flag = value.bool { force = flag } else {
                issues.append(ValidationIssue(path: "force", message: "must be true or false", at: value))
            }
        }
        if let value = root["shutdown_timeout"] {
            if let seconds = value.integer, (10 ... 3600).contains(seconds) { shutdownTimeoutSeconds = seconds } else {
                issues.append(ValidationIssue(path: "shutdown_timeout", message: "must be 10–3600 seconds", at: value))
            }
        }
        if let value = root["document_num"] {
            if let text = value.string { documentNum = text } else {
                issues.append(ValidationIssue(path: "document_num", message: "must be a string", at: value))
            }
        }
        if !issues.isEmpty { throw .issues(issues) }
    }

    private mutating func readTargets(_ list: JSONValue) -> [ValidationIssue] {
        guard let items = list.array else {
            return [ValidationIssue(path: "vms", message: "must be a list of {\"engine\", \"id\"}", at: list)]
        }
        if items.isEmpty { return [ValidationIssue(path: "vms", message: "is empty", fix: "name at least one VM", at: list)] }
        var issues: [ValidationIssue] = []
        for (index, item) in items.enumerated() {
            let path = "vms[\(index)]"
            guard let members = item.members else {
                issues.append(ValidationIssue(path: path, message: "must be an object with engine and id", at: item))
                continue
            }
            for member in members where !["engine", "id", "name"].contains(member.key) {
                issues.append(ValidationIssue(path: "\(path).\(member.key)", message: "is not a field of a VM",
                                              fix: "use engine, id and name", at: member.value))
            }
            func text(_ key: String, required: Bool) -> String? {
                guard let value = item[key] else {
                    if required { issues.append(ValidationIssue(path: "\(path).\(key)", message: "is missing", at: item)) }
                    return nil
                }
                guard let string = value.string, !string.isEmpty else {
                    issues.append(ValidationIssue(path: "\(path).\(key)", message: "must be a non-empty string", at: value))
                    return nil
                }
                return string
            }
            let engine = text("engine", required: true)
            let id = text("id", required: true)
            let name = text("name", required: action == .delete)
            if let engine, let id {
                targets.append(.init(engine: engine, vmID: id, expectedName: name, path: path))
            }
        }
        return issues
    }

    private mutating func readQuery(_ filters: JSONValue) -> [ValidationIssue] {
        guard let members = filters.members else {
            return [ValidationIssue(path: "query", message: "must be an object of listing filters",
                                    fix: #"for example {"engine": "e15", "name": "test_"}"#, at: filters)]
        }
        var pairs: [(String, String)] = []
        var issues: [ValidationIssue] = []
        for member in members {
            if let text = member.value.string {
                pairs.append((member.key, text))
            } else if let list = member.value.array, member.key == "engine", list.allSatisfy({ $0.string != nil }) {
                pairs += list.compactMap(\.string).map { ("engine", $0) }
            } else {
                issues.append(ValidationIssue(path: "query.\(member.key)", message: "must be a string", at: member.value))
            }
        }
        query = pairs
        return issues
    }
}

/// Why a bulk body was refused.
enum BulkBodyError: Error {
    case issues([ValidationIssue])
}
