// libFuzzer harness for proto3 JSON, into the generated types and the dynamic codec.
//
// The first input byte picks one of the schema's message types or a well-known
// type (Any, Struct, Value, the wrappers, FieldMask, ...) by its index in the
// sorted list of names (seeds are remapped when the schema adds types); the rest is JSON
// text. The generated type (Codable) and the dynamic codec (ProtoSchema) each
// decode it, or refuse it with an error: nothing else. Whatever one accepts must
// survive its own round trip: the generated value encodes to JSON that decodes to
// the same value (the same bytes), and to binary that the dynamic codec reads; the dynamic value
// encodes to JSON that it decodes again. When both accept, they agree on the
// binary encoding's meaning (each decodes the other's bytes).
//
// Build and run with the fuzzer (see scripts/test.sh):
//   swift build -c debug --scratch-path .build-fuzz --product FuzzJSON \
//       --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
//   SWIFT_BACKTRACE=enable=no .build-fuzz/debug/FuzzJSON "$(mktemp -d)" Fuzz/corpus/FuzzJSON
// Without the fuzzer flags this file builds to a program that does nothing.

import Foundation
import ProtectionMessages
import ProtoSchema
import ProtoWire

let registry = ProtectionMessagesRegistry.typeRegistry
let types = registry.messageTypes.sorted { $0.key < $1.key }
let codec = DynamicCodec(schema: try! SchemaLoader.load(sources: ProtectionMessagesSchema.files))
let decoder: JSONDecoder = {
    let d = JSONDecoder()
    d.userInfo[ProtoJSON.typeRegistryKey] = registry
    return d
}()
let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.userInfo[ProtoJSON.typeRegistryKey] = registry
    return e
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt {
    guard n > 0 else { return 0 }
    let (name, type) = types[Int(d[0]) % types.count]
    let json = Data(bytes: d + 1, count: n - 1)
    check(type, name: name, json: json)
    return 0
}

func check<M: ProtoMessage>(_ type: M.Type, name: String, json: Data) {
    let generated = try? decoder.decode(M.self, from: json)
    let dynamic = try? codec.decodeJSON(name, from: String(decoding: json, as: UTF8.self))
    if let generated {
        // Compared by their bytes: a NaN (in a FloatValue, say) is not equal to itself.
        guard let again = try? decoder.decode(M.self, from: encoder.encode(generated)),
              again.serializedBytes() == generated.serializedBytes() else {
            fatalError("\(name): a generated value does not survive its JSON round trip")
        }
        guard (try? codec.decode(name, from: generated.serializedBytes())) != nil else {
            fatalError("\(name): the dynamic codec refuses the generated value's bytes")
        }
    }
    if let dynamic {
        guard let text = try? codec.encodeJSON(dynamic), (try? codec.decodeJSON(name, from: text)) != nil else {
            fatalError("\(name): a dynamic value does not survive its JSON round trip")
        }
        guard (try? M(serializedBytes: codec.encode(dynamic))) != nil else {
            fatalError("\(name): the generated type refuses the dynamic value's bytes")
        }
    }
}
