import NIOCore

/// One frame of the protocol, decoded. See `docs/PROTOCOL.md`.
public enum Frame: Sendable, Hashable {
    /// Stream 0. The sender's limits; the first frame each side sends.
    case settings(ConnectionSettings)
    /// Stream 0, flag ACK, empty payload.
    case settingsAck
    /// Opens a call (client) or carries response headers (server).
    case headers(streamID: UInt32, HeadersPayload, endStream: Bool)
    /// A chunk of one message. `more`: the next MESSAGE frame continues it.
    /// `endStream` (client only): no more frames from the client on this stream; an
    /// empty payload with `endStream` and no preceding `more` carries no message.
    case message(streamID: UInt32, ByteBuffer, more: Bool = false, endStream: Bool = false)
    /// Ends a call (server only).
    case trailers(streamID: UInt32, TrailersPayload)
    /// Ends a stream early, either direction.
    case cancel(streamID: UInt32, code: WireStatusCode)
    /// Stream 0. Eight opaque bytes, echoed in the PONG.
    case ping(UInt64)
    /// Stream 0, flag ACK. The answer to a PING.
    case pong(UInt64)
    /// Stream 0. No new streams beyond `lastStreamID`.
    case goAway(GoAwayPayload)
    /// Adds `increment` bytes of credit to a stream's window, or the connection's (stream 0).
    case windowUpdate(streamID: UInt32, increment: UInt32)

    public var type: FrameType {
        switch self {
        case .settings, .settingsAck: return .settings
        case .headers: return .headers
        case .message: return .message
        case .trailers: return .trailers
        case .cancel: return .cancel
        case .ping: return .ping
        case .pong: return .pong
        case .goAway: return .goAway
        case .windowUpdate: return .windowUpdate
        }
    }

    public var streamID: UInt32 {
        switch self {
        case .settings, .settingsAck, .ping, .pong, .goAway: return 0
        case .headers(let id, _, _), .message(let id, _, _, _), .trailers(let id, _),
            .cancel(let id, _), .windowUpdate(let id, _):
            return id
        }
    }
}

/// The limits one side announces in its SETTINGS frame; each is what that side accepts.
public struct ConnectionSettings: Sendable, Hashable {
    public static let defaultMaxFrameSize = 16_384
    public static let defaultMaxMessageSize = 4 * 1024 * 1024
    public static let defaultMaxConcurrentStreams = 100
    public static let defaultInitialWindowSize = 65_535
    public static let maxWindowSize = Int(Int32.max)
    public static let maxSchemaHashLength = 64

    /// Largest frame payload this side accepts: 16,384 ... 16,777,215.
    public var maxFrameSize: Int
    /// Largest whole message this side accepts: 0 ... 2^32-1.
    public var maxMessageSize: Int
    /// Streams the peer may have open towards this side at once: 0 ... 2^32-1.
    public var maxConcurrentStreams: Int
    /// Initial credit of every stream window and of the connection window: 0 ... 2^31-1.
    public var initialWindowSize: Int
    /// Hash of the schema this side was built from (0 ... 64 bytes; empty: unknown).
    public var schemaHash: [UInt8]

    public init(
        maxFrameSize: Int = Self.defaultMaxFrameSize,
        maxMessageSize: Int = Self.defaultMaxMessageSize,
        maxConcurrentStreams: Int = Self.defaultMaxConcurrentStreams,
        initialWindowSize: Int = Self.defaultInitialWindowSize,
        schemaHash: [UInt8] = []
    ) {
        self.maxFrameSize = maxFrameSize
        self.maxMessageSize = maxMessageSize
        self.maxConcurrentStreams = maxConcurrentStreams
        self.initialWindowSize = initialWindowSize
        self.schemaHash = schemaHash
    }

    /// Setting identifiers on the wire.
    public enum Identifier: UInt16, Sendable, CaseIterable {
        case maxFrameSize = 0x0001
        case maxMessageSize = 0x0002
        case maxConcurrentStreams = 0x0003
        case initialWindowSize = 0x0004
        case schemaHash = 0x0005
    }
}

/// HEADERS: the method, the relative deadline and the metadata of a call.
public struct HeadersPayload: Sendable, Hashable {
    /// `package.Service/Method`; empty in response headers.
    public var method: String
    /// Relative deadline in microseconds; 0 = none. Always 0 in response headers.
    public var deadlineMicroseconds: UInt64
    public var metadata: WireMetadata

    public init(method: String, deadlineMicroseconds: UInt64 = 0, metadata: WireMetadata = []) {
        self.method = method
        self.deadlineMicroseconds = deadlineMicroseconds
        self.metadata = metadata
    }
}

/// TRAILERS: how the call ended.
public struct TrailersPayload: Sendable, Hashable {
    public var code: WireStatusCode
    public var message: String
    /// Typed error details, opaque to the transport (a serialized protobuf message).
    public var details: [UInt8]
    public var metadata: WireMetadata

    public init(code: WireStatusCode, message: String = "", details: [UInt8] = [], metadata: WireMetadata = []) {
        self.code = code
        self.message = message
        self.details = details
        self.metadata = metadata
    }
}

