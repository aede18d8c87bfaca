// libFuzzer harness for `ConnectionStateMachine`, fed whole frame sequences.
//
// The first input byte picks the side (bit 0: server or client) and how this side
// answers (bits 1-7 drive its own calls); the rest is the peer's byte stream, cut
// into frames by `FrameDecoder` as a socket would deliver them. Every frame goes
// to `receive`; the side answers each call the peer opens (a server's headers,
// message and trailers) and opens calls of its own (a client), returns credit for
// what it was given, and drains half-way. Whatever the peer sends, the machine
// must answer with actions, never trap, and keep its invariants: windows within
// 0 ... 2^31-1, no stream after the connection closed, no frame over the peer's
// MAX_FRAME_SIZE.
//
// Build and run with the fuzzer (see scripts/test.sh):
//   swift build -c debug --scratch-path .build-fuzz --product FuzzConnection \
//       --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
//   SWIFT_BACKTRACE=enable=no .build-fuzz/debug/FuzzConnection "$(mktemp -d)" Fuzz/corpus/FuzzConnection
// Without the fuzzer flags this file builds to a program that does nothing.

import NIOCore
import RPCTransportTCP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt {
    guard n > 0 else { return 0 }
    let control = d[0]
    let role: ConnectionStateMachine.Role = control & 1 == 0 ? .server : .client
    var machine = ConnectionStateMachine(role: role)
    check(machine.start(), machine)
    var buffer = ByteBuffer(bytes: UnsafeBufferPointer(start: d + 1, count: n - 1))
    var decoder = FrameDecoder()
    var step = 0
    while !machine.isClosed {
        let frame: Frame?
        do {
            frame = try decoder.decodeFrame(buffer: &buffer)
        } catch {
            handle(machine.frameError(error), &machine, control: control, step: step)
            break
        }
        guard let frame else { break }
        step += 1
        handle(machine.receive(frame), &machine, control: control, step: step)
        if control & 0x80 != 0, step == 3 { check(machine.beginGracefulShutdown(reason: "fuzz"), machine) }
        if role == .client, control & 0x02 != 0, machine.isReady {
            if let (_, frames) = try? machine.openStream(HeadersPayload(method: "fuzz.v1.Fuzz/Call"), endStream: control & 0x04 != 0) {
                check(frames, machine)
            }
        }
    }
    return 0
}

/// Carries out `actions` as a connection's owner would.
func handle(_ actions: [ConnectionStateMachine.Action], _ machine: inout ConnectionStateMachine, control: UInt8, step: Int) {
    for action in actions {
        switch action {
        case .send(let frames):
            check(frames, machine)
        case .streamOpened(let id, _, _):
            // Answer: headers, one message, trailers (each may be refused by the state).
            if let frames = try? machine.sendHeaders(streamID: id, HeadersPayload(method: "")) { check(frames, machine) }
            let size = Int(control >> 3) * 512 + step
            if let frames = try? machine.sendMessage(streamID: id, ByteBuffer(repeating: 0x2A, count: size)) {
                check(frames, machine)
            }
            if control & 0x40 == 0, let frames = try? machine.sendTrailers(streamID: id, TrailersPayload(code: .ok)) {
                check(frames, machine)
            }
        case .deliverMessage(let id, _, let credit):
            check(machine.returnCredit(credit, streamID: id), machine)
        case .remoteHalfClosed(let id) where control & 0x20 != 0:
            check(machine.cancel(streamID: id, code: .cancelled), machine)
        default:
            break
        }
    }
    precondition(!machine.isClosed || machine.openStreamIDs.isEmpty, "streams outlive the connection")
    for id in machine.openStreamIDs {
        if let window = machine.sendWindow(streamID: id) { precondition((0...Int(Int32.max)).contains(window), "window \(window)") }
        precondition(machine.queuedBytes(streamID: id) >= 0)
    }
}

/// Every frame the machine asks to send fits the peer's limit and encodes.
func check(_ frames: [Frame], _ machine: ConnectionStateMachine) {
    for frame in frames {
        precondition(FrameCodec.payloadLength(of: frame) <= FrameHeader.maxPayloadLength)
        do {
            _ = try FrameCodec.encode(frame)
        } catch {
            fatalError("the machine produced a frame that does not encode: \(error), \(frame)")
        }
    }
}
