import NIOCore
import RPCCore

/// Maximum relative deadline put on the wire (ten years, in microseconds).
private let maxDeadlineMicroseconds: UInt64 = 315_360_000_000_000

extension ConnectionHandler {
    // MARK: - Server streams

    func openServerStream(_ id: UInt32, _ headers: HeadersPayload, endStream: Bool) {
        guard let context else { return }
        let ref = self.ref
        let inbox = StreamInbox<RPCRequestPart>(onConsume: { credit in
            ref.execute { $0.returnCredit(credit, streamID: id) }
        })
        let metadata = Metadata(headers.metadata)
        inbox.push(.metadata(metadata))
        if endStream { inbox.finish() }
        let cancellation = ServerContext.Cancellation()
        let gate = WriteGate()
        self.records[id] = StreamRecord(call: .server(inbox, cancellation), gate: gate)
        self.idleTimer?.cancel()
        self.idleTimer = nil

        let descriptor =
            MethodDescriptor(fullyQualifiedMethod: headers.method, kind: .bidirectionalStreaming)
            ?? MethodDescriptor(service: "", method: headers.method, kind: .bidirectionalStreaming)
        var deadline: Deadline?
        if headers.deadlineMicroseconds > 0 {
            let micros = min(headers.deadlineMicroseconds, maxDeadlineMicroseconds)
            deadline = .after(.microseconds(Int64(micros)))
        }
        let serverContext = ServerContext(
            descriptor: descriptor, peer: self.peer, deadline: deadline, requestMetadata: metadata,
            cancellation: cancellation)
        let stream = RPCServerStream(
            descriptor: descriptor,
            inbound: RPCAsyncSequence(next: { try await inbox.next() }),
            outbound: RPCWriter(
                write: { part in
                    if try await ref.perform({ try $0.writeServerPart(part, streamID: id) }) { try await gate.wait() }
                },
                finish: { _ in ref.execute { $0.finishServerStream(id) } }))
        context.fireChannelRead(self.wrapInboundOut(AcceptedStream(stream: stream, context: serverContext)))
    }

    /// Sends one response part; the future says whether the writer must wait for credit.
    func writeServerPart(_ part: RPCResponsePart, streamID id: UInt32) throws(RPCError) -> Bool {
        guard self.records[id] != nil, !self.isInactive else {
            throw RPCError(code: .cancelled, message: "The call has already ended.")
        }
        let frames: [Frame]
        do throws(ConnectionStateMachine.UsageError) {
            switch part {
            case .metadata(let metadata):
                frames = try self.machine.sendHeaders(
                    streamID: id, HeadersPayload(method: "", metadata: WireMetadata(metadata)))
            case .message(let bytes):
                do throws(ConnectionStateMachine.UsageError) {
                    frames = try self.machine.sendMessage(streamID: id, ByteBuffer(bytes: bytes))
                } catch .headersRequired {
                    let headers = try self.machine.sendHeaders(streamID: id, HeadersPayload(method: ""))
                    frames = headers + (try self.machine.sendMessage(streamID: id, ByteBuffer(bytes: bytes)))
                }
            case .status(let status, let trailing):
                frames = try self.machine.sendTrailers(streamID: id, TrailersPayload(status, trailing: trailing))
            }
        } catch {
            throw error.rpcError
        }
        self.write(frames)
        return (self.settleWrite(streamID: id))
    }

    /// The response writer was finished: a stream still open without trailers queued
    /// (the server never sent a status) is cancelled.
    func finishServerStream(_ id: UInt32) {
        guard self.records[id] != nil, let stream = self.machine.streams[id], !stream.localEnded else { return }
        self.write(self.machine.cancel(streamID: id, code: .internalError))
        self.streamClosedLocally(id)
        self.checkDrained()
    }

    /// After frames were queued on a stream: done when they all left, otherwise wait
    /// for flow-control credit (so a writer never runs ahead of its reader).
    private func settleWrite(streamID id: UInt32) -> Bool {
        if self.machine.sendWindow(streamID: id) == nil {
            self.streamClosedLocally(id)
            self.checkDrained()
            return false
        }
        guard self.machine.queuedBytes(streamID: id) > 0, let record = self.records[id] else { return false }
        record.gate.close()
        return true
    }

    // MARK: - Client streams

