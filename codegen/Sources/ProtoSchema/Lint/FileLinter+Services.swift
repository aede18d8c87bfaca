/// The rpc rules: `Foo` takes `FooRequest` and returns `FooResponse`, those
/// messages belong to that rpc alone, and mutating rpcs carry an
/// idempotency key.
extension FileLinter {
    mutating func checkServices() {
        for s in services {
            for m in s.methods {
                let rpc = Self.name(of: m, in: s)
                checkMessageNames(m, rpc)
                checkOwnership(m, rpc)
                checkIdempotencyKey(m, rpc)
                checkRoles(m, rpc)
            }
        }
        checkFieldsDoNotUseRPCMessages()
    }

    /// The simple name of a message given by full name.
    private func simpleName(_ fullName: String) -> String {
        schema.messages[fullName]?.name ?? String(fullName.split(separator: ".").last ?? Substring(fullName))
    }

    /// RPC_REQUEST_RESPONSE_NAMES.
    private mutating func checkMessageNames(_ m: MethodDescriptor, _ rpc: String) {
        let request = m.name + "Request"
        let response = m.name + "Response"
        if simpleName(m.inputType) != request {
            report(
                .rpcRequestResponseNames, m.location, rpc,
                "rpc \(m.name) takes \"\(m.inputType)\"; its request must be a message named \"\(request)\"")
        }
        if simpleName(m.outputType) != response {
            report(
                .rpcRequestResponseNames, m.location, rpc,
                "rpc \(m.name) returns \"\(m.outputType)\"; its response must be a message named \"\(response)\"")
        }
    }

    /// RPC_REQUEST_RESPONSE_UNIQUE, rpc side: a later rpc reusing an earlier one's message.
    private mutating func checkOwnership(_ m: MethodDescriptor, _ rpc: String) {
        for (type, role) in [(m.inputType, RPCMessageUsage.Role.request), (m.outputType, .response)] {
            guard let owner = rpcUsage.owner(of: type), owner.rpc != rpc || owner.role != role else { continue }
            report(
                .rpcRequestResponseUnique, m.location, rpc,
                "the \(role.rawValue) \"\(type)\" is already the \(owner.role.rawValue) of \(owner.rpc) (\(owner.location)); "
                    + "give each rpc its own messages")
        }
    }

    /// RPC_REQUEST_RESPONSE_UNIQUE, field side: a field whose type is an rpc's request or response.
    private mutating func checkFieldsDoNotUseRPCMessages() {
        for message in messages {
            for f in message.fields {
                guard let type = Self.messageType(of: f.type), let owner = rpcUsage.owner(of: type) else { continue }
                report(
                    .rpcRequestResponseUnique, f.location, Self.name(of: f, in: message),
                    "field type \"\(type)\" is the \(owner.role.rawValue) of \(owner.rpc); "
                        + "move what both need into a separate message")
            }
        }
    }

    /// The message a field holds (a map's value included), if any.
    static func messageType(of type: FieldType) -> String? {
        switch type {
        case .message(let name): name
        case .map(_, let value): messageType(of: value)
        case .scalar, .enumeration: nil
        }
    }

    /// IDEMPOTENCY_KEY_REQUIRED.
    private mutating func checkIdempotencyKey(_ m: MethodDescriptor, _ rpc: String) {
        guard Linter.isMutating(rpcName: m.name), let request = schema.messages[m.inputType] else { return }
        let why = "rpc \(m.name) is mutating (its name starts with none of \(Linter.nonMutatingPrefixes.joined(separator: ", ")))"
        guard let key = request.field(named: "idempotency_key") else {
            report(
                .idempotencyKeyRequired, m.location, rpc,
                "\(why); its request \"\(request.fullName)\" needs a `string idempotency_key` field")
            return
        }
        if key.type != .scalar(.string) || key.label == .repeated {
            report(
                .idempotencyKeyRequired, m.location, rpc,
                "\(why); \"\(request.fullName).idempotency_key\" must be a singular string")
        }
    }

    /// RPC_ROLES_DECLARED: one readable `Roles:` line, naming values of the package's
    /// `Role` enum when it has one.
    private mutating func checkRoles(_ m: MethodDescriptor, _ rpc: String) {
        switch m.roleDeclaration {
        case .undeclared:
            report(
                .rpcRolesDeclared, m.location, rpc,
                "rpc \(m.name) declares no roles: add a line `\(RoleDeclaration.marker) merchant (own), reviewer.` "
                    + "to its comment (no one may call an rpc without one)")
        case .invalid(let why):
            report(.rpcRolesDeclared, m.location, rpc, "rpc \(m.name): \(why)")
        case .declared(let declaration):
            guard let roles = schema.enums[Self.join(file.package, "Role")] else { return }
            for role in declaration.roles where roles.value(named: RoleDeclaration.enumValueName(of: role)) == nil {
                report(
                    .rpcRolesDeclared, m.location, rpc,
                    "rpc \(m.name) names role \(role), but \(roles.fullName) has no value "
                        + "\(RoleDeclaration.enumValueName(of: role))")
            }
        }
    }

    private static func join(_ package: String, _ name: String) -> String { package.isEmpty ? name : package + "." + name }
}
