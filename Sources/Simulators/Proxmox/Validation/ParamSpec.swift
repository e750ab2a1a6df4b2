/// A request parameter as the API server hands it to the schema check.
enum RequestValue: Sendable, Equatable {
    /// A scalar: form and query values, JSON strings and numbers.
    case text(String)
    /// A JSON `true`/`false`.
    case bool(Bool)
    /// A repeated form key or a JSON array (Perl: an ARRAY reference).
    case list([String])
    /// A JSON object (Perl: a HASH reference).
    case object

    /// The scalar text, with JSON booleans as `1`/`0`.
    var scalar: String? {
        switch self {
        case .text(let text): text
        case .bool(let value): value ? "1" : "0"
        case .list, .object: nil
        }
    }
}

/// Where a format check failed: the text after "invalid format - ".
typealias FormatCheck = @Sendable (_ value: String, _ path: String) -> String?

/// One parameter of an API method's schema (`PVE::JSONSchema` property).
struct ParamSpec: Sendable {
    enum Kind: String, Sendable {
        case string, integer, number, boolean
    }

    var kind: Kind
    var optional = false
    var format: FormatCheck?
    /// `pattern` (anchored); checked after the format.
    var pattern: (@Sendable (String) -> Bool)?
    var maxLength: Int?
    var minLength: Int?
    var minimum: Int?
    var maximum: Int?
    var enumValues: [String]?
    /// Another parameter this one needs.
    var requires: String?

    static func string(optional: Bool = true, format: FormatCheck? = nil, maxLength: Int? = nil) -> ParamSpec {
        ParamSpec(kind: .string, optional: optional, format: format, maxLength: maxLength)
    }

    static func integer(optional: Bool = true, minimum: Int? = nil, maximum: Int? = nil) -> ParamSpec {
        ParamSpec(kind: .integer, optional: optional, minimum: minimum, maximum: maximum)
    }

    static func boolean(optional: Bool = true) -> ParamSpec {
        ParamSpec(kind: .boolean, optional: optional)
    }

    static func oneOf(_ values: [String], optional: Bool = true) -> ParamSpec {
        ParamSpec(kind: .string, optional: optional, enumValues: values)
    }

    /// `pve-vmid`: integer 100…999999999 in the VM id format.
    static func vmid(optional: Bool = false) -> ParamSpec {
        ParamSpec(kind: .integer, optional: optional, format: Formats.vmid, minimum: 100, maximum: 999_999_999)
    }

    /// `pve-node`.
    static func node(optional: Bool = false) -> ParamSpec {
        .string(optional: optional, format: Formats.node)
    }

    /// `pve-storage-id`.
    static func storage(optional: Bool = true) -> ParamSpec {
        .string(optional: optional, format: Formats.storageID)
    }
}

/// The schema check of `PVE::JSONSchema::validate` for a method's parameters.
enum ParameterValidator {
    /// Checks `params` against `schema` (no additional properties), returning
    /// the messages per parameter as the real check words them.
    static func validate(_ params: [String: RequestValue], schema: [String: ParamSpec]) -> [String: String] {
        var errors: [String: String] = [:]
        func add(_ path: String, _ message: String) {
            // add_error joins repeated messages with a literal backslash-n.
            if let existing = errors[path] {
                errors[path] = existing + "\\n" + message
            } else {
                errors[path] = message
            }
        }
        for (name, spec) in schema {
            if let message = check(params[name], spec: spec, path: name) { add(name, message) }
        }
        for name in params.keys.sorted() {
            guard let spec = schema[name] else {
                add(name, "property is not defined in schema and the schema does not allow additional properties")
                continue
            }
            if let requires = spec.requires, params[requires] == nil {
                add(requires, "missing property - '\(name)' requires this property")
            }
        }
        return errors
    }

    /// The message for one value, nil when it passes (`check_prop`).
    static func check(_ value: RequestValue?, spec: ParamSpec, path: String) -> String? {
        guard let value else {
            return spec.optional ? nil : "property is missing and it is not optional"
        }
        let text: String
        switch value {
        case .list:
            return "type check ('\(spec.kind.rawValue)') failed - got ARRAY"
        case .object:
            return "type check ('\(spec.kind.rawValue)') failed - got HASH"
        case .bool(let flag):
            guard spec.kind == .boolean else {
                return "type check ('\(spec.kind.rawValue)') failed - got JSON::PP::Boolean"
            }
            text = flag ? "1" : "0"
        case .text(let scalar):
            text = scalar
        }
        switch spec.kind {
        case .string:
            break
        case .boolean:
            guard text == "1" || text == "0" else { return "type check ('boolean') failed - got '\(text)'" }
        case .integer:
            guard isInteger(text) else { return "type check ('integer') failed - got '\(text)'" }
        case .number:
            guard Double(text) != nil, !text.contains(where: { $0.isLetter && $0 != "e" && $0 != "E" }) else {
                return "type check ('number') failed - got '\(text)'"
            }
        }
        if let format = spec.format, let problem = format(text, path) {
            return "invalid format - " + problem
        }
        if let pattern = spec.pattern, !pattern(text) {
            return "value does not match the regex pattern"
        }
        if let maxLength = spec.maxLength, text.count > maxLength {
            return "value may only be \(maxLength) characters long"
        }
        if let minLength = spec.minLength, text.count < minLength {
            return "value must be at least \(minLength) characters long"
        }
        if let number = Double(text) {
            if let maximum = spec.maximum, number > Double(maximum) {
                return "value must have a maximum value of \(maximum)"
            }
            if let minimum = spec.minimum, number < Double(minimum) {
                return "value must have a minimum value of \(minimum)"
            }
        }
        if let values = spec.enumValues, !values.contains(text) {
            return "value '\(text)' does not have a value in the enumeration '\(values.joined(separator: ", "))'"
        }
        return nil
    }

    /// `is_integer`: `[+-]?\d+`.
    static func isInteger(_ text: String) -> Bool {
        var digits = Substring(text)
        if let first = digits.first, first == "+" || first == "-" { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// Validated parameters of one call, with typed access.
struct Parameters: Sendable {
    var values: [String: RequestValue]

    func string(_ name: String) -> String? { values[name]?.scalar }

    func int(_ name: String) -> Int? { string(name).flatMap { Int($0.hasPrefix("+") ? String($0.dropFirst()) : $0) } }

    /// A boolean parameter: nil when absent.
    func bool(_ name: String) -> Bool? { string(name).map { $0 == "1" } }

    func has(_ name: String) -> Bool { values[name] != nil }

    /// The parameters other than `excluded`, as scalars.
    func scalars(excluding excluded: Set<String>) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in values where !excluded.contains(name) {
            if let scalar = value.scalar { result[name] = scalar }
        }
        return result
    }
}
