/// A small strict JSON (RFC 8259) reader and writer over UTF-8 bytes, for the
/// dynamic proto3 JSON codec. Numbers keep their source text, so 64-bit
/// integers never lose precision.

/// An error of the dynamic JSON codec: where (`path`, e.g. `fInner.b`,
/// `rInt32[2]`, `mStringInner["k"].a`; empty for the top level) and what.
public struct DynamicJSONError: Error, CustomStringConvertible, Hashable, Sendable {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A parsed JSON value. Objects keep their members in order, duplicates included.
indirect enum JSONValue {
    case null
    case bool(Bool)
    /// The number's text, as written (validated against the JSON grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

struct JSONReader {
    let bytes: [UInt8]
    var i = 0
    var depth = 0
    let maxNesting: Int

    init(_ text: String, maxNesting: Int) {
        bytes = Array(text.utf8)
        self.maxNesting = maxNesting
    }

    static func parse(_ text: String, maxNesting: Int = 512) throws(DynamicJSONError) -> JSONValue {
        var r = JSONReader(text, maxNesting: maxNesting)
        r.skipSpace()
        let v = try r.value()
        r.skipSpace()
        guard r.i == r.bytes.count else { throw r.fail("unexpected text after the JSON value") }
        return v
    }

    func fail(_ message: String) -> DynamicJSONError {
        DynamicJSONError(path: "", message: "invalid JSON at byte \(i): \(message)")
    }

    mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    mutating func literal(_ word: StaticString) throws(DynamicJSONError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("unexpected end of input") }
        let p = word.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { throw fail("invalid literal") }
        i += n
    }

    mutating func value() throws(DynamicJSONError) -> JSONValue {
        guard i < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            depth += 1
            guard depth <= maxNesting else { throw fail("nesting deeper than \(maxNesting)") }
            defer { depth -= 1 }
            i += 1
            var members: [(key: String, value: JSONValue)] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                members.append((key, try value()))
                skipSpace()
                guard i < bytes.count else { throw fail("unexpected end of input") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            depth += 1
            guard depth <= maxNesting else { throw fail("nesting deeper than \(maxNesting)") }
            defer { depth -= 1 }
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            while true {
                skipSpace()
                items.append(try value())
                skipSpace()
                guard i < bytes.count else { throw fail("unexpected end of input") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = i
            guard let end = JSONNumber.scan(bytes, from: i) else { throw fail("invalid number") }
            i = end
            return .number(String(decoding: bytes[start..<end], as: UTF8.self))
        default:
            throw fail("unexpected character")
        }
    }

    mutating func hex4() throws(DynamicJSONError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// Reads a string starting at its opening quote.
    mutating func string() throws(DynamicJSONError) -> String {
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: bytes[start..<i], as: UTF8.self)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in a string") }
            i += 1
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw fail("control character in a string") }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 2 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate in \\u escape")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail("unpaired surrogate in \\u escape")
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
            default:
                throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }
}

enum JSONNumber {
    /// The end of a JSON number starting at `from`, or nil when the text there
    /// is not one (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    static func scan(_ b: [UInt8], from: Int) -> Int? {
        var i = from
        func digit(_ k: Int) -> Bool { k < b.count && b[k] >= 0x30 && b[k] <= 0x39 }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        guard digit(i) else { return nil }
        if b[i] == 0x30 { i += 1 } else { while digit(i) { i += 1 } }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { return nil }
            while digit(i) { i += 1 }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digit(i) else { return nil }
            while digit(i) { i += 1 }
        }
        return i
    }

    /// True when the whole of `text` is a JSON number.
    static func isValid(_ text: String) -> Bool {
        let b = Array(text.utf8)
        return !b.isEmpty && scan(b, from: 0) == b.count
    }

    enum IntegerResult<T> {
        case value(T)
        case notInteger
        case outOfRange
        case notNumber
    }

    /// The exact integer a JSON number's text denotes ("1", "1.0", "1e3",
    /// "100e-2"), range-checked for `T`, without going through Double.
    static func integer<T: FixedWidthInteger>(_ text: String, as: T.Type) -> IntegerResult<T> {
        let b = Array(text.utf8)
        guard !b.isEmpty, scan(b, from: 0) == b.count else { return .notNumber }
        var i = 0
        let negative = b[0] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: [UInt8] = []
        var fractionDigits = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { mantissa.append(b[i]); i += 1 }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { mantissa.append(b[i]); fractionDigits += 1; i += 1 }
        }
        var exponent = 0
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if b[i] == UInt8(ascii: "+") { i += 1 } else if b[i] == UInt8(ascii: "-") { expNegative = true; i += 1 }
            while i < b.count {
                exponent = min(exponent * 10 + Int(b[i] - 0x30), 100_000)
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        // Drop leading zeros; zero is zero whatever the exponent.
        if let firstNonZero = mantissa.firstIndex(where: { $0 != 0x30 }) {
            mantissa.removeFirst(firstNonZero)
        } else {
            return .value(0)
        }
        var shift = exponent - fractionDigits
        if shift < 0 {
            // The dropped digits must all be zero.
            guard -shift < mantissa.count else { return .notInteger }
            let cut = mantissa.count + shift
            guard mantissa[cut...].allSatisfy({ $0 == 0x30 }) else { return .notInteger }
            mantissa.removeLast(-shift)
            shift = 0
        }
        guard mantissa.count + shift <= 40 else { return .outOfRange }
        mantissa.append(contentsOf: repeatElement(0x30, count: shift))
        if negative && !T.isSigned { return .outOfRange }
        let digits = (negative ? "-" : "") + String(decoding: mantissa, as: UTF8.self)
        guard let v = T(digits) else { return .outOfRange }
        return .value(v)
    }
}

/// Builds compact JSON text.
struct JSONWriter {
    var out: [UInt8] = []

    mutating func raw(_ s: String) { out.append(contentsOf: s.utf8) }
    mutating func byte(_ c: UInt8) { out.append(c) }

    mutating func string(_ s: String) {
        out.append(0x22)
        for c in s.utf8 {
            switch c {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 15)])
            default: out.append(c)
            }
        }
        out.append(0x22)
    }

    var text: String { String(decoding: out, as: UTF8.self) }

    /// A finite double as JSON: the shortest text that reads back to the same
    /// bits, without a trailing ".0" (`1`, `-0`, `0.1`, `1e-05`, `1e+16`).
    static func number(_ d: Double) -> String {
        trimmed(d.description)
    }

    /// A finite float as JSON: the shortest text that reads back as the same float.
    static func number(_ f: Float) -> String {
        trimmed(f.description)
    }

    static func trimmed(_ s: String) -> String {
        s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }
}
