/// Thrown inside the parser once a syntax error has been recorded; the
/// enclosing statement loop skips to the next statement and carries on.
struct SyntaxError: Error {}

/// A recursive-descent parser for one proto3 file. It records every syntax
/// error it meets (one per statement) and recovers at the next `;` or `}`.
/// Declarations live in `Parser+Declarations.swift`.
struct Parser {
    let path: String
    let source: String
    let bytes: [UInt8]
    let tokens: [Token]
    let comments: [LexedComment]
    var index = 0
    var errors: [SchemaError]

    private init(path: String, source: String) {
        let lexed = Lexer.lex(source, file: path)
        self.path = path
        self.source = source
        self.bytes = Array(source.utf8)
        self.tokens = lexed.tokens
        self.comments = lexed.comments
        self.errors = lexed.errors
    }

    /// Parses `source`; the AST is partial when errors are returned.
    static func parse(path: String, source: String) -> (file: ASTFile, errors: [SchemaError]) {
        var parser = Parser(path: path, source: source)
        let file = parser.parseFile()
        return (file, parser.errors)
    }

    // MARK: - Tokens

    var tok: Token { tokens[index] }
    var nextTok: Token { tokens[min(index + 1, tokens.count - 1)] }
    var atEnd: Bool { tok.kind == .endOfFile }

    mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    func location(_ t: Token) -> SourceLocation { SourceLocation(file: path, line: t.line, column: t.column) }

    mutating func error(_ message: String, at loc: SourceLocation) {
        errors.append(SchemaError(location: loc, message: message))
    }

    /// Records `expected <what>, found <token>` at the current token.
    mutating func fail(expected what: String) -> SyntaxError {
        error("expected \(what), found \(tok.quoted)", at: location(tok))
        return SyntaxError()
    }

    mutating func fail(_ message: String, at t: Token) -> SyntaxError {
        error(message, at: location(t))
        return SyntaxError()
    }

