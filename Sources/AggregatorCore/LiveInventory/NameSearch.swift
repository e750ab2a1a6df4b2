#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Substring search over a table's names: every folded (lowercased) name in one buffer, searched
/// with `memchr`/`memcmp` instead of item by item.
///
/// Built on the first search after a change, once per table version: a table is a value, and each
/// mutation gives it a new, empty `NameSearch`, so older snapshots keep the buffer they built.
final class NameSearch: Sendable {
    private struct Buffer {
        /// The names in listing order, each followed by a zero byte.
        var bytes: [UInt8]
        /// Where each name starts in `bytes`.
        var starts: [Int]
    }

    private let buffer = Mutex<Buffer?>(nil)

    /// Positions (in listing order) of the names containing `needle`, ascending.
    func positions<Item>(containing needle: [UInt8], in ordered: [StoredRecord<Item>]) -> [Int] {
        guard !needle.isEmpty else { return Array(ordered.indices) }
        guard !needle.contains(0) else { return [] }
        let built = buffer.withLock { buffer in
            if let buffer { return buffer }
            var bytes: [UInt8] = []
            var starts: [Int] = []
            bytes.reserveCapacity(ordered.count * 24)
            starts.reserveCapacity(ordered.count)
            for record in ordered {
                starts.append(bytes.count)
                bytes.append(contentsOf: record.foldedName)
                bytes.append(0)
            }
            let made = Buffer(bytes: bytes, starts: starts)
            buffer = made
            return made
        }
        var found: [Int] = []
        built.bytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { pattern in
                guard let base = haystack.baseAddress, let patternBase = pattern.baseAddress else { return }
                var offset = 0
                while offset < haystack.count {
                    guard let hit = Self.search(base + offset, haystack.count - offset, patternBase, pattern.count) else {
                        break
                    }
                    let at = hit - base
                    // The name holding the hit: the last start at or before it.
                    var low = 0
                    var high = built.starts.count
                    while low < high {
                        let middle = (low + high) / 2
                        if built.starts[middle] <= at { low = middle + 1 } else { high = middle }
                    }
                    let position = low - 1
                    found.append(position)
                    offset = position + 1 < built.starts.count ? built.starts[position + 1] : haystack.count
                }
            }
        }
        return found
    }

    /// The first occurrence of `needle` in `haystack`: `memchr` for the first byte, then `memcmp`.
    private static func search(_ haystack: UnsafeRawPointer, _ length: Int, _ needle: UnsafeRawPointer,
                               _ needleLength: Int) -> UnsafeRawPointer? {
        let first = Int32(needle.load(as: UInt8.self))
        var cursor = haystack
        var remaining = length
        while remaining >= needleLength {
            guard let hit = memchr(cursor, first, remaining - needleLength + 1) else { return nil }
            let candidate = UnsafeRawPointer(hit)
            if memcmp(candidate, needle, needleLength) == 0 { return candidate }
            let skipped = candidate - cursor + 1
            cursor += skipped
            remaining -= skipped
        }
        return nil
    }
}
