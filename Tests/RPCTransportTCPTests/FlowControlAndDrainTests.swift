import NIOCore
import RPCCore
import Testing

@testable import RPCTransportTCP

@Suite struct FlowControlTests {
    /// A connection whose server accepts only `window` bytes per stream (and per connection)
    /// before it returns credit.
    func link(window: Int) throws -> (Link, UInt32) {
        var link = Link(server: ConnectionSettings(initialWindowSize: window))
        link.handshake()
        let (id, open) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        link.send(open, from: .client)
        _ = link.takeEvents(.server)
        return (link, id)
    }

    @Test func senderStopsAtTheWindowAndResumesOnWindowUpdate() throws {
        var (link, id) = try self.link(window: 100)
        // Three 40-byte messages against a 100-byte window: 40 + 40 + 20, then blocked.
        var sent: [Frame] = []
        for n: UInt8 in 1...3 {
            sent += try link.client.sendMessage(streamID: id, ByteBuffer(repeating: n, count: 40))
        }
        #expect(payloadBytes(sent) == 100)
        #expect(link.client.sendWindow(streamID: id) == 0)
        #expect(link.client.queuedBytes(streamID: id) == 20)
        #expect(sent.last == .message(streamID: id, ByteBuffer(repeating: 3, count: 20), more: true))

        // Nothing more leaves until credit comes back.
        #expect(try link.client.sendMessage(streamID: id, ByteBuffer([9])) == [])
        #expect(link.client.queuedBytes(streamID: id) == 21)

        let resumed = link.client.receive(.windowUpdate(streamID: id, increment: 10))
        #expect(resumed == [], "the connection window is still empty")
        let both = link.client.receive(.windowUpdate(streamID: 0, increment: 1000))
        #expect(both == [.send([.message(streamID: id, ByteBuffer(repeating: 3, count: 10), more: true)])])
        let rest = link.client.receive(.windowUpdate(streamID: id, increment: 1000))
        #expect(
            rest == [
                .send([
                    .message(streamID: id, ByteBuffer(repeating: 3, count: 10)),
                    .message(streamID: id, ByteBuffer([9])),
                ])
            ])
        #expect(link.client.queuedBytes(streamID: id) == 0)
    }

    @Test func slowReaderHoldsTheSenderUntilItConsumes() throws {
        var (link, id) = try self.link(window: 100)
        for n: UInt8 in 1...3 {
            link.send(try link.client.sendMessage(streamID: id, ByteBuffer(repeating: n, count: 40)), from: .client)
        }
        // The server got two whole messages and half of the third; the client is blocked.
        let events = link.takeEvents(.server)
        #expect(Link.messages(events).count == 2)
        #expect(link.client.queuedBytes(streamID: id) == 20)

        // The application consumes the first message: credit returns, the rest flows.
        guard case .deliverMessage(_, _, let credit) = events[0] else { throw Failure("no message") }
        link.send(link.server.returnCredit(credit, streamID: id), from: .server)
        #expect(link.client.queuedBytes(streamID: id) == 0)
        #expect(Link.messages(link.takeEvents(.server)) == [[UInt8](repeating: 3, count: 40)])
    }

    @Test func senderNeverExceedsTheWindow() throws {
        var (link, id) = try self.link(window: 1000)
        var inFlight = 0
        for size in [1, 999, 5000, 17_000, 3] {
            let frames = try link.client.sendMessage(streamID: id, ByteBuffer(repeating: 0, count: size))
            inFlight += payloadBytes(frames)
            #expect(inFlight <= 1000)
        }
        #expect(inFlight == 1000)
    }

    @Test func streamsShareTheConnectionWindow() throws {
        var link = Link(server: ConnectionSettings(initialWindowSize: 100))
        link.handshake()
        let (a, openA) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        let (b, openB) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        _ = (openA, openB)
        #expect(payloadBytes(try link.client.sendMessage(streamID: a, ByteBuffer(repeating: 0, count: 70))) == 70)
        #expect(payloadBytes(try link.client.sendMessage(streamID: b, ByteBuffer(repeating: 0, count: 70))) == 30)
        #expect(link.client.sendWindow(streamID: 0) == 0)
        #expect(link.client.sendWindow(streamID: b) == 70)
        // Connection credit lets stream b go on.
        let actions = link.client.receive(.windowUpdate(streamID: 0, increment: 40))
        #expect(actions == [.send([.message(streamID: b, ByteBuffer(repeating: 0, count: 40))])])
    }

    @Test func messageLargerThanTheWindowStillCompletes() throws {
        var (link, id) = try self.link(window: 16_384)
        let big = ByteBuffer(repeating: 0x42, count: 100_000)
        link.send(try link.client.sendMessage(streamID: id, big, endStream: true), from: .client)
        let events = link.takeEvents(.server)
        #expect(Link.messages(events) == [Array(big.readableBytesView)])
        #expect(link.wire.contains { if case (.server, .windowUpdate) = $0 { true } else { false } })
    }

    @Test func receiverDetectsAPeerIgnoringTheWindow() throws {
        var server = ConnectionStateMachine(role: .server, configuration: .init(settings: .init(initialWindowSize: 10)))
        _ = server.start()
        _ = server.receive(.settings(ConnectionSettings()))
        _ = server.receive(.headers(streamID: 1, HeadersPayload(method: Fixtures.method), endStream: false))
        let actions = server.receive(.message(streamID: 1, ByteBuffer(repeating: 0, count: 11)))
        #expect(
            actions.contains(
                .closeConnection(
                    .connectionError(
                        .protocolError, "MESSAGE of 11 bytes over the connection window"))))
    }
}

