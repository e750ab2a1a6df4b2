/// An audit log entry, `GET /ovirt-engine/api/events` (only what the change feed uses).
///
/// `index` is the engine's `audit_log_id` (a database sequence: strictly increasing, with
/// possible gaps); `id` is the same number as a string.
struct OvirtEvent: Sendable, Hashable {
    var index: OvirtInt?
    var id: String?
    /// The `AuditLogType` code (`153` VM started, `61` VM down, ...).
    var code: OvirtInt?
    /// The event's time as the engine wrote it (epoch milliseconds in JSON).
    var time: String?
    var vm: String?
    var host: String?
    var cluster: String?

    /// `index`, else the numeric `id`.
    var number: Int64? { index?.value ?? id.flatMap { Int64($0) } }
}
