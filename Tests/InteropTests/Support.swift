import Foundation
import ProtoSchema
import ProtoWire
import ProtectionMessages
import ConformanceMessages

/// The package root, three levels above this file.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The two schemas whose generated code is under test, loaded once.
enum Schemas {
    static let protection: Schema = load("schema")
    static let conformance: Schema = load("Tests/Support/schema")

    static func load(_ relative: String) -> Schema {
        do {
            return try SchemaLoader.load(directory: packageRoot + "/" + relative)
        } catch {
            fatalError("cannot load \(relative): \(error)")
        }
    }

    /// Every generated message type with the schema it comes from.
    static var all: [(name: String, type: any ProtoMessage.Type, schema: Schema)] {
        let p = ProtectionMessagesRegistry.messageTypes.map { ($0.key, $0.value, protection) }
        let c = ConformanceMessagesRegistry.messageTypes.map { ($0.key, $0.value, conformance) }
        return (p + c).sorted { $0.0 < $1.0 }
    }
}

/// Decodes bytes with a generated type and returns the value re-encoded, or the error.
func generatedRoundTrip<T: ProtoMessage>(_ type: T.Type, _ bytes: [UInt8]) throws -> (T, [UInt8]) {
    let value = try T(serializedBytes: bytes)
    return (value, value.serializedBytes())
}

/// JSON coders that know every generated message type, so an Any's `@type` resolves.
enum ProtoCoders {
    static let registry = ProtectionMessagesRegistry.typeRegistry.adding(ConformanceMessagesRegistry.typeRegistry)

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.userInfo[ProtoJSON.typeRegistryKey] = registry
        return d
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.userInfo[ProtoJSON.typeRegistryKey] = registry
        return e
    }
}
