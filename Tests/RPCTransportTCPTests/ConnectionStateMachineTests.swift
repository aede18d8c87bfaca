import NIOCore
import Testing

@testable import RPCTransportTCP

@Suite struct HandshakeTests {
    @Test func settingsExchange() throws {
        var link = Link(server: ConnectionSettings(maxConcurrentStreams: 7))
        #expect(throws: ConnectionStateMachine.UsageError.awaitingPeerSettings) {
            _ = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        }
        link.handshake(keepRecord: true)
        #expect(link.client.start() == [], "SETTINGS is sent once")
        let wire = link.wire.map { ($0.0 == .client ? "client " : "server ") + "\($0.1)" }
        #expect(
            wire == [
                "client \(Frame.settings(ConnectionSettings()))",
                "server \(Frame.settings(ConnectionSettings(maxConcurrentStreams: 7)))",
                "client \(Frame.settingsAck)",
                "server \(Frame.settingsAck)",
            ])
        #expect(link.clientEvents == [.peerSettings(ConnectionSettings(maxConcurrentStreams: 7))])
        #expect(link.serverEvents == [.peerSettings(ConnectionSettings())])
        #expect(link.client.isReady && link.server.isReady)
        #expect(link.client.peerSettings.maxConcurrentStreams == 7)
    }

    @Test func schemaHashMismatchIsReportedNotRefused() throws {
        var link = Link(
            client: ConnectionSettings(schemaHash: [1, 2, 3]), server: ConnectionSettings(schemaHash: [9, 9, 9]))
        link.handshake(keepRecord: true)
        #expect(link.serverEvents.contains(.schemaHashMismatch(local: [9, 9, 9], remote: [1, 2, 3])))
        #expect(link.clientEvents.contains(.schemaHashMismatch(local: [1, 2, 3], remote: [9, 9, 9])))
        let (id, frames) = try link.client.openStream(HeadersPayload(method: Fixtures.method), endStream: true)
        link.send(frames, from: .client)
        #expect(
            link.serverEvents.last
                == .streamOpened(streamID: id, HeadersPayload(method: Fixtures.method), endStream: true))
    }

    @Test func emptyHashOnEitherSideIsNoMismatch() {
        var link = Link(client: ConnectionSettings(schemaHash: [1]))
        link.handshake(keepRecord: true)
        #expect(
            !(link.clientEvents + link.serverEvents).contains {
                if case .schemaHashMismatch = $0 { true } else { false }
            })
    }
}

