import ProtoSchema

/// Emits one service: method descriptors, the handler protocol a server
/// implements, the method table that registers a handler with an `RPCRouter`,
/// and a typed async client over `RPCClient`.
struct ServiceEmitter {
    let types: TypeResolver
    let service: ServiceDescriptor

    var typeName: String { service.name }

    static func methodProperty(_ m: MethodDescriptor) -> String {
        SwiftNaming.escaped((m.name.first.map { String($0).lowercased() } ?? "") + m.name.dropFirst())
    }

    static func kind(_ m: MethodDescriptor) -> String {
        switch (m.clientStreaming, m.serverStreaming) {
        case (false, false): "unary"
        case (false, true): "serverStreaming"
        case (true, false): "clientStreaming"
        case (true, true): "bidirectionalStreaming"
        }
    }

    func emit(_ w: inout CodeWriter) {
        w.doc(service.comments.leading)
        w.block("public enum \(typeName)") { w in
            w.line("/// The service's full protobuf name.")
            w.line("public static let name = \"\(service.fullName)\"")
            w.line()
            emitDescriptors(&w)
            w.line()
            emitHandler(&w)
            w.line()
            emitClient(&w)
        }
        w.line()
        emitRegistration(&w)
    }

    func emitDescriptors(_ w: inout CodeWriter) {
        w.line("/// One descriptor per rpc: the name on the wire and the call kind.")
        w.block("public enum Method") { w in
            for m in service.methods {
                w.doc(m.comments.leading)
                w.line("public static let \(Self.methodProperty(m)) = MethodDescriptor(service: name, method: \"\(m.name)\", kind: .\(Self.kind(m)))")
            }
            w.line()
            w.line("/// Every method of the service, in declaration order.")
            w.line("public static let all: [MethodDescriptor] = [\(service.methods.map { Self.methodProperty($0) }.joined(separator: ", "))]")
            w.line()
            emitRoles(&w)
        }
    }

    /// The `Roles:` declarations, by fully-qualified method name; an rpc without a
    /// readable one is absent (no one may call it).
    func emitRoles(_ w: inout CodeWriter) {
        w.line("/// Who may call each rpc, as its `Roles:` line declares, by fully-qualified")
        w.line("/// name; an rpc absent here may be called by no one.")
        let entries = service.methods.compactMap { m -> String? in
            guard case .declared(let declaration) = m.roleDeclaration else { return nil }
            let grants = declaration.grants.map { "\"\($0.role)\": .\($0.ownRecordsOnly ? "ownRecords" : "all")" }
            return "\(Self.methodProperty(m)).fullyQualifiedMethod: MethodRoles([\(grants.joined(separator: ", "))]),"
        }
        guard !entries.isEmpty else {
            w.line("public static let roles: [String: MethodRoles] = [:]")
            return
        }
        w.line("public static let roles: [String: MethodRoles] = [")
        w.indent { w in entries.forEach { w.line($0) } }
        w.line("]")
    }

    func emitHandler(_ w: inout CodeWriter) {
        w.line("/// What a server implements: one function per rpc.")
        w.block("public protocol Handler: Sendable") { w in
            for m in service.methods {
                let req = types.swiftName(m.inputType)
                let resp = types.swiftName(m.outputType)
                w.doc(m.comments.leading)
                let name = Self.methodProperty(m)
                switch (m.clientStreaming, m.serverStreaming) {
                case (false, false):
                    w.line("func \(name)(_ request: \(req), context: ServerContext) async throws -> \(resp)")
                case (false, true):
                    w.line("func \(name)(_ request: \(req), writer: RPCWriter<\(resp)>, context: ServerContext) async throws")
                case (true, false):
                    w.line("func \(name)(_ requests: RPCAsyncSequence<\(req)>, context: ServerContext) async throws -> \(resp)")
                case (true, true):
                    w.line("func \(name)(_ requests: RPCAsyncSequence<\(req)>, writer: RPCWriter<\(resp)>, context: ServerContext) async throws")
                }
            }
        }
    }

