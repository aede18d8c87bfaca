/// Accumulates indented Swift source.
struct CodeWriter {
    private(set) var text = ""
    mutating func appendRaw(_ s: String) { text += s }
    private var level = 0

    mutating func line(_ s: String = "") {
        if s.isEmpty {
            text += "\n"
        } else {
            text += String(repeating: "    ", count: level) + s + "\n"
        }
    }

    /// `header {` ... `}` with the body indented.
    mutating func block(_ header: String, _ body: (inout CodeWriter) -> Void) {
        line(header + " {")
        level += 1
        body(&self)
        level -= 1
        line("}")
    }

    mutating func indent(_ body: (inout CodeWriter) -> Void) {
        level += 1
        body(&self)
        level -= 1
    }

    /// A `///` doc comment from proto comments (nothing when empty).
    mutating func doc(_ comments: String) {
        let trimmed = comments.split(separator: "\n", omittingEmptySubsequences: false)
        guard !comments.isEmpty else { return }
        for l in trimmed {
            let t = l.hasSuffix(" ") ? String(l.reversed().drop { $0 == " " }.reversed()) : String(l)
            line(t.isEmpty ? "///" : "/// " + t)
        }
    }
}

extension CodeWriter {
    /// A line written as is, without indentation.
    mutating func rawLine(_ s: String) {
        appendRaw(s + "\n")
    }
}
