/// The `// protogen:lint-ignore RULE_ID[,RULE_ID...] [reason]` directives of
/// one file. A directive silences the rules it names for the element declared
/// on its own line (a trailing comment) or directly below it: it may be any
/// line of the comment block that ends on the line above the element, so it
/// can sit inside or below the element's doc comment.
struct LintIgnoreDirectives {
    static let marker = "protogen:lint-ignore"

    /// One rule id as written in a directive.
    struct RuleName {
        var id: String
        var location: SourceLocation
    }

    /// One directive.
    struct Directive {
        /// Where the `//` starts.
        var location: SourceLocation
        var rules: [RuleName]
        var reason: String
    }

    private(set) var directives: [Directive] = []
    private var directivesByLine: [Int: [Directive]] = [:]
    /// Lines holding comments and nothing else.
    private var commentOnlyLines: Set<Int> = []

    init(file: String, source: String) {
        var scanner = Scanner(file: file, bytes: Array(source.utf8))
        scanner.run()
        directives = scanner.directives
        commentOnlyLines = scanner.commentLines.subtracting(scanner.codeLines)
        for d in directives { directivesByLine[d.location.line, default: []].append(d) }
    }

    /// True when a directive on `line`, or in the comment block directly above it, names `ruleID`.
    func silences(_ ruleID: String, line: Int) -> Bool {
        if names(ruleID, onLine: line) { return true }
        var above = line - 1
        while commentOnlyLines.contains(above) {
            if names(ruleID, onLine: above) { return true }
            above -= 1
        }
        return false
    }

    private func names(_ ruleID: String, onLine line: Int) -> Bool {
        directivesByLine[line]?.contains { $0.rules.contains { $0.id == ruleID } } ?? false
    }

    /// A finding for each id no rule has, and for each directive naming no rule at all.
    func unknownRuleFindings(known: Set<String>) -> [LintFinding] {
        let rule = LintRule.lintIgnoreUnknownRule
        var out: [LintFinding] = []
        for d in directives {
            if d.rules.isEmpty {
                out.append(
                    LintFinding(
                        ruleID: rule.id, location: d.location, element: Self.marker,
                        message: "the directive names no rule; write `// \(Self.marker) RULE_ID[,RULE_ID...] [reason]`"))
            }
            for r in d.rules where !known.contains(r.id) {
                out.append(
                    LintFinding(
                        ruleID: rule.id, location: r.location, element: r.id,
                        message: "unknown rule id \"\(r.id)\" (`protogen lint --list-rules` lists them)"))
            }
        }
        return out
    }

    /// True for a comment line (markers stripped) that is a directive.
    static func isDirective(_ commentLine: some StringProtocol) -> Bool {
        commentLine.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix(marker)
    }

    /// A comment's text without its directive lines, trimmed: what is left to document the element.
    static func documentation(_ comment: String) -> String {
        comment.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !isDirective($0) }
            .joined(separator: "\n")
            .lintTrimmed()
    }

    // MARK: - Scanning

    /// Walks the source once, skipping string literals, to find comments.
    private struct Scanner {
        let file: String
        let bytes: [UInt8]
        var pos = 0
        var line = 1
        var column = 1
        var directives: [Directive] = []
        var commentLines: Set<Int> = []
        var codeLines: Set<Int> = []

        init(file: String, bytes: [UInt8]) {
            self.file = file
            self.bytes = bytes
        }

        private func peek(_ offset: Int = 0) -> UInt8? { pos + offset < bytes.count ? bytes[pos + offset] : nil }

        private mutating func advance() {
            let b = bytes[pos]
            pos += 1
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }

        mutating func run() {
            while let b = peek() {
                switch b {
                case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                    lineComment()
                case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                    blockComment()
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    codeLines.insert(line)
                    string(quote: b)
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), 0x0B, 0x0C:
                    advance()
                default:
                    codeLines.insert(line)
                    advance()
                }
            }
        }

        private mutating func string(quote: UInt8) {
            advance()
            while let b = peek(), b != UInt8(ascii: "\n") {
                advance()
                if b == quote { return }
                if b == UInt8(ascii: "\\"), peek() != nil, peek() != UInt8(ascii: "\n") { advance() }
            }
        }

        private mutating func blockComment() {
            advance()
            advance()
            commentLines.insert(line)
            while let b = peek() {
                if b == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                    advance()
                    advance()
                    return
                }
                advance()
                commentLines.insert(line)
            }
        }

        private mutating func lineComment() {
            let start = SourceLocation(file: file, line: line, column: column)
            commentLines.insert(line)
            advance()
            advance()
            while let b = peek(), b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { advance() }
            let marker = Array(LintIgnoreDirectives.marker.utf8)
            guard pos + marker.count <= bytes.count, Array(bytes[pos..<pos + marker.count]) == marker else {
                skipLine()
                return
            }
            for _ in marker { advance() }
            // The marker must end there: `protogen:lint-ignored` is not a directive.
            if let b = peek(), !isSpace(b), b != UInt8(ascii: "\n"), b != UInt8(ascii: "\r") {
                skipLine()
                return
            }
            var rules: [RuleName] = []
            skipSpaces()
            while let b = peek(), isIDByte(b) {
                let at = SourceLocation(file: file, line: line, column: column)
                let s = pos
                while let c = peek(), isIDByte(c) { advance() }
                rules.append(RuleName(id: String(decoding: bytes[s..<pos], as: UTF8.self), location: at))
                // Another id follows a comma (spaces around it are tolerated).
                let save = (pos, line, column)
                skipSpaces()
                guard peek() == UInt8(ascii: ",") else {
                    (pos, line, column) = save
                    break
                }
                advance()
                skipSpaces()
            }
            skipSpaces()
            let s = pos
            skipLine()
            let reason = String(decoding: bytes[s..<pos], as: UTF8.self).lintTrimmed()
            directives.append(Directive(location: start, rules: rules, reason: reason))
        }

        private mutating func skipSpaces() {
            while let b = peek(), isSpace(b) { advance() }
        }

        private mutating func skipLine() {
            while let b = peek(), b != UInt8(ascii: "\n") { advance() }
        }

        private func isSpace(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }

        private func isIDByte(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace.
    fileprivate func lintTrimmed() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}
