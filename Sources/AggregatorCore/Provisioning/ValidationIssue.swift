/// One problem with an uploaded request, located by its path in the file
/// (`[0].vm.disks[1].size`) and, where known, its line and column.
public struct ValidationIssue: Sendable, Codable, Hashable, CustomStringConvertible {
    /// JSON path of the offending field.
    public var path: String
    public var message: String
    /// How to fix it, when there is an obvious fix.
    public var fix: String?
    public var line: Int?
    public var column: Int?

    public init(path: String, message: String, fix: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.message = message
        self.fix = fix
        self.line = line
        self.column = column
    }

    /// An issue located at `value`'s position.
    public init(path: String, message: String, fix: String? = nil, at value: JSONValue?) {
        self.init(path: path, message: message, fix: fix,
                  line: value.map(\.line).flatMap { $0 > 0 ? $0 : nil },
                  column: value.map(\.column).flatMap { $0 > 0 ? $0 : nil })
    }

    public var description: String {
        var text = path.isEmpty ? message : "\(path): \(message)"
        if let line, let column { text = "line \(line), column \(column): " + text }
        if let fix { text += " (fix: \(fix))" }
        return text
    }
}
