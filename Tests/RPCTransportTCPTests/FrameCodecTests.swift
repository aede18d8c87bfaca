import NIOCore
import Testing

@testable import RPCTransportTCP

/// The frames the byte vectors in `Vectors` encode.
enum Fixtures {
    static let schemaHash: [UInt8] = [0x5C, 0x0E, 0x7D, 0x1A, 0x9B, 0x3F, 0x28, 0x46]
    static let settings = ConnectionSettings(schemaHash: schemaHash)
    static let method = "protection.v1.IntegrityService/FileComplaint"
    static let requestHeaders = HeadersPayload(
        method: method, deadlineMicroseconds: 5_000_000,
        metadata: [("authorization", .string("Bearer t0k")), ("trace-bin", .binary([1, 2, 3, 4]))])
    static let request = ByteBuffer(bytes: [0x0A, 0x06, 0x6F, 0x72, 0x64, 0x2D, 0x34, 0x32])
    static let response = ByteBuffer(bytes: [0x08, 0x01, 0x12, 0x04, 0x63, 0x2D, 0x31, 0x37])
    static let okTrailers = TrailersPayload(code: .ok, metadata: [("x-case-id", .string("c-17"))])

    /// The worked example of PROTOCOL.md: (who sends it, frame, bytes).
    static let unaryCall: [(String, Frame, [UInt8])] = [
        ("client", .settings(settings), Vectors.clientSettings),
        ("server", .settings(settings), Vectors.serverSettings),
        ("client", .settingsAck, Vectors.settingsAck),
        ("server", .settingsAck, Vectors.settingsAck),
        ("client", .headers(streamID: 1, requestHeaders, endStream: false), Vectors.requestHeaders),
        ("client", .message(streamID: 1, request, endStream: true), Vectors.requestMessage),
        ("server", .headers(streamID: 1, HeadersPayload(method: ""), endStream: false), Vectors.responseHeaders),
        ("server", .message(streamID: 1, response), Vectors.responseMessage),
        ("server", .trailers(streamID: 1, okTrailers), Vectors.trailers),
    ]

    /// One vector per frame type (and per flag combination worth pinning).
    static let allVectors: [(Frame, [UInt8])] =
        unaryCall.map { ($0.1, $0.2) } + [
            (.cancel(streamID: 3, code: .cancelled), Vectors.cancel),
            (.ping(0x0102_0304_0506_0708), Vectors.ping),
            (.pong(0x0102_0304_0506_0708), Vectors.pong),
            (.goAway(GoAwayPayload(lastStreamID: 5, code: .noError, reason: "restart")), Vectors.goAway),
            (.windowUpdate(streamID: 1, increment: 32_768), Vectors.windowUpdate),
            (.windowUpdate(streamID: 0, increment: 65_535), Vectors.windowUpdateConn),
            (.message(streamID: 3, ByteBuffer(bytes: [0xAA, 0xBB]), more: true), Vectors.messageMore),
            (
                .trailers(
                    streamID: 3,
                    TrailersPayload(code: .unimplemented, message: "unknown method", details: [0x0A, 0x01, 0x78])),
                Vectors.errorTrailers
            ),
        ]
}

@Suite struct FrameCodecTests {
    @Test(arguments: Fixtures.allVectors.indices)
    func encodesToVector(index: Int) throws {
        let (frame, bytes) = Fixtures.allVectors[index]
        #expect(Array(try FrameCodec.encode(frame).readableBytesView) == bytes)
    }

    @Test(arguments: Fixtures.allVectors.indices)
    func payloadLengthIsTheEncodedPayloadsLength(index: Int) {
        let (frame, bytes) = Fixtures.allVectors[index]
        #expect(FrameCodec.payloadLength(of: frame) == bytes.count - FrameHeader.size)
    }

    /// Lengths at every varint boundary, in each field that has one.
    @Test(arguments: [0, 1, 127, 128, 16_383, 16_384])
    func payloadLengthIsCountedExactly(size: Int) throws {
        let text = String(repeating: "a", count: size)
        let bytes = [UInt8](repeating: 7, count: size)
        let metadata: WireMetadata = [("k", .string(text)), ("k-bin", .binary(bytes))]
        let frames: [Frame] = [
            .headers(streamID: 1, HeadersPayload(method: text, deadlineMicroseconds: UInt64(size) << 20, metadata: metadata), endStream: false),
            .trailers(streamID: 1, TrailersPayload(code: .internalError, message: text, details: bytes, metadata: metadata)),
            .goAway(GoAwayPayload(lastStreamID: 1, code: .noError, reason: text)),
            .settings(ConnectionSettings(schemaHash: Array(bytes.prefix(64)))),
        ]
        for frame in frames {
            var buffer = ByteBuffer()
            try FrameCodec.encode(frame, into: &buffer)
            #expect(FrameCodec.payloadLength(of: frame) == buffer.readableBytes - FrameHeader.size, "\(frame.type) \(size)")
        }
    }

