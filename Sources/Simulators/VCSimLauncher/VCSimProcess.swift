import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A running `vcsim` (VMware's vCenter simulator, built by `scripts/vcsim.sh`), started by the demo
/// and by the vsphere kind's tests.
///
/// The child is launched from a thread of its own, which then reads the child's output until it ends
/// and waits for it, so no blocking call runs on the cooperative pool. On Linux the child is started
/// through `setpriv --pdeathsig TERM` (util-linux), so the kernel stops it when that thread — and so the
/// demo — ends without calling ``stop()`` (a `kill -9` of the demo, a crash).
public final class VCSimProcess: Sendable {
    /// Why the simulator did not come up.
    public struct LaunchError: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    private let lines: AsyncStream<String>
    private let exit: AsyncStream<Int32>
    private let state = Mutex(State())

    private struct State {
        /// The child's pid from its start until it was seen to end (signals go to no other process).
        var pid: Int32?
        var stopping = false
    }

    private init(lines: AsyncStream<String>, exit: AsyncStream<Int32>) {
        self.lines = lines
        self.exit = exit
    }

    /// Starts `executable` with `arguments`; returns once the process runs (not yet serves).
    public static func launch(executable: String, arguments: [String]) async throws -> VCSimProcess {
        let (lines, linesOut) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(256))
        let (exit, exitOut) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        let deathSignal = "/usr/bin/setpriv"
        let (program, programArguments) = FileManager.default.isExecutableFile(atPath: deathSignal)
            ? (deathSignal, ["--pdeathsig", "TERM", "--", executable] + arguments)
            : (executable, arguments)
        let child = VCSimProcess(lines: lines, exit: exit)
        try await withCheckedThrowingContinuation { (started: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: program)
                process.arguments = programArguments
                let output = Pipe()
                process.standardOutput = output
                process.standardError = output
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                    let pid = process.processIdentifier
                    child.state.withLock { $0.pid = pid }
                } catch {
                    linesOut.finish()
                    exitOut.finish()
                    started.resume(throwing: LaunchError(description: "\(executable) did not start: \(error)"))
                    return
                }
                started.resume()
                let reader = output.fileHandleForReading
                var pending = Data()
                while case let chunk = reader.availableData, !chunk.isEmpty {
                    pending.append(chunk)
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        linesOut.yield(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                        pending.removeSubrange(pending.startIndex...newline)
                    }
                }
                linesOut.finish()
                process.waitUntilExit()
                child.state.withLock { $0.pid = nil }
                exitOut.yield(process.terminationStatus)
                exitOut.finish()
            }
            thread.name = "vcsim"
            thread.start()
        }
        return child
    }

    /// The URL of the SDK endpoint, from the line vcsim prints once it serves
    /// (`vcsim listening on https://127.0.0.1:PORT/sdk`).
    /// - Throws: ``LaunchError`` when the process ends first or says nothing of the kind within `timeout`.
    public func listeningURL(timeout: Duration) async throws -> String {
        let prefix = "vcsim listening on "
        let lines = self.lines
        return try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                var seen: [String] = []
                for await line in lines {
                    if line.hasPrefix(prefix) { return String(line.dropFirst(prefix.count)) }
                    seen = Array((seen + [line]).suffix(10))
                }
                throw LaunchError(description: "vcsim ended before it served: \(seen.joined(separator: " | "))")
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw LaunchError(description: "vcsim did not say it serves within \(timeout)")
            }
            defer { group.cancelAll() }
            guard let url = try await group.next() else {
                throw LaunchError(description: "vcsim: no answer")
            }
            return url
        }
    }

    /// Stops the simulator (SIGTERM, then SIGKILL after `grace`) and waits until it ended.
    public func stop(grace: Duration = .seconds(10)) async {
        let first = state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        guard first else { return }
        signal(SIGTERM)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: grace)
                if !Task.isCancelled { self.signal(SIGKILL) }
            }
            for await _ in exit {}
            group.cancelAll()
        }
    }

    private func signal(_ number: Int32) {
        state.withLock { state in
            if let pid = state.pid { _ = kill(pid, number) }
        }
    }
}
