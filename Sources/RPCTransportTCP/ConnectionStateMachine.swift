import NIOCore

/// The protocol logic of one connection, for either side, as a pure value: frames and
/// calls go in, frames to send and events for the RPC layer come out. No I/O, no timers;
/// the channel handler owns those and applies the actions in order.
public struct ConnectionStateMachine: Sendable {
    public enum Role: Sendable, Hashable {
        case client
        case server
    }

    public struct Configuration: Sendable, Hashable {
        /// What this side announces, and enforces on what it receives.
        public var settings: ConnectionSettings
        /// A PING arriving sooner than this after the previous one is a strike.
        public var minPingInterval: TimeAmount
        /// Strikes tolerated; one more closes with GOAWAY(ENHANCE_YOUR_CALM).
        public var maxPingStrikes: Int

        public init(
            settings: ConnectionSettings = ConnectionSettings(),
            minPingInterval: TimeAmount = .seconds(10),
            maxPingStrikes: Int = 2
        ) {
            self.settings = settings
            self.minPingInterval = minPingInterval
            self.maxPingStrikes = maxPingStrikes
        }
    }

    /// What the owner of the connection must do, in order.
    public enum Action: Sendable, Hashable {
        /// Write these frames.
        case send([Frame])
        /// The peer's SETTINGS arrived: streams may now be opened (client).
        case peerSettings(ConnectionSettings)
        /// Both sides announced a schema hash and they differ. Log and count it; never refuse.
        case schemaHashMismatch(local: [UInt8], remote: [UInt8])
        /// Server: a call arrived. `endStream`: the client sends no messages.
        case streamOpened(streamID: UInt32, HeadersPayload, endStream: Bool)
        /// Client: the server's response headers.
        case responseHeaders(streamID: UInt32, HeadersPayload)
        /// One whole message. Hand `credit` back through `returnCredit` once it is consumed.
        case deliverMessage(streamID: UInt32, ByteBuffer, credit: Int)
        /// Server: the client half-closed; no more messages on this stream.
        case remoteHalfClosed(streamID: UInt32)
        /// Client: the call ended with these trailers; the stream is closed.
        case trailersReceived(streamID: UInt32, TrailersPayload)
        /// The peer cancelled the stream; it is closed.
        case streamCancelled(streamID: UInt32, code: WireStatusCode)
        /// The stream was ended on this side with a status (oversized message, refused by
        /// drain, connection lost); it is closed. Any frame to tell the peer precedes it.
        case streamFailed(streamID: UInt32, code: WireStatusCode, message: String)
        /// A stream this side opened was refused unprocessed (the peer's GOAWAY
        /// accepted no stream this high): UNAVAILABLE, safe to send again.
        case streamRefused(streamID: UInt32, message: String)
        case pong(UInt64)
        /// The peer sent GOAWAY.
        case goAwayReceived(GoAwayPayload)
        /// Close the TCP connection once the frames before this action are written.
        case closeConnection(CloseReason)
    }

    public enum CloseReason: Sendable, Hashable {
        /// A GOAWAY was exchanged and every stream has finished.
        case drained
        /// This side detected an error and sent GOAWAY(code).
        case connectionError(GoAwayCode, String)
        /// The peer sent GOAWAY with an error code.
        case peerError(GoAwayCode, String)
    }

    /// A call on this side that the state does not allow.
    public enum UsageError: Error, Sendable, Hashable {
        /// The peer's SETTINGS have not arrived yet.
        case awaitingPeerSettings
        /// A GOAWAY was sent or received: no new streams (retryable: UNAVAILABLE).
        case draining
        case connectionClosed
        /// The peer's max concurrent streams are in use.
        case tooManyStreams(limit: Int)
        case streamIDsExhausted
        /// The stream is not open (never opened, or already closed).
        case unknownStream(UInt32)
        /// This side has already ended its half of the stream.
        case streamNotWritable(UInt32)
        /// Over the peer's max message size (fail the call with RESOURCE_EXHAUSTED).
        case messageTooLarge(size: Int, max: Int)
        /// Not allowed for this role (e.g. a server opening a stream).
        case wrongRole
        /// The server must send response headers before its first message.
        case headersRequired(UInt32)
        /// HEADERS or TRAILERS over the peer's max frame size (they never span frames).
        case frameTooLarge(size: Int, max: Int)
    }

    struct StreamState: Sendable {
        enum Phase: Sendable, Hashable {
            case open
            /// This side sent END_STREAM (client).
            case halfClosedLocal
            /// The peer sent END_STREAM (server).
            case halfClosedRemote
        }

