import NIOCore

extension ConnectionHandler {
    // MARK: - Keepalive (client)

    /// Every interval without a frame received, sends a PING; closes the connection
    /// (failing its calls with UNAVAILABLE) when the PONG does not come in time.
    func startKeepalive(context: ChannelHandlerContext) {
        guard let interval = self.options.keepaliveInterval, self.keepaliveTask == nil else { return }
        let ref = self.ref
        self.keepaliveTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            ref.bound.value.keepaliveTick()
        }
    }

    private func keepaliveTick() {
        defer { self.receivedSinceKeepaliveTick = false }
        guard !self.receivedSinceKeepaliveTick, self.outstandingPing == nil, !self.isInactive,
            let context
        else { return }
        let data = UInt64.random(in: .min ... .max)
        self.outstandingPing = data
        self.write([.ping(data)])
        let ref = self.ref
        self.pongTimer = context.eventLoop.scheduleTask(in: self.options.keepaliveTimeout) {
            ref.bound.value.pongTimedOut()
        }
    }

    func receivedPong(_ data: UInt64) {
        guard data == self.outstandingPing else { return }
        self.outstandingPing = nil
        self.pongTimer?.cancel()
        self.pongTimer = nil
    }

    private func pongTimedOut() {
        guard self.outstandingPing != nil, let context else { return }
        context.close(promise: nil)
    }

    // MARK: - Idle connections (server)

    /// With no stream open, arms the idle timer; when it fires with still none open,
    /// the connection closes with GOAWAY(IDLE_TIMEOUT).
    func checkIdle() {
        guard let timeout = self.options.idleTimeout, self.records.isEmpty, self.idleTimer == nil,
            !self.isInactive, !self.closeInitiated, let context
        else { return }
        let ref = self.ref
        self.idleTimer = context.eventLoop.scheduleTask(in: timeout) {
            ref.bound.value.idleTimedOut()
        }
    }

    private func idleTimedOut() {
        self.idleTimer = nil
        guard self.records.isEmpty, self.machine.openStreamIDs.isEmpty else {
            self.checkIdle()
            return
        }
        self.apply(self.machine.connectionError(.idleTimeout, "no stream open for too long"))
    }

    func stopTimers() {
        self.keepaliveTask?.cancel()
        self.keepaliveTask = nil
        self.pongTimer?.cancel()
        self.pongTimer = nil
        self.idleTimer?.cancel()
        self.idleTimer = nil
    }
}
