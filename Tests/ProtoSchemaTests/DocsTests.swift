import Foundation
import Testing

@testable import ProtoSchema

/// `SchemaDocs` on a small schema given as source text.
@Suite("Schema docs")
struct DocsTests {
    static let greeter = """
        // The greeter API: say hello & goodbye.
        //
        // Second paragraph of the header.
        syntax = "proto3";

        package demo.v1;

        import "google/protobuf/timestamp.proto";
        import "demo/v1/types.proto";

        // Greets people.
        service Greeter {
          // Says hello once.
          rpc SayHello(HelloRequest) returns (HelloReply);
          // Hellos as they come.
          rpc WatchHellos(HelloRequest) returns (stream HelloReply);
          // Many names, one reply.
          rpc CollectNames(stream HelloRequest) returns (HelloReply);
          // Talk both ways.
          rpc Chat(stream HelloRequest) returns (stream HelloReply);
          // Replaced by SayHello.
          rpc OldHello(HelloRequest) returns (HelloReply) { option deprecated = true; }
        }

        // A request to greet. Careful: <script>alert("x")</script> & 'quotes' | pipes.
        message HelloRequest {
          // Who to greet, e.g. `a|b` or <b>.
          string name = 1;
          repeated string aliases = 2; // Other names.
          map<string, Mood> mood_by_name = 3;
          optional int32 count = 4 [json_name = "times"];
          google.protobuf.Timestamp sent_at = 5;
          // How to greet.
          oneof style {
            // Formal greeting.
            Formal formal = 6;
            string casual = 7;
          }
          Mood mood = 8 [deprecated = true];
          Envelope envelope = 9;

          // A formal greeting.
          message Formal {
            // The title to use.
            Title title = 1;
            // Titles.
            enum Title {
              TITLE_UNSPECIFIED = 0;
              TITLE_DR = 1;
            }
          }
          reserved 20, 30 to 32;
          reserved "legacy";
        }

        // The reply.
        message HelloReply {
          string message = 1;
          HelloRequest.Formal.Title title = 2;
        }

        // Use HelloReply.
        message OldReply {
          option deprecated = true;
        }
        """

    static let types = """
        // Shared types.
        syntax = "proto3";

        package demo.v1;

        // How someone feels.
        enum Mood {
          // Unknown.
          MOOD_UNSPECIFIED = 0;
          MOOD_HAPPY = 1; // Smiling.
          MOOD_GRUMPY = 2 [deprecated = true];
        }

        // Wraps a payload.
        message Envelope {
          bytes payload = 1;
        }
        """

    static func load(reversed: Bool = false) throws -> Schema {
        var sources = [("demo/v1/greeter.proto", greeter), ("demo/v1/types.proto", types)]
        if reversed { sources.reverse() }
        return try SchemaLoader.load(sources: sources.map { (path: $0.0, source: $0.1) })
    }

    @Test("one Markdown page per proto file plus the index, each marked as generated")
    func pages() throws {
        let pages = SchemaDocs.markdown(for: try Self.load())
        #expect(pages.keys.sorted() == ["README.md", "demo.v1.greeter.md", "demo.v1.types.md"])
        for (name, text) in pages {
            #expect(text.hasPrefix(SchemaDocs.generatedMarker + "\n"), "\(name)")
            #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"), "\(name)")
        }
        let html = SchemaDocs.html(for: try Self.load())
        #expect(html.hasPrefix("<!DOCTYPE html>\n" + SchemaDocs.generatedMarker + "\n"))
    }

