import AggregatorCore
import Hummingbird

extension AggregatorServer {
    /// Adds the access checks, in order: the audit trail (outermost, so it sees refusals),
    /// cross-site checks, bearer authentication, role checks; and `GET /api/v1/audit`.
    ///
    /// Without an explicit audit log, the job store keeps the trail when it can.
    static func addAccessControl(_ access: AccessControl, jobs: JobRunner?, to router: Router<APIRequestContext>) {
        let audit = access.audit ?? (jobs?.store as? any AuditLog)
        if let audit { router.add(middleware: AuditMiddleware(log: audit)) }
        let authenticationOff = !access.requiresAuthentication
        router.add(middleware: CrossSiteGuard(
            allowedHosts: authenticationOff || access.enforceAllowedHosts ? access.allowedHosts : nil,
            refuseForwarded: authenticationOff))
        router.add(middleware: BearerAuthenticator(access: access))
        router.add(middleware: RoleGuard())
        if let audit { AuditController(log: audit).addRoutes(to: router.group("api/v1")) }
    }
}