    func emitRegistration(_ w: inout CodeWriter) {
        w.block("extension \(typeName).Handler") { w in
            w.line("/// Adds every method of \(service.fullName) to `router`: the method table the server dispatches on.")
            w.block("public func register(into router: inout RPCRouter)") { w in
                w.line("router.declareRoles(\(typeName).Method.roles)")
                for m in service.methods {
                    let req = types.swiftName(m.inputType)
                    let name = Self.methodProperty(m)
                    let register: String
                    let call: String
                    switch (m.clientStreaming, m.serverStreaming) {
                    case (false, false): (register, call) = ("registerUnary", "try await self.\(name)($0, context: $1)")
                    case (false, true): (register, call) = ("registerServerStreaming", "try await self.\(name)($0, writer: $1, context: $2)")
                    case (true, false): (register, call) = ("registerClientStreaming", "try await self.\(name)($0, context: $1)")
                    case (true, true): (register, call) = ("registerBidirectionalStreaming", "try await self.\(name)($0, writer: $1, context: $2)")
                    }
                    w.line("router.\(register)(")
                    w.indent { w in
                        w.line("\(typeName).Method.\(name),")
                        w.line("deserializer: { try \(req)(serializedBytes: $0) },")
                        w.line("serializer: { $0.serializedBytes() }")
                    w.line(") { \(call) }")
                    }
                }
            }
        }
    }

    func emitClient(_ w: inout CodeWriter) {
        w.line("/// A typed client: one async function per rpc.")
        w.block("public struct Client: Sendable") { w in
            w.line("public let base: RPCClient")
            w.line()
            w.line("public init(_ base: RPCClient) { self.base = base }")
            for m in service.methods {
                let req = types.swiftName(m.inputType)
                let resp = types.swiftName(m.outputType)
                let name = Self.methodProperty(m)
                let codec = "descriptor: Method.\(name), serializer: { $0.serializedBytes() }, deserializer: { try \(resp)(serializedBytes: $0) }, options: options"
                w.line()
                w.doc(m.comments.leading)
                switch (m.clientStreaming, m.serverStreaming) {
                case (false, false):
                    w.block("public func \(name)(_ request: \(req), metadata: Metadata = Metadata(), options: CallOptions = .defaults) async throws -> \(resp)") { w in
                        w.line("try await base.unary(request: request, metadata: metadata, \(codec)).message")
                    }
                case (false, true):
                    w.block("public func \(name)<Result: Sendable>(_ request: \(req), metadata: Metadata = Metadata(), options: CallOptions = .defaults, onResponse: @escaping @Sendable (StreamingClientResponse<\(resp)>) async throws -> Result) async throws -> Result") { w in
                        w.line("try await base.serverStreaming(request: request, metadata: metadata, \(codec), onResponse: onResponse)")
                    }
                case (true, false):
                    w.block("public func \(name)(metadata: Metadata = Metadata(), options: CallOptions = .defaults, requestProducer: @escaping @Sendable (RPCWriter<\(req)>) async throws -> Void) async throws -> \(resp)") { w in
                        w.line("try await base.clientStreaming(metadata: metadata, \(codec), requestProducer: requestProducer).message")
                    }
                case (true, true):
                    w.block("public func \(name)<Result: Sendable>(metadata: Metadata = Metadata(), options: CallOptions = .defaults, requestProducer: @escaping @Sendable (RPCWriter<\(req)>) async throws -> Void, onResponse: @escaping @Sendable (StreamingClientResponse<\(resp)>) async throws -> Result) async throws -> Result") { w in
                        w.line("try await base.bidirectionalStreaming(metadata: metadata, \(codec), requestProducer: requestProducer, onResponse: onResponse)")
                    }
                }
            }
        }
    }
}
