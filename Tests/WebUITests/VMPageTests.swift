import HTTPTypes
import NIOCore
import Testing

@testable import WebUI

@Suite struct VMPageTests {
    @Test(arguments: [
        ("/vms/e15/3f2a-uuid", true), ("/vms/k45/101", true), ("/vms/e15/3f2a-uuid/", true),
        ("/vms/e15", false), ("/vms/e15/id/start", false), ("/api/v1/vms/e15/3f2a-uuid", false),
        ("/hosts/e15/id", false),
    ])
    func theVMPageShellNeedsNoTokenButTheAPIDoes(path: String, shell: Bool) {
        #expect(WebController.servesWithoutData(method: .get, path: path, accept: ["text/html"]) == shell, "\(path)")
        // Changes never count as shells, whatever the path.
        #expect(!WebController.servesWithoutData(method: .post, path: path, accept: ["text/html"]))
        #expect(!WebController.servesWithoutData(method: .delete, path: path, accept: ["text/html"]))
    }

    @Test(arguments: WebLanguage.all)
    func theVMPageOffersEveryActionAndAsksForTheNameBeforeADelete(language: WebLanguage) {
        let html = Self.html(.vm, language)
        for action in ["start", "stop", "shutdown", "reboot", "suspend", "delete"] {
            #expect(html.contains(#"data-action="\#(action)""#), "\(action)")
        }
        // The buttons stay hidden until the script knows the caller may use them.
        #expect(html.contains(#"<section id="vm-actions" class="vm-actions" aria-labelledby="vm-actions-title" hidden>"#))
        #expect(html.contains(#"<label for="vm-confirm-name""#))
        #expect(html.contains(#"data-page="vm""#))
        // It belongs to the VMs section of the navigation.
        #expect(html.contains(#"<a href="/vms" aria-current="page">"#))
    }

    @Test func onlyTheVMTableHasBulkActions() {
        #expect(Self.html(.vms, .english).contains(#"<section id="bulk""#))
        for page in [WebPage.hosts, .clusters] {
            #expect(!Self.html(page, .english).contains(#"id="bulk""#), "\(page.id)")
        }
    }

    static func html(_ page: WebPage, _ language: WebLanguage) -> String {
        String(decoding: PageRenderer.shared.page(page, language: language).bytes.readableBytesView, as: UTF8.self)
    }
}