        enum Outbound: Sendable {
            case message(ByteBuffer, endStream: Bool)
            case halfClose
            case trailers(TrailersPayload)
        }

        var phase: Phase = .open
        var sendWindow: Int
        var receiveWindow: Int
        /// Credit consumed but not yet returned with WINDOW_UPDATE.
        var pendingCredit = 0
        /// The frames of a message still arriving (after a MORE frame).
        var partial: ByteBuffer?
        var outbound: [Outbound] = []
        /// No more sends accepted from this side (END_STREAM or trailers queued).
        var localEnded = false
        var headersExchanged = false
    }

    public let role: Role
    public let configuration: Configuration
    public internal(set) var peerSettings = ConnectionSettings()
    var sentSettings = false
    var receivedSettings = false
    var settingsAcknowledged = false
    var streams: [UInt32: StreamState] = [:]
    /// Server: the highest client stream id seen.
    var highestPeerStreamID: UInt32 = 0
    /// Client: the id the next stream gets.
    var nextStreamID: UInt32 = 1
    var connectionSendWindow = 0
    var connectionReceiveWindow: Int
    var connectionPendingCredit = 0
    public internal(set) var goAwaySent: GoAwayPayload?
    public internal(set) var goAwayReceived: GoAwayPayload?
    public internal(set) var isClosed = false
    var lastPingReceived: NIODeadline?
    var pingStrikes = 0

    public init(role: Role, configuration: Configuration = Configuration()) {
        self.role = role
        self.configuration = configuration
        self.connectionReceiveWindow = configuration.settings.initialWindowSize
    }

    var localSettings: ConnectionSettings { self.configuration.settings }

    /// Streams currently open (in any open or half-closed state).
    public var openStreamIDs: [UInt32] { self.streams.keys.sorted() }

    /// A GOAWAY went either way and every stream is done: close the connection.
    public var isDrained: Bool {
        (self.goAwaySent != nil || self.goAwayReceived != nil) && self.streams.isEmpty
    }

    /// Whether the peer's SETTINGS have arrived, so streams may be opened.
    public var isReady: Bool { self.receivedSettings && !self.isClosed }

    /// Bytes of messages queued on a stream, waiting for flow-control credit.
    public func queuedBytes(streamID: UInt32) -> Int {
        self.streams[streamID]?.outbound.reduce(0) { total, item in
            if case .message(let bytes, _) = item { return total + bytes.readableBytes }
            return total
        } ?? 0
    }

    /// The credit this side may still send on a stream (nil: no such stream).
    public func sendWindow(streamID: UInt32) -> Int? {
        streamID == 0 ? self.connectionSendWindow : self.streams[streamID]?.sendWindow
    }

    // MARK: - Outbound

    /// The first frame: this side's SETTINGS.
    public mutating func start() -> [Frame] {
        guard !self.sentSettings else { return [] }
        self.sentSettings = true
        return [.settings(self.localSettings)]
    }

    /// Client: opens a stream with HEADERS. `endStream`: the call sends no messages.
    public mutating func openStream(
        _ headers: HeadersPayload, endStream: Bool = false
    ) throws(UsageError) -> (streamID: UInt32, frames: [Frame]) {
        guard self.role == .client else { throw .wrongRole }
        guard !self.isClosed else { throw .connectionClosed }
        guard self.goAwaySent == nil, self.goAwayReceived == nil else { throw .draining }
        guard self.receivedSettings else { throw .awaitingPeerSettings }
        guard self.streams.count < self.peerSettings.maxConcurrentStreams else {
            throw .tooManyStreams(limit: self.peerSettings.maxConcurrentStreams)
        }
        guard self.nextStreamID <= FrameHeader.maxStreamID else { throw .streamIDsExhausted }
        let id = self.nextStreamID
        let frame = Frame.headers(streamID: id, headers, endStream: endStream)
        try self.checkFits(frame)
        self.nextStreamID += 2
        var stream = StreamState(
            sendWindow: self.peerSettings.initialWindowSize,
            receiveWindow: self.localSettings.initialWindowSize)
        if endStream {
            stream.phase = .halfClosedLocal
            stream.localEnded = true
        }
        self.streams[id] = stream
        return (id, [frame])
    }

    /// Server: response headers, once, before the first message.
    public mutating func sendHeaders(streamID: UInt32, _ headers: HeadersPayload) throws(UsageError) -> [Frame] {
        guard self.role == .server else { throw .wrongRole }
        guard var stream = self.streams[streamID] else { throw .unknownStream(streamID) }
        guard !stream.localEnded, !stream.headersExchanged else { throw .streamNotWritable(streamID) }
        let frame = Frame.headers(streamID: streamID, headers, endStream: false)
        try self.checkFits(frame)
        stream.headersExchanged = true
        self.streams[streamID] = stream
        return [frame]
    }

