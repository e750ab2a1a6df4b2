import AggregatorCore

extension Cluster: JSONObjectWritable {
    public func writeFields(into fields: inout some JSONFieldWriter) {
        fields.field("comment", comment)
        fields.field("cpu_type", cpuType)
        fields.field("data_center", dataCenter)
        fields.field("description", description)
        fields.field("engine", engine)
        fields.field("host_count", hostCount)
        fields.field("id", id)
        fields.field("name", name)
        fields.field("version", version)
        fields.field("vm_count", vmCount)
    }
}
