import SimulatorSupport

/// Why an admin change to a simulated cluster was refused (see ``SimulatorAdminError``).
public typealias SimulatedProxmoxAdminError = SimulatorAdminError
