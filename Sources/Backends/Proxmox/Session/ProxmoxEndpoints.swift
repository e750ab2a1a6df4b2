import BackendSupport

/// The URLs of one Proxmox VE API, derived from its configured base URL
/// (`https://pve1.example:8006/api2/json`).
typealias ProxmoxEndpoints = EngineEndpoints
