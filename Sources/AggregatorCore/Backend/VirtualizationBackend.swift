/// One configured virtualization engine, seen through the common model.
///
/// A conformer translates between its engine's API and ``VM``, ``Host`` and ``Cluster``.
/// It is created by the factory registered for its ``BackendKind`` in a ``BackendRegistry``
/// and must be safe to call from many tasks at once.
///
/// Errors thrown from these methods should be ``BackendError`` values so the fan-out can
/// report them by engine with a clear reason; anything else is wrapped as `.invalidResponse`.
public protocol VirtualizationBackend: Sendable {
    /// The engine's name from the configuration (`e15-test`).
    var name: String { get }
    /// The kind of engine (`ovirt`).
    var kind: BackendKind { get }
    /// What this backend can do.
    var capabilities: BackendCapabilities { get }

    /// Lists every VM of the engine.
    func listVMs() async throws -> [VM]
    /// Lists every host of the engine.
    func listHosts() async throws -> [Host]
    /// Lists every cluster of the engine.
    func listClusters() async throws -> [Cluster]
    /// Logs in and reports the engine's product and version.
    func probe() async throws -> EngineProbe
    /// Releases connections and sessions (logs out where the engine supports it).
    func shutdown() async
}
