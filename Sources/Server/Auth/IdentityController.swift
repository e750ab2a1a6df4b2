import AggregatorCore
import Hummingbird

/// `GET /api/v1/whoami`: who the caller is and what it may do, so a client (the web face) offers
/// only the actions the server would accept. Reader level, as every read.
struct IdentityController: Sendable {
    let operations: OperationSettings

    struct Body: Encodable {
        struct May: Encodable {
            /// Creates and power actions (`operator`).
            var operate: Bool
            /// Deleting VMs (`operations.delete_role`).
            var delete: Bool
            /// The audit trail (`admin`).
            var audit: Bool
        }

        var name: String
        var role: String
        var method: String
        var may: May
    }

    func addRoutes(to router: some RouterMethods<APIRequestContext>) {
        router.get("api/v1/whoami") { _, context in
            let identity = context.identity ?? .anonymous
            return try JSONBody.response(encoding: Body(
                name: identity.name, role: identity.role.name, method: identity.method.rawValue,
                may: .init(operate: identity.role >= .operator, delete: identity.role >= operations.deleteRole,
                           audit: identity.role >= .admin)))
        }
    }
}