@Suite struct DrainTests {
    @Test func gracefulDrainFinishesOpenStreamsAndRefusesNewOnes() throws {
        var link = Link()
        link.handshake()
        let (one, open1) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        link.send(open1, from: .client)
        let (three, open3) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        link.send(open3, from: .client)

        link.send(link.server.beginGracefulShutdown(reason: "deploy"), from: .server)
        #expect(
            link.takeEvents(.client) == [
                .goAwayReceived(GoAwayPayload(lastStreamID: 3, code: .noError, reason: "deploy"))
            ])
        #expect(throws: ConnectionStateMachine.UsageError.draining) {
            _ = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        }

        // Open streams finish normally.
        link.send(try link.client.sendMessage(streamID: one, ByteBuffer([1]), endStream: true), from: .client)
        link.send(try link.server.sendTrailers(streamID: one, TrailersPayload(code: .ok)), from: .server)
        #expect(!link.client.isDrained && !link.server.isDrained)
        link.send(try link.client.halfClose(streamID: three), from: .client)
        link.send(try link.server.sendTrailers(streamID: three, TrailersPayload(code: .ok)), from: .server)
        #expect(
            link.takeEvents(.client).suffix(2) == [
                .trailersReceived(streamID: 3, TrailersPayload(code: .ok)), .closeConnection(.drained),
            ])
        #expect(link.server.isDrained && link.client.isDrained)
    }

    @Test func callRacingTheGoAwayIsRefusedRetryably() throws {
        var link = Link()
        link.handshake()
        let (one, open1) = try link.client.openStream(HeadersPayload(method: Fixtures.method), endStream: true)
        link.send(open1, from: .client)
        let goAway = link.server.beginGracefulShutdown()
        // The client opens stream 3 before the GOAWAY reaches it.
        let (three, open3) = try link.client.openStream(HeadersPayload(method: Fixtures.method), endStream: true)
        let actions = link.server.receive(open3[0])
        guard case .send(let frames) = actions.first, case .trailers(three, let refusal) = frames.first else {
            throw Failure("not refused: \(actions)")
        }
        #expect(refusal.code == .unavailable)
        #expect(refusal.metadata == [(RPCError.notProcessedKey, .string("1"))], "marked safe to send again")
        #expect(link.server.openStreamIDs == [one])
        // Were the GOAWAY to arrive first, the client refuses stream 3 itself, as unprocessed.
        let clientActions = link.client.receive(goAway[0])
        #expect(clientActions.contains { if case .streamRefused(three, _) = $0 { true } else { false } })
        #expect(link.client.openStreamIDs == [one])
    }

    @Test func goAwayWithAnErrorFailsEverything() throws {
        var link = Link()
        link.handshake()
        let (one, open1) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        link.send(open1, from: .client)
        let actions = link.client.receive(.goAway(GoAwayPayload(lastStreamID: 1, code: .internalError, reason: "boom")))
        #expect(actions.contains { if case .streamFailed(one, .unavailable, _) = $0 { true } else { false } })
        #expect(actions.last == .closeConnection(.peerError(.internalError, "boom")))
        #expect(link.client.isClosed)
    }

    @Test func idleConnectionDrainsAtOnce() throws {
        var link = Link()
        link.handshake()
        link.send(link.server.beginGracefulShutdown(), from: .server)
        #expect(link.server.isDrained)
        #expect(link.takeEvents(.client).last == .closeConnection(.drained))
    }
}

@Suite struct KeepaliveTests {
    @Test func pingIsAnsweredWithPong() {
        var link = Link()
        link.handshake()
        link.send([.ping(42)], from: .client)
        #expect(link.wire.map(\.1) == [.ping(42), .pong(42)])
        #expect(link.takeEvents(.client) == [.pong(42)])
    }

    @Test(arguments: [(1, false), (2, false), (3, true)])
    func pingFloodIsCutOff(rapidPings: Int, closed: Bool) {
        var server = ConnectionStateMachine(role: .server)
        _ = server.start()
        _ = server.receive(.settings(ConnectionSettings()))
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        _ = server.receive(.ping(0), now: start)
        var last: [ConnectionStateMachine.Action] = []
        for n in 1...rapidPings {
            last = server.receive(.ping(UInt64(n)), now: start + .seconds(Int64(n)))
        }
        #expect(server.isClosed == closed)
        if closed {
            #expect(
                last.contains(
                    .send([.goAway(GoAwayPayload(lastStreamID: 0, code: .enhanceYourCalm, reason: "too many PINGs"))])))
        }
    }

    @Test func spacedPingsAreFine() {
        var server = ConnectionStateMachine(role: .server)
        _ = server.start()
        _ = server.receive(.settings(ConnectionSettings()))
        for n in 0..<10 {
            let actions = server.receive(.ping(UInt64(n)), now: .uptimeNanoseconds(UInt64(n) * 11_000_000_000))
            #expect(actions == [.send([.pong(UInt64(n))])])
        }
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
