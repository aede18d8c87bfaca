import NIOCore
import NIOPosix

/// The near limit of the machine: a bare SwiftNIO server reading 4-byte big-endian
/// length-prefixed frames and answering each with a frame the size of our reply,
/// flushing once per read burst; its client pipelines and completes per-call
/// promises in FIFO order. No RPC layer, no message decoding.
enum Echo {
    /// Splits 4-byte-length-prefixed frames out of a cumulation buffer.
    struct FrameParser {
        var cumulation: ByteBuffer?

        /// Appends `bytes` and calls `onFrame` with each complete frame's body.
        mutating func feed(_ bytes: ByteBuffer, _ onFrame: (ByteBuffer) -> Void) {
            if cumulation == nil || cumulation!.readableBytes == 0 {
                cumulation = bytes
            } else {
                var more = bytes
                cumulation!.writeBuffer(&more)
            }
            while let length = cumulation!.getInteger(at: cumulation!.readerIndex, as: UInt32.self),
                  cumulation!.readableBytes >= 4 + Int(length) {
                cumulation!.moveReaderIndex(forwardBy: 4)
                onFrame(cumulation!.readSlice(length: Int(length))!)
            }
            if cumulation!.readableBytes == 0 { cumulation = nil }
        }
    }

    final class ServerHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private var parser = FrameParser()
        private let reply: ByteBuffer
        private var pending = false

        init(reply: ByteBuffer) { self.reply = reply }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var count = 0
            parser.feed(unwrapInboundIn(data)) { _ in count += 1 }
            for _ in 0..<count { context.write(wrapOutboundOut(reply), promise: nil) }
            if count > 0 { pending = true }
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            if pending {
                pending = false
                context.flush()
            }
        }
    }

    static func frame(_ body: [UInt8]) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeInteger(UInt32(body.count))
        b.writeBytes(body)
        return b
    }

    /// Serves until the process exits; `onPort` gets the listening port.
    static func serve(onPort: @escaping @Sendable (Int) -> Void) async throws {
        let reply = frame(Payloads.responseBytes)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ServerHandler(reply: reply))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        onPort(channel.localAddress!.port!)
        try await channel.closeFuture.get()
    }

    /// A write of one request frame with the promise its reply completes.
    struct Call {
        var frame: ByteBuffer
        var promise: EventLoopPromise<Void>
    }

    final class ClientHandler: ChannelDuplexHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundIn = Call
        typealias OutboundOut = ByteBuffer

        private var parser = FrameParser()
        private var waiting = CircularBuffer<EventLoopPromise<Void>>(initialCapacity: 128)

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let call = unwrapOutboundIn(data)
            waiting.append(call.promise)
            context.write(wrapOutboundOut(call.frame), promise: promise)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            parser.feed(unwrapInboundIn(data)) { _ in
                waiting.removeFirst().succeed()
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            while let p = waiting.popFirst() { p.fail(error) }
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            while let p = waiting.popFirst() { p.fail(ChannelError.ioOnClosedChannel) }
            context.fireChannelInactive()
        }
    }

    /// One client connection: `call()` sends a request frame and waits for its reply.
    struct Connection: Sendable {
        let channel: any Channel
        let request: ByteBuffer

        static func connect(port: Int) async throws -> Connection {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ClientHandler())
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            return Connection(channel: channel, request: frame(Payloads.requestBytes))
        }

        func call() async throws {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            channel.writeAndFlush(Call(frame: request, promise: promise), promise: nil)
            try await promise.futureResult.get()
        }

        func close() async {
            try? await channel.close()
        }
    }

    /// Opens `count` connections, each making one round trip, runs `whileOpen`, closes them.
    static func holdConnections(port: Int, count: Int, whileOpen: @escaping @Sendable () async throws -> Void) async throws {
        var connections: [Connection] = []
        for _ in 0..<count {
            let c = try await Connection.connect(port: port)
            try await c.call()
            connections.append(c)
        }
        try await whileOpen()
        for c in connections { await c.close() }
    }

    /// Runs `body` with one connection's call function; the connection is closed after.
    static func withClient<R: Sendable>(
        port: Int, _ body: @escaping @Sendable (@escaping @Sendable () async throws -> Void) async throws -> R
    ) async throws -> R {
        let connection = try await Connection.connect(port: port)
        do {
            let result = try await body { try await connection.call() }
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }
}
