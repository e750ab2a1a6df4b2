import Foundation

/// Reads typed fields of one JSON object, collecting issues with paths.
struct FieldReader {
    let object: JSONValue
    let path: String
    var issues: [ValidationIssue] = []

    mutating func issue(_ key: String, _ message: String, fix: String? = nil) {
        issues.append(ValidationIssue(path: ProvisioningItem.join(path, key), message: message, fix: fix, at: object[key] ?? object))
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
