import Foundation
import Testing
import ConformanceMessages
import ProtectionMessages
import ProtoWire

/// Our codecs against python's `protobuf` (upb): `Vectors/python-vectors.json`,
/// written by `scripts/make-python-vectors.py`, holds for random instances of every
/// message type python's canonical JSON and its deterministic binary. We must read
/// both to the same value, write the same bytes, and print the same JSON value.
@Suite("python protobuf vectors")
struct PythonVectorTests {
    @Test("each vector decodes, re-encodes and prints like python", arguments: ["conformance", "protection"])
    func vectors(schema: String) throws {
        let file = try PythonVectors.file.get()
        let types = PythonVectors.registry
        let floatKeys = Set(file.float32JSONKeys)
        let selected = file.vectors.filter { $0.schema == schema }
        #expect(!selected.isEmpty, "no \(schema) vectors; run scripts/make-python-vectors.py")
        for vector in selected {
            // A type without generated code is reported once by `everyVectorHasAGeneratedType`.
            guard let type = types[vector.type] else { continue }
            Self.check(type, vector, floatKeys: floatKeys)
        }
    }

    @Test("every generated message type has python vectors")
    func everyMessageTypeHasVectors() throws {
        let file = try PythonVectors.file.get()
        var counts: [String: Int] = [:]
        for v in file.vectors where !v.inputOnly { counts[v.type, default: 0] += 1 }
        let names = PythonVectors.registry.keys.filter { !$0.hasPrefix("google.") }.sorted()
        #expect(!names.isEmpty)
        for name in names {
            #expect(counts[name, default: 0] > 0,
                    "\(name) has no python vectors; run scripts/make-python-vectors.py")
        }
    }

    @Test("every python vector names a generated message type")
    func everyVectorHasAGeneratedType() throws {
        let file = try PythonVectors.file.get()
        let types = PythonVectors.registry
        let unknown = Set(file.vectors.map(\.type)).subtracting(types.keys).sorted()
        #expect(unknown.isEmpty, "vectors for types without generated code (stale vectors or generated code?): \(unknown)")
        for (name, info) in file.schemas {
            #expect(info.vectors == file.vectors.count(where: { $0.schema == name }), "header count for \(name)")
        }
        #expect(!file.pythonProtobuf.isEmpty && !file.protoc.isEmpty)
    }

    @Test("the JSON value comparison is strict where it should be")
    func jsonComparison() throws {
        func differ(_ a: String, _ b: String, floatKeys: Set<String> = ["f"]) throws -> Bool {
            let x = try JSONDecoder().decode(JSONTree.self, from: Data(a.utf8))
            let y = try JSONDecoder().decode(JSONTree.self, from: Data(b.utf8))
            return JSONTree.difference(x, y, path: "$", float32: false, floatKeys: floatKeys) != nil
        }
        #expect(try !differ(#"{"a": 1, "b": [2.5, "x"]}"#, #"{"b": [2.5, "x"], "a": 1.0}"#))
        #expect(try differ(#"{"a": 1}"#, #"{"a": true}"#))
        #expect(try differ(#"{"a": -0.0}"#, #"{"a": 0}"#))
        #expect(try differ(#"{"a": 1}"#, #"{"a": 1, "b": null}"#))
        #expect(try differ(#"{"a": "1"}"#, #"{"a": 1}"#))
        // Two decimals of the same float32: equal under a float key only.
        #expect(try !differ(#"{"f": 1e-45, "m": {"f": [0.1]}}"#, #"{"f": 1.4013e-45, "m": {"f": [0.100000001]}}"#))
        #expect(try differ(#"{"d": 1e-45}"#, #"{"d": 1.4013e-45}"#))
        #expect(try differ(#"{"f": 0.1}"#, #"{"f": 0.1000001}"#))
    }

    // MARK: - One vector

    static func check<T: ProtoMessage>(_ type: T.Type, _ v: PythonVector, floatKeys: Set<String>) {
        var label = "\(v.type) seed \(v.seed)"
        if v.jsonProtoNames { label += " (proto field names)" }
        if let note = v.note { label += " [\(note)]" }

        guard let binary = Base64.decode(v.binary) else {
            Issue.record("\(label): the vector's binary is not base64")
            return
        }

        // Binary: python's deterministic bytes read and are written back identically.
        let fromBinary: T
        do {
            fromBinary = try T(serializedBytes: binary)
        } catch {
            Issue.record("\(label): cannot decode python's binary (\(v.binary)): \(error)")
            return
        }
        let ours = fromBinary.serializedBytes()
        let sameBinary = ours == binary  // a Bool, so a failure prints base64, not byte arrays
        #expect(sameBinary, """
            \(label): binary differs from python's deterministic encoding
              python: \(v.binary)
              ours:   \(Base64.encode(ours))
            """)

        // JSON: python's JSON reads to the same value as python's binary.
        let fromJSON: T
        do {
            fromJSON = try ProtoCoders.decoder().decode(T.self, from: Data(v.json.utf8))
        } catch {
            Issue.record("\(label): cannot decode python's JSON: \(error)\n  json: \(v.json.prefix(2000))")
            return
        }
        let jsonBytes = fromJSON.serializedBytes()
        let sameValue = fromJSON == fromBinary || (v.hasNaN && jsonBytes == ours)
        #expect(sameValue, """
            \(label): python's JSON and python's binary decode to different values
              json: \(v.json.prefix(2000))
            """)
        let sameJSONBinary = jsonBytes == binary
        #expect(sameJSONBinary, """
            \(label): the value read from python's JSON encodes differently from python's binary
              python: \(v.binary)
              ours:   \(Base64.encode(jsonBytes))
            """)

        // Printing: our canonical JSON is python's as a JSON value.
        let printed: Data
        do {
            printed = try ProtoCoders.encoder().encode(fromBinary)
        } catch {
            Issue.record("\(label): cannot encode JSON: \(error)")
            return
        }
        let printedText = String(decoding: printed, as: UTF8.self)
        // And it reads back to the same value (e.g. a float printed at its limit).
        do {
            let back = try ProtoCoders.decoder().decode(T.self, from: printed)
            let sameBack = back == fromBinary || (v.hasNaN && back.serializedBytes() == ours)
            #expect(sameBack,
                    "\(label): our own JSON reads back to a different value\n  ours: \(printedText.prefix(2000))")
        } catch {
            Issue.record("\(label): our own JSON does not read back: \(error)\n  ours: \(printedText.prefix(2000))")
        }

        if v.inputOnly || v.jsonProtoNames { return }
        do {
            let theirs = try JSONDecoder().decode(JSONTree.self, from: Data(v.json.utf8))
            let mine = try JSONDecoder().decode(JSONTree.self, from: printed)
            if let difference = JSONTree.difference(mine, theirs, path: "$", float32: false, floatKeys: floatKeys) {
                Issue.record("""
                    \(label): JSON differs from python's at \(difference)
                      python: \(v.json.prefix(2000))
                      ours:   \(printedText.prefix(2000))
                    """)
            }
        } catch {
            Issue.record("\(label): cannot parse JSON for comparison: \(error)")
        }
    }
}

// MARK: - The vectors file

/// One entry of `python-vectors.json`.
struct PythonVector: Decodable, Sendable {
    /// Full protobuf name of the message type.
    let type: String
    /// "conformance" or "protection".
    let schema: String
    let seed: Int
    /// python's JSON (canonical, or with proto field names, or a hand-written input).
    let json: String
    /// The JSON uses original proto field names (`preserving_proto_field_name=True`).
    let jsonProtoNames: Bool
    /// python's `SerializeToString(deterministic=True)`, standard base64.
    let binary: String
    /// A hand-written, valid but non-canonical JSON input: read it, do not expect to print it.
    let inputOnly: Bool
    /// Some float/double is NaN: compare encodings, not values (NaN != NaN).
    let hasNaN: Bool
    /// What a hand-written vector exercises.
    let note: String?

    enum CodingKeys: String, CodingKey {
        case type, schema, seed, json, binary, note
        case jsonProtoNames = "json_proto_names"
        case inputOnly = "input_only"
        case hasNaN = "has_nan"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        schema = try c.decode(String.self, forKey: .schema)
        seed = try c.decode(Int.self, forKey: .seed)
        json = try c.decode(String.self, forKey: .json)
        jsonProtoNames = try c.decodeIfPresent(Bool.self, forKey: .jsonProtoNames) ?? false
        binary = try c.decode(String.self, forKey: .binary)
        inputOnly = try c.decodeIfPresent(Bool.self, forKey: .inputOnly) ?? false
        hasNaN = try c.decodeIfPresent(Bool.self, forKey: .hasNaN) ?? false
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }
}

/// `python-vectors.json`: a header, then the vectors.
struct PythonVectorFile: Decodable, Sendable {
    struct SchemaInfo: Decodable, Sendable {
        let root: String
        let files: [String]
        let messageTypes: [String]
        let vectors: Int

        enum CodingKeys: String, CodingKey {
            case root, files, vectors
            case messageTypes = "message_types"
        }
    }

    let pythonProtobuf: String
    let protoc: String
    let schemas: [String: SchemaInfo]
    /// JSON keys (both spellings) of float32 fields: their numbers compare as `Float`.
    let float32JSONKeys: [String]
    let vectors: [PythonVector]

    enum CodingKeys: String, CodingKey {
        case protoc, schemas, vectors
        case pythonProtobuf = "python_protobuf"
        case float32JSONKeys = "float32_json_keys"
    }
}

enum PythonVectors {
    /// The vectors, loaded once from the test bundle.
    static let file: Result<PythonVectorFile, any Error> = Result {
        guard let url = Bundle.module.url(forResource: "python-vectors", withExtension: "json", subdirectory: "Vectors")
        else {
            throw MissingVectors()
        }
        return try JSONDecoder().decode(PythonVectorFile.self, from: Data(contentsOf: url))
    }

    struct MissingVectors: Error, CustomStringConvertible {
        var description: String { "Vectors/python-vectors.json is not in the test bundle; run scripts/make-python-vectors.py" }
    }

    /// Every generated message type of both schemas, by full protobuf name.
    static var registry: [String: any ProtoMessage.Type] {
        ProtectionMessagesRegistry.messageTypes.merging(ConformanceMessagesRegistry.messageTypes) { a, _ in a }
    }
}

// MARK: - JSON values

/// A parsed JSON value for comparing two printings: objects compare as
/// dictionaries, numbers numerically (keeping the sign of zero), and numbers under
/// a float32 field compare after rounding to `Float` (Swift prints a Float's
/// shortest decimal; python prints a possibly different decimal of the same float32).
indirect enum JSONTree: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONTree])
    case object([String: JSONTree])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONTree].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONTree].self))
        }
    }

    /// Where `ours` and `theirs` first differ (a path and both values), or nil when equal.
    static func difference(
        _ ours: JSONTree, _ theirs: JSONTree, path: String, float32: Bool, floatKeys: Set<String>
    ) -> String? {
        switch (ours, theirs) {
        case (.null, .null):
            return nil
        case let (.bool(a), .bool(b)):
            return a == b ? nil : "\(path): \(a) vs python \(b)"
        case let (.string(a), .string(b)):
            return a == b ? nil : "\(path): \(a.debugDescription) vs python \(b.debugDescription)"
        case let (.number(a), .number(b)):
            let same = float32
                ? Float(a) == Float(b) && Float(a).sign == Float(b).sign
                : a == b && a.sign == b.sign
            return same ? nil : "\(path): \(a) vs python \(b)\(float32 ? " (as float32)" : "")"
        case let (.array(a), .array(b)):
            guard a.count == b.count else { return "\(path): \(a.count) elements vs python \(b.count)" }
            for (i, (x, y)) in zip(a, b).enumerated() {
                if let d = difference(x, y, path: "\(path)[\(i)]", float32: float32, floatKeys: floatKeys) { return d }
            }
            return nil
        case let (.object(a), .object(b)):
            let extra = Set(a.keys).subtracting(b.keys).sorted()
            let missing = Set(b.keys).subtracting(a.keys).sorted()
            if !extra.isEmpty || !missing.isEmpty {
                return "\(path): keys only in ours \(extra), only in python's \(missing)"
            }
            for key in a.keys.sorted() {
                // A float field's subtree (its array or map object) holds only float32 numbers.
                let f = float32 || floatKeys.contains(key)
                if let d = difference(a[key]!, b[key]!, path: "\(path).\(key)", float32: f, floatKeys: floatKeys) {
                    return d
                }
            }
            return nil
        default:
            return "\(path): \(ours.kind) vs python \(theirs.kind)"
        }
    }

    var kind: String {
        switch self {
        case .null: "null"
        case .bool(let b): "bool \(b)"
        case .number(let d): "number \(d)"
        case .string(let s): "string \(s.debugDescription)"
        case .array: "array"
        case .object: "object"
        }
    }
}