/// GOAWAY: the sender accepts no stream with an id above `lastStreamID`.
public struct GoAwayPayload: Sendable, Hashable {
    public var lastStreamID: UInt32
    public var code: GoAwayCode
    public var reason: String

    public init(lastStreamID: UInt32, code: GoAwayCode, reason: String = "") {
        self.lastStreamID = lastStreamID
        self.code = code
        self.reason = reason
    }
}

/// Connection error codes carried by GOAWAY. Unknown values are kept as they are.
public struct GoAwayCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let noError = GoAwayCode(rawValue: 0)
    public static let protocolError = GoAwayCode(rawValue: 1)
    public static let internalError = GoAwayCode(rawValue: 2)
    public static let enhanceYourCalm = GoAwayCode(rawValue: 3)
    public static let settingsTimeout = GoAwayCode(rawValue: 4)
    public static let idleTimeout = GoAwayCode(rawValue: 5)

    public var description: String {
        switch self.rawValue {
        case 0: return "NO_ERROR"
        case 1: return "PROTOCOL_ERROR"
        case 2: return "INTERNAL_ERROR"
        case 3: return "ENHANCE_YOUR_CALM"
        case 4: return "SETTINGS_TIMEOUT"
        case 5: return "IDLE_TIMEOUT"
        default: return "GOAWAY_CODE_\(self.rawValue)"
        }
    }
}

/// A call's status code as carried on the wire (gRPC's 17 codes). Values above 16 are
/// kept as received; the RPC layer reads them as UNKNOWN.
public struct WireStatusCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ok = WireStatusCode(rawValue: 0)
    public static let cancelled = WireStatusCode(rawValue: 1)
    public static let unknown = WireStatusCode(rawValue: 2)
    public static let invalidArgument = WireStatusCode(rawValue: 3)
    public static let deadlineExceeded = WireStatusCode(rawValue: 4)
    public static let notFound = WireStatusCode(rawValue: 5)
    public static let alreadyExists = WireStatusCode(rawValue: 6)
    public static let permissionDenied = WireStatusCode(rawValue: 7)
    public static let resourceExhausted = WireStatusCode(rawValue: 8)
    public static let failedPrecondition = WireStatusCode(rawValue: 9)
    public static let aborted = WireStatusCode(rawValue: 10)
    public static let outOfRange = WireStatusCode(rawValue: 11)
    public static let unimplemented = WireStatusCode(rawValue: 12)
    public static let internalError = WireStatusCode(rawValue: 13)
    public static let unavailable = WireStatusCode(rawValue: 14)
    public static let dataLoss = WireStatusCode(rawValue: 15)
    public static let unauthenticated = WireStatusCode(rawValue: 16)

    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
        "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
        "UNAUTHENTICATED",
    ]

    public var description: String {
        self.rawValue < 17 ? Self.names[Int(self.rawValue)] : "UNKNOWN(\(self.rawValue))"
    }
}

/// Ordered metadata entries with string keys and string or binary values.
public struct WireMetadata: Sendable, Hashable, ExpressibleByArrayLiteral, Sequence {
    public enum Value: Sendable, Hashable {
        case string(String)
        case binary([UInt8])
    }

    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: Value
        public init(key: String, value: Value) {
            self.key = key
            self.value = value
        }
    }

    /// At most this many entries in one HEADERS or TRAILERS frame.
    public static let maxEntries = 256
    /// Keys are 1 ... 255 bytes long.
    public static let maxKeyLength = 255

    public var entries: [Entry]

    public init(_ entries: [Entry] = []) { self.entries = entries }
    public init(arrayLiteral elements: (String, Value)...) {
        self.entries = elements.map { Entry(key: $0.0, value: $0.1) }
    }

    public func makeIterator() -> IndexingIterator<[Entry]> { self.entries.makeIterator() }

    /// Keys use lowercase ASCII letters, digits, `-`, `_` and `.` only.
    public static func isValidKey<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        guard !bytes.isEmpty, bytes.count <= Self.maxKeyLength else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F || b == 0x2E
        }
    }
}

/// Why bytes could not be read as a frame. Every case closes the connection with
/// GOAWAY(PROTOCOL_ERROR).
public enum FrameError: Error, Sendable, Hashable {
    /// The first two header bytes are not 0x4D 0x50.
    case badMagic(UInt16)
    /// The version byte is not 1.
    case unsupportedVersion(UInt8)
    /// The frame type byte is not one of the nine types.
    case unknownFrameType(UInt8)
    /// The payload length is over the receiver's max frame size.
    case frameTooLarge(length: Int, max: Int)
    /// The reserved top bit of the stream id is set.
    case reservedBitSet(UInt32)
    /// A connection frame with a non-zero stream id, or a stream frame with stream id 0.
    case invalidStreamID(FrameType, UInt32)
    /// The payload ends before its last field does.
    case truncatedPayload(FrameType)
    /// The payload is complete but its contents are not valid.
    case malformedPayload(FrameType, String)
}
