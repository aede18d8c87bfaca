// libFuzzer harness for the generated message decoders.
//
// The first input byte picks a message type of `ProtectionMessagesRegistry` (sorted by
// name); the rest is decoded as that type. Decoding may fail with a `WireError`; when
// it succeeds, the message is encoded again and that encoding must decode to a message
// with the same encoding. (Encodings are compared rather than messages, since a float or
// double field may hold NaN, which is not equal to itself.)
//
// Build and run with the fuzzer (see scripts/test.sh):
//   swift build -c debug --scratch-path .build-fuzz --product FuzzMessageDecoder \
//       --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
//   SWIFT_BACKTRACE=enable=no .build-fuzz/debug/FuzzMessageDecoder "$(mktemp -d)" Fuzz/corpus/FuzzMessageDecoder
// Without the fuzzer flags this file builds to a program that does nothing.

import ProtectionMessages
import ProtoWire

let messageTypes: [any ProtoMessage.Type] = ProtectionMessagesRegistry.messageTypes
    .sorted { $0.key < $1.key }.map(\.value)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt {
    guard n > 0 else { return 0 }
    let type = messageTypes[Int(d[0]) % messageTypes.count]
    checkRoundTrip(type, UnsafeRawBufferPointer(start: d + 1, count: n - 1))
    return 0
}

func checkRoundTrip<M: ProtoMessage>(_ type: M.Type, _ bytes: UnsafeRawBufferPointer) {
    let first: M
    do {
        first = try M(serializedBytes: bytes, options: DecodeOptions())
    } catch {
        return  // a WireError: the input is not a valid encoding
    }
    let encoded = first.serializedBytes()
    let second: M
    do {
        second = try M(serializedBytes: encoded, options: DecodeOptions())
    } catch {
        fatalError("\(M.protoMessageName): re-encoding does not decode: \(error); bytes \(encoded)")
    }
    guard second.serializedBytes() == encoded else {
        fatalError("\(M.protoMessageName): encoding changed in a round trip; bytes \(encoded)")
    }
}