    @Test("every service, rpc, message, field, enum, value and comment appears")
    func content() throws {
        let schema = try Self.load()
        let pages = SchemaDocs.markdown(for: schema)
        let greeter = try #require(pages["demo.v1.greeter.md"])
        let types = try #require(pages["demo.v1.types.md"])
        let html = SchemaDocs.html(for: schema)

        for (text, format) in [(greeter + types, "markdown"), (html, "html")] {
            for name in [
                "Greeter", "SayHello", "WatchHellos", "CollectNames", "Chat", "OldHello", "HelloRequest", "HelloReply",
                "OldReply", "HelloRequest.Formal", "HelloRequest.Formal.Title", "Mood", "Envelope", "TITLE_DR",
                "MOOD_UNSPECIFIED", "MOOD_HAPPY", "MOOD_GRUMPY", "name", "aliases", "mood_by_name", "count", "sent_at",
                "formal", "casual", "mood", "envelope", "payload", "moodByName", "times", "sentAt",
                "/demo.v1.Greeter/SayHello", "demo.v1.HelloRequest.Formal",
            ] {
                #expect(text.contains(name), "\(format): \(name)")
            }
            for comment in [
                "Greets people.", "Says hello once.", "Hellos as they come.", "Many names, one reply.", "Talk both ways.",
                "Replaced by SayHello.", "Other names.", "How to greet.", "Formal greeting.", "The title to use.", "Titles.",
                "The reply.", "Use HelloReply.", "How someone feels.", "Unknown.", "Smiling.", "Wraps a payload.",
                "Second paragraph of the header.", "Shared types.",
            ] {
                #expect(text.contains(comment), "\(format): \(comment)")
            }
            for kind in ["unary", "server streaming", "client streaming", "bidirectional streaming"] {
                #expect(text.contains(kind), "\(format): \(kind)")
            }
        }

        // Rows: name, number, type, JSON name, oneof, description.
        let rows = [
            "`name` | 1 | `string` | `name` |   | Who to greet, e.g. `a\\|b` or &lt;b&gt;. |",
            "`aliases` | 2 | repeated `string` | `aliases` |   | Other names. |",
            "`mood_by_name` | 3 | map&lt;`string`, [Mood](demo.v1.types.md#demo-v1-Mood)&gt; | `moodByName` |",
            "`count` | 4 | optional `int32` | `times` |",
            "`sent_at` | 5 | `google.protobuf.Timestamp` *(well-known)* | `sentAt` |",
            "`formal` | 6 | [HelloRequest.Formal](#demo-v1-HelloRequest-Formal) | `formal` | `style` | Formal greeting. |",
            "`casual` | 7 | `string` | `casual` | `style` |",
            "~~`mood`~~ | 8 | [Mood](demo.v1.types.md#demo-v1-Mood) | `mood` |   | **Deprecated.** |",
            "`title` | 2 | [HelloRequest.Formal.Title](#demo-v1-HelloRequest-Formal-Title) | `title` |",
        ]
        for row in rows { #expect(greeter.contains(row), "\(row)") }
        #expect(greeter.contains("Oneof `style`: at most one of `formal`, `casual` is set. How to greet."))
        #expect(greeter.contains("Reserved numbers: 20, 30 to 32. Reserved names: `legacy`."))
        #expect(types.contains("`MOOD_HAPPY` | 1 | Smiling. |"))

        // RPC rows spell out the streaming kind and link request and response.
        let rpcRows = [
            "[SayHello](#demo-v1-Greeter-SayHello) | unary | [HelloRequest](#demo-v1-HelloRequest) | [HelloReply](#demo-v1-HelloReply) |",
            "[WatchHellos](#demo-v1-Greeter-WatchHellos) | server streaming | [HelloRequest](#demo-v1-HelloRequest) | stream [HelloReply](#demo-v1-HelloReply) |",
            "[CollectNames](#demo-v1-Greeter-CollectNames) | client streaming | stream [HelloRequest](#demo-v1-HelloRequest) | [HelloReply](#demo-v1-HelloReply) |",
            "[Chat](#demo-v1-Greeter-Chat) | bidirectional streaming | stream [HelloRequest](#demo-v1-HelloRequest) | stream [HelloReply](#demo-v1-HelloReply) |",
        ]
        for row in rpcRows { #expect(greeter.contains(row), "\(row)") }
        #expect(html.contains("<td>bidirectional streaming</td><td>stream <a href=\"#demo-v1-HelloRequest\">HelloRequest</a></td>"))
        #expect(
            html.contains(
                "<tr id=\"demo-v1-HelloRequest-count\"><td><code>count</code></td><td class=\"num\">4</td>"
                    + "<td>optional <code>int32</code></td><td><code>times</code></td>"))

        // The index lists services, files and all types.
        let readme = try #require(pages["README.md"])
        for link in [
            "[Greeter](demo.v1.greeter.md#demo-v1-Greeter)", "[demo/v1/types.proto](demo.v1.types.md)",
            "[HelloRequest.Formal.Title](demo.v1.greeter.md#demo-v1-HelloRequest-Formal-Title)",
            "[Chat](demo.v1.greeter.md#demo-v1-Greeter-Chat) | bidirectional streaming",
        ] {
            #expect(readme.contains(link), "\(link)")
        }
        let az = readme.components(separatedBy: "## All types (A–Z)")[1]
        let order = ["[Envelope]", "[HelloReply]", "[HelloRequest]", "[HelloRequest.Formal]", "[HelloRequest.Formal.Title]", "[Mood]", "[OldReply]"]
        let positions = order.compactMap { az.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count && positions == positions.sorted())
    }

    @Test("deprecated elements are marked")
    func deprecated() throws {
        let schema = try Self.load()
        let pages = SchemaDocs.markdown(for: schema)
        let greeter = try #require(pages["demo.v1.greeter.md"])
        #expect(greeter.contains("#### <a id=\"demo-v1-Greeter-OldHello\"></a>~~OldHello~~"))
        #expect(greeter.contains("~~[OldHello](#demo-v1-Greeter-OldHello)~~ **Deprecated**"))
        #expect(greeter.contains("### <a id=\"demo-v1-OldReply\"></a>~~OldReply~~"))
        #expect(greeter.contains("~~`mood`~~"))
        #expect(try #require(pages["demo.v1.types.md"]).contains("~~`MOOD_GRUMPY`~~ | 2 | **Deprecated.**"))
        #expect(!greeter.contains("~~`name`~~") && !greeter.contains("~~SayHello~~"))

        let html = SchemaDocs.html(for: schema)
        let badge = "<span class=\"badge\">Deprecated</span>"
        #expect(html.contains("<h4><del>OldHello</del> \(badge)</h4>"))
        #expect(html.contains("<h3><del>OldReply</del> \(badge)</h3>"))
        #expect(html.contains("<td><del><code>mood</code></del> \(badge)</td>"))
        #expect(html.contains("<td><del><code>MOOD_GRUMPY</code></del> \(badge)</td>"))
        #expect(!html.contains("<del>HelloReply</del>"))
    }

    @Test("every cross-link points at an existing anchor")
    func links() throws {
        let schema = try Self.load()
        let pages = SchemaDocs.markdown(for: schema)
        #expect(DocsTestSupport.brokenMarkdownLinks(pages) == [])
        let html = SchemaDocs.html(for: schema)
        #expect(DocsTestSupport.brokenHTMLLinks(html) == [])
        #expect(DocsTestSupport.markdownLinks(pages.values.joined()).count > 40)
        #expect(DocsTestSupport.htmlLinks(html).count > 40)

        for name in DocsTestSupport.documentedNames(schema) {
            let anchor = SchemaDocs.anchor(for: name)
            #expect(html.contains("id=\"\(anchor)\""), "\(name)")
            let page = try #require(DocsTestSupport.page(of: name, in: schema))
            #expect(DocsTestSupport.markdownAnchors(pages[page] ?? "").contains(anchor), "\(name)")
        }
        #expect(SchemaDocs.anchor(for: "demo.v1.HelloRequest.Formal") == "demo-v1-HelloRequest-Formal")
        #expect(SchemaDocs.markdownPage(forFile: "demo/v1/greeter.proto") == "demo.v1.greeter.md")

        // Well-known types are plain text with a note, never links.
        #expect(!pages.values.joined().contains("google-protobuf-Timestamp"))
        #expect(!html.contains("href=\"#google-protobuf-Timestamp\""))
        #expect(try #require(pages["demo.v1.greeter.md"]).contains("## Well-known types"))
        #expect(html.contains("<code class=\"wkt\" title=\"A protobuf well-known type: a point in time"))
    }

    @Test("comments are escaped in HTML and Markdown")
    func escaping() throws {
        let schema = try Self.load()
        let html = SchemaDocs.html(for: schema)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<b>."))
        #expect(
            html.contains(
                "A request to greet. Careful: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; | pipes."))
        #expect(html.contains("Who to greet, e.g. <code>a|b</code> or &lt;b&gt;."))
        #expect(html.contains("<p>The greeter API: say hello &amp; goodbye.</p>\n<p>Second paragraph of the header.</p>"))
        // The page's only script is its own filter.
        #expect(html.components(separatedBy: "<script>").count == 2)

        let markdown = SchemaDocs.markdown(for: schema).values.joined()
        #expect(!markdown.contains("<script>"))
        #expect(markdown.contains("Careful: &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; 'quotes' | pipes."))
        #expect(markdown.contains("The greeter API: say hello &amp; goodbye.\n\nSecond paragraph of the header."))
    }

