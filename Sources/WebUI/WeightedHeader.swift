/// The entries of a comma-separated header with quality weights, such as `Accept` and
/// `Accept-Language` (RFC 9110 §12.4.2): `text/html, application/json;q=0.9`.
struct WeightedHeader: Sendable, Hashable {
    /// One entry: its value, lowercased and without parameters, and its weight (1 when not given).
    struct Entry: Sendable, Hashable {
        var value: String
        var quality: Double
    }

    /// The entries in the order written; entries with a weight that does not parse count as 0.
    var entries: [Entry]

    /// Reads every header line given (a header may be sent more than once).
    init(_ lines: [String]) {
        var entries: [Entry] = []
        for line in lines {
            for item in line.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingSpaces.lowercased() }
                guard let value = parts.first, !value.isEmpty else { continue }
                var quality = 1.0
                for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                    quality = Double(parameter.dropFirst(2)).flatMap { (0...1).contains($0) ? $0 : nil } ?? 0
                }
                entries.append(Entry(value: value, quality: quality))
            }
        }
        self.entries = entries
    }

    /// The weight of the first entry `matches` accepts, or nil when none does.
    func quality(where matches: (String) -> Bool) -> Double? {
        entries.first { matches($0.value) }?.quality
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
