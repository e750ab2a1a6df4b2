import AggregatorCore
import ServiceLifecycle

/// Runs the job runner for as long as the application runs; on shutdown, running jobs are
/// cancelled and recorded as interrupted.
struct JobRunnerService: Service {
    let runner: JobRunner

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await runner.run()
        }
    }
}
