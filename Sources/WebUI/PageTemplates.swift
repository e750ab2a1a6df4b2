/// The Mustache templates of the pages, compiled into the binary from `Templates/`, by the names
/// partials and parents use: `layout` (the frame of every page), `jobs_head` (a partial), and
/// one per page (`vm` for `/vms/{engine}/{id}`).
enum PageTemplates {
    static let all: [(name: String, text: String)] = [
        ("layout", PackageResources.layout_mustache), ("jobs_head", PackageResources.jobs_head_mustache),
        ("overview", PackageResources.overview_mustache), ("inventory", PackageResources.inventory_mustache),
        ("create", PackageResources.create_mustache), ("jobs", PackageResources.jobs_mustache),
        ("job", PackageResources.job_mustache), ("vm", PackageResources.vm_mustache),
    ].map { ($0.0, WebAssets.text($0.1)) }
}
