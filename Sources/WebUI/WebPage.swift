/// One page of the web face: its address, its template and its title.
public struct WebPage: Sendable, Hashable {
    /// Names the page to the script (`data-page`): `overview`, `vms`, `job`, ...
    public let id: String
    /// The address of the page (for `job`, of the jobs list it belongs to).
    public let path: String
    /// The template that renders it.
    let template: String
    /// The key of its title in the string tables.
    let titleKey: String

    /// `/`: engines, their state and counts, recent jobs.
    public static let overview = WebPage(id: "overview", path: "/", template: "overview", titleKey: "nav_overview")
    /// `/vms`: every VM of every engine.
    public static let vms = WebPage(id: "vms", path: "/vms", template: "inventory", titleKey: "nav_vms")
    /// `/hosts`.
    public static let hosts = WebPage(id: "hosts", path: "/hosts", template: "inventory", titleKey: "nav_hosts")
    /// `/clusters`.
    public static let clusters = WebPage(id: "clusters", path: "/clusters", template: "inventory", titleKey: "nav_clusters")
    /// `/create`: upload, check, create, follow.
    public static let create = WebPage(id: "create", path: "/create", template: "create", titleKey: "nav_create")
    /// `/jobs`: the jobs list.
    public static let jobs = WebPage(id: "jobs", path: "/jobs", template: "jobs", titleKey: "nav_jobs")
    /// `/jobs/{id}`: one job.
    public static let job = WebPage(id: "job", path: "/jobs", template: "job", titleKey: "job_title")
    /// `/vms/{engine}/{id}`: one VM, the jobs that touched it and the actions the reader may take.
    public static let vm = WebPage(id: "vm", path: "/vms", template: "vm", titleKey: "vm_title")

    /// The pages in the navigation bar, in order.
    public static let navigation: [WebPage] = [.overview, .vms, .hosts, .clusters, .jobs, .create]

    /// Every page shell, rendered in each language: the navigation's and the pages of one item.
    static let all: [WebPage] = navigation + [.job, .vm]

    /// The page of one item that belongs under `entry` of the navigation (`/jobs/{id}` under Jobs).
    func belongs(to entry: WebPage) -> Bool {
        entry == self || (self == .job && entry == .jobs) || (self == .vm && entry == .vms)
    }

    /// The one-component addresses served as pages (all but `/` and `/jobs/{id}`).
    static let singleComponentPaths: Set<Substring> = ["vms", "hosts", "clusters", "jobs", "create"]
}
