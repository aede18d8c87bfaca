import NIOCore
import NIOEmbedded
import Testing

@testable import RPCTransportTCP

@Suite struct FrameHandlerTests {
    func makeChannel(maxFrameSize: Int = ConnectionSettings.defaultMaxFrameSize) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addFrameCodecHandlers(maxFrameSize: maxFrameSize)
        return channel
    }

    @Test func decodesTheUnaryCallFromOneBuffer() throws {
        let channel = try self.makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: Fixtures.unaryCall.flatMap { $0.2 }))
        for (_, expected, _) in Fixtures.unaryCall {
            #expect(try channel.readInbound(as: Frame.self) == expected)
        }
        #expect(try channel.readInbound(as: Frame.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test func waitsForTheRestOfAFrame() throws {
        let channel = try self.makeChannel()
        let bytes = Vectors.requestHeaders
        for split in [5, 12, 40, bytes.count - 1] {
            try channel.writeInbound(ByteBuffer(bytes: bytes[..<split]))
            #expect(try channel.readInbound(as: Frame.self) == nil)
            try channel.writeInbound(ByteBuffer(bytes: bytes[split...]))
            #expect(try channel.readInbound(as: Frame.self) == Fixtures.unaryCall[4].1)
        }
        #expect(try channel.finish().isClean)
    }

    @Test func encodesOutboundFrames() throws {
        let channel = try self.makeChannel()
        for (_, frame, bytes) in Fixtures.unaryCall {
            try channel.writeOutbound(frame)
            let written = try channel.readOutbound(as: ByteBuffer.self)
            #expect(written.map { Array($0.readableBytesView) } == bytes)
        }
        #expect(try channel.finish().isClean)
    }

    @Test func rejectsBadMagicAtOnce() throws {
        let channel = try self.makeChannel()
        #expect(throws: FrameError.badMagic(0x4745)) {
            try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n"))
        }
        _ = try? channel.finish()
    }

    @Test func rejectsAnOversizedFrameFromItsHeader() throws {
        let channel = try self.makeChannel()
        // Header only: a 1 MiB MESSAGE. The error comes before any payload byte is sent.
        let header = rawFrame(type: 3, length: 1 << 20, streamID: 1)
        #expect(throws: FrameError.frameTooLarge(length: 1 << 20, max: 16_384)) {
            try channel.writeInbound(ByteBuffer(bytes: header))
        }
        _ = try? channel.finish()
    }

    @Test func acceptsLargerFramesWhenAnnounced() throws {
        let channel = try self.makeChannel(maxFrameSize: 1 << 20)
        let payload = ByteBuffer(repeating: 7, count: 100_000)
        try channel.writeInbound(FrameCodec.encode(.message(streamID: 1, payload)))
        #expect(try channel.readInbound(as: Frame.self) == .message(streamID: 1, payload))
        #expect(try channel.finish().isClean)
    }

    @Test func rejectsGarbageMetadata() throws {
        let channel = try self.makeChannel()
        let bytes = rawFrame(type: 2, streamID: 1, payload: headersPayload(metadata: [1, 1, 0x61, 9, 0]))
        #expect(throws: FrameError.malformedPayload(.headers, "unknown metadata value kind 9")) {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        }
        _ = try? channel.finish()
    }

    @Test func partialFrameAtCloseProducesNothing() throws {
        let channel = try self.makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: Vectors.ping.prefix(15)))
        _ = try? channel.finish()
        #expect(try channel.readInbound(as: Frame.self) == nil)
    }
}
