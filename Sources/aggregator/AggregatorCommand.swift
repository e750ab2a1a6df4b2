import AggregatorCore
import ArgumentParser

/// `aggregator`: one API over every configured virtualization engine.
@main
struct AggregatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregator",
        abstract: "One API over every configured virtualization engine (oVirt / RED Virtualization).",
        subcommands: [
            ServeCommand.self, DemoCommand.self, CheckConfigCommand.self, ExportCommand.self, TrustCommand.self,
            TokenCommand.self, DatabaseCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    static func main() async {
        // Before the worker threads allocate: fewer malloc arenas hold less freed memory.
        MemoryRelease.limitAllocatorArenas()
        await main(nil)
    }
}
