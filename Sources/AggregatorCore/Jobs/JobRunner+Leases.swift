import Logging
import Synchronization

extension JobRunner {
    /// How many abandoned jobs one claim takes: enough to keep every engine's slots busy, few
    /// enough that the replicas share a dead one's jobs.
    static let claimBatch = 16

    /// Renews the leases of the jobs this runner holds every third of the lease. When renewals
    /// fail for a whole lease (the database is gone), the jobs are cancelled: another replica may
    /// hold them by now, and this one could not record what it does.
    func keepLeases(_ store: any LeasedJobStore) async {
        let lease = replica.lease
        var lastRenewal = elapsed()
        while !Task.isCancelled {
            do { try await sleep(lease / 3) } catch { return }
            let ids = held.withLock { Array($0.keys) }
            guard !ids.isEmpty else {
                lastRenewal = elapsed()
                continue
            }
            do {
                let kept = try await store.renewLeases(ids, owner: replica.owner, lease: lease)
                lastRenewal = elapsed()
                loseLeases(Set(ids).subtracting(kept), reason: "another replica holds it")
            } catch {
                logger.warning("Could not renew job leases", metadata: ["error": "\(error)", "job.count": "\(ids.count)"])
                if elapsed() - lastRenewal >= lease {
                    loseLeases(Set(ids), reason: "the lease ran out while the database did not answer")
                }
            }
        }
    }

    private func loseLeases(_ ids: Set<String>, reason: String) {
        guard !ids.isEmpty else { return }
        let signals = held.withLock { held in ids.compactMap { held[$0] } }
        logger.warning("Job leases lost", metadata: ["job.ids": "\(ids.sorted().joined(separator: ","))", "reason": "\(reason)"])
        for signal in signals { signal.yield() }
    }

    /// Claims the jobs whose lease ended, at start and then every half lease, and resumes them.
    func takeOverAbandoned(_ store: any LeasedJobStore) async {
        while !Task.isCancelled {
            do {
                let claimed = try await store.claimExpired(owner: replica.owner, lease: replica.lease, limit: Self.claimBatch)
                for job in claimed {
                    guard let plan = job.plan else {
                        logger.error("Job taken over without a plan; it cannot be resumed", metadata: ["job.id": "\(job.id)"])
                        continue
                    }
                    logger.notice("Job taken over", metadata: [
                        "job.id": "\(job.id)", "job.previous_runner": "\(job.runner ?? "-")",
                        "job.steps_recorded": "\(job.steps.count)",
                    ])
                    submitResumed(job, plan: plan)
                }
                // A full batch: there may be more right away.
                if claimed.count == Self.claimBatch { continue }
            } catch {
                logger.warning("Could not look for abandoned jobs", metadata: ["error": "\(error)"])
            }
            do { try await sleep(replica.lease / 2) } catch { return }
        }
    }

    /// Wakes this replica's waiters when any replica records a change.
    func followChanges(_ store: any LeasedJobStore) async {
        for await _ in store.jobChanges() {
            changes.signal()
        }
    }
}
