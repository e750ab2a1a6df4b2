#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The standard process metrics every Prometheus client library exports, read from `/proc`
/// at each scrape: `process_cpu_seconds_total`, `process_resident_memory_bytes`,
/// `process_virtual_memory_bytes`, `process_open_fds`, `process_max_fds` and
/// `process_start_time_seconds`. Off Linux (no `/proc`) nothing is written.
struct ProcessMetrics: Sendable {
    var cpuSeconds: Double
    var residentBytes: Int
    var virtualBytes: Int
    var openFDs: Int
    var maxFDs: Int
    var startTimeSeconds: Double

    /// Reads the current process. Small reads of procfs, but file reads all the same: call it
    /// off the cooperative pool.
    /// - Parameter proc: The procfs mount; tests pass a directory of their own.
    static func read(proc: String = "/proc") -> ProcessMetrics? {
        guard let stat = try? String(contentsOfFile: "\(proc)/self/stat", encoding: .utf8),
              let fields = statFields(stat), fields.count > 21,
              let machineStat = try? String(contentsOfFile: "\(proc)/stat", encoding: .utf8)
        else { return nil }
        let ticks = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
        let pageSize = max(1, sysconf(Int32(_SC_PAGESIZE)))
        // Fields after the command, numbered as in proc(5) from 3 (state): utime 14, stime 15,
        // starttime 22, vsize 23, rss 24.
        func field(_ number: Int) -> Double { Double(fields[number - 3]) ?? 0 }
        let bootTime = machineStat.split(separator: "\n").first { $0.hasPrefix("btime ") }
            .flatMap { Double($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) } ?? 0
        let openFDs = (try? FileManager.default.contentsOfDirectory(atPath: "\(proc)/self/fd").count) ?? 0
        var limit = rlimit()
        let maxFDs = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Int(limit.rlim_cur) : 0
        return ProcessMetrics(
            cpuSeconds: (field(14) + field(15)) / ticks,
            residentBytes: Int(field(24)) * pageSize,
            virtualBytes: Int(field(23)),
            openFDs: openFDs,
            maxFDs: maxFDs,
            startTimeSeconds: bootTime + field(22) / ticks)
    }

    /// The fields of `/proc/self/stat` after the command name (which may hold spaces and parentheses).
    static func statFields(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
    }

    /// The metrics in the Prometheus text format (version 0.0.4).
    var text: String {
        func metric(_ name: String, _ type: String, _ help: String, _ value: String) -> String {
            "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        return metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
                      "\(cpuSeconds)")
            + metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", "\(residentBytes)")
            + metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", "\(virtualBytes)")
            + metric("process_open_fds", "gauge", "Number of open file descriptors.", "\(openFDs)")
            + metric("process_max_fds", "gauge", "Maximum number of open file descriptors.", "\(maxFDs)")
            + metric("process_start_time_seconds", "gauge",
                     "Start time of the process since unix epoch in seconds.", "\(startTimeSeconds)")
    }
}
