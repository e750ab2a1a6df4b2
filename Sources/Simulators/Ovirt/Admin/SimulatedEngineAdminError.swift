import SimulatorSupport

/// Why an admin change to a simulated engine was refused (see ``SimulatorAdminError``).
public typealias SimulatedEngineAdminError = SimulatorAdminError
