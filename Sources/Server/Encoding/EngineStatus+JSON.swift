import AggregatorCore

extension EngineStatus: JSONObjectWritable {
    public func writeFields(into fields: inout some JSONFieldWriter) {
        fields.field("age_ms", ageMs)
        fields.field("cached_age_ms", cachedAgeMs)
        fields.field("count", count)
        fields.field("duration_ms", durationMs)
        fields.field("engine", engine)
        fields.field("error", error)
        fields.field("http_status", httpStatus)
        fields.field("kind", kind)
        fields.field("message", message)
        fields.field("ok", ok)
        fields.field("refresh", refresh)
        fields.field("stale", stale)
    }
}

/// An ``EngineStatus`` inside a `Codable` body (`/api/v1/backends`, an error's `engines`), with
/// the fields its listing line has.
struct EngineStatusBody: Encodable {
    var status: EngineStatus

    init(_ status: EngineStatus) { self.status = status }

    func encode(to encoder: any Encoder) throws { try status.encodeFields(to: encoder) }
}
