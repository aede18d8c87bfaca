import Foundation
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import SchemaClient
import Testing

/// docs/examples holds a valid request for every rpc; sent in the manifest's order to
/// a fresh server, every one answers OK.
@Suite struct ExamplesEndToEndTests {
    struct Manifest: Decodable {
        struct Entry: Decodable {
            var method: String
            var file: String
            var role: String?
            var principalId: String?
        }

        var clock: String
        var examples: [Entry]
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/examples")

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
    }

    /// Every method of the generated method tables.
    static let methods: [MethodDescriptor] =
        AuditService.Method.all + ClockService.Method.all + DisputeService.Method.all + FactsService.Method.all
        + HealthService.Method.all + ReturnInsuranceService.Method.all + IntegrityService.Method.all
        + MerchantService.Method.all + PriceErrorService.Method.all + ReflectionService.Method.all + RuleSetService.Method.all
        + AccessService.Method.all

    @Test func everyRpcOfTheMethodTablesHasAnExampleAndEveryExampleAnRpc() throws {
        let manifest = try Self.manifest()
        let listed = manifest.examples.map { "protection.v1.\($0.method)" }
        let served = Self.methods.map(\.fullyQualifiedMethod)
        #expect(Set(served).subtracting(listed).isEmpty, "rpcs without an example: \(Set(served).subtracting(listed).sorted())")
        #expect(Set(listed).subtracting(served).isEmpty, "examples of no rpc: \(Set(listed).subtracting(served).sorted())")
        #expect(listed.count == Set(listed).count, "one example per rpc")
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".json") && $0 != "manifest.json" }
        #expect(Set(files) == Set(manifest.examples.map(\.file)))
        for entry in manifest.examples {
            #expect(entry.file == entry.method.replacingOccurrences(of: "/", with: ".") + ".json")
        }
    }

    @Test func everyExampleAnswersOKOnAFreshServer() async throws {
        let manifest = try Self.manifest()
        let clock = try #require(ISO8601DateFormatter().date(from: manifest.clock))
        try await withServer(at: ProtoTimestamp(seconds: Int64(clock.timeIntervalSince1970), nanos: 0)) { _, clients in
            let remote = try await RemoteSchema.fetch(
                from: clients.base, metadata: try await Principal.service.metadata, options: callOptions)
            for entry in manifest.examples {
                let method = try remote.method(named: entry.method)
                let text = try Data(contentsOf: Self.folder.appendingPathComponent(entry.file))
                let json = try JSONSerialization.jsonObject(with: text)
                let requests = try (json as? [Any] ?? [json]).map { item in
                    String(decoding: try JSONSerialization.data(withJSONObject: item), as: UTF8.self)
                }
                let metadata = try await Principal(role: try #require(entry.role), id: try #require(entry.principalId)).metadata
                do {
                    let responses = try await remote.call(
                        method, requests: requests, on: clients.base, metadata: metadata, options: callOptions,
                        limit: method.kind == .serverStreaming ? 1 : nil)
                    #expect(!responses.isEmpty, "\(entry.method) answered nothing")
                } catch {
                    Issue.record("\(entry.method): \(error)")
                }
            }
        }
    }
}
