/// Escaping, comment rendering and the inline style of the HTML page.
enum HTMLText {
    /// Text or attribute value with `& < > " '` escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func code(_ text: String) -> String { "<code>\(escape(text))</code>" }

    /// Inline text with `code` spans.
    static func inline(_ text: String) -> String {
        DocText.inlines(text).map {
            switch $0 {
            case .text(let t): escape(t)
            case .code(let c): code(c)
            }
        }.joined()
    }

    /// A comment as block elements ("" for none).
    static func blocks(_ comment: String) -> String {
        DocText(comment).blocks.map { block -> String in
            switch block {
            case .paragraph(let p): "<p>\(inline(p))</p>"
            case .list(let items): "<ul>" + items.map { "<li>\(inline($0))</li>" }.joined() + "</ul>"
            case .preformatted(let lines): "<pre><code>\(escape(lines.joined(separator: "\n")))</code></pre>"
            }
        }.joined(separator: "\n")
    }

    /// A comment inside a table cell or list item.
    static func cell(_ comment: String) -> String {
        let text = DocText(comment)
        if text.blocks.count == 1, case .paragraph(let p) = text.blocks[0] { return inline(p) }
        return blocks(comment)
    }

    static let deprecatedBadge = "<span class=\"badge\">Deprecated</span>"

    static let style = """
        :root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --side: #f6f8fa;
          --line: #d1d9e0; --link: #0969da; --code: #eff1f3; --badge: #bc4c00; }
        @media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117;
          --side: #151b23; --line: #3d444d; --link: #4493f8; --code: #262c36; --badge: #f0883e; } }
        * { box-sizing: border-box; }
        html { scroll-padding-top: 1rem; }
        body { margin: 0; font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
          color: var(--fg); background: var(--bg); display: flex; }
        nav { position: sticky; top: 0; height: 100vh; overflow-y: auto; flex: 0 0 19rem;
          padding: 1rem; background: var(--side); border-right: 1px solid var(--line); font-size: 13px; }
        nav ul { list-style: none; margin: 0; padding-left: 0.9rem; }
        nav > details > ul { padding-left: 0.2rem; }
        nav li { margin: 0.1rem 0; }
        nav summary { font-weight: 600; margin-top: 0.8rem; cursor: pointer; }
        nav .title { font-size: 16px; font-weight: 600; margin: 0 0 0.5rem; }
        nav input { width: 100%; padding: 0.3rem 0.5rem; font: inherit; color: inherit; background: var(--bg);
          border: 1px solid var(--line); border-radius: 6px; }
        main { flex: 1; min-width: 0; padding: 1rem 2rem 4rem; max-width: 72rem; }
        a { color: var(--link); text-decoration: none; }
        a:hover { text-decoration: underline; }
        code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code);
          padding: 0.1em 0.3em; border-radius: 4px; }
        pre { background: var(--code); padding: 0.6rem; border-radius: 6px; overflow-x: auto; }
        pre code { padding: 0; }
        h1 { font-size: 1.9rem; } h2 { font-size: 1.5rem; margin-top: 2.5rem; border-bottom: 1px solid var(--line); }
        h3 { font-size: 1.2rem; margin-top: 2rem; } h4 { font-size: 1rem; margin-top: 1.4rem; }
        section.file { border-top: 3px solid var(--line); margin-top: 3rem; }
        .meta { color: var(--muted); }
        .kind { color: var(--muted); font-size: 0.85em; }
        .badge { color: var(--badge); border: 1px solid currentColor; border-radius: 1em; padding: 0 0.5em;
          font-size: 0.75em; font-weight: 600; vertical-align: middle; white-space: nowrap; }
        .wkt { border-bottom: 1px dotted var(--muted); }
        table { border-collapse: collapse; margin: 0.8rem 0; width: 100%; }
        th, td { border: 1px solid var(--line); padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
        th { background: var(--side); }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td p, li p { margin: 0 0 0.4rem; }
        :target { background: color-mix(in srgb, var(--link) 14%, transparent); }
        @media (max-width: 50rem) { body { display: block; } nav { position: static; height: auto; } }
        """

    /// Filters the sidebar as one types; the page works without it.
    static let script = """
        (function () {
          var input = document.getElementById("docs-filter");
          input.hidden = false;
          input.addEventListener("input", function () {
            var q = input.value.trim().toLowerCase();
            document.querySelectorAll("#docs-toc li").forEach(function (li) {
              li.hidden = q !== "" && li.textContent.toLowerCase().indexOf(q) < 0;
            });
          });
        })();
        """
}
