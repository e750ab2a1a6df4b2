import Foundation

/// Runs files through a fuzz target outside libFuzzer, so an input it saved (a crash, a slow
/// unit) can be replayed in an ordinary build: `FuzzJSON crash-1234 Tests/Fuzz/corpus/json/*`.
public enum FuzzReplay {
    /// Runs `target` on every file named in `arguments` and prints how long the slowest took.
    public static func run(_ target: ([UInt8]) -> Void, arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        guard !arguments.isEmpty else {
            print("usage: \(CommandLine.arguments.first ?? "fuzz") FILE...  (built with -sanitize=fuzzer it is a libFuzzer binary)")
            return
        }
        let clock = ContinuousClock()
        var slowest = (Duration.zero, "")
        for path in arguments {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("cannot read \(path)")
                continue
            }
            let elapsed = clock.measure { target(Array(data)) }
            if elapsed > slowest.0 { slowest = (elapsed, path) }
        }
        print("\(arguments.count) inputs, no crash; slowest \(slowest.0) (\(slowest.1))")
    }
}
