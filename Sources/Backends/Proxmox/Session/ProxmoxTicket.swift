/// A ticket from `POST /access/ticket`: the `PVEAuthCookie` value and the CSRF token that
/// writes must echo.
struct ProxmoxTicket: Sendable, Hashable {
    let ticket: String
    let csrfToken: String
}
