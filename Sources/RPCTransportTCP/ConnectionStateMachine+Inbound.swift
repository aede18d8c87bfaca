import NIOCore

extension ConnectionStateMachine {
    /// Handles one frame from the peer. `now` is only read for PING rate limits.
    public mutating func receive(_ frame: Frame, now: NIODeadline = .now()) -> [Action] {
        guard !self.isClosed else { return [] }
        guard self.receivedSettings else {
            guard case .settings(let settings) = frame else {
                return self.connectionError(.protocolError, "first frame must be SETTINGS, got \(frame.type)")
            }
            return self.receiveSettings(settings)
        }
        switch frame {
        case .settings:
            return self.connectionError(.protocolError, "second SETTINGS")
        case .settingsAck:
            guard self.sentSettings, !self.settingsAcknowledged else {
                return self.connectionError(.protocolError, "unexpected SETTINGS ACK")
            }
            self.settingsAcknowledged = true
            return []
        case .headers(let id, let headers, let endStream):
            self.pingStrikes = 0
            return self.role == .server
                ? self.receiveRequestHeaders(id, headers, endStream: endStream)
                : self.receiveResponseHeaders(id, headers, endStream: endStream)
        case .message(let id, let bytes, let more, let endStream):
            self.pingStrikes = 0
            return self.receiveMessage(id, bytes, more: more, endStream: endStream)
        case .trailers(let id, let trailers):
            return self.receiveTrailers(id, trailers)
        case .cancel(let id, let code):
            if self.streams.removeValue(forKey: id) != nil {
                return [.streamCancelled(streamID: id, code: code)] + self.drainedActions()
            }
            return self.isIdle(id) ? self.connectionError(.protocolError, "CANCEL on idle stream \(id)") : []
        case .ping(let data):
            return self.receivePing(data, now: now)
        case .pong(let data):
            return [.pong(data)]
        case .goAway(let goAway):
            return self.receiveGoAway(goAway)
        case .windowUpdate(let id, let increment):
            return self.receiveWindowUpdate(streamID: id, increment: increment)
        }
    }

    /// Whether `id` names a stream that has never existed (as opposed to a closed one).
    func isIdle(_ id: UInt32) -> Bool {
        guard id % 2 == 1 else { return true }  // even ids are never used
        switch self.role {
        case .server: return id > self.highestPeerStreamID
        case .client: return id >= self.nextStreamID
        }
    }

    /// After a stream closes during a drain: close once the last one is gone.
    func drainedActions() -> [Action] {
        self.isDrained && !self.isClosed ? [.closeConnection(.drained)] : []
    }

    private mutating func receiveSettings(_ settings: ConnectionSettings) -> [Action] {
        self.receivedSettings = true
        self.peerSettings = settings
        self.connectionSendWindow = settings.initialWindowSize
        var actions: [Action] = [.send([.settingsAck]), .peerSettings(settings)]
        let local = self.localSettings.schemaHash
        if !local.isEmpty, !settings.schemaHash.isEmpty, local != settings.schemaHash {
            actions.append(.schemaHashMismatch(local: local, remote: settings.schemaHash))
        }
        return actions
    }

    private mutating func receiveRequestHeaders(_ id: UInt32, _ headers: HeadersPayload, endStream: Bool) -> [Action] {
        guard id % 2 == 1 else {
            return self.connectionError(.protocolError, "stream id \(id) is even; clients use odd ids")
        }
        guard id > self.highestPeerStreamID else {
            return self.connectionError(.protocolError, "stream id \(id) reused (last was \(self.highestPeerStreamID))")
        }
        self.highestPeerStreamID = id
        if let goAway = self.goAwaySent, id > goAway.lastStreamID {
            let refusal = TrailersPayload(
                code: .unavailable, message: "server is draining; call not processed, retry on a new connection",
                metadata: WireMetadata.notProcessed)
            return [.send([.trailers(streamID: id, refusal)])]
        }
        guard self.streams.count < self.localSettings.maxConcurrentStreams else {
            let refusal = TrailersPayload(
                code: .unavailable,
                message: "over \(self.localSettings.maxConcurrentStreams) concurrent streams; call not processed",
                metadata: WireMetadata.notProcessed)
            return [.send([.trailers(streamID: id, refusal)])]
        }
        var stream = StreamState(
            sendWindow: self.peerSettings.initialWindowSize, receiveWindow: self.localSettings.initialWindowSize)
        if endStream { stream.phase = .halfClosedRemote }
        self.streams[id] = stream
        return [.streamOpened(streamID: id, headers, endStream: endStream)]
    }

    private mutating func receiveResponseHeaders(_ id: UInt32, _ headers: HeadersPayload, endStream: Bool) -> [Action] {
        guard var stream = self.streams[id] else {
            return self.isIdle(id) ? self.connectionError(.protocolError, "HEADERS on idle stream \(id)") : []
        }
        guard !endStream else { return self.connectionError(.protocolError, "END_STREAM from the server") }
        guard !stream.headersExchanged else {
            return self.connectionError(.protocolError, "second HEADERS on stream \(id)")
        }
        stream.headersExchanged = true
        self.streams[id] = stream
        return [.responseHeaders(streamID: id, headers)]
    }