    mutating func consumeSymbol(_ s: String) -> Bool {
        guard tok.isSymbol(s) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expectSymbol(_ s: String) throws(SyntaxError) -> Token {
        guard tok.isSymbol(s) else { throw fail(expected: "\"\(s)\"") }
        let t = tok
        advance()
        return t
    }

    mutating func expectIdentifier(_ what: String) throws(SyntaxError) -> Token {
        guard tok.kind == .identifier else { throw fail(expected: what) }
        let t = tok
        advance()
        return t
    }

    mutating func expectKeyword(_ word: String) throws(SyntaxError) {
        guard tok.isIdentifier(word) else { throw fail(expected: "\"\(word)\"") }
        advance()
    }

    /// One or more adjacent string literals, concatenated.
    mutating func expectString(_ what: String) throws(SyntaxError) -> String {
        guard tok.kind == .string else { throw fail(expected: what) }
        var s = ""
        while tok.kind == .string {
            s += tok.text
            advance()
        }
        return s
    }

    /// `ident ("." ident)*`
    mutating func fullIdent(_ what: String) throws(SyntaxError) -> String {
        var name = try expectIdentifier(what).text
        while tok.isSymbol(".") {
            advance()
            name += "." + (try expectIdentifier("identifier after \".\"").text)
        }
        return name
    }

    /// An integer literal with an optional sign.
    mutating func signedInteger(_ what: String) throws(SyntaxError) -> Int {
        var negative = false
        if tok.isSymbol("-") {
            negative = true
            advance()
        } else if tok.isSymbol("+") {
            advance()
        }
        guard tok.kind == .integer else { throw fail(expected: what) }
        guard let magnitude = Self.parseInteger(tok.text) ?? (tok.text.hasPrefix("0") ? 0 : nil) else {
            throw fail("integer \(tok.text) is out of range", at: tok)
        }
        advance()
        let value = magnitude > UInt64(Int.max) ? Int.max : Int(magnitude)
        return negative ? -value : value
    }

    /// Decimal, hexadecimal (`0x`) or octal (leading `0`) digits.
    static func parseInteger(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        if text.count > 1, text.hasPrefix("0") { return UInt64(text.dropFirst(), radix: 8) }
        return UInt64(text)
    }

    /// Skips the rest of a broken statement: up to and including the next `;`
    /// or balanced `{...}` block, or up to (not including) the `}` closing the
    /// enclosing block.
    mutating func recover(atTopLevel: Bool = false) {
        let start = index
        var depth = 0
        while !atEnd {
            if tok.isSymbol("{") {
                depth += 1
            } else if tok.isSymbol("}") {
                if depth == 0 {
                    if atTopLevel, index == start { advance() }  // a stray `}`
                    return
                }
                depth -= 1
                if depth == 0 {
                    advance()
                    return
                }
            } else if tok.isSymbol(";"), depth == 0 {
                advance()
                return
            }
            advance()
        }
    }

    // MARK: - Comments

    /// The comment block directly above the token at `i` (no blank line in
    /// between), ignoring a comment that trails the previous token's line.
    func leadingComments(at i: Int) -> String {
        let t = tokens[i]
        let previousLine = i > 0 ? tokens[i - 1].line : -1
        var block: [LexedComment] = []
        for c in comments[t.commentsBefore] where c.startLine != previousLine {
            if let last = block.last, c.startLine > last.endLine + 1 { block.removeAll() }
            block.append(c)
        }
        guard let last = block.last, last.endLine >= t.line - 1 else { return "" }
        return block.map(\.text).joined(separator: "\n")
    }

    /// The comments that start on the same line as the token at `i`, after it.
    func trailingComment(after i: Int) -> String {
        guard i + 1 < tokens.count else { return "" }
        let line = tokens[i].line
        return comments[tokens[i + 1].commentsBefore].filter { $0.startLine == line }.map(\.text)
            .joined(separator: "\n")
    }

    /// Every comment before the first token, blocks separated by a blank line.
    func headerComments() -> String {
        var blocks: [[String]] = []
        var lastEnd = Int.min
        for c in comments[tokens[0].commentsBefore] {
            if blocks.isEmpty || c.startLine > lastEnd + 1 { blocks.append([]) }
            blocks[blocks.count - 1].append(c.text)
            lastEnd = c.endLine
        }
        return blocks.map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
    }

    // MARK: - File

    mutating func parseFile() -> ASTFile {
        var file = ASTFile(path: path, source: source)
        file.comments.leading = headerComments()
        if tok.isIdentifier("syntax") {
            do {
                advance()
                try expectSymbol("=")
                let valueTok = tok
                let value = try expectString("syntax version string")
                let semi = index
                try expectSymbol(";")
                file.comments.trailing = trailingComment(after: semi)
                file.syntax = value
                if value == "proto2" {
                    error("proto2 is not supported: only syntax = \"proto3\" files are accepted", at: location(valueTok))
                    return file
                }
                if value != "proto3" {
                    error("unknown syntax \"\(value)\": only syntax = \"proto3\" is accepted", at: location(valueTok))
                    return file
                }
            } catch {
                return file
            }
        } else if tok.isIdentifier("edition") {
            error("editions are not supported: only syntax = \"proto3\" files are accepted", at: location(tok))
            return file
        } else {
            error("missing syntax statement: a file must begin with syntax = \"proto3\";", at: location(tok))
            file.syntax = "proto3"
        }
        while !atEnd {
            do {
                try topLevelStatement(&file)
            } catch {
                recover(atTopLevel: true)
            }
        }
        return file
    }

    private mutating func topLevelStatement(_ file: inout ASTFile) throws(SyntaxError) {
        guard tok.kind == .identifier else {
            if consumeSymbol(";") { return }
            throw fail(expected: "a top-level declaration (message, enum, service, import, package or option)")
        }
        switch tok.text {
        case "import":
            file.imports.append(try parseImport())
        case "package":
            let kw = tok
            advance()
            let name = try fullIdent("package name")
            try expectSymbol(";")
            if file.packageLocation != nil {
                error("multiple package declarations: the package is already \"\(file.package)\"", at: location(kw))
            } else {
                file.package = name
                file.packageLocation = location(kw)
            }
        case "option":
            file.options.append(try parseOptionStatement())
        case "message":
            file.messages.append(try parseMessage())
        case "enum":
            file.enums.append(try parseEnum())
        case "service":
            file.services.append(try parseService())
        case "extend":
            try parseExtend()
        case "syntax", "edition":
            throw fail("\"\(tok.text)\" must be the first statement of the file", at: tok)
        default:
            throw fail(expected: "a top-level declaration (message, enum, service, import, package or option)")
        }
    }

    private mutating func parseImport() throws(SyntaxError) -> ImportDescriptor {
        let kw = tok
        advance()
        var isPublic = false
        var isWeak = false
        if tok.isIdentifier("public") {
            isPublic = true
            advance()
        } else if tok.isIdentifier("weak") {
            isWeak = true
            advance()
        }
        let path = try expectString("import path string")
        try expectSymbol(";")
        return ImportDescriptor(path: path, isPublic: isPublic, isWeak: isWeak, location: location(kw))
    }

    // MARK: - Options

    /// `option name = value;` — located at the `option` keyword.
    mutating func parseOptionStatement() throws(SyntaxError) -> OptionValue {
        let kw = tok
        advance()
        let name = try optionName()
        try expectSymbol("=")
        let value = try optionValue()
        try expectSymbol(";")
        return OptionValue(name: name, value: value, location: location(kw))
    }

    /// `[name = value, ...]` — each located at its name.
    mutating func parseOptionList() throws(SyntaxError) -> [OptionValue] {
        try expectSymbol("[")
        var options: [OptionValue] = []
        repeat {
            let start = tok
            let name = try optionName()
            try expectSymbol("=")
            let valueTok = tok
            let value = try optionValue()
            if name == "json_name", valueTok.kind != .string {
                error("json_name must be a string literal, not \(valueTok.quoted)", at: location(valueTok))
            }
            options.append(OptionValue(name: name, value: value, location: location(start)))
        } while consumeSymbol(",")
        try expectSymbol("]")
        return options
    }

    /// `ident`, `(full.ident)`, and `.`-separated sequences of both, as written.
    mutating func optionName() throws(SyntaxError) -> String {
        var name = ""
        while true {
            if consumeSymbol("(") {
                let dot = consumeSymbol(".") ? "." : ""
                name += "(" + dot + (try fullIdent("option name")) + ")"
                try expectSymbol(")")
            } else {
                name += try expectIdentifier("option name").text
            }
            guard consumeSymbol(".") else { return name }
            name += "."
        }
    }

    /// A constant: identifier, signed number, `inf`/`nan`, strings (concatenated,
    /// unquoted), or an aggregate `{ ... }` kept as raw source text.
    mutating func optionValue() throws(SyntaxError) -> String {
        switch tok.kind {
        case .string:
            return try expectString("option value")
        case .integer, .float:
            defer { advance() }
            return tok.text
        case .identifier:
            defer { advance() }
            return tok.text
        case .symbol where tok.isSymbol("-") || tok.isSymbol("+"):
            let sign = tok.text == "-" ? "-" : ""
            advance()
            guard tok.kind == .integer || tok.kind == .float || tok.isIdentifier("inf") || tok.isIdentifier("nan")
            else { throw fail(expected: "a number after \"\(sign.isEmpty ? "+" : sign)\"") }
            defer { advance() }
            return sign + tok.text
        case .symbol where tok.isSymbol("{"):
            let open = tok
            var depth = 0
            repeat {
                if tok.isSymbol("{") { depth += 1 }
                if tok.isSymbol("}") { depth -= 1 }
                if atEnd { throw fail("unterminated aggregate option value", at: open) }
                if depth == 0 { break }
                advance()
            } while true
            let close = tok
            advance()
            return String(decoding: bytes[open.start..<close.end], as: UTF8.self)
        default:
            throw fail(expected: "an option value")
        }
    }
}
