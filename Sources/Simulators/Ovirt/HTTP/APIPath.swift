// The parts of an API request the controllers read: the path with its
// matrix parameters, the query string, and the listing options.

/// `max`, `search`, `case_sensitive` and `from` from the query string and matrix parameters.
struct ListOptions {
    var max: Int?
    var search: String?
    var caseSensitive = false
    /// `from`: only events with a greater index.
    var from: Int?

    init(query: QueryParameters, matrix: [String: String]) {
        let maxText = matrix["max"] ?? query["max"]
        if let maxText, let value = Int(maxText), value >= 0 {
            max = value
        }
        search = matrix["search"] ?? query["search"]
        caseSensitive = (matrix["case_sensitive"] ?? query["case_sensitive"])?.lowercased() == "true"
        from = (matrix["from"] ?? query["from"]).flatMap { Int($0) }
    }

    func limit(_ items: [OvirtNode]) -> [OvirtNode] {
        max.map { Array(items.prefix($0)) } ?? items
    }
}

/// A request's query string, decoded.
struct QueryParameters: Sendable {
    private var pairs: [(name: String, value: String)]

    init(_ raw: String?) {
        pairs = raw.map { URLEncoding.decodeForm($0[...]) } ?? []
    }

    subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }
}

/// The part of a request path after `/ovirt-engine/api`, split into segments
/// with their matrix parameters (`vms;max=10` → `vms`, `["max": "10"]`).
struct APIPath {
    struct Segment {
        var name: String
        var matrix: [String: String]
    }

    var segments: [Segment]

    init(_ rawPath: String) {
        var parts = rawPath.split(separator: "/", omittingEmptySubsequences: true)
        if parts.first == "ovirt-engine" { parts.removeFirst() }
        if parts.first?.split(separator: ";").first == "api" { parts.removeFirst() }
        segments = parts.map { part in
            let pieces = part.split(separator: ";", omittingEmptySubsequences: true)
            var matrix: [String: String] = [:]
            for piece in pieces.dropFirst() {
                let pair = piece.split(separator: "=", maxSplits: 1)
                let key = URLEncoding.decode(pair[0], plusIsSpace: false)
                matrix[key] = pair.count > 1 ? URLEncoding.decode(pair[1], plusIsSpace: true) : ""
            }
            return Segment(name: URLEncoding.decode(pieces.first ?? "", plusIsSpace: false), matrix: matrix)
        }
    }
}

extension String {
    func trimmingCharacters(in character: Character) -> String {
        self[...].trimmingCharacters(in: character)
    }
}
