import NIOCore
import RPCFrames

/// The whole pipeline of a connection refused at accept (too many open): it sends
/// SETTINGS (so the peer can read what follows) and GOAWAY(ENHANCE_YOUR_CALM,
/// last stream 0, `reason`), reads nothing, and closes once those are written. A
/// client sees the GOAWAY before any call started, so its calls are safe to retry
/// elsewhere.
final class RefusedConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let reason: String
    private var sent = false

    init(reason: String) {
        self.reason = reason
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context: context)
        context.fireChannelActive()
    }

    /// Whatever the peer sends is dropped unread.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        var buffer = context.channel.allocator.buffer(capacity: 128)
        let frames: [Frame] = [
            .settings(ConnectionSettings()), .goAway(GoAwayPayload(lastStreamID: 0, code: .enhanceYourCalm, reason: reason)),
        ]
        for frame in frames { try? FrameCodec.encode(frame, into: &buffer) }
        let channel = context.channel
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }
}
