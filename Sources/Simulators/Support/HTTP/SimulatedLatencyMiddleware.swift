import Hummingbird

/// Adds a configured latency to every request, as a distant engine would.
public struct SimulatedLatencyMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The delay; zero adds none.
    public let latency: Duration

    /// A middleware delaying each request by `latency`.
    public init(latency: Duration) {
        self.latency = latency
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if latency > .zero {
            try await Task.sleep(for: latency)
        }
        return try await next(request, context)
    }
}
