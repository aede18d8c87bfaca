import Foundation
import Testing
import ProtoSchema
import ProtoWire
import ProtectionMessages

/// Binary and JSON messages made by python's `protobuf` from each released
/// schema (`Vectors/compat/protection-<release>.json`, written once by
/// `scripts/make-compat-vectors.py`) must still decode with today's generated
/// code, to the same value from either form, losing nothing on re-encoding.
@Suite("compatibility with released schemas")
struct CompatibilityVectorTests {
    struct CompatFile: Decodable {
        let release: String
        let messageTypes: [String]
        let vectors: [PythonVector]
        enum CodingKeys: String, CodingKey {
            case release, vectors
            case messageTypes = "message_types"
        }
    }

    static func files() throws -> [CompatFile] {
        guard let dir = Bundle.module.url(forResource: "compat", withExtension: nil, subdirectory: "Vectors") else {
            return []
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map {
            try JSONDecoder().decode(CompatFile.self, from: Data(contentsOf: dir.appendingPathComponent($0)))
        }
    }

    @Test("the newest release in schema/CHANGELOG.md has vectors")
    func latestReleaseHasVectors() throws {
        let releases = try Self.files().map(\.release)
        let latest = try #require(SchemaChangelog.releases().first?.version)
        #expect(releases.contains(latest), "no vectors for release \(latest): run scripts/make-compat-vectors.py")
    }

    @Test("every vector of every release decodes with today's code")
    func decodeAll() throws {
        let codec = DynamicCodec(schema: Schemas.protection)
        let files = try Self.files()
        #expect(!files.isEmpty)
        for file in files {
            for type in file.messageTypes {
                #expect(ProtectionMessagesRegistry.messageTypes[type] != nil,
                        "release \(file.release): message \(type) no longer exists")
            }
            for vector in file.vectors {
                guard let type = ProtectionMessagesRegistry.messageTypes[vector.type] else { continue }
                Self.check(type, vector, release: file.release, codec: codec)
            }
        }
    }

    static func check<T: ProtoMessage>(_: T.Type, _ v: PythonVector, release: String, codec: DynamicCodec) {
        let label = "release \(release) \(v.type) seed \(v.seed)"
        guard let bytes = Base64.decode(v.binary) else {
            Issue.record("\(label): invalid base64")
            return
        }
        do {
            let value = try T(serializedBytes: bytes)
            // Nothing is lost: today's schema reads the old and the re-encoded bytes alike
            // (fields unknown today travel as unknown fields).
            let again = value.serializedBytes()
            #expect(try codec.decode(v.type, from: again) == codec.decode(v.type, from: bytes), "\(label): re-encoding lost data")
            // The old JSON still reads, to the same value.
            if !v.hasNaN {
                let fromJSON = try JSONDecoder().decode(T.self, from: Data(v.json.utf8))
                var withoutUnknown = value
                withoutUnknown.unknownFields = UnknownFields()
                #expect(fromJSON == withoutUnknown, "\(label): JSON and binary decode differently")
            }
        } catch {
            Issue.record("\(label): \(error)")
        }
    }
}

/// `schema/CHANGELOG.md`: one `## <version> (<date>)` section per release,
/// newest first, each with a `Baseline: sha256 <hash>` line fingerprinting
/// `schema-baseline/` as released.
enum SchemaChangelog {
    struct Release {
        var version: String
        var baselineHash: String?
    }

    static func releases() throws -> [Release] {
        let text = try String(contentsOfFile: packageRoot + "/schema/CHANGELOG.md", encoding: .utf8)
        var out: [Release] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                let version = line.dropFirst(3).split(separator: " ").first.map(String.init) ?? ""
                out.append(Release(version: version))
            } else if line.hasPrefix("Baseline: sha256 "), !out.isEmpty, out[out.count - 1].baselineHash == nil {
                out[out.count - 1].baselineHash = String(line.dropFirst("Baseline: sha256 ".count)).trimmingCharacters(in: .whitespaces)
            }
        }
        return out
    }
}

@Suite("schema baseline")
struct SchemaBaselineTests {
    @Test("schema-baseline/ changes only with a new CHANGELOG entry recording its hash")
    func baselineMatchesChangelog() throws {
        let baseline = Schemas.load("schema-baseline")
        let latest = try #require(try SchemaChangelog.releases().first, "schema/CHANGELOG.md names no release")
        #expect(latest.baselineHash == baseline.sourceHash,
                "schema-baseline/ differs from release \(latest.version): add a CHANGELOG entry naming each intended break")
    }
}
