import AggregatorCore
import PostgresNIO
import Synchronization

/// Job announcements: every write to a job is `NOTIFY vmagg_jobs, '<id>'`, and each replica
/// listens on one pooled connection, handing the ids to its subscribers.
extension PostgresJobStore {
    public func jobChanges() -> AsyncStream<String?> {
        let (stream, continuation) = AsyncStream.makeStream(of: String?.self, bufferingPolicy: .bufferingNewest(1024))
        let id = nextSubscriber.withLock { next in
            next += 1
            return next
        }
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    private func announce(_ id: String?) {
        for subscriber in subscribers.withLock({ Array($0.values) }) { subscriber.yield(id) }
    }

    func finishSubscribers() {
        for subscriber in subscribers.withLock({ Array($0.values) }) { subscriber.finish() }
    }

    /// Listens until cancelled; after each (re)connection it announces `nil`, since changes made
    /// while it was away were not heard. Reconnects with a growing pause (up to 5 s).
    func listenForChanges() async {
        var pause = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        pause = .milliseconds(200)
                        self.announce(nil)
                        for try await notification in notifications {
                            self.announce(notification.payload)
                        }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.debug("Job announcements interrupted", metadata: ["error": "\(Self.reason(error))"])
            }
            do { try await Task.sleep(for: pause) } catch { return }
            pause = min(pause * 2, .seconds(5))
        }
    }
}
