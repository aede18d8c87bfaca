/// Who may call a method, as its schema declares (`Roles: merchant (own), reviewer.`):
/// each role allowed, and whether that role is limited to its own records. A
/// role not listed may not call the method.
public struct MethodRoles: Sendable, Hashable, CustomStringConvertible {
    /// How much a role allowed to call may reach.
    public enum Scope: Sendable, Hashable {
        /// Every record the method serves.
        case all
        /// Only the caller's own records (a merchant's store, a buyer's account).
        case ownRecords
    }

    /// The allowed roles, in declaration order, with their scope.
    public let grants: [(role: String, scope: Scope)]

    public init(_ grants: KeyValuePairs<String, Scope>) {
        self.grants = grants.map { ($0.key, $0.value) }
    }

    /// The scope of `role`, or nil when the role may not call.
    public func scope(of role: String) -> Scope? {
        grants.first { $0.role == role }?.scope
    }

    /// The role names, in declaration order.
    public var roles: [String] { grants.map(\.role) }

    public var description: String {
        grants.map { $0.scope == .ownRecords ? "\($0.role) (own)" : $0.role }.joined(separator: ", ")
    }

    public static func == (a: MethodRoles, b: MethodRoles) -> Bool {
        a.grants.elementsEqual(b.grants) { $0.role == $1.role && $0.scope == $1.scope }
    }

    public func hash(into hasher: inout Hasher) {
        for grant in grants {
            hasher.combine(grant.role)
            hasher.combine(grant.scope)
        }
    }
}

extension RPCRouter {
    /// Records who may call each method (by fully-qualified name), as generated
    /// method tables declare it; a server's authorizing interceptor reads
    /// ``declaredRoles``.
    public mutating func declareRoles(_ roles: [String: MethodRoles]) {
        declaredRoles.merge(roles) { _, new in new }
    }
}
