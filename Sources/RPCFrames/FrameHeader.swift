import NIOCore

/// The kind of a frame: the byte at offset 3 of every frame header.
public enum FrameType: UInt8, Sendable, Hashable, CaseIterable {
    case settings = 0x01
    case headers = 0x02
    case message = 0x03
    case trailers = 0x04
    case cancel = 0x05
    case ping = 0x06
    case pong = 0x07
    case goAway = 0x08
    case windowUpdate = 0x09

    /// Whether frames of this type belong to a stream (non-zero stream id) or to the
    /// connection (stream id 0). `WINDOW_UPDATE` may use either.
    var streamIDRule: StreamIDRule {
        switch self {
        case .settings, .ping, .pong, .goAway: return .zero
        case .headers, .message, .trailers, .cancel: return .nonZero
        case .windowUpdate: return .any
        }
    }

    enum StreamIDRule { case zero, nonZero, any }
}

/// Flag bits, the byte at offset 4. Meanings depend on the frame type.
public struct FrameFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// HEADERS, MESSAGE (client to server): the sender will send nothing more on this stream.
    public static let endStream = FrameFlags(rawValue: 0x01)
    /// SETTINGS: acknowledges the peer's SETTINGS. PONG: always set.
    public static let ack = FrameFlags(rawValue: 0x01)
    /// MESSAGE: further MESSAGE frames continue the same message.
    public static let more = FrameFlags(rawValue: 0x02)
}

/// The fixed 12-byte header in front of every frame.
///
/// ```
/// offset  size  field
///      0     2  magic         0x4D 0x50 ("MP")
///      2     1  version       0x01
///      3     1  frame type
///      4     1  flags
///      5     3  payload length, unsigned 24-bit big-endian
///      8     4  stream id, unsigned 32-bit big-endian, top bit reserved (0)
/// ```
public struct FrameHeader: Sendable, Hashable {
    public static let size = 12
    public static let magic: UInt16 = 0x4D50
    public static let version: UInt8 = 1
    /// The largest payload length the 24-bit field can carry.
    public static let maxPayloadLength = (1 << 24) - 1
    /// The largest stream id (31 bits).
    public static let maxStreamID: UInt32 = 0x7FFF_FFFF

    public var type: FrameType
    public var flags: FrameFlags
    public var payloadLength: Int
    public var streamID: UInt32

    public init(type: FrameType, flags: FrameFlags, payloadLength: Int, streamID: UInt32) {
        self.type = type
        self.flags = flags
        self.payloadLength = payloadLength
        self.streamID = streamID
    }

    /// Reads and validates a header without consuming anything.
    ///
    /// Returns `nil` when fewer than ``size`` bytes are readable. Throws as soon as the
    /// header alone shows the frame is unacceptable, before any payload byte is read.
    static func peek(in buffer: ByteBuffer, maxPayloadLength: Int) throws(FrameError) -> FrameHeader? {
        guard buffer.readableBytes >= Self.size else { return nil }
        let start = buffer.readerIndex
        let magic = buffer.getInteger(at: start, as: UInt16.self)!
        guard magic == Self.magic else { throw .badMagic(magic) }
        let version = buffer.getInteger(at: start + 2, as: UInt8.self)!
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let rawType = buffer.getInteger(at: start + 3, as: UInt8.self)!
        guard let type = FrameType(rawValue: rawType) else { throw .unknownFrameType(rawType) }
        let flags = FrameFlags(rawValue: buffer.getInteger(at: start + 4, as: UInt8.self)!)
        let lengthHigh = Int(buffer.getInteger(at: start + 5, as: UInt8.self)!)
        let lengthLow = Int(buffer.getInteger(at: start + 6, as: UInt16.self)!)
        let length = lengthHigh << 16 | lengthLow
        guard length <= maxPayloadLength else {
            throw .frameTooLarge(length: length, max: maxPayloadLength)
        }
        let rawStreamID = buffer.getInteger(at: start + 8, as: UInt32.self)!
        guard rawStreamID & 0x8000_0000 == 0 else { throw .reservedBitSet(rawStreamID) }
        switch type.streamIDRule {
        case .zero where rawStreamID != 0, .nonZero where rawStreamID == 0:
            throw .invalidStreamID(type, rawStreamID)
        default:
            break
        }
        return FrameHeader(type: type, flags: flags, payloadLength: length, streamID: rawStreamID)
    }

    /// Writes the header over the 12 bytes at `index` of `buffer` (two integer stores).
    func set(at index: Int, in buffer: inout ByteBuffer) {
        precondition(self.payloadLength <= Self.maxPayloadLength, "payload too large for one frame")
        let first =
            UInt64(Self.magic) << 48 | UInt64(Self.version) << 40 | UInt64(self.type.rawValue) << 32
            | UInt64(self.flags.rawValue) << 24 | UInt64(self.payloadLength)
        buffer.setInteger(first, at: index)
        buffer.setInteger(self.streamID, at: index + 8)
    }
}
