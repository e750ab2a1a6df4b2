import Foundation
import NIOCore
import Testing

@testable import WebUI

@Suite struct PageRendererTests {
    static let pages = WebPage.all

    @Test func bothLanguagesHaveTheSameKeysAndNoEmptyText() {
        #expect(Set(UIStrings.english.keys) == Set(UIStrings.russian.keys))
        for (key, text) in UIStrings.english.merging(UIStrings.russian, uniquingKeysWith: { $0 + $1 }) {
            #expect(!text.isEmpty, "\(key)")
        }
    }

    @Test func everyKeyTheTemplatesAndTheScriptUseIsInTheTables() throws {
        var used = Set<String>()
        for (_, text) in PageTemplates.all {
            for match in text.matches(of: /\{\{t\.([a-z_]+)\}\}/) { used.insert(String(match.output.1)) }
        }
        let script = String(decoding: WebAssets.script.bytes.readableBytesView, as: UTF8.self)
        for match in script.matches(of: /\bt\('([a-z_]+)'/) { used.insert(String(match.output.1)) }
        // Keys the script builds from a prefix and a value (`status_${state}`, `col_...` labels).
        for match in script.matches(of: /label: '([a-z_]+)'/) { used.insert(String(match.output.1)) }
        for state in InventoryView.jobStates { used.insert("status_\(state)") }
        for view in InventoryView.views.values {
            for status in view.statuses { used.insert("status_\(status)") }
        }
        for state in ["up", "stale", "down", "unknown"] { used.insert("engine_\(state)") }
        for state in ["stale", "down"] { used.insert("engine_\(state)_listing") }
        for kind in ["vms", "hosts", "clusters"] { used.insert("count_\(kind)_of") }
        for action in ["create_vm", "create_vlan"] { used.insert("action_\(action)") }
        // Operation jobs (`{operation}_vm`) and the operations' own labels (`op_${action}`).
        for operation in ["start", "stop", "shutdown", "reboot", "suspend", "delete"] {
            used.insert("action_\(operation)_vm")
            used.insert("op_\(operation)")
        }
        let missing = used.subtracting(UIStrings.english.keys).sorted()
        #expect(missing.isEmpty, "missing strings: \(missing)")
    }

    @Test(arguments: WebLanguage.all)
    func everyPageRendersALabelledAccessibleShell(language: WebLanguage) throws {
        for page in Self.pages {
            let html = String(decoding: PageRenderer.shared.page(page, language: language).bytes.readableBytesView,
                              as: UTF8.self)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains(#"<html lang="\#(language.code)">"#))
            #expect(html.contains(#"data-page="\#(page.id)""#))
            #expect(html.contains(WebAssets.script.path) && html.contains(WebAssets.style.path))
            #expect(!html.contains("{{"), "every tag rendered: \(page.id)")
            #expect(html.contains("<main id=\"main\""))
            #expect(html.contains("<noscript>"))
            // Every form control has a label pointing at it.
            for match in html.matches(of: /<(?:input|select|textarea) id="([^"]+)"/) {
                #expect(html.contains(#"for="\#(match.output.1)""#), "\(page.id): #\(match.output.1) has no label")
            }
            // The strings reach the script as an attribute, escaped.
            let strings = try #require(html.firstMatch(of: /data-strings="([^"]*)"/)?.output.1)
            #expect(strings.contains("&quot;"))
        }
    }

    @Test func noAssetOrPageLoadsAnythingFromElsewhere() {
        let script = String(decoding: WebAssets.script.bytes.readableBytesView, as: UTF8.self)
        let style = String(decoding: WebAssets.style.bytes.readableBytesView, as: UTF8.self)
        for text in [script, style] + PageTemplates.all.map(\.text) {
            #expect(!text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"))
        }
        // API text reaches the page as text nodes only.
        #expect(!script.contains("innerHTML") && !script.contains("insertAdjacentHTML") && !script.contains("document.write"))
    }

    @Test func assetHashesFollowTheContent() {
        #expect(WebAsset.fnv1a("".utf8) == "cbf29ce484222325")
        #expect(WebAsset.fnv1a("a".utf8) == "af63dc4c8601ec8c")
        let asset = WebAsset(name: "x", fileExtension: "js", contentType: "text/javascript", parts: ["let a = 1;"])
        #expect(asset.versionedFileName == "x.\(asset.hash).js")
        #expect(asset.etag == "\"\(asset.hash)\"")
    }
}
