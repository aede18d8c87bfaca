/// Escaping and comment rendering for GitHub-flavoured Markdown.
enum MarkdownText {
    /// Literal text: HTML-significant characters become entities and Markdown
    /// punctuation is backslash-escaped, so a comment never turns into markup.
    /// In a table cell `|` is escaped as well.
    static func escape(_ text: String, inTable: Bool = false) -> String {
        var out = ""
        let chars = Array(text)
        for (i, c) in chars.enumerated() {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "*", "[", "]", "`", "~": out += "\\" + String(c)
            case "|": out += inTable ? "\\|" : "|"
            case "_":
                // Intraword underscores (snake_case) never start emphasis.
                let before = i > 0 && (chars[i - 1].isLetter || chars[i - 1].isNumber)
                let after = i + 1 < chars.count && (chars[i + 1].isLetter || chars[i + 1].isNumber)
                out += before && after ? "_" : "\\_"
            default: out.append(c)
            }
        }
        return out
    }

    /// A code span holding `code` verbatim (in a table, `|` is escaped, which
    /// GitHub's table parser removes again).
    static func code(_ code: String, inTable: Bool = false) -> String {
        var longest = 0, run = 0
        for c in code {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = code.hasPrefix("`") || code.hasSuffix("`") ? " " : ""
        let body = inTable ? code.replacingOccurrences(of: "|", with: "\\|") : code
        return fence + pad + body + pad + fence
    }

    /// Inline text with `code` spans.
    static func inline(_ text: String, inTable: Bool = false) -> String {
        DocText.inlines(text).map {
            switch $0 {
            case .text(let t): escape(t, inTable: inTable)
            case .code(let c): code(c, inTable: inTable)
            }
        }.joined()
    }

    /// A comment as Markdown blocks, separated by blank lines ("" for none).
    static func prose(_ comment: String) -> String {
        DocText(comment).blocks.map { block -> String in
            switch block {
            case .paragraph(let p):
                return guardBlockStart(inline(p))
            case .list(let items):
                return items.map { "- " + inline($0) }.joined(separator: "\n")
            case .preformatted(let lines):
                var longest = 2, run = 0
                for c in lines.joined() {
                    run = c == "`" ? run + 1 : 0
                    longest = max(longest, run)
                }
                let fence = String(repeating: "`", count: longest + 1)
                return fence + "text\n" + lines.joined(separator: "\n") + "\n" + fence
            }
        }.joined(separator: "\n\n")
    }

    /// A comment on one line, for a table cell.
    static func cell(_ comment: String) -> String {
        var parts: [String] = []
        for block in DocText(comment).blocks {
            switch block {
            case .paragraph(let p):
                parts.append(inline(p, inTable: true))
            case .list(let items):
                parts.append(items.map { "• " + inline($0, inTable: true) }.joined(separator: "<br>"))
            case .preformatted(let lines):
                parts.append(lines.filter { !$0.isEmpty }.map { code($0, inTable: true) }.joined(separator: "<br>"))
            }
        }
        return parts.joined(separator: "<br><br>")
    }

    /// Keeps a paragraph from starting a heading, list, quote or rule.
    private static func guardBlockStart(_ line: String) -> String {
        guard let first = line.first else { return line }
        if "#-+=".contains(first) { return "\\" + line }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let rest = line.dropFirst(digits.count)
            if let c = rest.first, c == "." || c == ")" { return digits + "\\" + rest }
        }
        return line
    }

    /// A table row.
    static func row(_ cells: [String]) -> String {
        "| " + cells.map { $0.isEmpty ? " " : $0 }.joined(separator: " | ") + " |"
    }
}
