import NIOCore

extension ConnectionStateMachine {
    /// Returns credit for a delivered message once the application has consumed it,
    /// and any WINDOW_UPDATE frames now due.
    public mutating func returnCredit(_ credit: Int, streamID: UInt32) -> [Frame] {
        guard credit > 0, !self.isClosed else { return [] }
        return self.credit(credit, streamID: streamID)
    }

    /// Adds consumed bytes to the pending credit of a stream (if still receiving) and of
    /// the connection; a WINDOW_UPDATE leaves once half the initial window is pending.
    mutating func credit(_ bytes: Int, streamID: UInt32?) -> [Frame] {
        var frames: [Frame] = []
        let threshold = max(1, self.localSettings.initialWindowSize / 2)
        if let id = streamID, var stream = self.streams[id], self.isReceiving(stream) {
            stream.pendingCredit += bytes
            if stream.pendingCredit >= threshold {
                frames.append(.windowUpdate(streamID: id, increment: UInt32(stream.pendingCredit)))
                stream.receiveWindow += stream.pendingCredit
                stream.pendingCredit = 0
            }
            self.streams[id] = stream
        }
        self.connectionPendingCredit += bytes
        if self.connectionPendingCredit >= threshold {
            frames.append(.windowUpdate(streamID: 0, increment: UInt32(self.connectionPendingCredit)))
            self.connectionReceiveWindow += self.connectionPendingCredit
            self.connectionPendingCredit = 0
        }
        return frames
    }

    /// Whether the peer may still send messages on the stream.
    func isReceiving(_ stream: StreamState) -> Bool {
        self.role == .client || stream.phase == .open
    }

    /// Sends what flow control allows from the stream's queue.
    mutating func flush(streamID: UInt32) -> [Frame] {
        guard var stream = self.streams[streamID] else { return [] }
        var frames: [Frame] = []
        loop: while let next = stream.outbound.first {
            switch next {
            case .message(var bytes, let endStream):
                let available = min(stream.sendWindow, self.connectionSendWindow, self.peerSettings.maxFrameSize)
                if bytes.readableBytes > 0 && available <= 0 { break loop }
                let chunk = bytes.readSlice(length: min(available, bytes.readableBytes))!
                let more = bytes.readableBytes > 0
                stream.sendWindow -= chunk.readableBytes
                self.connectionSendWindow -= chunk.readableBytes
                frames.append(.message(streamID: streamID, chunk, more: more, endStream: endStream && !more))
                if more {
                    stream.outbound[0] = .message(bytes, endStream: endStream)
                } else {
                    stream.outbound.removeFirst()
                    if endStream { stream.phase = .halfClosedLocal }
                }
            case .halfClose:
                stream.outbound.removeFirst()
                stream.phase = .halfClosedLocal
                frames.append(.message(streamID: streamID, ByteBuffer(), endStream: true))
            case .trailers(let trailers):
                frames.append(.trailers(streamID: streamID, trailers))
                self.streams.removeValue(forKey: streamID)
                return frames
            }
        }
        self.streams[streamID] = stream
        return frames
    }

    /// Sends what flow control allows from every stream, lowest id first.
    mutating func flushAll() -> [Frame] {
        var frames: [Frame] = []
        for id in self.openStreamIDs where self.connectionSendWindow > 0 || self.hasZeroCostFrame(id) {
            frames += self.flush(streamID: id)
        }
        return frames
    }

    private func hasZeroCostFrame(_ id: UInt32) -> Bool {
        guard let first = self.streams[id]?.outbound.first else { return false }
        if case .message(let bytes, _) = first { return bytes.readableBytes == 0 }
        return true
    }

    /// WINDOW_UPDATE from the peer.
    mutating func receiveWindowUpdate(streamID: UInt32, increment: UInt32) -> [Action] {
        let max = ConnectionSettings.maxWindowSize
        if streamID == 0 {
            self.connectionSendWindow += Int(increment)
            guard self.connectionSendWindow <= max else {
                return self.connectionError(.protocolError, "connection window overflow")
            }
            let frames = self.flushAll()
            return frames.isEmpty ? [] : [.send(frames)] + self.drainedActions()
        }
        guard var stream = self.streams[streamID] else {
            if self.isIdle(streamID) {
                return self.connectionError(.protocolError, "WINDOW_UPDATE on idle stream \(streamID)")
            }
            return []
        }
        stream.sendWindow += Int(increment)
        guard stream.sendWindow <= max else {
            return self.connectionError(.protocolError, "stream \(streamID) window overflow")
        }
        self.streams[streamID] = stream
        let frames = self.flush(streamID: streamID)
        return frames.isEmpty ? [] : [.send(frames)] + self.drainedActions()
    }
}
