import NIOCore
import NIOPosix
import RPCCore
import RPCTransportTCP
import Testing

/// The malformed-frame table over real sockets: each case goes to a running server
/// on a connection of its own; the server answers GOAWAY(PROTOCOL_ERROR) and closes
/// that connection only, and a well-behaved client carries on.
@Suite struct MalformedFrameSocketTests {
    static let handshake = (try? encodeFrames([.settings(ConnectionSettings()), .settingsAck])) ?? []

    static func frames(_ frames: [Frame]) -> [UInt8] { (try? encodeFrames(frames)) ?? [] }

    static let cases: [(String, [UInt8])] = [
        ("bad magic", Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("bad version", handshake + rawFrame(version: 2, type: 6, streamID: 0, payload: [UInt8](repeating: 0, count: 8))),
        ("length over the limit (header only)", handshake + rawFrame(type: 3, length: 16_385, streamID: 1)),
        ("unknown frame type", handshake + rawFrame(type: 0x0A, streamID: 0)),
        ("MESSAGE on an unopened stream", handshake + frames([.message(streamID: 3, ByteBuffer(bytes: [1]))])),
        (
            "stream id reuse",
            handshake
                + frames([
                    .headers(streamID: 1, HeadersPayload(method: "test.v1.TcpToy/Missing"), endStream: true),
                    .headers(streamID: 1, HeadersPayload(method: "test.v1.TcpToy/Missing"), endStream: true),
                ])
        ),
        ("connection window overflow", handshake + frames([.windowUpdate(streamID: 0, increment: 0x7FFF_FFFF)])),
        (
            "HEADERS with garbage metadata",
            handshake + rawFrame(type: 2, streamID: 1, payload: headersPayload(metadata: [1, 1, 0x41, 0, 0]))
        ),
        ("a first frame other than SETTINGS", frames([.ping(7)])),
    ]

    @Test(arguments: Self.cases)
    func malformedFrameGetsGoAwayProtocolErrorAndOnlyThatConnectionCloses(name: String, bytes: [UInt8]) async throws {
        try await withTCPToyServer { client, _, port in
            let received = try await rawExchange(port: port, sending: bytes)
            guard case .goAway(let goAway)? = received.last else {
                Issue.record("\(name): no GOAWAY last in \(received)")
                return
            }
            #expect(goAway.code == .protocolError, "\(name): \(goAway)")
            // rawExchange returned: the server closed the connection. Others carry on.
            let echoed = try await client.unary(
                request: name, descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode)
            #expect(echoed.message == name)
        }
    }

    @Test func aTruncatedHeaderIsWaitedFor() async throws {
        let ping = Self.frames([.ping(42)])
        let bye = Self.frames([.goAway(GoAwayPayload(lastStreamID: 0, code: .noError, reason: ""))])
        let received = try await withTCPToyServer { _, _, port in
            try await rawExchange(
                port: port, chunks: [Self.handshake + ping.prefix(7), Array(ping.dropFirst(7)) + bye])
        }
        #expect(received.dropFirst(2).first == .pong(42), "\(received)")
        #expect(!received.contains { if case .goAway(let g) = $0 { g.code == .protocolError } else { false } })
    }
}
