/// Every asset the pages load, compiled into the binary from `Assets/` (SwiftPM's `embedInCode`):
/// the parts of the page script joined into one file inside a function scope, and the style sheet.
enum WebAssets {
    /// The page script: one file, so one request and one hash. The parts share one scope, in this
    /// order: `core.js` (strings, elements, the API client, sign-in), `overview.js`,
    /// `inventory.js`, `create.js`, `jobs.js`, `operations.js` (what the reader may do, dry runs,
    /// following jobs, the VM table's bulk actions), `vm.js` (the VM page), and `main.js`, which
    /// starts the page.
    static let script = WebAsset(
        name: "app", fileExtension: "js", contentType: "text/javascript; charset=utf-8",
        parts: ["(() => {", "'use strict';"]
            + [PackageResources.core_js, PackageResources.overview_js, PackageResources.inventory_js,
               PackageResources.create_js, PackageResources.jobs_js, PackageResources.operations_js,
               PackageResources.vm_js, PackageResources.main_js].map(text)
            + ["})();"])

    /// The style sheet.
    static let style = WebAsset(name: "app", fileExtension: "css", contentType: "text/css; charset=utf-8",
                                parts: [text(PackageResources.app_css)])

    /// Assets by the file names they are served under (versioned and plain).
    static let byFileName: [String: (asset: WebAsset, immutable: Bool)] = {
        var table: [String: (asset: WebAsset, immutable: Bool)] = [:]
        for asset in [script, style] {
            table[asset.versionedFileName] = (asset, true)
            table[asset.plainFileName] = (asset, false)
        }
        return table
    }()

    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
