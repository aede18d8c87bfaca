import Logging
import MetricsTestKit
import RPCCore
import RPCTransportTCP
import Synchronization
import Testing

/// A peer built from another schema is logged and counted on both sides, never refused.
@Suite struct SchemaHashMismatchTests {
    /// Keeps every log record, for assertions.
    final class RecordingLogHandler: LogHandler, Sendable {
        struct Record: Sendable {
            var level: Logger.Level
            var message: String
            var metadata: [String: String]
        }

        private let storage = Mutex<[Record]>([])
        var records: [Record] { storage.withLock { $0 } }

        var metadata: Logger.Metadata {
            get { [:] }
            set {}
        }
        var logLevel: Logger.Level {
            get { .trace }
            set {}
        }
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { nil }
            set {}
        }

        func log(event: LogEvent) {
            let record = Record(
                level: event.level, message: "\(event.message)",
                metadata: (event.metadata ?? [:]).mapValues { "\($0)" })
            storage.withLock { $0.append(record) }
        }
    }

    static func settings(hash: UInt8) -> ConnectionStateMachine.Configuration {
        var configuration = ConnectionStateMachine.Configuration()
        configuration.settings.schemaHash = Array(repeating: hash, count: 32)
        return configuration
    }

    /// Makes one call between a server announcing `serverHash` and a client announcing `clientHash`.
    static func call(serverHash: UInt8, clientHash: UInt8) async throws -> (TestMetrics, RecordingLogHandler, RecordingLogHandler) {
        let metrics = TestMetrics()
        let serverLog = RecordingLogHandler()
        let clientLog = RecordingLogHandler()
        var configuration = loopbackConfiguration
        configuration.connection = settings(hash: serverHash)
        let answer = try await withTCPToyServer(
            server: configuration,
            serverTransport: { configuration in
                TCPServerTransport(
                    configuration: configuration, logger: Logger(label: "server", factory: { _ in serverLog }),
                    metricsFactory: metrics)
            },
            clientTransport: { port in
                TCPClientTransport(
                    configuration: .init(host: "127.0.0.1", port: port, connection: settings(hash: clientHash)),
                    logger: Logger(label: "client", factory: { _ in clientLog }), metricsFactory: metrics)
            }
        ) { client, _, _ in
            try await client.unary(
                request: "hi", descriptor: TCPToy.echo, serializer: TCPToy.encode, deserializer: TCPToy.decode
            ).message
        }
        #expect(answer == "hi")
        return (metrics, serverLog, clientLog)
    }

    @Test func aMismatchIsLoggedAndCountedOnBothSidesAndTheCallSucceeds() async throws {
        let (metrics, serverLog, clientLog) = try await Self.call(serverHash: 0xAA, clientHash: 0xBB)
        let label = "rpc_tcp_schema_hash_mismatches_total"
        #expect(try metrics.expectCounter(label, [("role", "server")]).totalValue == 1)
        #expect(try metrics.expectCounter(label, [("role", "client")]).totalValue == 1)
        let serverRecord = try #require(serverLog.records.first)
        #expect(serverRecord.level == .warning)
        #expect(serverRecord.metadata["local_schema_sha256"] == String(repeating: "aa", count: 32))
        #expect(serverRecord.metadata["remote_schema_sha256"] == String(repeating: "bb", count: 32))
        #expect(clientLog.records.first?.metadata["local_schema_sha256"] == String(repeating: "bb", count: 32))
    }

    @Test func theSameSchemaIsNeitherLoggedNorCounted() async throws {
        let (metrics, serverLog, clientLog) = try await Self.call(serverHash: 0xAA, clientHash: 0xAA)
        #expect(metrics.counters(label: "rpc_tcp_schema_hash_mismatches_total").allSatisfy { $0.totalValue == 0 })
        #expect(serverLog.records.isEmpty && clientLog.records.isEmpty)
    }
}
