#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives memory freed after a full read back to the system.
///
/// A full read decodes tens of megabytes of engine JSON into short-lived values; glibc keeps the
/// freed space in its arenas, so the resident set would stay at the read's peak. glibc's
/// `malloc_trim` returns it (milliseconds, after a read that takes seconds). Swift's Glibc module
/// does not export `malloc.h`, so the function is looked up once by name; elsewhere this does nothing.
enum MemoryRelease {
    private typealias Trim = @convention(c) (Int) -> Int32

    private static let trim: Trim? = {
        #if canImport(Glibc)
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    static func returnFreedMemory() {
        _ = trim?(0)
    }
}
