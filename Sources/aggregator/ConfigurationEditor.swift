import AggregatorCore
import Foundation

/// Minimal, comment-preserving edits of the configuration file, line by line.
enum ConfigurationEditor {
    struct EditError: Error, CustomStringConvertible {
        var description: String
    }

    /// Sets `ca_file` of `engine` (replacing an existing value or adding the key) and turns
    /// `insecure: true` into `insecure: false`. Everything else, comments included, is kept.
    static func settingCAFile(in text: String, file: String, engine: String, caFile: String) throws -> String {
        guard let root = try YAMLParser.parse(text, file: file),
              case .sequence(let entries)? = root["backends"]?.content,
              let entry = entries.first(where: { $0["name"]?.scalar == engine }),
              case .mapping(let pairs) = entry.content,
              let nameKey = pairs.first(where: { $0.key.scalar == "name" })?.key
        else {
            throw EditError(description: "\(file): cannot find engine '\(engine)' under backends")
        }
        var lines = text.components(separatedBy: "\n")
        let indent = String(repeating: " ", count: nameKey.location.column - 1)
        let quoted = "\"\(caFile.replacingOccurrences(of: "\"", with: "\\\""))\""

        if let insecure = pairs.first(where: { $0.key.scalar == "insecure" }), insecure.value.scalar == "true" {
            let index = insecure.value.location.line - 1
            lines[index] = replacingValue(in: lines[index], from: insecure.value.location.column, with: "false")
        }
        if let existing = pairs.first(where: { $0.key.scalar == "ca_file" }) {
            let index = existing.value.location.line - 1
            if existing.value.location.line == existing.key.location.line {
                lines[index] = replacingValue(in: lines[index], from: existing.value.location.column, with: quoted)
            } else {
                lines[existing.key.location.line - 1] = "\(indent)ca_file: \(quoted)"
            }
        } else {
            let last = pairs.map { max($0.key.location.line, $0.value.location.line) }.max() ?? nameKey.location.line
            lines.insert("\(indent)ca_file: \(quoted)", at: last)
        }
        return lines.joined(separator: "\n")
    }

    /// Replaces a scalar starting at 1-based `column`, keeping a trailing comment.
    private static func replacingValue(in line: String, from column: Int, with value: String) -> String {
        let characters = Array(line)
        let start = min(max(column - 1, 0), characters.count)
        let rest = String(characters[start...])
        let comment = rest.range(of: " #").map { String(rest[$0.lowerBound...]) } ?? ""
        return String(characters[..<start]) + value + comment
    }

    /// `path` relative to the configuration file's directory when it lies below it.
    static func relativePath(_ path: String, toConfig config: String) -> String {
        let directory = (config as NSString).deletingLastPathComponent
        guard !directory.isEmpty, path.hasPrefix(directory + "/") else { return path }
        return String(path.dropFirst(directory.count + 1))
    }
}