@Suite struct CallShapeTests {
    @Test func unaryMatchesTheWorkedExample() throws {
        var link = Link(
            client: ConnectionSettings(schemaHash: Fixtures.schemaHash),
            server: ConnectionSettings(schemaHash: Fixtures.schemaHash))
        link.handshake(keepRecord: true)
        #expect(link.takeEvents(.client) == [.peerSettings(link.server.configuration.settings)])
        #expect(link.takeEvents(.server) == [.peerSettings(link.client.configuration.settings)])

        let (id, open) = try link.client.openStream(Fixtures.requestHeaders)
        #expect(id == 1)
        link.send(open, from: .client)
        link.send(try link.client.sendMessage(streamID: id, Fixtures.request, endStream: true), from: .client)
        #expect(
            link.takeEvents(.server) == [
                .streamOpened(streamID: 1, Fixtures.requestHeaders, endStream: false),
                .deliverMessage(streamID: 1, Fixtures.request, credit: 8),
                .remoteHalfClosed(streamID: 1),
            ])
        link.send(try link.server.sendHeaders(streamID: 1, HeadersPayload(method: "")), from: .server)
        link.send(try link.server.sendMessage(streamID: 1, Fixtures.response), from: .server)
        link.send(try link.server.sendTrailers(streamID: 1, Fixtures.okTrailers), from: .server)
        #expect(
            link.takeEvents(.client) == [
                .responseHeaders(streamID: 1, HeadersPayload(method: "")),
                .deliverMessage(streamID: 1, Fixtures.response, credit: 8),
                .trailersReceived(streamID: 1, Fixtures.okTrailers),
            ])
        // Frame for frame the worked example of PROTOCOL.md, and byte for byte its vectors.
        let expected = Fixtures.unaryCall.map { ($0.0, $0.1) }
        #expect(
            link.wire.map { ($0.0 == .client ? "client" : "server") + "\($0.1)" } == expected.map { $0.0 + "\($0.1)" })
        #expect(
            try link.wire.flatMap { Array(try FrameCodec.encode($0.1).readableBytesView) }
                == Fixtures.unaryCall.flatMap { $0.2 })
        #expect(link.client.openStreamIDs.isEmpty && link.server.openStreamIDs.isEmpty)
    }

    @Test func serverStreaming() throws {
        var link = Link()
        link.handshake()
        let (id, open) = try link.client.openStream(HeadersPayload(method: "protection.v1.ScoreService/WatchScores"))
        link.send(open + (try link.client.sendMessage(streamID: id, ByteBuffer([1]), endStream: true)), from: .client)
        link.send(try link.server.sendHeaders(streamID: id, HeadersPayload(method: "")), from: .server)
        for n: UInt8 in 10..<13 {
            link.send(try link.server.sendMessage(streamID: id, ByteBuffer([n, n])), from: .server)
        }
        link.send(try link.server.sendTrailers(streamID: id, TrailersPayload(code: .ok)), from: .server)
        let events = link.takeEvents(.client)
        #expect(Link.messages(events) == [[10, 10], [11, 11], [12, 12]])
        #expect(events.last == .trailersReceived(streamID: id, TrailersPayload(code: .ok)))
        #expect(Link.messages(link.takeEvents(.server)) == [[1]])
    }

    @Test func clientStreaming() throws {
        var link = Link()
        link.handshake()
        let (id, open) = try link.client.openStream(
            HeadersPayload(method: "protection.v1.DisputeService/UploadEvidence"))
        link.send(open, from: .client)
        for n: UInt8 in 1...3 {
            link.send(try link.client.sendMessage(streamID: id, ByteBuffer([n])), from: .client)
        }
        link.send(try link.client.halfClose(streamID: id), from: .client)
        let serverEvents = link.takeEvents(.server)
        #expect(Link.messages(serverEvents) == [[1], [2], [3]])
        #expect(serverEvents.last == .remoteHalfClosed(streamID: id))
        link.send(try link.server.sendHeaders(streamID: id, HeadersPayload(method: "")), from: .server)
        link.send(try link.server.sendMessage(streamID: id, ByteBuffer([6])), from: .server)
        link.send(try link.server.sendTrailers(streamID: id, TrailersPayload(code: .ok)), from: .server)
        #expect(Link.messages(link.takeEvents(.client)) == [[6]])
        #expect(link.client.openStreamIDs.isEmpty)
    }

    @Test func bidirectionalInterleaved() throws {
        var link = Link()
        link.handshake()
        let (id, open) = try link.client.openStream(HeadersPayload(method: "protection.v1.ChatService/Talk"))
        link.send(open, from: .client)
        link.send(try link.server.sendHeaders(streamID: id, HeadersPayload(method: "")), from: .server)
        for n: UInt8 in 1...3 {
            link.send(try link.client.sendMessage(streamID: id, ByteBuffer([n])), from: .client)
            #expect(Link.messages(link.takeEvents(.server)) == [[n]])
            link.send(try link.server.sendMessage(streamID: id, ByteBuffer([n + 100])), from: .server)
            #expect(Link.messages(link.takeEvents(.client)) == [[n + 100]])
        }
        link.send(try link.client.sendMessage(streamID: id, ByteBuffer([4]), endStream: true), from: .client)
        // After the client half-closes, the server still sends.
        link.send(try link.server.sendMessage(streamID: id, ByteBuffer([104])), from: .server)
        link.send(try link.server.sendTrailers(streamID: id, TrailersPayload(code: .ok)), from: .server)
        #expect(Link.messages(link.takeEvents(.client)) == [[104]])
        #expect(link.client.openStreamIDs.isEmpty && link.server.openStreamIDs.isEmpty)
    }

    @Test func concurrentStreamsUseOddIncreasingIDs() throws {
        var link = Link()
        link.handshake()
        var ids: [UInt32] = []
        for _ in 0..<4 {
            let (id, frames) = try link.client.openStream(HeadersPayload(method: Fixtures.method), endStream: true)
            ids.append(id)
            link.send(frames, from: .client)
        }
        #expect(ids == [1, 3, 5, 7])
        #expect(link.server.openStreamIDs == [1, 3, 5, 7])
    }

    @Test func trailersOnlyResponse() throws {
        var link = Link()
        link.handshake()
        let (id, open) = try link.client.openStream(
            HeadersPayload(method: "protection.v1.Nope/Missing"), endStream: true)
        link.send(open, from: .client)
        let trailers = TrailersPayload(code: .unimplemented, message: "unknown method protection.v1.Nope/Missing")
        link.send(try link.server.sendTrailers(streamID: id, trailers), from: .server)
        #expect(link.takeEvents(.client) == [.trailersReceived(streamID: id, trailers)])
    }

    @Test func messageSplitAcrossFramesIsReassembled() throws {
        var link = Link()
        link.handshake()
        let (id, open) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        link.send(open, from: .client)
        let big = ByteBuffer(repeating: 0x5A, count: 40_000)
        let frames = try link.client.sendMessage(streamID: id, big, endStream: true)
        #expect(frames.count == 3)
        #expect(
            frames.allSatisfy { if case .message(_, let b, _, _) = $0 { b.readableBytes <= 16_384 } else { false } })
        #expect(
            frames.map { if case .message(_, _, let more, let end) = $0 { [more, end] } else { [] } }
                == [[true, false], [true, false], [false, true]])
        link.send(frames, from: .client)
        let events = link.takeEvents(.server)
        #expect(events.contains(.deliverMessage(streamID: id, big, credit: 40_000 - 2 * 16_384)))
        #expect(events.last == .remoteHalfClosed(streamID: id))
    }
}

