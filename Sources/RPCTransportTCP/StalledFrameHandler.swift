import NIOCore
import RPCFrames

/// Where frame boundaries fall in a byte stream, from the headers alone (the
/// 24-bit payload length at offset 5). Pure: the frame decoder still validates
/// every header; this only knows whether the bytes so far end between frames.
struct FrameBoundaries: Sendable, Equatable {
    private var headerBytes: [UInt8] = []
    private var remainingPayload = 0

    /// Whether the bytes consumed so far end exactly between two frames.
    var atBoundary: Bool { headerBytes.isEmpty && remainingPayload == 0 }

    mutating func consume(_ bytes: ByteBufferView) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if remainingPayload > 0 {
                let skip = min(remainingPayload, bytes.endIndex - index)
                remainingPayload -= skip
                index += skip
                continue
            }
            headerBytes.append(bytes[index])
            index += 1
            if headerBytes.count == FrameHeader.size {
                remainingPayload = Int(headerBytes[5]) << 16 | Int(headerBytes[6]) << 8 | Int(headerBytes[7])
                headerBytes.removeAll(keepingCapacity: true)
            }
        }
    }
}

/// The error a connection fails with when a frame it started stalls.
struct StalledFrame: Error, CustomStringConvertible {
    var timeout: TimeAmount
    var description: String { "no byte of a started frame for \(timeout.nanoseconds / 1_000_000) ms" }
}

/// Sits in front of the frame decoder: when the peer stops sending in the middle
/// of a frame for `timeout` (a header or payload begun and not finished), fires
/// ``StalledFrame`` down the pipeline, which the connection handler answers with
/// GOAWAY(PROTOCOL_ERROR) and a close. Between frames a connection may be quiet
/// as long as its other timers allow; a large message arriving slowly but steadily
/// is never cut (each byte restarts the timer).
final class StalledFrameHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var boundaries = FrameBoundaries()
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = self.unwrapInboundIn(data)
        boundaries.consume(bytes.readableBytesView)
        timer?.cancel()
        timer = nil
        if !boundaries.atBoundary {
            let loopBound = NIOLoopBound((context, timeout), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: timeout) {
                let (context, timeout) = loopBound.value
                context.fireErrorCaught(StalledFrame(timeout: timeout))
            }
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }
}
