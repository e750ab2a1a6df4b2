import FuzzTargets

/// libFuzzer's entry point: one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.yaml(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// Built with `-sanitize=fuzzer -DFUZZING` (scripts/fuzz.sh): libFuzzer. Otherwise: replays the
/// files named on the command line.
@main enum Fuzz {
    static func main() {
        #if FUZZING
        FuzzDriver.run(fuzzOneInput)
        #else
        FuzzReplay.run(FuzzTargets.yaml)
        #endif
    }
}
