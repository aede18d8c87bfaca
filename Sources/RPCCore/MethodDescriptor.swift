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
    public let service: String
    /// The method's name, e.g. `FileComplaint`.
    public let method: String
    /// The shape of calls to this method.
    public var kind: CallKind
    /// The name on the wire and in the router, e.g.
    /// `protection.v1.IntegrityService/FileComplaint` (kept, as every call uses it).
    public let fullyQualifiedMethod: String

    public init(service: String, method: String, kind: CallKind) {
        self.service = service
        self.method = method
        self.kind = kind
        self.fullyQualifiedMethod = "\(service)/\(method)"
    }

    /// Parses `service/method` (a leading `/`, as in HTTP paths, is accepted);
    /// fails when either part is empty or there is not exactly one separator.
    public init?(fullyQualifiedMethod: String, kind: CallKind) {
        let bytes = fullyQualifiedMethod.utf8
        var start = bytes.startIndex
        if start != bytes.endIndex, bytes[start] == UInt8(ascii: "/") { start = bytes.index(after: start) }
        guard let slash = bytes[start...].firstIndex(of: UInt8(ascii: "/")), slash != start,
            bytes.index(after: slash) != bytes.endIndex,
            !bytes[bytes.index(after: slash)...].contains(UInt8(ascii: "/"))
        else { return nil }
        self.service = String(fullyQualifiedMethod[start..<slash])
        self.method = String(fullyQualifiedMethod[bytes.index(after: slash)...])
        self.kind = kind
        self.fullyQualifiedMethod = start == bytes.startIndex ? fullyQualifiedMethod : String(fullyQualifiedMethod[start...])
    }

    public var description: String { fullyQualifiedMethod }
}