@Suite struct StreamLifecycleTests {
    @Test func halfCloseWithoutAMessage() throws {
        var link = Link()
        link.handshake()
        let (id, open) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        link.send(open, from: .client)
        let frames = try link.client.halfClose(streamID: id)
        #expect(frames == [.message(streamID: id, ByteBuffer(), endStream: true)])
        link.send(frames, from: .client)
        #expect(
            link.takeEvents(.server) == [
                .streamOpened(streamID: id, HeadersPayload(method: Fixtures.method), endStream: false),
                .remoteHalfClosed(streamID: id),
            ])
        #expect(throws: ConnectionStateMachine.UsageError.streamNotWritable(id)) {
            _ = try link.client.sendMessage(streamID: id, ByteBuffer([1]))
        }
    }

    @Test func emptyLastMessageIsSentApartFromTheHalfClose() throws {
        var link = Link()
        link.handshake()
        let (id, open) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        link.send(open, from: .client)
        link.send(try link.client.sendMessage(streamID: id, ByteBuffer(), endStream: true), from: .client)
        let events = link.takeEvents(.server)
        #expect(Link.messages(events) == [[]])
        #expect(events.last == .remoteHalfClosed(streamID: id))
    }

    @Test func clientCancels() throws {
        var link = Link()
        link.handshake()
        let (id, open) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        link.send(open, from: .client)
        link.send(try link.server.sendHeaders(streamID: id, HeadersPayload(method: "")), from: .server)
        let cancel = link.client.cancel(streamID: id)
        #expect(cancel == [.cancel(streamID: id, code: .cancelled)])
        #expect(link.client.cancel(streamID: id) == [], "cancelling twice sends nothing")
        link.send(cancel, from: .client)
        #expect(link.takeEvents(.server).last == .streamCancelled(streamID: id, code: .cancelled))
        #expect(throws: ConnectionStateMachine.UsageError.unknownStream(id)) {
            _ = try link.server.sendMessage(streamID: id, ByteBuffer([1]))
        }
        // A frame the server sent before seeing the CANCEL is ignored by the client.
        #expect(link.client.receive(.message(streamID: id, ByteBuffer([1]))) == [])
        #expect(!link.client.isClosed)
    }

    @Test func serverCancelsWithDeadlineExceeded() throws {
        var link = Link()
        link.handshake()
        let (id, open) = try link.client.openStream(
            HeadersPayload(method: Fixtures.method, deadlineMicroseconds: 1_000), endStream: true)
        link.send(open, from: .client)
        link.send(link.server.cancel(streamID: id, code: .deadlineExceeded), from: .server)
        #expect(link.takeEvents(.client) == [.streamCancelled(streamID: id, code: .deadlineExceeded)])
    }

    @Test func oversizedInboundMessageFailsOnlyThatCall() throws {
        var server = ConnectionStateMachine(role: .server, configuration: .init(settings: .init(maxMessageSize: 100)))
        _ = server.start()
        _ = server.receive(.settings(ConnectionSettings()))
        _ = server.receive(.headers(streamID: 1, HeadersPayload(method: Fixtures.method), endStream: false))
        _ = server.receive(.headers(streamID: 3, HeadersPayload(method: Fixtures.method), endStream: false))
        #expect(server.receive(.message(streamID: 1, ByteBuffer(repeating: 1, count: 60), more: true)) == [])
        let actions = server.receive(.message(streamID: 1, ByteBuffer(repeating: 1, count: 60)))
        guard case .send(let frames) = actions.first, case .trailers(1, let trailers) = frames.first else {
            Issue.record("no TRAILERS: \(actions)")
            return
        }
        #expect(trailers.code == .resourceExhausted)
        #expect(actions.contains { if case .streamFailed(1, .resourceExhausted, _) = $0 { true } else { false } })
        #expect(!server.isClosed)
        #expect(server.openStreamIDs == [3])
        #expect(
            server.receive(.message(streamID: 3, ByteBuffer([7])))
                == [.deliverMessage(streamID: 3, ByteBuffer([7]), credit: 1)])
    }

    @Test func oversizedOutboundMessageIsRefusedLocally() throws {
        var link = Link(server: ConnectionSettings(maxMessageSize: 10))
        link.handshake()
        let (id, open) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        link.send(open, from: .client)
        #expect(throws: ConnectionStateMachine.UsageError.messageTooLarge(size: 11, max: 10)) {
            _ = try link.client.sendMessage(streamID: id, ByteBuffer(repeating: 0, count: 11))
        }
    }

    @Test func serverMustSendHeadersBeforeMessages() throws {
        var link = Link()
        link.handshake()
        let (id, open) = try link.client.openStream(HeadersPayload(method: Fixtures.method), endStream: true)
        link.send(open, from: .client)
        #expect(throws: ConnectionStateMachine.UsageError.headersRequired(id)) {
            _ = try link.server.sendMessage(streamID: id, ByteBuffer([1]))
        }
        #expect(throws: ConnectionStateMachine.UsageError.wrongRole) {
            _ = try link.server.openStream(HeadersPayload(method: Fixtures.method))
        }
    }

    @Test func headersMustFitOneFrame() throws {
        var link = Link()
        link.handshake()
        let big: WireMetadata = [("blob-bin", .binary([UInt8](repeating: 0, count: 20_000)))]
        #expect(throws: ConnectionStateMachine.UsageError.frameTooLarge(size: 20_060, max: 16_384)) {
            _ = try link.client.openStream(HeadersPayload(method: Fixtures.method, metadata: big))
        }
        // Nothing was used up: the next stream still gets id 1.
        #expect(try link.client.openStream(HeadersPayload(method: Fixtures.method)).streamID == 1)
    }

    @Test func concurrencyLimit() throws {
        var link = Link(server: ConnectionSettings(maxConcurrentStreams: 1))
        link.handshake()
        let (_, open) = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        link.send(open, from: .client)
        #expect(throws: ConnectionStateMachine.UsageError.tooManyStreams(limit: 1)) {
            _ = try link.client.openStream(HeadersPayload(method: Fixtures.method))
        }
        // A client ignoring the limit has the extra call refused, retryably.
        let actions = link.server.receive(
            .headers(streamID: 3, HeadersPayload(method: Fixtures.method), endStream: true))
        guard case .send(let frames) = actions.first, case .trailers(3, let trailers) = frames.first else {
            Issue.record("no refusal: \(actions)")
            return
        }
        #expect(trailers.code == .unavailable)
        #expect(!link.server.isClosed)
    }
}