    @Test("Markdown text escaping keeps comments literal")
    func markdownEscaping() {
        #expect(MarkdownText.inline("a *b* [c](d) <e> & f_g _h_ `x*y`") == "a \\*b\\* \\[c\\](d) &lt;e&gt; &amp; f_g \\_h\\_ `x*y`")
        #expect(MarkdownText.cell("a | b `c|d`\n\n- one\n- two") == "a \\| b `c\\|d`<br><br>• one<br>• two")
        #expect(MarkdownText.prose("# not a heading\n\n1. not a list") == "\\# not a heading\n\n1\\. not a list")
        #expect(MarkdownText.prose("Example:\n\n    let x = 1\n    `y`") == "Example:\n\n```text\n  let x = 1\n  `y`\n```")
        #expect(MarkdownText.code("a`b") == "``a`b``")
        #expect(HTMLText.blocks("one\ntwo\n\n- a\n- b `<c>`") == "<p>one two</p>\n<ul><li>a</li><li>b <code>&lt;c&gt;</code></li></ul>")
    }

    @Test("output is deterministic")
    func deterministic() throws {
        let a = try Self.load(), b = try Self.load(reversed: true)
        #expect(SchemaDocs.markdown(for: a) == SchemaDocs.markdown(for: b))
        #expect(SchemaDocs.html(for: a) == SchemaDocs.html(for: b))
        #expect(SchemaDocs.html(for: a) == SchemaDocs.html(for: a))
    }
}
