import FuzzTargets

/// libFuzzer's entry point (built with `-sanitize=fuzzer -DFUZZING`, see scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.multipart(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
/// In an ordinary build: replays the files named on the command line.
@main enum Replay {
    static func main() { FuzzReplay.run(FuzzTargets.multipart) }
}
#endif
