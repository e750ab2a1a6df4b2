import AggregatorCore

extension VM: JSONObjectWritable {
    public func writeFields(into fields: inout some JSONFieldWriter) {
        fields.field("cluster", cluster)
        fields.field("comment", comment)
        fields.field("cores", cores)
        fields.field("cpus", cpus)
        fields.field("creation_time", creationTime)
        fields.field("data_center", dataCenter)
        fields.field("description", description)
        fields.field("engine", engine)
        fields.field("fqdn", fqdn)
        fields.field("host", host)
        fields.field("id", id)
        fields.field("ip_addresses", ipAddresses)
        fields.field("memory_bytes", memoryBytes)
        fields.field("name", name)
        fields.field("os_type", osType)
        fields.field("raw_status", rawStatus)
        fields.field("status", status)
        fields.field("template", template)
    }
}
