import Foundation

/// The result of a breaking-change check, judged against a threshold and
/// printed as text (one line per change), JSON or a Markdown review comment.
public struct BreakingReport: Hashable, Sendable {
    /// Every change found, in `BreakingChecker.compare` order.
    public var changes: [BreakingChange]
    public var threshold: BreakingThreshold

    public init(changes: [BreakingChange], threshold: BreakingThreshold = .json) {
        self.changes = changes
        self.threshold = threshold
    }

    /// The changes at or above the threshold.
    public var failing: [BreakingChange] { changes.filter(threshold.fails) }

    /// True when at least one change is at or above the threshold.
    public var isBreaking: Bool { changes.contains(where: threshold.fails) }

    /// How many changes carry `breakClass`.
    public func count(_ breakClass: BreakClass) -> Int { changes.filter { $0.classes.contains(breakClass) }.count }

    /// What the threshold fails on, in words.
    var thresholdMeaning: String {
        switch threshold {
        case .wire: "WIRE"
        case .json: "WIRE or JSON"
        case .source: "any class"
        }
    }

    var verdict: String { isBreaking ? "FAIL" : "OK" }

    // MARK: Text

    /// `file:line:col: RULE_ID [WIRE,JSON] element: reason` per change, then a summary line.
    public func text() -> String {
        var lines = changes.map(\.description)
        if changes.isEmpty {
            lines.append("no breaking changes: OK")
        } else {
            let counts = BreakClass.allCases.map { "\(count($0)) \($0.rawValue)" }.joined(separator: ", ")
            lines.append(
                "\(changes.count) breaking change\(changes.count == 1 ? "" : "s") (\(counts)); "
                    + "\(failing.count) at or above the \(threshold.rawValue) threshold: \(verdict)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: JSON

    private struct JSONReport: Codable {
        struct Counts: Codable {
            var total: Int
            var wire: Int
            var json: Int
            var source: Int
            var access: Int
            var failing: Int
        }
        var threshold: BreakingThreshold
        var breaking: Bool
        var counts: Counts
        var changes: [BreakingChange]
    }

    /// `{"breaking", "changes": [...], "counts": {...}, "threshold"}`, keys sorted, pretty-printed.
    public func json() -> String {
        let report = JSONReport(
            threshold: threshold, breaking: isBreaking,
            counts: .init(total: changes.count, wire: count(.wire), json: count(.json), source: count(.source), access: count(.access),
                failing: failing.count),
            changes: changes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and arrays cannot fail.
        let data = (try? encoder.encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: Markdown

    /// A review comment: a heading, a table of changes, a verdict line and,
    /// when `docsDiff` is given, the generated docs' unified diff in a `diff` block
    /// (an empty string says the docs do not change).
    public func markdown(docsDiff: String? = nil) -> String {
        var out: [String] = ["## Schema breaking-change review", ""]
        if changes.isEmpty {
            out.append("No breaking changes.")
        } else {
            out.append("| Rule | Classes | Element | Location | Reason |")
            out.append("| --- | --- | --- | --- | --- |")
            for c in changes {
                let cells = [
                    code(c.ruleID), c.sortedClasses.map(\.rawValue).joined(separator: ", "), code(c.element),
                    code(c.location.description), escape(c.message),
                ]
                out.append("| " + cells.joined(separator: " | ") + " |")
            }
            out.append("")
            out.append(
                "WIRE: binary peers break. JSON: canonical-JSON peers break. SOURCE: code using the generated Swift API breaks.")
        }
        out.append("")
        let counted = changes.isEmpty ? "" : ": \(failing.count) of \(changes.count) change\(changes.count == 1 ? "" : "s") at or above it"
        out.append(
            "**Verdict: \(isBreaking ? "breaking" : "compatible")** at the `\(threshold.rawValue)` threshold "
                + "(fails on \(thresholdMeaning))\(counted).")
        if let diff = docsDiff {
            out.append("")
            out.append("### Generated docs diff")
            out.append("")
            if diff.isEmpty {
                out.append("The generated docs do not change.")
            } else {
                let fence = String(repeating: "`", count: max(3, longestBacktickRun(diff) + 1))
                out.append(fence + "diff")
                out.append(diff.hasSuffix("\n") ? String(diff.dropLast()) : diff)
                out.append(fence)
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Inline code that survives backticks and pipes inside table cells.
    private func code(_ s: String) -> String {
        let text = s.replacingOccurrences(of: "|", with: "\\|")
        let fence = String(repeating: "`", count: longestBacktickRun(text) + 1)
        let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + pad + text + pad + fence
    }

    private func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "\\`*_[]<>|".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    private func longestBacktickRun(_ s: String) -> Int {
        var longest = 0
        var run = 0
        for ch in s {
            run = ch == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
