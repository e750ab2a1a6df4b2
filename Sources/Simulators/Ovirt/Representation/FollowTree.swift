/// The parsed `follow` parameter: `disk_attachments.disk,nics` becomes a tree
/// with `disk_attachments → disk` and `nics`, as the engine's `LinkFollower`
/// arranges it.
struct FollowTree: Sendable, Hashable {
    var children: [String: FollowTree] = [:]

    static let none = FollowTree()

    init() {}

    /// Parses a comma-separated list of dotted paths; blank entries are ignored.
    init(parsing value: String) {
        for path in value.split(separator: ",") {
            let segments = path.split(separator: ".").map {
                $0.trimmingCharacters(in: " ").lowercased()
            }.filter { !$0.isEmpty }
            guard !segments.isEmpty else { continue }
            insert(segments[...])
        }
    }

    private mutating func insert(_ segments: ArraySlice<String>) {
        guard let first = segments.first else { return }
        children[first, default: FollowTree()].insert(segments.dropFirst())
    }

    var isEmpty: Bool { children.isEmpty }

    /// The subtree for `name`, if that link is to be followed.
    func child(_ name: String) -> FollowTree? { children[name] }
}

/// A `follow` segment naming a link the object does not have.
struct FollowError: Error {
    var segment: String
    var entity: String
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var slice = self[...]
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return String(slice)
    }
}
