/// Names one method of one service, and the shape of its calls.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// How many messages travel each way.
    public enum CallKind: String, Sendable, Hashable, CaseIterable {
        /// One request, one response.
        case unary
        /// One request, a stream of responses.
        case serverStreaming
        /// A stream of requests, one response.
        case clientStreaming
        /// A stream each way.
        case bidirectionalStreaming

        /// Whether the client may send more than one message.
        public var isClientStreaming: Bool { self == .clientStreaming || self == .bidirectionalStreaming }
        /// Whether the server may send more than one message.
        public var isServerStreaming: Bool { self == .serverStreaming || self == .bidirectionalStreaming }
    }

    /// The service's fully qualified name, e.g. `protection.v1.IntegrityService`.
    public var service: String
    /// The method's name, e.g. `FileComplaint`.
    public var method: String
    /// The shape of calls to this method.
    public var kind: CallKind

    public init(service: String, method: String, kind: CallKind) {
        self.service = service
        self.method = method
        self.kind = kind
    }

    /// Parses `service/method` (a leading `/`, as in HTTP paths, is accepted);
    /// fails when either part is empty or there is not exactly one separator.
    public init?(fullyQualifiedMethod: String, kind: CallKind) {
        var path = Substring(fullyQualifiedMethod)
        if path.hasPrefix("/") { path = path.dropFirst() }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(service: String(parts[0]), method: String(parts[1]), kind: kind)
    }

    /// The name on the wire and in the router, e.g.
    /// `protection.v1.IntegrityService/FileComplaint`.
    public var fullyQualifiedMethod: String { "\(service)/\(method)" }

    public var description: String { fullyQualifiedMethod }
}
