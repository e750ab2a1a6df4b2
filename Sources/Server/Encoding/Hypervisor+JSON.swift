import AggregatorCore

extension Hypervisor: JSONObjectWritable {
    public func writeFields(into fields: inout some JSONFieldWriter) {
        fields.field("address", address)
        fields.field("cluster", cluster)
        fields.field("comment", comment)
        fields.field("cpu_cores", cpuCores)
        fields.field("cpu_model", cpuModel)
        fields.field("cpu_threads", cpuThreads)
        fields.field("data_center", dataCenter)
        fields.field("engine", engine)
        fields.field("id", id)
        fields.field("memory_bytes", memoryBytes)
        fields.field("name", name)
        fields.field("os_version", osVersion)
        fields.field("raw_status", rawStatus)
        fields.field("status", status)
        fields.field("vm_count", vmCount)
    }
}
