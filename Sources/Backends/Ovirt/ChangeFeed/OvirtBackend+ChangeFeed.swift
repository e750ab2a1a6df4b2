import AggregatorCore
import Foundation
import Logging

/// The change feed over the engine's audit log (`GET /events`); see `docs/ovirt-backend.md`.
extension OvirtBackend {
    /// The newest event of the engine (`GET /events?max=1`, which lists newest first); an engine
    /// without events gives a cursor at index 0.
    public func changeCursor() async throws -> ChangeCursor {
        guard let newest = try await newestEvent(), let index = newest.number else {
            return OvirtEventCursor.at(0, witness: nil).token
        }
        return OvirtEventCursor.at(index, witness: OvirtEventCursor.witness(of: newest)).token
    }

    /// The VMs, hosts and clusters the events after `cursor` concern.
    ///
    /// Asks for the events after the cursor's base minus one, so the base event itself comes
    /// back as a witness that nothing was purged or restored under the feed. Indexes missing
    /// between seen events are waited for during `eventGapGrace` (they can be transactions that
    /// committed late); events after such a hole are reported at once.
    ///
    /// - Returns: `.resync` when event ids went backwards, the base event is gone or is another
    ///   event, an index stayed missing past the grace, or more events arrived than one poll reads.
    public func changes(since cursor: ChangeCursor) async throws -> ChangeFeedResult {
        guard let position = OvirtEventCursor(cursor) else {
            return resync("the cursor '\(cursor)' was not made by this backend")
        }
        let from = position.witness == nil ? position.base : position.base - 1
        guard let fetched = try await events(after: from) else {
            return resync("more than \(tuning.eventPageSize * tuning.eventMaxPages) events since the last poll")
        }
        let newest = fetched.keys.max() ?? from

        if let witness = position.witness {
            guard let event = fetched[position.base] else {
                let top = try await newestEvent()?.number ?? 0
                if top < position.base {
                    return resync("event ids went backwards: the engine's newest event is \(top), "
                        + "the feed had reached \(position.base) (engine restored from a backup?)")
                }
                return resync("the engine no longer holds event \(position.base) (audit log purged, or the event deleted)")
            }
            guard OvirtEventCursor.witness(of: event) == witness else {
                return resync("event \(position.base) is not the event seen before (audit log restored or reset)")
            }
        }
        if newest < position.last {
            return resync("event ids went backwards: the engine's newest event is \(newest), "
                + "the feed had reached \(position.last) (engine restored from a backup?)")
        }

        let now = eventClock.milliseconds
        var next = position
        var objects: [InventoryObject] = []
        var listed = Set<InventoryObject>()
        var newEvents = 0
        for (index, event) in fetched.sorted(by: { $0.key < $1.key }) where index > position.base {
            guard index > position.last || position.holes[index] != nil else { continue }
            if let reason = OvirtEventCodes.unlinkedRemoval(event) { return resync(reason) }
            next.holes[index] = nil
            newEvents += 1
            for object in linkedObjects(event) where listed.insert(object).inserted {
                objects.append(object)
            }
        }
        if newest > position.last {
            // From an empty log the numbering's start is unknown: the first event seen starts it.
            let first = position.last == 0 ? (fetched.keys.filter { $0 > 0 }.min() ?? newest) : position.last + 1
            let arrived = fetched.keys.lazy.filter { $0 >= first }.count
            let missing = newest - first + 1 - Int64(arrived)
            guard missing <= Int64(tuning.maxEventHoles - next.holes.count) else {
                return resync("more than \(tuning.maxEventHoles) event indexes are missing")
            }
            if missing > 0 {
                for index in first...newest where fetched[index] == nil { next.holes[index] = now }
            }
            next.last = newest
        }
        let grace = tuning.eventGapGrace.milliseconds
        if let expired = next.holes.filter({ now - $0.value >= grace }).keys.min() {
            return resync("event \(expired) never appeared (waited \(grace) ms for it; the feed may have missed a change)")
        }
        let base = next.holes.keys.min().map { $0 - 1 } ?? next.last
        if base != position.base {
            next.base = base
            next.witness = base > 0 ? fetched[base].map(OvirtEventCursor.witness(of:)) : nil
        }
        logger.debug("Read the engine's change feed", metadata: [
            "backend.name": "\(name)", "events.from": "\(from)", "events.new": "\(newEvents)",
            "events.last": "\(next.last)", "events.missing": "\(next.holes.count)", "changes.count": "\(objects.count)",
        ])
        return .changes(objects, next: next.token)
    }

    /// The objects an event concerns: the VM, host and cluster it links, the host and cluster a
    /// linked VM was last seen on, and the cluster of a linked host (their running-VM and host
    /// counts may change with it).
    func linkedObjects(_ event: OvirtEvent) -> [InventoryObject] {
        var objects: [InventoryObject] = []
        var hosts: [String] = []
        if let vm = OvirtMapping.nonEmpty(event.vm) {
            objects.append(.vm(id: vm))
            if let placement = cache.placement(ofVM: vm), let host = placement.host {
                hosts.append(host)
                if let cluster = placement.cluster { objects.append(.cluster(id: cluster)) }
            }
        }
        if let host = OvirtMapping.nonEmpty(event.host) { hosts.insert(host, at: 0) }
        for host in hosts {
            objects.append(.host(id: host))
            if let cluster = cache.cluster(ofHost: host) { objects.append(.cluster(id: cluster)) }
        }
        if let cluster = OvirtMapping.nonEmpty(event.cluster) { objects.append(.cluster(id: cluster)) }
        return objects
    }

    /// Every event with an index above `from`, by index; nil when there are more than
    /// `eventMaxPages` pages of them.
    ///
    /// The engine lists them newest first (`ORDER BY audit_log_id DESC`, also with `from`), so
    /// `max` gives the newest page and `search=page N` the older ones. New events arriving between
    /// pages shift the pages (an overlap, de-duplicated here), never a gap. An engine that ignores
    /// `from` is handled too: events at or below it are dropped, and reaching one ends the paging.
    func events(after from: Int64) async throws -> [Int64: OvirtEvent]? {
        var found: [Int64: OvirtEvent] = [:]
        for page in 1...max(1, tuning.eventMaxPages) {
            var query: [(name: String, value: String)] = [("from", "\(from)"), ("max", "\(tuning.eventPageSize)")]
            if page > 1 { query.append(("search", "page \(page)")) }
            let events = try await session.read(path: "events", query: query, expected: "a JSON event list",
                                                OvirtListingDecoder.events)
            var added = 0
            var reachedCursor = false
            for event in events {
                guard let index = event.number else { continue }
                if index <= from {
                    reachedCursor = true
                } else if found.updateValue(event, forKey: index) == nil {
                    added += 1
                }
            }
            if events.count < tuning.eventPageSize || reachedCursor || added == 0 { return found }
        }
        return nil
    }

    /// The newest event, or nil for an empty audit log.
    func newestEvent() async throws -> OvirtEvent? {
        let events = try await session.read(path: "events", query: [("max", "1")], expected: "a JSON event list",
                                            OvirtListingDecoder.events)
        return events.max { ($0.number ?? .min) < ($1.number ?? .min) }
    }

    private func resync(_ reason: String) -> ChangeFeedResult {
        logger.debug("The change feed needs a full read", metadata: ["backend.name": "\(name)", "reason": "\(reason)"])
        return .resync(reason: reason)
    }
}
