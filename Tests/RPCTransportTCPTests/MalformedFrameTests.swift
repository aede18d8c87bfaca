import NIOCore
import Testing

@testable import RPCTransportTCP

/// What reading some bytes leads to, at the codec or at the state machine.
enum Outcome: Equatable, Sendable {
    /// The decoder waits for more bytes (not an error).
    case needMoreData
    case badMagic
    case badVersion
    case tooLarge
    case unknownType
    case reservedBit
    case badStreamID
    case truncated(FrameType)
    case malformed(FrameType)
    /// The state machine answers GOAWAY(code) and closes the connection.
    case goAway(GoAwayCode)

    init(_ error: FrameError) {
        switch error {
        case .badMagic: self = .badMagic
        case .unsupportedVersion: self = .badVersion
        case .frameTooLarge: self = .tooLarge
        case .unknownFrameType: self = .unknownType
        case .reservedBitSet: self = .reservedBit
        case .invalidStreamID: self = .badStreamID
        case .truncatedPayload(let type): self = .truncated(type)
        case .malformedPayload(let type, _): self = .malformed(type)
        }
    }
}

/// A frame header followed by a payload; `length` defaults to the payload's.
func rawFrame(
    magic: [UInt8] = [0x4D, 0x50], version: UInt8 = 1, type: UInt8, flags: UInt8 = 0,
    length: Int? = nil, streamID: UInt32, payload: [UInt8] = []
) -> [UInt8] {
    let n = length ?? payload.count
    return magic + [version, type, flags, UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        + [UInt8(streamID >> 24), UInt8(streamID >> 16 & 0xFF), UInt8(streamID >> 8 & 0xFF), UInt8(streamID & 0xFF)]
        + payload
}

/// HEADERS payload: method "m", no deadline, then the given metadata bytes.
func headersPayload(metadata: [UInt8]) -> [UInt8] { [0x01, 0x6D, 0x00] + metadata }

@Suite struct MalformedFrameTests {
    static let codecCases: [(String, [UInt8], Outcome)] = [
        ("bad magic (an HTTP request)", Array("GET / HTTP/1.1\r\n".utf8), .badMagic),
        (
            "bad version", rawFrame(version: 2, type: 6, streamID: 0, payload: [UInt8](repeating: 0, count: 8)),
            .badVersion
        ),
        // Only the 12 header bytes: rejected before any payload arrives.
        ("length over the max frame size", rawFrame(type: 3, length: 16_385, streamID: 1), .tooLarge),
        ("length at the 24-bit maximum", rawFrame(type: 3, length: 0xFF_FFFF, streamID: 1), .tooLarge),
        ("truncated header waits", Array(Vectors.ping.prefix(11)), .needMoreData),
        ("truncated payload waits", Array(Vectors.ping.prefix(15)), .needMoreData),
        ("unknown frame type", rawFrame(type: 0x0A, streamID: 0), .unknownType),
        ("frame type zero", rawFrame(type: 0x00, streamID: 0), .unknownType),
        ("reserved stream id bit", rawFrame(type: 5, streamID: 0x8000_0001, payload: [0, 0, 0, 1]), .reservedBit),
        ("HEADERS on stream 0", rawFrame(type: 2, streamID: 0, payload: headersPayload(metadata: [0])), .badStreamID),
        ("PING on stream 1", rawFrame(type: 6, streamID: 1, payload: [UInt8](repeating: 0, count: 8)), .badStreamID),
        (
            "HEADERS metadata key with capitals",
            rawFrame(type: 2, streamID: 1, payload: headersPayload(metadata: [1, 1, 0x41, 0, 0])), .malformed(.headers)
        ),
        (
            "HEADERS metadata empty key",
            rawFrame(type: 2, streamID: 1, payload: headersPayload(metadata: [1, 0, 0, 0])), .malformed(.headers)
        ),
        (
            "HEADERS metadata value kind 7",
            rawFrame(type: 2, streamID: 1, payload: headersPayload(metadata: [1, 1, 0x61, 7, 0])), .malformed(.headers)
        ),
        (
            "HEADERS metadata string not UTF-8",
            rawFrame(type: 2, streamID: 1, payload: headersPayload(metadata: [1, 1, 0x61, 0, 2, 0xC3, 0x28])),
            .malformed(.headers)
        ),
        (
            "HEADERS metadata count past the payload",
            rawFrame(type: 2, streamID: 1, payload: headersPayload(metadata: [2, 1, 0x61, 0, 0])), .truncated(.headers)
        ),
        (
            "HEADERS metadata count over 256",
            rawFrame(type: 2, streamID: 1, payload: headersPayload(metadata: [0x81, 0x02])), .malformed(.headers)
        ),
        (
            "HEADERS value length past the payload",
            rawFrame(type: 2, streamID: 1, payload: headersPayload(metadata: [1, 1, 0x61, 1, 9, 0])),
            .truncated(.headers)
        ),
        (
            "HEADERS trailing garbage",
            rawFrame(type: 2, streamID: 1, payload: headersPayload(metadata: [0, 0xFF])), .malformed(.headers)
        ),
        (
            "HEADERS deadline varint over 10 bytes",
            rawFrame(type: 2, streamID: 1, payload: [0x00] + [UInt8](repeating: 0xFF, count: 11)), .malformed(.headers)
        ),
        ("HEADERS empty payload", rawFrame(type: 2, streamID: 1), .truncated(.headers)),
        ("TRAILERS without its status", rawFrame(type: 4, streamID: 1, payload: [0, 0]), .truncated(.trailers)),
        ("CANCEL with 3 bytes", rawFrame(type: 5, streamID: 1, payload: [0, 0, 1]), .truncated(.cancel)),
        ("CANCEL with 5 bytes", rawFrame(type: 5, streamID: 1, payload: [0, 0, 0, 1, 0]), .malformed(.cancel)),
        ("PING with 7 bytes", rawFrame(type: 6, streamID: 0, payload: [1, 2, 3, 4, 5, 6, 7]), .truncated(.ping)),
        ("WINDOW_UPDATE of 0", rawFrame(type: 9, streamID: 1, payload: [0, 0, 0, 0]), .malformed(.windowUpdate)),
        (
            "WINDOW_UPDATE over 2^31-1", rawFrame(type: 9, streamID: 0, payload: [0x80, 0, 0, 0]),
            .malformed(.windowUpdate)
        ),
        ("SETTINGS ACK with a payload", rawFrame(type: 1, flags: 1, streamID: 0, payload: [0]), .malformed(.settings)),
        (
            "SETTINGS max frame size under 16384",
            rawFrame(type: 1, streamID: 0, payload: [0, 1, 0, 4, 0, 0, 0x10, 0]), .malformed(.settings)
        ),
        (
            "SETTINGS numeric value of 2 bytes", rawFrame(type: 1, streamID: 0, payload: [0, 2, 0, 2, 0x10, 0]),
            .malformed(.settings)
        ),
        (
            "SETTINGS repeated id",
            rawFrame(type: 1, streamID: 0, payload: [0, 3, 0, 4, 0, 0, 0, 1, 0, 3, 0, 4, 0, 0, 0, 1]),
            .malformed(.settings)
        ),
        ("SETTINGS entry cut short", rawFrame(type: 1, streamID: 0, payload: [0, 3, 0]), .truncated(.settings)),
        (
            "MESSAGE with MORE and END_STREAM", rawFrame(type: 3, flags: 3, streamID: 1, payload: [1]),
            .malformed(.message)
        ),
        (
            "GOAWAY reason not UTF-8", rawFrame(type: 8, streamID: 0, payload: [0, 0, 0, 1, 0, 0, 0, 0, 0xFF]),
            .malformed(.goAway)
        ),
    ]

    @Test(arguments: Self.codecCases)
    func codecRejects(name: String, bytes: [UInt8], expected: Outcome) {
        var decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: bytes)
        do throws(FrameError) {
            let frame = try decoder.decodeFrame(buffer: &buffer)
            #expect(frame == nil, "\(name)")
            #expect(expected == .needMoreData, "\(name)")
            #expect(buffer.readerIndex == 0, "nothing consumed while waiting")
        } catch {
            #expect(Outcome(error) == expected, "\(name): \(error)")
        }
    }

    /// Frames that decode but break the connection's rules; fed to a server that has
    /// done the handshake and has stream 1 open.
    static let stateCases: [(String, [Frame], Outcome)] = [
        ("MESSAGE on an unopened stream", [.message(streamID: 3, ByteBuffer(bytes: [1]))], .goAway(.protocolError)),
        (
            "stream id reuse",
            [.headers(streamID: 1, HeadersPayload(method: Fixtures.method), endStream: true)], .goAway(.protocolError)
        ),
        (
            "stream id going backwards",
            [
                .headers(streamID: 5, HeadersPayload(method: Fixtures.method), endStream: true),
                .headers(streamID: 3, HeadersPayload(method: Fixtures.method), endStream: true),
            ], .goAway(.protocolError)
        ),
        (
            "even stream id from a client",
            [.headers(streamID: 2, HeadersPayload(method: Fixtures.method), endStream: true)], .goAway(.protocolError)
        ),
        ("stream window overflow", [.windowUpdate(streamID: 1, increment: 0x7FFF_FFFF)], .goAway(.protocolError)),
        ("connection window overflow", [.windowUpdate(streamID: 0, increment: 0x7FFF_FFFF)], .goAway(.protocolError)),
        ("WINDOW_UPDATE on an idle stream", [.windowUpdate(streamID: 9, increment: 1)], .goAway(.protocolError)),
        ("CANCEL on an idle stream", [.cancel(streamID: 9, code: .cancelled)], .goAway(.protocolError)),
        (
            "MESSAGE over the stream window",
            [.message(streamID: 1, ByteBuffer(repeating: 0, count: 65_536), more: true)], .goAway(.protocolError)
        ),
        ("TRAILERS from a client", [.trailers(streamID: 1, TrailersPayload(code: .ok))], .goAway(.protocolError)),
        ("second SETTINGS", [.settings(ConnectionSettings())], .goAway(.protocolError)),
        ("second SETTINGS ACK", [.settingsAck, .settingsAck], .goAway(.protocolError)),
        (
            "MESSAGE after END_STREAM",
            [.message(streamID: 1, ByteBuffer(), endStream: true), .message(streamID: 1, ByteBuffer(bytes: [1]))],
            .goAway(.protocolError)
        ),
    ]

    @Test(arguments: Self.stateCases)
    func stateMachineRejects(name: String, frames: [Frame], expected: Outcome) {
        var server = ConnectionStateMachine(role: .server)
        _ = server.start()
        _ = server.receive(.settings(ConnectionSettings()))
        _ = server.receive(.headers(streamID: 1, HeadersPayload(method: Fixtures.method), endStream: false))
        var actions: [ConnectionStateMachine.Action] = []
        for frame in frames { actions = server.receive(frame) }
        guard case .goAway(let code) = expected else { return }
        #expect(
            actions.contains { action in
                if case .send(let frames) = action, case .goAway(let goAway) = frames.first {
                    return goAway.code == code
                }
                return false
            }, "\(name): \(actions)")
        #expect(
            actions.last.map { if case .closeConnection(.connectionError(code, _)) = $0 { true } else { false } }
                == true)
        // Stream 1 is failed rather than left waiting.
        #expect(actions.contains(where: { if case .streamFailed(streamID: 1, _, _) = $0 { true } else { false } }))
        #expect(server.isClosed)
    }

    @Test func firstFrameMustBeSettings() {
        var server = ConnectionStateMachine(role: .server)
        _ = server.start()
        let actions = server.receive(.ping(1))
        #expect(
            actions.first
                == .send([
                    .goAway(
                        GoAwayPayload(
                            lastStreamID: 0, code: .protocolError,
                            reason: "first frame must be SETTINGS, got ping"))
                ]))
    }

    @Test func frameErrorBecomesGoAwayProtocolError() {
        var server = ConnectionStateMachine(role: .server)
        _ = server.start()
        let actions = server.frameError(.badMagic(0x4745))
        guard case .send(let frames) = actions.first, case .goAway(let goAway) = frames.first else {
            Issue.record("no GOAWAY: \(actions)")
            return
        }
        #expect(goAway.code == .protocolError)
        #expect(goAway.lastStreamID == 0)
    }
}
