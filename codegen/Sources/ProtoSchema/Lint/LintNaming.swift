/// Case checks and conversions for the naming rules. ASCII only: proto
/// identifiers are `[A-Za-z_][A-Za-z0-9_]*`.
enum LintNaming {
    /// `Complaint`, `FileComplaintRequest`, `V2Thing`: an upper-case letter,
    /// then letters and digits.
    static func isPascalCase(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard let first = b.first, isUpper(first) else { return false }
        return b.allSatisfy { isUpper($0) || isLower($0) || isDigit($0) }
    }

    /// `buyer_id`, `sha256`, `line_2`: `^[a-z][a-z0-9]*(_[a-z0-9]+)*$`.
    static func isLowerSnakeCase(_ name: String) -> Bool { isSnakeCase(name, letter: isLower) }

    /// `COMPLAINT_TYPE_FAKE_RETURN`: `^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`.
    static func isUpperSnakeCase(_ name: String) -> Bool { isSnakeCase(name, letter: isUpper) }

    /// `ComplaintType` -> `COMPLAINT_TYPE`, `HTTPStatus` -> `HTTP_STATUS`, `Sha256Digest` -> `SHA256_DIGEST`.
    static func upperSnakeCase(_ name: String) -> String { words(name).map { $0.uppercased() }.joined(separator: "_") }

    /// `buyerID` -> `buyer_id`, `Buyer_Id` -> `buyer_id`.
    static func lowerSnakeCase(_ name: String) -> String { words(name).map { $0.lowercased() }.joined(separator: "_") }

    /// `file_complaint` -> `FileComplaint`, `FILE_COMPLAINT` -> `FileComplaint`.
    static func pascalCase(_ name: String) -> String {
        words(name).map { w in
            let rest = w.dropFirst()
            let hasLower = w.utf8.contains(where: isLower)
            return w.prefix(1).uppercased() + (hasLower ? String(rest) : rest.lowercased())
        }.joined()
    }

    /// The words of an identifier: split at `_`, at a lower-case letter or digit
    /// followed by an upper-case one, and before the last capital of an
    /// acronym that starts a new word (`HTTPStatus` -> `HTTP`, `Status`).
    static func words(_ name: String) -> [String] {
        let b = Array(name.utf8)
        var out: [String] = []
        var current: [UInt8] = []
        func flush() {
            if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll()
        }
        for (i, c) in b.enumerated() {
            if c == UInt8(ascii: "_") {
                flush()
                continue
            }
            if isUpper(c), let prev = current.last {
                let nextIsLower = i + 1 < b.count && isLower(b[i + 1])
                if isLower(prev) || isDigit(prev) || (isUpper(prev) && nextIsLower) { flush() }
            }
            current.append(c)
        }
        flush()
        return out
    }

    private static func isSnakeCase(_ name: String, letter: (UInt8) -> Bool) -> Bool {
        let b = Array(name.utf8)
        guard let first = b.first, letter(first), b.last != UInt8(ascii: "_") else { return false }
        var previous: UInt8 = 0
        for c in b {
            if c == UInt8(ascii: "_") {
                if previous == UInt8(ascii: "_") { return false }
            } else if !(letter(c) || isDigit(c)) {
                return false
            }
            previous = c
        }
        return true
    }

    private static func isUpper(_ c: UInt8) -> Bool { c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") }
    private static func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
