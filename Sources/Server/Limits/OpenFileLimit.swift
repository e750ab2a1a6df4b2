#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`), which bounds how many connections it can hold.
public enum OpenFileLimit {
    /// Raises the soft limit to the hard limit (at most 1,048,576) where the system allows it.
    /// - Returns: The soft limit in effect afterwards.
    @discardableResult
    public static func raise() -> Int {
        var limits = rlimit()
        guard getrlimit(resourceNoFile, &limits) == 0 else { return 1024 }
        let ceiling: rlim_t = 1 << 20
        let wanted = limits.rlim_max == infinity ? ceiling : min(limits.rlim_max, ceiling)
        if limits.rlim_cur != infinity, limits.rlim_cur < wanted {
            var raised = limits
            raised.rlim_cur = wanted
            if setrlimit(resourceNoFile, &raised) == 0 { limits = raised }
        }
        return limits.rlim_cur == infinity ? Int(ceiling) : Int(clamping: limits.rlim_cur)
    }

    /// The soft limit now.
    public static var current: Int {
        var limits = rlimit()
        guard getrlimit(resourceNoFile, &limits) == 0 else { return 1024 }
        return limits.rlim_cur == infinity ? 1 << 20 : Int(clamping: limits.rlim_cur)
    }

    #if canImport(Glibc)
    private static let resourceNoFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    /// `RLIM_INFINITY` (all bits set), which Swift does not import from its cast macro.
    private static let infinity = rlim_t.max
    #else
    private static let resourceNoFile = RLIMIT_NOFILE
    private static let infinity = RLIM_INFINITY
    #endif
}
