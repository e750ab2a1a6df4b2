/// Whether a request for `/` wants the web page or the JSON index.
///
/// A browser names `text/html` in `Accept`; curl sends `*/*`, scripts send `application/json` or
/// nothing. Only a request that names `text/html` (or `application/xhtml+xml`) with a weight
/// above zero and at least that of JSON gets the page, so every client that does not ask for HTML
/// by name keeps the JSON index.
///
/// ```swift
/// PageNegotiation.prefersHTML(accept: ["text/html,application/xhtml+xml,*/*;q=0.8"])  // true
/// PageNegotiation.prefersHTML(accept: ["application/json"])                          // false
/// PageNegotiation.prefersHTML(accept: [])                                            // false
/// ```
public enum PageNegotiation {
    /// True when the `Accept` header lines prefer an HTML page over JSON.
    public static func prefersHTML(accept lines: [String]) -> Bool {
        let accept = WeightedHeader(lines)
        let html = accept.quality { $0 == "text/html" || $0 == "application/xhtml+xml" } ?? 0
        guard html > 0 else { return false }
        let json = accept.quality { $0 == "application/json" }
            ?? accept.quality { $0 == "application/*" }
            ?? accept.quality { $0 == "*/*" }
            ?? 0
        return html >= json
    }
}
