/// Who may call an rpc, as the schema declares it: one line of the rpc's leading
/// comment, `Roles: merchant (own), reviewer, internal_service.`
///
/// Each entry names a role (lower_snake_case; in a package with an enum `Role`,
/// the value `ROLE_<NAME>` must exist). `(own)` limits that role to its own
/// records: a merchant to its own store's, a buyer to its own. Any role not
/// listed may not call the rpc; an rpc without a `Roles:` line may be called by
/// no one (and `protogen lint` reports it).
public struct RoleDeclaration: Hashable, Sendable, CustomStringConvertible {
    /// One role allowed to call, and whether it is limited to its own records.
    public struct Grant: Hashable, Sendable {
        public var role: String
        public var ownRecordsOnly: Bool

        public init(role: String, ownRecordsOnly: Bool = false) {
            self.role = role
            self.ownRecordsOnly = ownRecordsOnly
        }
    }

    /// The roles in declaration order, each once.
    public var grants: [Grant]

    public init(grants: [Grant]) { self.grants = grants }

    /// The role names, in declaration order.
    public var roles: [String] { grants.map(\.role) }

    /// The grant of `role`, if declared.
    public func grant(of role: String) -> Grant? { grants.first { $0.role == role } }

    /// The declaration as written after `Roles: `.
    public var description: String {
        grants.map { $0.ownRecordsOnly ? "\($0.role) (own)" : $0.role }.joined(separator: ", ")
    }

    /// The word that starts a declaration line.
    public static let marker = "Roles:"

    /// What an rpc's comment declares.
    public enum Parsed: Hashable, Sendable {
        /// No `Roles:` line.
        case undeclared
        case declared(RoleDeclaration)
        /// A `Roles:` line that cannot be read, and why.
        case invalid(String)
    }

    /// Reads the declaration from a leading comment (its first `Roles:` line; a
    /// second one is an error, so a reviewer never sees two answers).
    public static func parse(comment: String) -> Parsed {
        let lines = comment.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.drop { $0 == " " || $0 == "\t" } }
            .filter { $0.hasPrefix(marker) }
        guard let line = lines.first else { return .undeclared }
        if lines.count > 1 { return .invalid("the comment has \(lines.count) `\(marker)` lines; keep one") }
        return parse(line: String(line.dropFirst(marker.count)))
    }

    /// Reads `merchant (own), reviewer.` (a final period is allowed).
    static func parse(line: String) -> Parsed {
        var text = Substring(line).trimmingSpaces
        if text.hasSuffix(".") { text = text.dropLast().trimmingSpaces }
        guard !text.isEmpty else { return .invalid("`\(marker)` names no role") }
        var grants: [Grant] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            var words = entry.trimmingSpaces
            var own = false
            if words.hasSuffix("(own)") {
                own = true
                words = words.dropLast(5).trimmingSpaces
            }
            guard isRoleName(words) else {
                return .invalid(
                    "\"\(entry.trimmingSpaces)\" is not a role: write a lower_snake_case name, optionally followed by \"(own)\"")
            }
            let role = String(words)
            guard !grants.contains(where: { $0.role == role }) else { return .invalid("role \(role) is listed twice") }
            grants.append(Grant(role: role, ownRecordsOnly: own))
        }
        return .declared(RoleDeclaration(grants: grants))
    }

    private static func isRoleName(_ s: Substring) -> Bool {
        guard let first = s.first, first.isASCII, first.isLowercase else { return false }
        return s.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
    }

    /// The enum value a role name stands for in a package with an enum `Role`.
    public static func enumValueName(of role: String) -> String { "ROLE_" + role.uppercased() }
}

extension MethodDescriptor {
    /// The rpc's role declaration, read from its leading comment.
    public var roleDeclaration: RoleDeclaration.Parsed { RoleDeclaration.parse(comment: comments.leading) }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}
