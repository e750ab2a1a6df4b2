/// The registered formats of `PVE::JSONSchema` the simulated methods use,
/// each returning the message the real verifier dies with (nil when valid).
enum Formats {
    static let vmid: FormatCheck = { value, _ in
        Identifiers.isVMID(value) ? nil : "value does not look like a valid VM ID\n"
    }

    static let node: FormatCheck = { value, _ in
        Identifiers.isNodeName(value) ? nil : "value does not look like a valid node name\n"
    }

    static let storageID: FormatCheck = { value, _ in
        Identifiers.isID(value) ? nil : "storage ID '\(value)' contains illegal characters\n"
    }

    static let poolID: FormatCheck = { value, _ in
        Identifiers.isID(value) ? nil : "pool ID '\(value)' contains illegal characters\n"
    }

    static let dnsName: FormatCheck = { value, _ in
        Identifiers.isDNSName(value) ? nil : "value does not look like a valid DNS name\n"
    }

    static let ipv4: FormatCheck = { value, _ in
        Identifiers.isIPv4(value) ? nil : "value does not look like a valid IPv4 address\n"
    }

    static let ipv6: FormatCheck = { value, _ in
        Identifiers.isIPv6(value) ? nil : "value does not look like a valid IPv6 address\n"
    }

    static let ipv4Config: FormatCheck = { value, _ in
        value == "dhcp" || value == "manual" || Identifiers.isCIDRv4(value)
            ? nil : "value does not look like a valid ipv4 network configuration\n"
    }

    static let ipv6Config: FormatCheck = { value, _ in
        ["dhcp", "auto", "manual"].contains(value) || Identifiers.isCIDRv6(value)
            ? nil : "value does not look like a valid ipv6 network configuration\n"
    }

    static let macAddress: FormatCheck = { value, _ in
        Identifiers.isMAC(value) ? nil : "value does not look like a valid unicast MAC address\n"
    }

    static let bridgeID: FormatCheck = { value, _ in
        !value.isEmpty && value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
            ? nil : "invalid bridge ID '\(value)'\n"
    }

    /// `pve-configid-list`: option names separated by `,`, `;` or spaces.
    static let configIDList: FormatCheck = { value, _ in
        for id in Identifiers.splitList(value) where !Identifiers.isConfigID(id) {
            return "invalid configuration ID '\(id)'\n"
        }
        return nil
    }

    /// `pve-tag-list`.
    static let tagList: FormatCheck = { value, _ in
        for tag in Identifiers.splitList(value) where !Identifiers.isTag(tag) {
            return "invalid characters in tag\n"
        }
        return nil
    }

    /// `address-list`: IP addresses separated by `,`, `;` or spaces.
    static let addressList: FormatCheck = { value, _ in
        for address in Identifiers.splitList(value) where !(Identifiers.isIPv4(address) || Identifiers.isIPv6(address)) {
            return "value does not look like a valid IP address\n"
        }
        return nil
    }

    /// `disk-size`: `\d+(\.\d+)?[KMGT]?`.
    static let diskSize: FormatCheck = { value, _ in
        DiskSize.parse(value) == nil ? "unable to parse size '\(value)'\n" : nil
    }

    /// `pve-volume-id-or-qm-path`: `none`, `cdrom`, an absolute path, or `STORAGE:VOLUME`.
    static let volumeIDOrPath: FormatCheck = { value, _ in
        if value == "none" || value == "cdrom" || value.hasPrefix("/") { return nil }
        if let colon = value.firstIndex(of: ":"), Identifiers.isID(String(value[..<colon])),
            value.index(after: colon) < value.endIndex
        {
            return nil
        }
        return "unable to parse volume ID '\(value)'\n"
    }

    /// `pve-volume-id`: `STORAGE:VOLUME`.
    static let volumeID: FormatCheck = { value, _ in
        if let colon = value.firstIndex(of: ":"), Identifiers.isID(String(value[..<colon])),
            value.index(after: colon) < value.endIndex
        {
            return nil
        }
        return "unable to parse volume ID '\(value)'\n"
    }

    /// `pve-snapshot-name`.
    static let snapshotName: FormatCheck = { value, _ in
        guard let first = value.first, first.isASCII, first.isLetter, value.count >= 2,
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) })
        else { return "invalid format - invalid snapshot name '\(value)'\n" }
        return nil
    }

    /// A property-string format as a format check.
    static func property(_ format: PropertyFormat) -> FormatCheck {
        { value, path in format.check(value, path: path) }
    }
}

/// A property-string format (`parse_property_string`): sub-keys with
/// their own schema, an optional default key, and key aliases (`virtio=MAC`).
struct PropertyFormat: Sendable {
    var keys: [String: ParamSpec]
    var defaultKey: String?
    /// Alias keys: `virtio` stands for `macaddr`, recording `model=virtio`.
    var aliases: [String: (alias: String, keyAlias: String)] = [:]

    /// Parses `text`; throws the message after "invalid format - ".
    func parse(_ text: String, path: String) -> Result<[String: String], PropertyFormatError> {
        var result: [String: String] = [:]
        var defaultSet = false
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            if part.allSatisfy(\.isWhitespace) { continue }
            if let equals = part.firstIndex(of: "="), equals != part.startIndex, part.index(after: equals) != part.endIndex {
                var key = String(part[..<equals])
                var value = String(part[part.index(after: equals)...])
                if result[key] != nil {
                    return .failure(.init("duplicate key in comma-separated list property: \(key)\n"))
                }
                if let alias = aliases[key] {
                    if result[alias.keyAlias] != nil {
                        return .failure(.init("key alias '\(alias.keyAlias)' is already defined\n"))
                    }
                    result[alias.keyAlias] = key
                    key = alias.alias
                }
                guard let spec = keys[key] else {
                    return .failure(.init("invalid key in comma-separated list property: \(key)\n"))
                }
                if spec.kind == .boolean, let flag = PropertyString.boolean(value) { value = flag ? "1" : "0" }
                result[key] = value
            } else if !part.contains("=") {
                guard let defaultKey else {
                    return .failure(.init("value without key, but schema does not define a default key\n"))
                }
                if defaultSet || result[defaultKey] != nil {
                    return .failure(.init("duplicate key in comma-separated list property: \(defaultKey)\n"))
                }
                defaultSet = true
                result[defaultKey] = String(part)
            } else {
                return .failure(.init("missing key in comma-separated list property\n"))
            }
        }
        var errors: [String: String] = [:]
        let values = result.mapValues { RequestValue.text($0) }
        for (key, spec) in keys {
            if let message = ParameterValidator.check(values[key], spec: spec, path: "\(path).\(key)") {
                errors["\(path).\(key)"] = message
            }
        }
        for (key, spec) in keys {
            if result[key] != nil, let requires = spec.requires, result[requires] == nil {
                errors["\(path).\(requires)"] = "missing property - '\(path).\(key)' requires this property"
            }
        }
        if !errors.isEmpty {
            let lines = errors.keys.sorted().map { "\($0): \(errors[$0]!)\n" }.joined()
            return .failure(.init("format error\n" + lines))
        }
        return .success(result)
    }

    func check(_ text: String, path: String) -> String? {
        if case .failure(let error) = parse(text, path: path) { return error.message }
        return nil
    }
}

/// Why a property string did not parse.
struct PropertyFormatError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
