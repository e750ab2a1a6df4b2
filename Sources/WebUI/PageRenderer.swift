import Foundation
import Mustache
import NIOCore

/// Renders the page shells from the templates in `Templates/` with the strings of one language.
///
/// A shell holds no data, only the frame, the labels and the script that fetches the data, so
/// every page is rendered once per language, when first asked for, and answered from memory.
struct PageRenderer: Sendable {
    /// A rendered page and its validator.
    struct Rendered: Sendable {
        var bytes: ByteBuffer
        var etag: String
    }

    private let library: MustacheLibrary
    private let rendered: [String: Rendered]

    /// Every page in every language.
    static let shared = PageRenderer()

    private init() {
        var library = MustacheLibrary()
        for (name, text) in PageTemplates.all {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("template '\(name)' does not parse: \(error)")
            }
        }
        self.library = library
        var rendered: [String: Rendered] = [:]
        for language in WebLanguage.all {
            for page in WebPage.all {
                let html = Self.render(page, language: language, library: library)
                let hash = WebAsset.fnv1a(html.utf8)
                rendered[Self.key(page, language)] = Rendered(bytes: ByteBuffer(string: html), etag: "\"\(hash)\"")
            }
        }
        self.rendered = rendered
    }

    /// The shell of `page` in `language`.
    func page(_ page: WebPage, language: WebLanguage) -> Rendered {
        guard let found = rendered[Self.key(page, language)] else {
            preconditionFailure("page '\(page.id)' is not rendered")
        }
        return found
    }

    private static func key(_ page: WebPage, _ language: WebLanguage) -> String { "\(page.id)/\(language.code)" }

    static func render(_ page: WebPage, language: WebLanguage, library: MustacheLibrary) -> String {
        let strings = UIStrings.table(for: language)
        var context: [String: Any] = [
            "lang": language.code,
            "page": page.id,
            "title": strings[page.titleKey] ?? page.id,
            "heading": strings["heading_\(page.id)"] ?? page.id,
            "t": strings,
            "stringsJSON": stringsJSON(strings),
            "scriptURL": WebAssets.script.path,
            "styleURL": WebAssets.style.path,
            "nav": WebPage.navigation.map { entry -> [String: Any] in
                ["href": entry.path, "label": strings[entry.titleKey] ?? entry.id,
                 "current": page.belongs(to: entry)]
            },
            "languages": WebLanguage.all.map { entry -> [String: Any] in
                ["code": entry.code, "name": entry.ownName, "current": entry == language]
            },
            "jobStates": InventoryView.jobStates.map { ["value": $0, "label": strings["status_\($0)"] ?? $0] },
        ]
        if let view = InventoryView.views[page.id] {
            context["inventory"] = view.context(strings: strings, path: page.path)
        }
        return library.render(context, withTemplate: page.template) ?? ""
    }

    /// The table as JSON for the script, keys sorted so the page is the same on every start.
    static func stringsJSON(_ strings: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(strings) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
