import ArgumentParser

/// `aggregator`: one API over every configured virtualization engine.
@main
struct AggregatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregator",
        abstract: "One API over every configured virtualization engine (oVirt / RED Virtualization).",
        subcommands: [
            ServeCommand.self, DemoCommand.self, CheckConfigCommand.self, ExportCommand.self, TrustCommand.self,
            TokenCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
