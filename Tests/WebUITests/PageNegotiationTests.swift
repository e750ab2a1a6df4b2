import Testing

@testable import WebUI

@Suite struct PageNegotiationTests {
    @Test(arguments: [
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",  // Chromium, Firefox
        "text/html",
        "application/json;q=0.5, text/html",
        "TEXT/HTML; charset=utf-8",
        "application/xhtml+xml",
    ])
    func browsersGetThePage(accept: String) {
        #expect(PageNegotiation.prefersHTML(accept: [accept]))
    }

    @Test(arguments: [
        "", "*/*", "application/json", "application/json, text/html;q=0.9", "text/html;q=0",
        "text/*", "application/*, text/html;q=0.5", "text/html;q=bogus",
    ])
    func everyOtherClientGetsJSON(accept: String) {
        #expect(!PageNegotiation.prefersHTML(accept: accept.isEmpty ? [] : [accept]))
    }

    @Test func headerLinesSentSeparatelyAreReadTogether() {
        #expect(PageNegotiation.prefersHTML(accept: ["application/json;q=0.5", "text/html"]))
    }
}

@Suite struct WebLanguageTests {
    @Test(arguments: [
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-US,en;q=0.9,ru;q=0.8", "en"),
        ("de-DE,de;q=0.9,ru;q=0.5,en;q=0.4", "ru"),
        ("de-DE", "en"),
        ("", "en"),
        ("ru;q=0, en;q=0.1", "en"),
        ("en;q=0.5, ru;q=0.5", "en"),
    ])
    func acceptLanguageChoosesTheBestLanguageWeHave(header: String, expected: String) {
        let choice = WebLanguage.choose(query: nil, cookie: nil, acceptLanguage: header.isEmpty ? [] : [header])
        #expect(choice.language.code == expected)
        #expect(!choice.fromQuery)
    }

    @Test func theSwitchWinsThenTheCookie() {
        let switched = WebLanguage.choose(query: "en", cookie: "ru", acceptLanguage: ["ru"])
        #expect(switched.language == .english && switched.fromQuery)
        let remembered = WebLanguage.choose(query: nil, cookie: "en", acceptLanguage: ["ru"])
        #expect(remembered.language == .english && !remembered.fromQuery)
        let unknown = WebLanguage.choose(query: "fr", cookie: "xx", acceptLanguage: ["ru"])
        #expect(unknown.language == .russian && !unknown.fromQuery)
    }
}