    private mutating func receiveMessage(_ id: UInt32, _ bytes: ByteBuffer, more: Bool, endStream: Bool) -> [Action] {
        let length = bytes.readableBytes
        guard length <= self.connectionReceiveWindow else {
            return self.connectionError(.protocolError, "MESSAGE of \(length) bytes over the connection window")
        }
        self.connectionReceiveWindow -= length
        guard var stream = self.streams[id] else {
            if self.isIdle(id) {
                return self.connectionError(.protocolError, "MESSAGE on unopened stream \(id)")
            }
            // A closed stream: the bytes are dropped and their connection credit returned.
            let frames = self.credit(length, streamID: nil)
            return frames.isEmpty ? [] : [.send(frames)]
        }
        switch self.role {
        case .server:
            guard stream.phase == .open else {
                return self.connectionError(.protocolError, "MESSAGE after END_STREAM on stream \(id)")
            }
        case .client:
            guard !endStream else { return self.connectionError(.protocolError, "END_STREAM from the server") }
            guard stream.headersExchanged else {
                return self.connectionError(.protocolError, "MESSAGE before HEADERS on stream \(id)")
            }
        }
        guard length <= stream.receiveWindow else {
            return self.connectionError(.protocolError, "MESSAGE of \(length) bytes over stream \(id)'s window")
        }
        stream.receiveWindow -= length

        var actions: [Action] = []
        let total = (stream.partial?.readableBytes ?? 0) + length
        if total > self.localSettings.maxMessageSize {
            // Fail this call only; the connection goes on.
            self.streams.removeValue(forKey: id)
            let message = "message of at least \(total) bytes over the limit of \(self.localSettings.maxMessageSize)"
            let tell: Frame =
                self.role == .server
                ? .trailers(streamID: id, TrailersPayload(code: .resourceExhausted, message: message))
                : .cancel(streamID: id, code: .resourceExhausted)
            var frames = [tell]
            frames += self.credit(length, streamID: nil)  // earlier chunks were credited already
            actions.append(.send(frames))
            actions.append(.streamFailed(streamID: id, code: .resourceExhausted, message: message))
            return actions + self.drainedActions()
        }

        if more {
            var partial = stream.partial ?? ByteBuffer()
            var chunk = bytes
            partial.writeBuffer(&chunk)
            stream.partial = partial
            self.streams[id] = stream
            // Bytes of an unfinished message are bounded by the max message size: credit them now,
            // so a message larger than the window can complete.
            let frames = self.credit(length, streamID: id)
            return frames.isEmpty ? [] : [.send(frames)]
        }

        if var partial = stream.partial {
            var chunk = bytes
            partial.writeBuffer(&chunk)
            stream.partial = nil
            actions.append(.deliverMessage(streamID: id, partial, credit: length))
        } else if !(endStream && length == 0) {
            actions.append(.deliverMessage(streamID: id, bytes, credit: length))
        }
        if endStream {
            stream.phase = .halfClosedRemote
            actions.append(.remoteHalfClosed(streamID: id))
        }
        self.streams[id] = stream
        return actions
    }

    private mutating func receiveTrailers(_ id: UInt32, _ trailers: TrailersPayload) -> [Action] {
        guard self.role == .client else {
            return self.connectionError(.protocolError, "TRAILERS from a client")
        }
        guard self.streams.removeValue(forKey: id) != nil else {
            return self.isIdle(id) ? self.connectionError(.protocolError, "TRAILERS on idle stream \(id)") : []
        }
        return [.trailersReceived(streamID: id, trailers)] + self.drainedActions()
    }

    private mutating func receivePing(_ data: UInt64, now: NIODeadline) -> [Action] {
        defer { self.lastPingReceived = now }
        if let last = self.lastPingReceived, now - last < self.configuration.minPingInterval {
            self.pingStrikes += 1
            if self.pingStrikes > self.configuration.maxPingStrikes {
                return self.connectionError(.enhanceYourCalm, "too many PINGs")
            }
        }
        return [.send([.pong(data)])]
    }

    private mutating func receiveGoAway(_ goAway: GoAwayPayload) -> [Action] {
        self.goAwayReceived = goAway
        var actions: [Action] = [.goAwayReceived(goAway)]
        // Streams this side opened above the peer's last accepted id were never processed.
        if self.role == .client {
            for id in self.openStreamIDs where id > goAway.lastStreamID {
                self.streams.removeValue(forKey: id)
                actions.append(
                    .streamRefused(streamID: id, message: "not processed: the server is going away; safe to retry"))
            }
        }
        if goAway.code != .noError {
            for id in self.openStreamIDs {
                actions.append(
                    .streamFailed(
                        streamID: id, code: .unavailable,
                        message: "connection closed by peer: \(goAway.code) \(goAway.reason)"))
            }
            self.streams = [:]
            self.isClosed = true
            actions.append(.closeConnection(.peerError(goAway.code, goAway.reason)))
            return actions
        }
        return actions + self.drainedActions()
    }
}
