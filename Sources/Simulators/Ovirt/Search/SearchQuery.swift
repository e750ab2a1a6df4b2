/// A parsed `search=` value: a subset of the engine's search language.
///
/// ```
/// [Vms:] name=web* and status=up or cluster=Default  sortby name desc  page 2
/// ```
/// Supported: `field=value` and `field!=value` with `*` wildcards, quoted
/// values, `and` (also implicit, by juxtaposition) binding tighter than `or`,
/// `sortby FIELD [asc|desc]` and `page N`.
struct SearchQuery: Sendable, Equatable {
    struct Term: Sendable, Equatable {
        var field: String
        var negated: Bool
        var pattern: String
    }

    /// Disjunction of conjunctions; empty means "everything".
    var alternatives: [[Term]] = []
    var sortField: String?
    var descending = false
    var page: Int?

    static func parse(_ text: String) throws(SearchSyntaxError) -> SearchQuery {
        var tokens = try tokenize(text)[...]
        var query = SearchQuery()
        if let first = tokens.first, case .word(let word) = first, word.hasSuffix(":") {
            tokens = tokens.dropFirst()
        }
        var current: [Term] = []
        func isKeyword(_ token: Token?, _ keyword: String) -> Bool {
            if case .word(let word)? = token { return word.lowercased() == keyword }
            return false
        }
        while let token = tokens.first, !isKeyword(token, "sortby"), !isKeyword(token, "page") {
            if isKeyword(token, "and") {
                tokens = tokens.dropFirst()
                continue
            }
            if isKeyword(token, "or") {
                guard !current.isEmpty else { throw SearchSyntaxError("'or' without a condition before it") }
                query.alternatives.append(current)
                current = []
                tokens = tokens.dropFirst()
                continue
            }
            guard case .word(let field) = token else { throw SearchSyntaxError("expected a field name") }
            tokens = tokens.dropFirst()
            guard let op = tokens.first, case .op(let symbol) = op else {
                throw SearchSyntaxError("expected an operator after '\(field)'")
            }
            guard symbol == "=" || symbol == "!=" else {
                throw SearchSyntaxError("unsupported operator '\(symbol)'")
            }
            tokens = tokens.dropFirst()
            guard let valueToken = tokens.first, case .word(let value) = valueToken else {
                throw SearchSyntaxError("expected a value after '\(field)\(symbol)'")
            }
            tokens = tokens.dropFirst()
            current.append(Term(field: field.lowercased(), negated: symbol == "!=", pattern: value))
        }
        if !current.isEmpty {
            query.alternatives.append(current)
        } else if !query.alternatives.isEmpty {
            throw SearchSyntaxError("'or' without a condition after it")
        }
        if isKeyword(tokens.first, "sortby") {
            tokens = tokens.dropFirst()
            guard let fieldToken = tokens.first, case .word(let field) = fieldToken, !isKeyword(fieldToken, "page") else {
                throw SearchSyntaxError("expected a field after 'sortby'")
            }
            query.sortField = field.lowercased()
            tokens = tokens.dropFirst()
            if isKeyword(tokens.first, "asc") {
                tokens = tokens.dropFirst()
            } else if isKeyword(tokens.first, "desc") {
                query.descending = true
                tokens = tokens.dropFirst()
            }
        }
        if isKeyword(tokens.first, "page") {
            tokens = tokens.dropFirst()
            guard let numberToken = tokens.first, case .word(let number) = numberToken, let page = Int(number), page >= 1 else {
                throw SearchSyntaxError("expected a positive page number after 'page'")
            }
            query.page = page
            tokens = tokens.dropFirst()
        }
        if let extra = tokens.first {
            throw SearchSyntaxError("unexpected '\(extra.text)'")
        }
        return query
    }

    /// Every field the query names, for validation against a collection.
    var fields: [String] {
        alternatives.flatMap { $0.map(\.field) } + (sortField.map { [$0] } ?? [])
    }

    /// Whether an object whose searchable values are given by `values` matches.
    func matches(caseSensitive: Bool, values: (String) -> [String]) -> Bool {
        guard !alternatives.isEmpty else { return true }
        return alternatives.contains { terms in
            terms.allSatisfy { term in
                let found = values(term.field).contains {
                    Glob.matches(pattern: term.pattern, value: $0, caseSensitive: caseSensitive)
                }
                return found != term.negated
            }
        }
    }

    private enum Token {
        case word(String)
        case op(String)

        var text: String {
            switch self {
            case .word(let word): word
            case .op(let op): op
            }
        }
    }

    private static func tokenize(_ text: String) throws(SearchSyntaxError) -> [Token] {
        var tokens: [Token] = []
        var characters = Array(text)[...]
        let operatorCharacters: Set<Character> = ["=", "!", "<", ">"]
        while let character = characters.first {
            if character.isWhitespace {
                characters = characters.dropFirst()
            } else if character == "\"" {
                characters = characters.dropFirst()
                guard let end = characters.firstIndex(of: "\"") else {
                    throw SearchSyntaxError("unterminated quoted value")
                }
                tokens.append(.word(String(characters[..<end])))
                characters = characters[(end + 1)...]
            } else if operatorCharacters.contains(character) {
                var op = String(character)
                characters = characters.dropFirst()
                if let next = characters.first, next == "=" {
                    op.append(next)
                    characters = characters.dropFirst()
                }
                guard op != "!" else { throw SearchSyntaxError("unexpected '!'") }
                tokens.append(.op(op))
            } else {
                let end = characters.firstIndex { $0.isWhitespace || operatorCharacters.contains($0) || $0 == "\"" }
                    ?? characters.endIndex
                tokens.append(.word(String(characters[..<end])))
                characters = characters[end...]
            }
        }
        return tokens
    }
}

/// A search the simulator cannot parse or does not support.
struct SearchSyntaxError: Error, Equatable {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}

/// `*` wildcard matching as the engine's search language does it.
enum Glob {
    static func matches(pattern: String, value: String, caseSensitive: Bool) -> Bool {
        let pattern = caseSensitive ? pattern : pattern.lowercased()
        let value = caseSensitive ? value : value.lowercased()
        guard pattern.contains("*") else { return pattern == value }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = value[...]
        for (index, part) in parts.enumerated() {
            if index == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if index == parts.count - 1 {
                return part.isEmpty || rest.hasSuffix(part)
            } else if !part.isEmpty {
                guard let range = rest.firstRange(of: part) else { return false }
                rest = rest[range.upperBound...]
            }
        }
        return rest.isEmpty
    }
}
