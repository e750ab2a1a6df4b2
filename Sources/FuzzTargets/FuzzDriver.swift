#if FUZZING
import Foundation

/// libFuzzer's driver, in its runtime when built with `-sanitize=fuzzer`.
@_silgen_name("LLVMFuzzerRunDriver")
private func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Starts libFuzzer from a Swift `main`: SwiftPM names an executable's entry point after its
/// target and points `main` at it, so libFuzzer's own `main` is not the one that runs.
public enum FuzzDriver {
    /// Runs libFuzzer with the process's arguments (`-max_total_time=60 corpus/`), feeding each
    /// input to `callback`, and exits with its status.
    public static func run(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(llvmFuzzerRunDriver(&argc, &argv, callback))
    }
}
#endif
