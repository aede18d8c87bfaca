/// A proto comment read as light prose: paragraphs (lines joined), lists
/// (lines starting with `- ` or `* `), preformatted blocks (lines indented by
/// two or more spaces) and inline `code` spans. Everything else is literal
/// text, so rendering escapes it for Markdown or HTML.
struct DocText {
    enum Block: Equatable {
        case paragraph(String)
        case list([String])
        case preformatted([String])
    }

    enum Inline: Equatable {
        case text(String)
        case code(String)
    }

    let blocks: [Block]

    init(_ comment: String) {
        var blocks: [Block] = []
        var paragraph: [String] = []
        var items: [String] = []
        var pre: [String] = []

        func flush() {
            if !paragraph.isEmpty { blocks.append(.paragraph(paragraph.joined(separator: " "))) }
            if !items.isEmpty { blocks.append(.list(items)) }
            if !pre.isEmpty {
                while pre.last?.isEmpty == true { pre.removeLast() }
                blocks.append(.preformatted(pre))
            }
            paragraph = []
            items = []
            pre = []
        }

        for raw in comment.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let line = Self.trimTrailing(raw)
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            let indent = line.count - trimmed.count
            if trimmed.isEmpty {
                if !pre.isEmpty {
                    pre.append("")
                } else {
                    flush()
                }
                continue
            }
            if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
                if !paragraph.isEmpty || !pre.isEmpty { flush() }
                items.append(Self.trimTrailing(String(trimmed.dropFirst(2).drop { $0 == " " })))
            } else if indent >= 2 && !items.isEmpty && pre.isEmpty {
                // Continuation of the last list item.
                items[items.count - 1] += " " + String(trimmed)
            } else if indent >= 2 && paragraph.isEmpty {
                if !items.isEmpty { flush() }
                pre.append(String(line.dropFirst(min(indent, 2))))
            } else {
                if !items.isEmpty || !pre.isEmpty { flush() }
                paragraph.append(String(trimmed))
            }
        }
        flush()
        self.blocks = blocks
    }

    var isEmpty: Bool { blocks.isEmpty }

    /// The first paragraph (for one-line summaries), or "".
    var summary: String {
        for case .paragraph(let p) in blocks { return p }
        return ""
    }

    /// Splits text at single backticks into text and code spans; an unmatched
    /// backtick stays literal text.
    static func inlines(_ text: String) -> [Inline] {
        var out: [Inline] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "`") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "`") else { break }
            if open > rest.startIndex { out.append(.text(String(rest[..<open]))) }
            let code = String(rest[after..<close])
            out.append(code.isEmpty ? .text("``") : .code(code))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { out.append(.text(String(rest))) }
        return out
    }

    static func trimTrailing(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s.removeLast() }
        return String(s)
    }
}