    /// Sends one request part; the future says whether the writer must wait (for credit,
    /// or for a stream the server allows).
    func clientWrite(_ part: RPCRequestPart, call: ClientCall) throws(RPCError) -> Bool {
        switch (part, call.phase) {
        case (.metadata(let metadata), .pending):
            guard !self.isInactive, !self.closeInitiated else {
                let error = RPCError.notProcessed("The connection is closed; the call was not sent.")
                self.failPendingCall(call, error)
                throw error
            }
            guard self.pendingOpens.isEmpty else { return self.queueOpen(call, metadata) }
            do throws(ConnectionStateMachine.UsageError) {
                try self.open(call, metadata)
                return (false)
            } catch .tooManyStreams {
                return self.queueOpen(call, metadata)
            } catch {
                self.failPendingCall(call, error.rpcError)
                throw error.rpcError
            }
        case (.message(let bytes), .open(let id)):
            guard self.records[id] != nil else {
                throw RPCError(code: .cancelled, message: "The call has already ended.")
            }
            do throws(ConnectionStateMachine.UsageError) {
                self.write(try self.machine.sendMessage(streamID: id, ByteBuffer(bytes: bytes)))
            } catch {
                let rpcError = error.rpcError
                if case .messageTooLarge = error {
                    // Never sent: the call fails here, and the server is told to stop.
                    self.cancelClientCall(id, code: .resourceExhausted, status: rpcError.status)
                }
                throw rpcError
            }
            return (self.settleWrite(streamID: id))
        case (_, .ended):
            throw RPCError(code: .cancelled, message: "The call has already ended.")
        default:
            throw RPCError(code: .internalError, message: "Request parts out of order: metadata first, exactly once.")
        }
    }

    /// Opens the call's stream with HEADERS carrying its metadata and what is left of its deadline.
    private func open(_ call: ClientCall, _ metadata: Metadata) throws(ConnectionStateMachine.UsageError) {
        var micros: UInt64 = 0
        if let deadline = call.deadline {
            let remaining = deadline.remaining.components
            let value = remaining.seconds * 1_000_000 + remaining.attoseconds / 1_000_000_000_000
            micros = min(UInt64(max(1, value)), maxDeadlineMicroseconds)
        }
        let headers = HeadersPayload(
            method: call.method, deadlineMicroseconds: micros, metadata: WireMetadata(metadata))
        let (id, frames) = try self.machine.openStream(headers)
        call.opened(id)
        self.records[id] = StreamRecord(call: .client(call), gate: call.gate)
        self.write(frames)
    }

    /// All of the server's concurrent streams are in use: the call waits for one to end.
    private func queueOpen(_ call: ClientCall, _ metadata: Metadata) -> Bool {
        call.gate.close()
        self.pendingOpens.append(PendingOpen(call: call, metadata: metadata))
        return true
    }

    /// Opens queued calls while the server's limit allows.
    func openQueuedCalls() {
        while let next = self.pendingOpens.first {
            do throws(ConnectionStateMachine.UsageError) {
                try self.open(next.call, next.metadata)
                self.pendingOpens.removeFirst()
                next.call.gate.open()
            } catch .tooManyStreams {
                return
            } catch {
                self.pendingOpens.removeFirst()
                self.failQueuedCall(next.call, error.rpcError)
            }
        }
    }

    /// Fails every queued call (the connection is going away).
    func failQueuedCalls(_ error: RPCError) {
        let queued = self.pendingOpens
        self.pendingOpens = []
        for item in queued { self.failQueuedCall(item.call, error) }
    }

    private func failQueuedCall(_ call: ClientCall, _ error: RPCError) {
        self.failPendingCall(call, error)
        call.gate.open(failure: error)
    }

    /// The request writer was finished: half-close, or (with an error) cancel the call.
    func clientFinish(call: ClientCall, failed: Bool) {
        guard case .open(let id) = call.phase, self.records[id] != nil else { return }
        if failed {
            self.cancelClientCall(
                id, code: .cancelled,
                status: Status(code: .cancelled, message: "The client ended the request stream with an error."))
        } else {
            self.write((try? self.machine.halfClose(streamID: id)) ?? [])
        }
    }

    /// The caller left the call (`withStream` returned or threw): a call still open is
    /// cancelled on the server; unread messages give their credit back.
    func endClientCall(_ call: ClientCall, deadlinePassed: Bool) {
        let id = call.streamID
        if let index = self.pendingOpens.firstIndex(where: { $0.call === call }) {
            let item = self.pendingOpens.remove(at: index)
            item.call.gate.open(failure: RPCError(code: .cancelled, message: "The client left the call."))
        }
        if case .open(let id) = call.phase, self.records[id] != nil {
            let code: Status.Code = deadlinePassed ? .deadlineExceeded : .cancelled
            self.cancelClientCall(id, code: code, status: Status(code: code, message: "The client left the call."))
        }
        call.end()
        self.returnCredit(call.inbox.closeReading(), streamID: id)
        self.checkDrained()
    }

    private func cancelClientCall(_ id: UInt32, code: Status.Code, status: Status) {
        self.write(self.machine.cancel(streamID: id, code: WireStatusCode(code)))
        self.endStream(id, status: status)
        self.checkDrained()
    }

    private func failPendingCall(_ call: ClientCall, _ error: RPCError) {
        call.end()
        call.inbox.push(.status(error.status, trailing: error.metadata))
        call.inbox.finish()
    }
}
