/// The API root, `GET /ovirt-engine/api`: product information and object counts.
struct OvirtAPI: Decodable, Sendable {
    struct ProductInfo: Decodable, Sendable {
        var name: String?
        var vendor: String?
        var version: OvirtVersion?
    }

    /// `total`/`active` counts of one kind of object.
    struct SummaryItem: Decodable, Sendable {
        var total: OvirtInt?
        var active: OvirtInt?
    }

    struct Summary: Decodable, Sendable {
        var vms: SummaryItem?
        var hosts: SummaryItem?
    }

    /// `authenticated_user` is a link (id and href); a name is read if the engine inlines one.
    struct User: Decodable, Sendable {
        var id: String?
        var name: String?
        var userName: String?

        enum CodingKeys: String, CodingKey {
            case id, name
            case userName = "user_name"
        }
    }

    var productInfo: ProductInfo?
    var summary: Summary?
    var authenticatedUser: User?

    enum CodingKeys: String, CodingKey {
        case productInfo = "product_info"
        case summary
        case authenticatedUser = "authenticated_user"
    }
}
