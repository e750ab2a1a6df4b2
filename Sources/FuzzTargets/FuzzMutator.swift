/// Seeded, deterministic mutations of corpus inputs, for a bounded fuzz run inside the test suite
/// (libFuzzer's coverage-guided run is `scripts/fuzz.sh`). The same seed gives the same cases.
public struct FuzzMutator {
    private var state: UInt64
    /// Byte strings that matter to the parsers, spliced in at random places.
    public var tokens: [[UInt8]] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\uD800", "null", "-0e+", "\r\n", "\r\n--", "--", ";",
        "name=", "filename=\"a; name=jsonfile\"", "boundary=", "Content-Disposition: form-data; name=\"jsonfile\"",
        "&a ", "*a", "- ", ": ", "\t", "\u{00}", "Тест", "😀", "-", "+", "-1", "99999999999999999999999", "1e999",
    ].map { Array($0.utf8) } + [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xEF, 0xBB, 0xBF]]

    public init(seed: UInt64) { state = seed }

    /// SplitMix64.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ bound: Int) -> Int {
        bound <= 1 ? 0 : Int(next() % UInt64(bound))
    }

    /// One to four random edits of `input`, `other` (another corpus input) available for splicing;
    /// the result is at most `maxSize` bytes.
    public mutating func mutate(_ input: [UInt8], other: [UInt8], maxSize: Int = 64 * 1024) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            let at = below(bytes.count + 1)
            switch below(8) {
            case 0 where !bytes.isEmpty:  // flip a bit
                let index = below(bytes.count)
                bytes[index] ^= UInt8(1) << UInt8(below(8))
            case 1 where !bytes.isEmpty:  // set a random byte
                bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: next())
            case 2 where !bytes.isEmpty:  // delete a run
                let length = min(1 + below(16), bytes.count - min(at, bytes.count - 1))
                let start = min(at, bytes.count - 1)
                bytes.removeSubrange(start..<start + length)
            case 3:  // insert a token
                bytes.insert(contentsOf: tokens[below(tokens.count)], at: at)
            case 4 where !bytes.isEmpty:  // repeat a run many times
                let start = below(bytes.count)
                let run = bytes[start..<min(bytes.count, start + 1 + below(8))]
                bytes.insert(contentsOf: Array(repeating: Array(run), count: 1 + below(200)).joined(), at: at)
            case 5 where !other.isEmpty:  // splice in part of another input
                let start = below(other.count)
                bytes.insert(contentsOf: other[start..<min(other.count, start + 1 + below(256))], at: at)
            case 6:  // cut the input short
                bytes.removeSubrange(at...)
            default:  // insert a random byte
                bytes.insert(UInt8(truncatingIfNeeded: next()), at: at)
            }
        }
        return bytes.count > maxSize ? Array(bytes.prefix(maxSize)) : bytes
    }
}
