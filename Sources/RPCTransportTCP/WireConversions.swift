import NIOCore
import RPCCore

extension WireMetadata {
    /// Trailing metadata of a refusal: the call was not processed (``RPCError/notProcessedKey``).
    static let notProcessed: WireMetadata = [(RPCError.notProcessedKey, .string("1"))]

    /// The wire form of RPC metadata, in order.
    init(_ metadata: Metadata) {
        self.init(
            metadata.map { key, value in
                switch value {
                case .string(let text): Entry(key: key, value: .string(text))
                case .binary(let bytes): Entry(key: key, value: .binary(bytes))
                }
            })
    }
}

extension Metadata {
    /// RPC metadata from its wire form; entries RPC metadata cannot hold (a text value
    /// under a `-bin` key, say) are skipped.
    init(_ wire: WireMetadata) {
        self.init()
        for entry in wire {
            switch entry.value {
            case .string(let text): try? self.add(.string(text), forKey: entry.key)
            case .binary(let bytes): try? self.add(.binary(bytes), forKey: entry.key)
            }
        }
    }
}

extension Status {
    /// A status from TRAILERS; codes above 16 read as UNKNOWN.
    init(_ trailers: TrailersPayload) {
        self.init(
            code: Status.Code(wireValue: Int(trailers.code.rawValue)), message: trailers.message,
            details: trailers.details)
    }

    init(wire code: WireStatusCode, message: String) {
        self.init(code: Status.Code(wireValue: Int(code.rawValue)), message: message)
    }
}

extension WireStatusCode {
    init(_ code: Status.Code) {
        self.init(rawValue: UInt32(code.rawValue))
    }
}

extension TrailersPayload {
    init(_ status: Status, trailing: Metadata) {
        self.init(
            code: WireStatusCode(status.code), message: status.message, details: status.details,
            metadata: WireMetadata(trailing))
    }
}

extension SocketAddress {
    /// The peer as `ServerContext.peer` names it: `ipv4:127.0.0.1:54321`, `ipv6:[::1]:54321`.
    var peerDescription: String {
        switch self {
        case .v4: return "ipv4:\(self.ipAddress ?? "?"):\(self.port ?? 0)"
        case .v6: return "ipv6:[\(self.ipAddress ?? "?")]:\(self.port ?? 0)"
        case .unixDomainSocket: return "unix:\(self.pathname ?? "")"
        }
    }
}

extension ConnectionStateMachine.UsageError {
    /// The status a call fails with when the connection refuses an operation.
    var rpcError: RPCError {
        switch self {
        case .awaitingPeerSettings:
            return RPCError.notProcessed("The connection is not ready.")
        case .draining:
            return RPCError.notProcessed("The connection is draining; the call was not sent.")
        case .connectionClosed:
            return RPCError.notProcessed("The connection is closed; the call was not sent.")
        case .tooManyStreams(let limit):
            return RPCError(code: .unavailable, message: "The server allows \(limit) concurrent calls per connection.")
        case .streamIDsExhausted:
            return RPCError.notProcessed("The connection has run out of stream ids.")
        case .unknownStream, .streamNotWritable:
            return RPCError(code: .cancelled, message: "The call has already ended.")
        case .messageTooLarge(let size, let max):
            return RPCError(
                code: .resourceExhausted, message: "The message (\(size) bytes) exceeds the peer's limit of \(max).")
        case .frameTooLarge(let size, let max):
            return RPCError(
                code: .resourceExhausted,
                message: "The metadata (\(size) bytes) exceeds the peer's frame limit of \(max).")
        case .wrongRole, .headersRequired:
            return RPCError(code: .internalError, message: "The transport misused the connection: \(self).")
        }
    }
}
