import AggregatorCore

/// The position of the change feed in an engine's audit log, carried in the ``ChangeCursor``
/// token so the backend keeps no per-cursor state.
///
/// Every event up to ``base`` has been reported (or came before the feed started). Events above
/// `base` up to ``last`` have been reported too, except the ``holes``: indexes not seen yet,
/// each with the time (epoch milliseconds, this machine's clock) it was first found missing.
/// ``witness`` is what the engine said about event `base` (its code and time), so the next poll
/// can tell that this event is still there and is still the same event.
///
/// Token: `ovirt-events/1|BASE|LAST|HOLE@MS,HOLE@MS|WITNESS` (holes `-` when none, witness
/// empty when `base` is 0).
struct OvirtEventCursor: Sendable, Hashable {
    var base: Int64
    var last: Int64
    var holes: [Int64: Int64]
    var witness: String?

    static let prefix = "ovirt-events/1"

    init(base: Int64, last: Int64, holes: [Int64: Int64] = [:], witness: String?) {
        self.base = base
        self.last = last
        self.holes = holes
        self.witness = witness
    }

    /// A cursor at event `index` (0 for an empty log) with its witness.
    static func at(_ index: Int64, witness: String?) -> OvirtEventCursor {
        OvirtEventCursor(base: index, last: index, witness: index > 0 ? witness : nil)
    }

    /// Reads a token made by ``token``; nil when it is not one.
    init?(_ cursor: ChangeCursor) {
        let parts = cursor.token.split(separator: "|", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == Self.prefix,
              let base = Int64(parts[1]), let last = Int64(parts[2]), base >= 0, last >= base
        else { return nil }
        var holes: [Int64: Int64] = [:]
        if parts[3] != "-" {
            for entry in parts[3].split(separator: ",") {
                let pair = entry.split(separator: "@")
                guard pair.count == 2, let index = Int64(pair[0]), let since = Int64(pair[1]),
                      index > base, index <= last
                else { return nil }
                holes[index] = since
            }
        }
        self.init(base: base, last: last, holes: holes, witness: parts[4].isEmpty ? nil : String(parts[4]))
    }

    var token: ChangeCursor {
        let holeText = holes.isEmpty ? "-"
            : holes.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }.joined(separator: ",")
        return ChangeCursor("\(Self.prefix)|\(base)|\(last)|\(holeText)|\(witness ?? "")")
    }

    /// What identifies an event when it is seen again: its code and time.
    static func witness(of event: OvirtEvent) -> String {
        "\(event.code?.value ?? -1)@\(event.time ?? "")"
    }
}
