import Logging
import Synchronization

extension EngineModel {
    /// What a consistency probe found.
    public enum ConsistencyOutcome: Sendable, Hashable {
        /// The kind cannot say what an engine holds; nothing was asked.
        case unsupported
        /// The model agrees with the engine.
        case consistent
        /// The model differed (each line one difference) and was read in full.
        case reread([String])
        /// The engine could not be asked.
        case failed(BackendError)
    }

    /// Compares what the engine says about itself (``ConsistencyProbing``) with the model and
    /// reads the engine in full on any difference, so a change the stream lost without noticing
    /// is corrected within one probe interval instead of at the next scheduled full read.
    ///
    /// The change stream is polled first, and a difference is confirmed by a second poll and
    /// summary, so a change that lands between the poll and the summary never costs a full read.
    @discardableResult
    public func checkConsistency() async -> ConsistencyOutcome {
        guard let probing = backend as? any ConsistencyProbing else { return .unsupported }
        return await serialized { await self.checkConsistencyHoldingWriter(probing) }
    }

    private func checkConsistencyHoldingWriter(_ probing: some ConsistencyProbing) async -> ConsistencyOutcome {
        var differences: [String] = []
        for attempt in 0..<2 {
            if snapshot.loaded, let error = await pollChangesHoldingWriter() {
                return .failed(error)
            }
            let since = cursor.withLock { $0 }
            let summary = await EngineCall(engine: name, operation: "consistency_probe", timeout: entry.timeout).run {
                try await probing.consistencySummary(after: since)
            }
            switch summary {
            case .failure(let error):
                return .failed(error)
            case .success(let summary):
                differences = summary.differences(from: snapshot, countingActive: probing)
            }
            let now = ContinuousClock.now
            state.withLock {
                $0.lastConsistencyProbe = now
                $0.lastConsistencyDifferences = differences
            }
            if differences.isEmpty { return .consistent }
            if attempt == 0 {
                logger.debug("Engine and model differ, confirming", metadata: [
                    "consistency.differences": "\(differences.joined(separator: "; "))",
                ])
            }
        }
        logger.warning("Engine and model differ, reading the engine in full", metadata: [
            "consistency.differences": "\(differences.joined(separator: "; "))",
        ])
        AggregatorMetrics.consistencyFullRead(engine: name)
        state.withLock { $0.consistencyFullReads += 1 }
        if let error = await fullReadHoldingWriter() { return .failed(error) }
        state.withLock { $0.lastConsistencyDifferences = [] }
        return .reread(differences)
    }
}
