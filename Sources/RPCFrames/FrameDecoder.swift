import NIOCore

/// Reads frames off a byte stream.
///
/// The 12-byte header is validated first (magic, version, frame type, stream id rules,
/// payload length against `maxFrameSize`), so an unacceptable frame is rejected before
/// any of its payload is waited for or read. The payload is then parsed strictly.
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = Frame

    /// The largest payload accepted: the max frame size this side announced in SETTINGS.
    public var maxFrameSize: Int

    public init(maxFrameSize: Int = ConnectionSettings.defaultMaxFrameSize) {
        precondition(maxFrameSize >= 0 && maxFrameSize <= FrameHeader.maxPayloadLength)
        self.maxFrameSize = maxFrameSize
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> Frame? {
        try self.decodeFrame(buffer: &buffer)
    }

    /// The typed-throwing form of ``decode(buffer:)``.
    public mutating func decodeFrame(buffer: inout ByteBuffer) throws(FrameError) -> Frame? {
        guard let header = try FrameHeader.peek(in: buffer, maxPayloadLength: self.maxFrameSize) else {
            return nil
        }
        guard buffer.readableBytes >= FrameHeader.size + header.payloadLength else { return nil }
        buffer.moveReaderIndex(forwardBy: FrameHeader.size)
        let payload = buffer.readSlice(length: header.payloadLength)!
        return try FrameCodec.parsePayload(header: header, payload: payload)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Frame? {
        // A partial frame at EOF is left for ByteToMessageHandler to report as leftover data.
        try self.decode(buffer: &buffer)
    }
}

/// Writes frames as bytes.
public struct FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = Frame

    public init() {}

    public func encode(data: Frame, out: inout ByteBuffer) throws {
        try FrameCodec.encode(data, into: &out)
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds the frame decoder and encoder: inbound `ByteBuffer` becomes `Frame`, outbound
    /// `Frame` becomes `ByteBuffer`. A `FrameError` reaches the next handler's
    /// `errorCaught`, which answers it with GOAWAY(PROTOCOL_ERROR) and closes.
    public func addFrameCodecHandlers(maxFrameSize: Int = ConnectionSettings.defaultMaxFrameSize) throws {
        try self.addFrameDecoder(maxFrameSize: maxFrameSize)
        try self.addHandler(MessageToByteHandler(FrameEncoder()))
    }

    /// Adds the frame decoder alone, for a handler that encodes the frames it writes
    /// itself (several frames into one buffer, with ``FrameCodec/encode(_:into:)``).
    public func addFrameDecoder(maxFrameSize: Int = ConnectionSettings.defaultMaxFrameSize) throws {
        try self.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: maxFrameSize)))
    }
}
