// libFuzzer harness for `FrameDecoder`.
//
// The first input byte picks where the rest of the input is split in two; the two
// chunks reach the decoder one after the other, as they might off a socket. After each
// chunk the decoder runs until it needs more bytes or throws. Every outcome must be a
// frame, a wait for more bytes, or a `FrameError` (the decoder throws nothing else);
// every frame must encode and decode back to itself.
//
// Build and run with the fuzzer (see scripts/test.sh):
//   swift build -c debug --scratch-path .build-fuzz --product FuzzFrameDecoder \
//       --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
//   SWIFT_BACKTRACE=enable=no .build-fuzz/debug/FuzzFrameDecoder "$(mktemp -d)" Fuzz/corpus/FuzzFrameDecoder
// Without the fuzzer flags this file builds to a program that does nothing.

import NIOCore
import RPCFrames

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt {
    guard n > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: d, count: n)
    let body = input[1...]
    let split = body.startIndex + Int(input[0]) % (body.count + 1)
    var decoder = FrameDecoder()
    var buffer = ByteBuffer()
    for chunk in [body[..<split], body[split...]] {
        buffer.writeBytes(chunk)
        while true {
            let before = buffer.readerIndex
            let frame: Frame?
            do {
                frame = try decoder.decodeFrame(buffer: &buffer)
            } catch {
                // A typed `FrameError`: the connection would close here.
                _ = error as FrameError
                return 0
            }
            guard let frame else { break }  // waits for more bytes
            precondition(buffer.readerIndex >= before + FrameHeader.size, "a frame consumed no header")
            checkRoundTrip(frame)
        }
    }
    return 0
}

/// A decoded frame encodes to bytes that decode to the same frame.
func checkRoundTrip(_ frame: Frame) {
    var encoded: ByteBuffer
    do {
        encoded = try FrameCodec.encode(frame)
    } catch {
        fatalError("decoded frame does not encode: \(error), \(frame)")
    }
    var decoder = FrameDecoder(maxFrameSize: FrameHeader.maxPayloadLength)
    let again: Frame?
    do {
        again = try decoder.decodeFrame(buffer: &encoded)
    } catch {
        fatalError("re-encoded frame does not decode: \(error), \(frame)")
    }
    guard again == frame, encoded.readableBytes == 0 else {
        fatalError("frame changed in a round trip: \(frame) became \(String(describing: again))")
    }
}
