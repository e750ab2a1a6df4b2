import Foundation
import FuzzTargets
import Testing

/// A short, deterministic fuzz run of every parser a client or operator can feed: seeded
/// mutations of the committed corpus (`Tests/Fuzz/corpus/NAME/`), each answered without a crash
/// and quickly. The coverage-guided run is `scripts/fuzz.sh`.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fuzz/corpus").standardized

    static func inputs(_ name: String) throws -> [[UInt8]] {
        let folder = corpus.appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try files.map { Array(try Data(contentsOf: folder.appendingPathComponent($0))) }
    }

    @Test(arguments: ["json", "upload", "multipart", "yaml"])
    func seededMutationsOfTheCorpusNeitherCrashNorHang(target name: String) throws {
        let target = try #require(FuzzTargets.all[name])
        let seeds = try Self.inputs(name)
        try #require(!seeds.isEmpty)
        var mutator = FuzzMutator(seed: 0x5EED_0000 + UInt64(name.utf8.count))
        let clock = ContinuousClock()
        var slowest = (Duration.zero, [UInt8]())
        for seed in seeds {
            target(seed)
        }
        for _ in 0..<1_500 {
            let input = mutator.mutate(seeds[mutator.below(seeds.count)], other: seeds[mutator.below(seeds.count)])
            let elapsed = clock.measure { target(input) }
            if elapsed > slowest.0 { slowest = (elapsed, input) }
        }
        // libFuzzer's -timeout=2 in scripts/fuzz.sh, as a bound no input of at most 64 KiB nears.
        #expect(slowest.0 < .seconds(2), "slowest input (\(slowest.1.count) bytes) took \(slowest.0)")
    }
}