    @Test func framesEncodedBackToBackDecodeApart() throws {
        var buffer = ByteBuffer()
        for (frame, _) in Fixtures.allVectors { try FrameCodec.encode(frame, into: &buffer) }
        #expect(Array(buffer.readableBytesView) == Fixtures.allVectors.flatMap(\.1))
    }

    @Test(arguments: Fixtures.allVectors.indices)
    func decodesFromVector(index: Int) throws {
        let (frame, bytes) = Fixtures.allVectors[index]
        var decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: bytes)
        #expect(try decoder.decodeFrame(buffer: &buffer) == frame)
        #expect(buffer.readableBytes == 0)
    }

    @Test func everyFrameTypeHasAVector() {
        let types = Set(Fixtures.allVectors.map { $0.0.type })
        #expect(types == Set(FrameType.allCases))
    }

    @Test func headerLayout() throws {
        let bytes = Vectors.requestMessage
        #expect(bytes[0...1] == [0x4D, 0x50])  // magic "MP"
        #expect(bytes[2] == FrameHeader.version)
        #expect(bytes[3] == FrameType.message.rawValue)
        #expect(bytes[4] == FrameFlags.endStream.rawValue)
        #expect(bytes[5...7] == [0x00, 0x00, 0x08])  // 24-bit length
        #expect(bytes[8...11] == [0x00, 0x00, 0x00, 0x01])  // stream id
        #expect(bytes.count == FrameHeader.size + 8)
    }

    @Test func decodesBackToBackFramesOneByteAtATime() throws {
        let stream = Fixtures.unaryCall.flatMap { $0.2 }
        var decoder = FrameDecoder()
        var buffer = ByteBuffer()
        var frames: [Frame] = []
        for byte in stream {
            buffer.writeInteger(byte)
            while let frame = try decoder.decodeFrame(buffer: &buffer) { frames.append(frame) }
        }
        #expect(frames == Fixtures.unaryCall.map { $0.1 })
    }

    @Test func largeSettingsAndMetadataRoundTrip() throws {
        let settings = ConnectionSettings(
            maxFrameSize: FrameHeader.maxPayloadLength, maxMessageSize: 1 << 30, maxConcurrentStreams: 0,
            initialWindowSize: ConnectionSettings.maxWindowSize, schemaHash: Array(repeating: 0xAB, count: 32))
        let headers = HeadersPayload(
            method: "protection.v1.DisputeService/OpenDispute", deadlineMicroseconds: UInt64.max,
            metadata: WireMetadata(
                (0..<200).map { .init(key: "k\($0)", value: .string(String(repeating: "é", count: $0))) }))
        for frame in [Frame.settings(settings), .headers(streamID: 0x7FFF_FFFF, headers, endStream: true)] {
            var buffer = try FrameCodec.encode(frame)
            var decoder = FrameDecoder(maxFrameSize: FrameHeader.maxPayloadLength)
            #expect(try decoder.decodeFrame(buffer: &buffer) == frame)
        }
    }

    @Test func encoderRefusesAPayloadOverTheLengthField() throws {
        var buffer = ByteBuffer(bytes: [0xEE])
        let huge = Frame.message(streamID: 1, ByteBuffer(repeating: 0, count: FrameHeader.maxPayloadLength + 1))
        #expect(
            throws: FrameError.frameTooLarge(
                length: FrameHeader.maxPayloadLength + 1, max: FrameHeader.maxPayloadLength)
        ) {
            try FrameCodec.encode(huge, into: &buffer)
        }
        #expect(Array(buffer.readableBytesView) == [0xEE], "buffer left as it was")
    }

    @Test func unknownSettingIsIgnored() throws {
        // SETTINGS with only an unknown id 0x00FF (2 bytes of value).
        var buffer = ByteBuffer(bytes: [
            0x4D, 0x50, 0x01, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
            0x00, 0xFF, 0x00, 0x02, 0x12, 0x34,
        ])
        var decoder = FrameDecoder()
        #expect(try decoder.decodeFrame(buffer: &buffer) == .settings(ConnectionSettings()))
    }
}
