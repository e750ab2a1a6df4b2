extension String {
    /// The string without leading and trailing whitespace (spaces, tabs, newlines).
    ///
    /// Foundation-free on purpose: engine answers and configuration values are trimmed on hot
    /// decoding paths, and this works on every platform the backends build for.
    public func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
