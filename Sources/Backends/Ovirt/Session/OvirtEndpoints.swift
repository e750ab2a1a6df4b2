import BackendSupport

/// The URLs of one engine, derived from its configured API URL the way ovirtsdk4 derives them.
typealias OvirtEndpoints = EngineEndpoints

extension EngineEndpoints {
    // The SSO and logout services live at `scheme://host:port/ovirt-engine/...` whatever the API path.

    /// `POST` target for password logins.
    var ssoToken: String { origin + "/ovirt-engine/sso/oauth/token" }
    /// `POST` target that revokes a token (what the SDK's `close()` uses).
    var ssoLogout: String { origin + "/ovirt-engine/services/sso-logout" }
    /// The engine CA in PEM, served without authentication.
    var caCertificate: String {
        origin + "/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA"
    }
}
