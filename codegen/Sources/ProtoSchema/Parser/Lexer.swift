/// A token of the proto3 language. Tokens never span lines.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier
        case integer
        case float
        /// A string literal; `text` holds the decoded value.
        case string
        /// A single punctuation character.
        case symbol
        case endOfFile
    }

    var kind: Kind
    /// The identifier, the number as written, the decoded string, or the symbol.
    var text: String
    var line: Int
    var column: Int
    /// Byte offsets of the token in the source (`end` is one past the last byte).
    var start: Int
    var end: Int
    /// Indices into `LexedSource.comments` of the comments between the previous token and this one.
    var commentsBefore: Range<Int>

    func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }
    func isIdentifier(_ s: String) -> Bool { kind == .identifier && text == s }

    /// How the token reads in an error message.
    var quoted: String {
        switch kind {
        case .endOfFile: "end of file"
        case .string: "string literal"
        case .integer, .float: "number \(text)"
        case .identifier, .symbol: "\"\(text)\""
        }
    }
}

/// A comment with its markers stripped.
struct LexedComment: Sendable {
    var text: String
    var startLine: Int
    var endLine: Int
}

/// The result of lexing one file.
struct LexedSource: Sendable {
    var tokens: [Token]
    var comments: [LexedComment]
    var errors: [SchemaError]
}

/// A single-pass lexer over the UTF-8 bytes of a `.proto` file.
struct Lexer {
    private let bytes: [UInt8]
    private let file: String
    private var pos = 0
    private var line = 1
    private var column = 1
    private var tokens: [Token] = []
    private var comments: [LexedComment] = []
    private var pendingComments = 0
    private var errors: [SchemaError] = []

    private init(source: String, file: String) {
        self.bytes = Array(source.utf8)
        self.file = file
    }

    static func lex(_ source: String, file: String) -> LexedSource {
        var lexer = Lexer(source: source, file: file)
        lexer.run()
        return LexedSource(tokens: lexer.tokens, comments: lexer.comments, errors: lexer.errors)
    }

    // MARK: - Scanning

    private var current: UInt8? { pos < bytes.count ? bytes[pos] : nil }
    private func peek(_ offset: Int) -> UInt8? { pos + offset < bytes.count ? bytes[pos + offset] : nil }

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

    private func location() -> SourceLocation { SourceLocation(file: file, line: line, column: column) }

    private mutating func error(_ message: String, at loc: SourceLocation? = nil) {
        errors.append(SchemaError(location: loc ?? location(), message: message))
    }

