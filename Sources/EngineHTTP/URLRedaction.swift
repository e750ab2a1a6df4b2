/// Removes the parts of a URL that may carry secrets before it appears in an error or a log.
enum URLRedaction {
    /// Returns `url` without userinfo (`user:password@`), query string and fragment.
    static func redact(_ url: String) -> String {
        var text = Substring(url)
        if let end = text.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            text = text[..<end]
        }
        guard let schemeEnd = text.firstRange(of: "://") else {
            return String(text)
        }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
        guard let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") else {
            return String(text)
        }
        return String(text[..<authorityStart] + text[text.index(after: at)...])
    }
}