    /// Queues one message and returns the frames flow control lets out now; the rest
    /// leave as WINDOW_UPDATE frames arrive. `endStream` (client): the last message.
    public mutating func sendMessage(
        streamID: UInt32, _ message: ByteBuffer, endStream: Bool = false
    ) throws(UsageError) -> [Frame] {
        guard var stream = self.streams[streamID] else { throw .unknownStream(streamID) }
        guard !stream.localEnded else { throw .streamNotWritable(streamID) }
        if self.role == .server {
            guard !endStream else { throw .wrongRole }
            guard stream.headersExchanged else { throw .headersRequired(streamID) }
        }
        guard message.readableBytes <= self.peerSettings.maxMessageSize else {
            throw .messageTooLarge(size: message.readableBytes, max: self.peerSettings.maxMessageSize)
        }
        if endStream && message.readableBytes == 0 {
            stream.outbound.append(.message(message, endStream: false))
            stream.outbound.append(.halfClose)
        } else {
            stream.outbound.append(.message(message, endStream: endStream))
        }
        stream.localEnded = endStream
        self.streams[streamID] = stream
        return self.flush(streamID: streamID)
    }

    /// Client: half-closes the stream without a message (an empty END_STREAM MESSAGE frame).
    public mutating func halfClose(streamID: UInt32) throws(UsageError) -> [Frame] {
        guard self.role == .client else { throw .wrongRole }
        guard var stream = self.streams[streamID] else { throw .unknownStream(streamID) }
        guard !stream.localEnded else { throw .streamNotWritable(streamID) }
        stream.localEnded = true
        stream.outbound.append(.halfClose)
        self.streams[streamID] = stream
        return self.flush(streamID: streamID)
    }

    /// Server: ends the call. Queued messages go first; the stream closes when TRAILERS leave.
    public mutating func sendTrailers(streamID: UInt32, _ trailers: TrailersPayload) throws(UsageError) -> [Frame] {
        guard self.role == .server else { throw .wrongRole }
        guard var stream = self.streams[streamID] else { throw .unknownStream(streamID) }
        guard !stream.localEnded else { throw .streamNotWritable(streamID) }
        // Trailers too large for one frame are cut, never lost: the status must arrive.
        stream.localEnded = true
        stream.outbound.append(.trailers(trailers.fitting(maxPayloadLength: self.peerSettings.maxFrameSize)))
        self.streams[streamID] = stream
        return self.flush(streamID: streamID)
    }

    /// Ends a stream at once, dropping anything queued. Nothing to send if it is not open.
    public mutating func cancel(streamID: UInt32, code: WireStatusCode = .cancelled) -> [Frame] {
        guard self.streams.removeValue(forKey: streamID) != nil else { return [] }
        return [.cancel(streamID: streamID, code: code)]
    }

    /// Starts a graceful drain: GOAWAY(NO_ERROR) naming the last stream this side will
    /// serve. Open streams finish; new ones are refused. Close once `isDrained`.
    public mutating func beginGracefulShutdown(reason: String = "") -> [Frame] {
        guard !self.isClosed, self.goAwaySent == nil else { return [] }
        let goAway = GoAwayPayload(
            lastStreamID: self.role == .server ? self.highestPeerStreamID : 0, code: .noError, reason: reason)
        self.goAwaySent = goAway
        return [.goAway(goAway)]
    }

    private func checkFits(_ frame: Frame) throws(UsageError) {
        let size = FrameCodec.payloadLength(of: frame)
        guard size <= self.peerSettings.maxFrameSize else {
            throw .frameTooLarge(size: size, max: self.peerSettings.maxFrameSize)
        }
    }

    /// A decoding failure: GOAWAY(PROTOCOL_ERROR) and close.
    public mutating func frameError(_ error: FrameError) -> [Action] {
        self.connectionError(.protocolError, "malformed frame: \(error)")
    }

    mutating func connectionError(_ code: GoAwayCode, _ reason: String) -> [Action] {
        guard !self.isClosed else { return [] }
        var actions: [Action] = self.openStreamIDs.map {
            .streamFailed(streamID: $0, code: .unavailable, message: "connection closed: \(reason)")
        }
        self.streams = [:]
        self.isClosed = true
        let goAway = GoAwayPayload(
            lastStreamID: self.role == .server ? self.highestPeerStreamID : 0, code: code, reason: reason)
        self.goAwaySent = goAway
        actions.append(.send([.goAway(goAway)]))
        actions.append(.closeConnection(.connectionError(code, reason)))
        return actions
    }
}
