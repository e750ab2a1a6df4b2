/// Every text the pages show, one table per language, looked up by key.
///
/// The templates read them as `{{t.key}}`; the page script gets the whole table of the page's
/// language (`data-strings`) and reads them with `t('key')`. Placeholders are written `{name}`.
/// Both tables have the same keys (a test checks it, and that every key the templates and the
/// script use is in them).
enum UIStrings {
    /// The table of `language`.
    static func table(for language: WebLanguage) -> [String: String] {
        language == .russian ? russian : english
    }
}