    private mutating func run() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }  // UTF-8 byte order mark
        while let b = current {
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                advance()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
                lineComment()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                blockComment()
            case _ where Self.isIdentifierStart(b):
                identifier()
            case _ where Self.isDigit(b):
                number()
            case UInt8(ascii: ".") where peek(1).map(Self.isDigit) == true:
                number()
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                string(quote: b)
            default:
                if Self.symbols.contains(b) {
                    let (l, c, s) = (line, column, pos)
                    advance()
                    emit(.symbol, String(UnicodeScalar(b)), line: l, column: c, start: s)
                } else {
                    let loc = location()
                    let s = pos
                    advance()
                    while let n = current, n & 0xC0 == 0x80 { advance() }
                    let ch = String(decoding: bytes[s..<pos], as: UTF8.self)
                    error("unexpected character '\(ch)'", at: loc)
                }
            }
        }
        emit(.endOfFile, "", line: line, column: column, start: pos)
    }

    private static let symbols: Set<UInt8> = Set("=;{}[]()<>,.-+:/".utf8)

    private static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "_")
    }
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    private static func isIdentifierPart(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func emit(_ kind: Token.Kind, _ text: String, line: Int, column: Int, start: Int) {
        tokens.append(
            Token(
                kind: kind, text: text, line: line, column: column, start: start, end: pos,
                commentsBefore: pendingComments..<comments.count))
        pendingComments = comments.count
    }

    // MARK: - Tokens

    private mutating func identifier() {
        let (l, c, s) = (line, column, pos)
        while let b = current, Self.isIdentifierPart(b) { advance() }
        emit(.identifier, String(decoding: bytes[s..<pos], as: UTF8.self), line: l, column: c, start: s)
    }

    private mutating func number() {
        let (l, c, s) = (line, column, pos)
        var isFloat = false
        if current == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            advance()
            advance()
            var digits = 0
            while let b = current, Self.hexValue(b) != nil {
                advance()
                digits += 1
            }
            if digits == 0 { error("hexadecimal number needs at least one digit after \"0x\"", at: SourceLocation(file: file, line: l, column: c)) }
        } else {
            while let b = current, Self.isDigit(b) { advance() }
            if current == UInt8(ascii: ".") {
                isFloat = true
                advance()
                while let b = current, Self.isDigit(b) { advance() }
            }
            if let e = current, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                let sign = peek(1)
                let hasSign = sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")
                if let d = peek(hasSign ? 2 : 1), Self.isDigit(d) {
                    isFloat = true
                    advance()
                    if hasSign { advance() }
                    while let b = current, Self.isDigit(b) { advance() }
                }
            }
            if isFloat, let f = current, f == UInt8(ascii: "f") || f == UInt8(ascii: "F") { advance() }
        }
        let text = String(decoding: bytes[s..<pos], as: UTF8.self)
        if let b = current, Self.isIdentifierPart(b) || (b == UInt8(ascii: ".") && !isFloat) {
            // `123abc`, `1.2.3`: report the whole run once.
            while let b = current, Self.isIdentifierPart(b) || b == UInt8(ascii: ".") { advance() }
            let bad = String(decoding: bytes[s..<pos], as: UTF8.self)
            error("invalid number \"\(bad)\"", at: SourceLocation(file: file, line: l, column: c))
            emit(isFloat ? .float : .integer, text, line: l, column: c, start: s)
            return
        }
        if !isFloat, text.count > 1, text.hasPrefix("0"), !text.hasPrefix("0x"), !text.hasPrefix("0X"),
            text.utf8.contains(where: { $0 > UInt8(ascii: "7") })
        {
            error("invalid octal number \"\(text)\"", at: SourceLocation(file: file, line: l, column: c))
        }
        emit(isFloat ? .float : .integer, text, line: l, column: c, start: s)
    }

    private mutating func string(quote: UInt8) {
        let (l, c, s) = (line, column, pos)
        advance()
        var value: [UInt8] = []
        while true {
            guard let b = current, b != UInt8(ascii: "\n") else {
                error("unterminated string literal", at: SourceLocation(file: file, line: l, column: c))
                break
            }
            if b == quote {
                advance()
                break
            }
            if b == UInt8(ascii: "\\") {
                escape(into: &value)
            } else {
                value.append(b)
                advance()
            }
        }
        emit(.string, String(decoding: value, as: UTF8.self), line: l, column: c, start: s)
    }

    private mutating func escape(into value: inout [UInt8]) {
        let loc = location()
        advance()  // the backslash
        guard let e = current, e != UInt8(ascii: "\n") else {
            error("unterminated string literal", at: loc)
            return
        }
        advance()
        switch e {
        case UInt8(ascii: "a"): value.append(0x07)
        case UInt8(ascii: "b"): value.append(0x08)
        case UInt8(ascii: "f"): value.append(0x0C)
        case UInt8(ascii: "n"): value.append(0x0A)
        case UInt8(ascii: "r"): value.append(0x0D)
        case UInt8(ascii: "t"): value.append(0x09)
        case UInt8(ascii: "v"): value.append(0x0B)
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"): value.append(e)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var n = UInt32(e - UInt8(ascii: "0"))
            for _ in 0..<2 {
                guard let d = current, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "7") else { break }
                n = n * 8 + UInt32(d - UInt8(ascii: "0"))
                advance()
            }
            if n > 0xFF { error("octal escape out of range", at: loc) }
            value.append(UInt8(truncatingIfNeeded: n))
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            var n: UInt32 = 0
            var digits = 0
            while digits < 2, let d = current, let v = Self.hexValue(d) {
                n = n * 16 + v
                digits += 1
                advance()
            }
            if digits == 0 { error("\\x escape needs at least one hexadecimal digit", at: loc) }
            value.append(UInt8(n))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = e == UInt8(ascii: "u") ? 4 : 8
            var n: UInt32 = 0
            for _ in 0..<count {
                guard let d = current, let v = Self.hexValue(d) else {
                    error("\\\(Character(UnicodeScalar(e))) escape needs \(count) hexadecimal digits", at: loc)
                    return
                }
                n = n &* 16 &+ v
                advance()
            }
            guard let scalar = UnicodeScalar(n) else {
                error("\\\(Character(UnicodeScalar(e))) escape is not a valid Unicode scalar", at: loc)
                return
            }
            value.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            error("invalid escape sequence \"\\\(String(decoding: [e], as: UTF8.self))\"", at: loc)
        }
    }

    // MARK: - Comments

    private mutating func lineComment() {
        let l = line
        advance()
        advance()
        let s = pos
        while let b = current, b != UInt8(ascii: "\n") { advance() }
        var text = String(decoding: bytes[s..<pos], as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        if text.hasPrefix(" ") { text.removeFirst() }
        comments.append(LexedComment(text: Self.trimTrailing(text), startLine: l, endLine: l))
    }

    private mutating func blockComment() {
        let (l, c) = (line, column)
        advance()
        advance()
        let s = pos
        var e = pos
        var closed = false
        while let b = current {
            if b == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                e = pos
                advance()
                advance()
                closed = true
                break
            }
            advance()
        }
        if !closed {
            e = pos
            error("unterminated block comment", at: SourceLocation(file: file, line: l, column: c))
        }
        let raw = String(decoding: bytes[s..<e], as: UTF8.self)
        comments.append(LexedComment(text: Self.stripBlock(raw), startLine: l, endLine: line))
    }

    /// Strips the markers of a `/* */` comment: a leading `*` (javadoc style),
    /// leading whitespace and `*` on continuation lines, one space per line,
    /// and blank first and last lines.
    static func stripBlock(_ raw: String) -> String {
        var lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for i in lines.indices {
            var l = Substring(lines[i])
            if l.hasSuffix("\r") { l.removeLast() }
            if i == 0 {
                if l.hasPrefix("*") { l.removeFirst() }
            } else {
                l = l.drop { $0 == " " || $0 == "\t" }
                if l.hasPrefix("*") { l.removeFirst() }
            }
            if l.hasPrefix(" ") { l.removeFirst() }
            lines[i] = trimTrailing(String(l))
        }
        if lines.count > 1, lines.first?.isEmpty == true { lines.removeFirst() }
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    static func trimTrailing(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s.removeLast() }
        return String(s)
    }
}
