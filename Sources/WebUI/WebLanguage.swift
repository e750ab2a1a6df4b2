/// A language the pages are written in.
///
/// Chosen per request: `?lang=` (remembered in a cookie), then that cookie, then the
/// browser's `Accept-Language`, and English when it names neither.
public struct WebLanguage: Sendable, Hashable, CustomStringConvertible {
    /// The BCP 47 primary tag: `en`, `ru`.
    public let code: String
    /// The language's name in itself, for the switch on the page.
    public let ownName: String

    /// English, the default.
    public static let english = WebLanguage(code: "en", ownName: "English")
    /// Russian, the language the request files are written in.
    public static let russian = WebLanguage(code: "ru", ownName: "Русский")

    /// Every language the pages are written in, in the order the switch shows them.
    public static let all: [WebLanguage] = [.russian, .english]

    /// The cookie that remembers a choice made with `?lang=`.
    static let cookieName = "vma_lang"

    /// The language `code` names (`ru`, `RU`, `ru-RU`), if the pages are written in it.
    public init?(code: String) {
        let primary = code.split(separator: "-").first.map { $0.lowercased() } ?? ""
        guard let known = Self.all.first(where: { $0.code == primary }) else { return nil }
        self = known
    }

    private init(code: String, ownName: String) {
        self.code = code
        self.ownName = ownName
    }

    /// The language a request asks for.
    /// - Parameters:
    ///   - query: The `lang` query parameter, if any.
    ///   - cookie: The remembered choice, if any.
    ///   - acceptLanguage: The `Accept-Language` header lines.
    /// - Returns: The language, and whether it came from the query (and so should be remembered).
    public static func choose(query: String?, cookie: String?, acceptLanguage: [String])
        -> (language: WebLanguage, fromQuery: Bool)
    {
        if let query, let language = WebLanguage(code: query) { return (language, true) }
        if let cookie, let language = WebLanguage(code: cookie) { return (language, false) }
        return (preferred(acceptLanguage), false)
    }

    /// The language of `Accept-Language` with the highest weight (the first written on a tie)
    /// that the pages are written in; English when none is.
    static func preferred(_ acceptLanguage: [String]) -> WebLanguage {
        var best: (language: WebLanguage, quality: Double)?
        for entry in WeightedHeader(acceptLanguage).entries where entry.quality > 0 {
            guard let language = WebLanguage(code: entry.value) else { continue }
            if entry.quality > best?.quality ?? 0 { best = (language, entry.quality) }
        }
        return best?.language ?? .english
    }

    public var description: String { code }
}
