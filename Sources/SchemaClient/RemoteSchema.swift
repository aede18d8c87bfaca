import ProtoSchema
import ProtectionMessages
import ProtectionServices
import RPCCore

/// A server's schema, fetched through reflection and parsed with `ProtoSchema`:
/// enough to list its services, describe its messages and call any of its methods
/// with JSON through the dynamic codec, with no local copy of the schema.
public struct RemoteSchema: Sendable {
    /// The parsed schema.
    public let schema: Schema
    /// The server's schema hash (lower-case hex SHA-256).
    public let hash: String
    /// The services the server serves (full names), sorted.
    public let serviceNames: [String]
    private let codec: DynamicCodec

    /// Asks the server behind `client` for its schema and parses it.
    public static func fetch(
        from client: RPCClient, metadata: Metadata = Metadata(), options: CallOptions = .defaults
    ) async throws -> RemoteSchema {
        var request = DescribeSchemaRequest()
        request.includeSources = true
        let response = try await ReflectionService.Client(client).describeSchema(request, metadata: metadata, options: options)
        return try RemoteSchema(response)
    }

    /// Parses a reflection answer; fails with INTERNAL when the server's schema does not parse.
    public init(_ response: DescribeSchemaResponse) throws {
        do {
            self.schema = try SchemaLoader.load(sources: response.files.map { (path: $0.path, source: $0.content) })
        } catch {
            throw RPCError(code: .internalError, message: "The server's schema does not parse: \(error)")
        }
        self.hash = response.schemaSha256
        self.serviceNames = response.serviceNames.sorted()
        self.codec = DynamicCodec(schema: schema)
    }

    /// One method of a service, as the schema declares it.
    public struct Method: Sendable, Hashable {
        /// `protection.v1.IntegrityService/FileComplaint`.
        public var fullyQualifiedName: String
        public var kind: RPCCore.MethodDescriptor.CallKind
        /// Full names of the request and response messages.
        public var requestType: String
        public var responseType: String
    }

    /// The methods of the served services, in declaration order.
    public var methods: [Method] {
        serviceNames.flatMap { service in
            (schema.services[service]?.methods ?? []).map { method in
                Method(
                    fullyQualifiedName: "\(service)/\(method.name)",
                    kind: Self.kind(clientStreaming: method.clientStreaming, serverStreaming: method.serverStreaming),
                    requestType: method.inputType, responseType: method.outputType)
            }
        }
    }

    /// The method named `name` (`Service/Method`, the service by full or short name).
    public func method(named name: String) throws -> Method {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw RPCError(code: .invalidArgument, message: "'\(name)' is not of the form Service/Method.")
        }
        let candidates = methods.filter { method in
            let (service, rest) = method.fullyQualifiedName.splitAtLastSlash
            return rest == parts[1] && (service == parts[0] || service.hasSuffix("." + parts[0]))
        }
        guard let method = candidates.first else {
            throw RPCError(code: .unimplemented, message: "The server has no method '\(name)'.")
        }
        return method
    }

    /// Calls `method` with the request messages given as JSON (exactly one unless the
    /// method takes a stream); returns the response messages as canonical JSON, all of
    /// them, or the first `limit` (then the call ends, for a stream that never does).
    /// Invalid JSON fails before anything is sent, with INVALID_ARGUMENT naming the
    /// field.
    public func call(
        _ method: Method, requests: [String], on client: RPCClient, metadata: Metadata = Metadata(),
        options: CallOptions = .defaults, limit: Int? = nil
    ) async throws -> [String] {
        let isClientStreaming = method.kind == .clientStreaming || method.kind == .bidirectionalStreaming
        guard isClientStreaming || requests.count == 1 else {
            throw RPCError(
                code: .invalidArgument,
                message: "\(method.fullyQualifiedName) takes exactly one request message, not \(requests.count).")
        }
        let codec = self.codec
        let encoded = try requests.enumerated().map { index, json -> [UInt8] in
            do {
                return codec.encode(try codec.decodeJSON(method.requestType, from: json))
            } catch {
                throw RPCError(code: .invalidArgument, message: "Request \(index + 1) is not a valid \(method.requestType): \(error)")
            }
        }
        let (service, name) = method.fullyQualifiedName.splitAtLastSlash
        let descriptor = RPCCore.MethodDescriptor(service: service, method: name, kind: method.kind)
        let request = StreamingClientRequest<[UInt8]>(metadata: metadata) { writer in
            for message in encoded { try await writer.write(message) }
        }
        let responseType = method.responseType
        return try await client.call(descriptor: descriptor, request: request, options: options) { response in
            var out: [String] = []
            for try await bytes in response.messages {
                do {
                    out.append(try codec.encodeJSON(try codec.decode(responseType, from: bytes)))
                } catch {
                    throw RPCError(code: .internalError, message: "A response is not a valid \(responseType): \(error)")
                }
                if let limit, out.count >= limit { break }
            }
            return out
        }
    }

    static func kind(clientStreaming: Bool, serverStreaming: Bool) -> RPCCore.MethodDescriptor.CallKind {
        switch (clientStreaming, serverStreaming) {
        case (false, false): .unary
        case (false, true): .serverStreaming
        case (true, false): .clientStreaming
        case (true, true): .bidirectionalStreaming
        }
    }
}

extension String {
    /// The text before and after the last "/".
    var splitAtLastSlash: (String, String) {
        guard let slash = lastIndex(of: "/") else { return ("", self) }
        return (String(self[..<slash]), String(self[index(after: slash)...]))
    }
}
