/// A kind whose engines report what changed (``BackendCapabilities/changeFeed``), so the live
/// model follows them between full reads with targeted re-reads (``VirtualizationBackend/vm(id:)``
/// and the others) instead of reading everything again.
public protocol ChangeFeedBackend: VirtualizationBackend {
    /// The current end of the engine's change stream, taken before a full read so nothing that
    /// happens during the read is missed.
    func changeCursor() async throws -> ChangeCursor
    /// What changed since `cursor`.
    func changes(since cursor: ChangeCursor) async throws -> ChangeFeedResult
}
