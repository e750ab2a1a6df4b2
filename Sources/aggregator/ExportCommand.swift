import AggregatorApp
import AggregatorCore
import ArgumentParser
import Foundation
import NIOPosix
import Server

/// `aggregator export`: the cron "standalone getters" of the tool this replaces.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the VM, host or cluster list of every engine as JSON (the shape of /ovirt/*_list).",
        discussion: """
            The file is written atomically (a temporary file, flushed to disk, renamed over the target), so \
            a reader never sees half a file. When any engine failed, the existing file (the last good export) \
            is left as it is and the command exits with status 1; with --allow-partial the partial list is \
            written, the failed engines listed under "_errors", and the status is 0.
            """)

    enum What: String, ExpressibleByArgument, CaseIterable {
        case vms, hosts, clusters
    }

    @OptionGroup var options: GlobalOptions

    @Argument(help: "What to export: vms, hosts or clusters.")
    var what: What

    @Option(name: .shortAndLong, help: "Output file; standard output when omitted.")
    var output: String?

    @Flag(help: "Exit with status 0 even when some engines failed.")
    var allowPartial = false

    func run() async throws {
        try await reportingConfigurationErrors {
            let logger = options.makeLogger()
            // An export reads the engines only: it needs no job database password.
            let configuration = try options.loadConfiguration(resolveSecrets: true, database: false)
            let inventory = try EngineFactory.make(configuration, registry: BackendKinds.registry(), logger: logger)
            // One full read of each engine through the live model, rendered exactly as
            // `GET /<kind>/*_list` renders it.
            let document: JSONPieces
            let statuses: [EngineStatus]
            switch what {
            case .vms:
                let listing = await inventory.model.vms()
                (document, statuses) = (ListingDocument.seedShape(listing), listing.statuses)
            case .hosts:
                let listing = await inventory.model.hosts()
                (document, statuses) = (ListingDocument.seedShape(listing), listing.statuses)
            case .clusters:
                let listing = await inventory.model.clusters()
                (document, statuses) = (ListingDocument.seedShape(listing), listing.statuses)
            }
            await EngineFactory.shutdown(inventory)
            let data = Data(document.pieces.joined())
            let failures = statuses.filter { !$0.ok }

            let keepLastGood = !failures.isEmpty && !allowPartial
            if let output, keepLastGood {
                let note = "\(output): not written; the last good export is kept "
                    + "(use --allow-partial to write what the other engines answered)\n"
                FileHandle.standardError.write(Data(note.utf8))
            } else if let output {
                try await NIOThreadPool.singleton.runIfActive { try AtomicFile.write(data, to: output) }
            } else {
                FileHandle.standardOutput.write(data)
                FileHandle.standardOutput.write(Data("\n".utf8))
            }
            for failure in failures {
                FileHandle.standardError.write(Data(
                    "engine \(failure.engine) failed: \(failure.error ?? "error"): \(failure.message ?? "")\n".utf8))
            }
            if !failures.isEmpty && !allowPartial { throw ExitCode(1) }
        }
    }
}

/// Writes files so that readers see either the old or the new content, never a part.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try data.write(to: temporary)
            // On disk before it replaces the old file: a crash leaves the old or the new one whole.
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
