import NIOCore

@testable import RPCTransportTCP

typealias Action = ConnectionStateMachine.Action

/// A client and a server state machine wired back to back: every `.send` action is
/// delivered to the other side at once; every other action is recorded as an event.
struct Link {
    enum Side { case client, server }

    var client: ConnectionStateMachine
    var server: ConnectionStateMachine
    var clientEvents: [Action] = []
    var serverEvents: [Action] = []
    /// Every frame that crossed, in order, with the side that sent it.
    var wire: [(Side, Frame)] = []

    init(
        client: ConnectionSettings = ConnectionSettings(),
        server: ConnectionSettings = ConnectionSettings()
    ) {
        self.client = ConnectionStateMachine(role: .client, configuration: .init(settings: client))
        self.server = ConnectionStateMachine(role: .server, configuration: .init(settings: server))
    }

    /// Frames written by each side and not yet read by the other, in order.
    var clientToServer: [Frame] = []
    var serverToClient: [Frame] = []

    /// Both SETTINGS and both ACKs; the record is cleared afterwards unless `keepRecord`.
    mutating func handshake(keepRecord: Bool = false) {
        self.clientToServer += self.client.start()
        self.serverToClient += self.server.start()
        self.pump()
        if !keepRecord {
            self.clientEvents = []
            self.serverEvents = []
            self.wire = []
        }
    }

    /// Writes frames from `side`, then delivers everything in flight, one frame from each
    /// direction in turn, each direction in order, until both are quiet.
    mutating func send(_ frames: [Frame], from side: Side) {
        if side == .client { self.clientToServer += frames } else { self.serverToClient += frames }
        self.pump()
    }

    mutating func pump() {
        while !self.clientToServer.isEmpty || !self.serverToClient.isEmpty {
            if !self.clientToServer.isEmpty {
                let frame = self.clientToServer.removeFirst()
                self.wire.append((.client, frame))
                self.apply(self.server.receive(frame), at: .server)
            }
            if !self.serverToClient.isEmpty {
                let frame = self.serverToClient.removeFirst()
                self.wire.append((.server, frame))
                self.apply(self.client.receive(frame), at: .client)
            }
        }
    }

    private mutating func apply(_ actions: [Action], at side: Side) {
        for action in actions {
            if case .send(let replies) = action {
                if side == .client { self.clientToServer += replies } else { self.serverToClient += replies }
            } else if side == .client {
                self.clientEvents.append(action)
            } else {
                self.serverEvents.append(action)
            }
        }
    }

    /// Events recorded so far on one side, cleared.
    mutating func takeEvents(_ side: Side) -> [Action] {
        defer {
            if side == .client { self.clientEvents = [] } else { self.serverEvents = [] }
        }
        return side == .client ? self.clientEvents : self.serverEvents
    }

    /// The messages delivered in `events`, as byte arrays.
    static func messages(_ events: [Action]) -> [[UInt8]] {
        events.compactMap {
            if case .deliverMessage(_, let bytes, _) = $0 { return Array(bytes.readableBytesView) }
            return nil
        }
    }
}

extension ByteBuffer {
    init(_ bytes: [UInt8]) { self.init(bytes: bytes) }
}

func payloadBytes(_ frames: [Frame]) -> Int {
    frames.reduce(0) {
        if case .message(_, let bytes, _, _) = $1 { return $0 + bytes.readableBytes }
        return $0
    }
}
