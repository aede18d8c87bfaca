/// A part of a request stream: the metadata first, then any number of messages.
public enum RPCRequestPart: Sendable, Hashable {
    /// The request metadata; always the first part, exactly once.
    case metadata(Metadata)
    /// One serialized request message.
    case message([UInt8])
}

/// A part of a response stream: optional initial metadata, then messages, then
/// the status with trailing metadata, always last.
///
/// A response that fails before any message may consist of the status alone.
public enum RPCResponsePart: Sendable, Hashable {
    /// The initial response metadata; at most once, before any message.
    case metadata(Metadata)
    /// One serialized response message.
    case message([UInt8])
    /// How the call ended, and the trailing metadata; always the last part.
    case status(Status, trailing: Metadata)
}

/// One call as a transport sees it: the method, the parts arriving, and a writer
/// for the parts leaving.
///
/// On the server, `Inbound` is ``RPCRequestPart`` and `Outbound` is
/// ``RPCResponsePart``; on the client, the other way round.
public struct RPCStream<Inbound: Sendable, Outbound: Sendable>: Sendable {
    /// The method called.
    public var descriptor: MethodDescriptor
    /// The parts arriving from the peer (single consumer).
    public var inbound: RPCAsyncSequence<Inbound>
    /// The writer for parts to the peer; finish it when done.
    public var outbound: RPCWriter<Outbound>

    public init(descriptor: MethodDescriptor, inbound: RPCAsyncSequence<Inbound>, outbound: RPCWriter<Outbound>) {
        self.descriptor = descriptor
        self.inbound = inbound
        self.outbound = outbound
    }
}

/// The stream a server transport hands to the server for each call.
public typealias RPCServerStream = RPCStream<RPCRequestPart, RPCResponsePart>
/// The stream a client transport hands to the client for each call.
public typealias RPCClientStream = RPCStream<RPCResponsePart, RPCRequestPart>
