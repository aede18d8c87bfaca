import ArgumentParser
import CoreMetrics
import Foundation
import Logging
import NIOCore
import NIOSSL
import ProtectionMessages
import ProtectionServer
import ProtectionStore
import Prometheus
import RPCCore
import RPCTransportTCP
import ServiceLifecycle

/// The merchant-protection service, and the tokens of its data directory.
@main
struct ProtectionServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protection-server",
        abstract: "The merchant-protection RPC service: serve it (the default), or manage its tokens.",
        subcommands: [Serve.self, Tokens.self], defaultSubcommand: Serve.self)
}

/// Every rpc of the schema over TCP, its state in an embedded SQLite database, time
/// moving on its own; drains on SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the merchant-protection RPC service over TCP (docs/PROTOCOL.md).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on; 0 picks a free one (printed at start).") var port = 7878
    @Option(help: "Folder of the service's data (the SQLite database).") var dataDir = "./.protection"
    @Option(help: "Serve Prometheus metrics on this port (GET /metrics); off when unset.") var metricsPort: Int?
    @Option(help: "Seconds calls in flight may take to finish when shutting down.") var drainSeconds = 30
    @Option(help: "Seconds between heartbeats on an idle sanction watch.") var heartbeatSeconds = 30
    @Option(help: "Milliseconds between the sweeper's passes over due transitions.") var sweepIntervalMs = 1_000
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(help: "Serve over TLS with this PEM certificate chain (with --tls-key).") var tlsCert: String?
    @Option(help: "The PEM private key of --tls-cert.") var tlsKey: String?
    @Option(help: "Require client certificates signed by this PEM CA (mutual TLS, for internal services).")
    var tlsClientCa: String?
    @Option(help: "Most connections open at once; more are refused with GOAWAY(ENHANCE_YOUR_CALM).")
    var maxConnections = 10_000
    @Flag(help: "Allow plain TCP on an address other than loopback (tokens then cross the network in the clear).")
    var insecure = false
    @Option(help: ArgumentHelp(
        "For tests only: read the time from this file (RFC 3339 or seconds since the epoch) instead of the wall clock.",
        visibility: .hidden))
    var clockFile: String?

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap({ label, provider in
            var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
            handler.logLevel = level
            return handler
        }, metadataProvider: CallObserver.metadataProvider)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "protection-server")

        let tls = try tlsContext()
        if tls == nil, !Self.isLoopback(host) {
            guard insecure else {
                throw ValidationError(
                    "Listening on \(host) without TLS sends tokens in the clear: give --tls-cert and --tls-key, "
                        + "or --insecure to do it anyway.")
            }
            logger.warning("plain TCP on a non-loopback address: tokens and data cross the network unencrypted", metadata: ["host": "\(host)"])
        }
        let clock: any ServiceClock
        if let clockFile {
            clock = try FileClock(path: clockFile)
            logger.warning("the time is read from a file: for tests only", metadata: ["clock_file": "\(clockFile)"])
        } else {
            clock = WallClock()
        }
        let store = try DataDirectory(dataDir).openStore()
        let path = DataDirectory(dataDir).databasePath
        logger.info("store", metadata: ["path": "\(path)", "migrations": "\(SQLiteStore.knownMigrations.joined(separator: ","))"])

        var connection = ConnectionStateMachine.Configuration()
        connection.settings.schemaHash = Self.bytes(hex: ProtectionMessagesSchema.hash)
        var listen = TCPServerTransport.Configuration(
            host: host, port: port, connection: connection, drainGracePeriod: .seconds(Int64(drainSeconds)), tls: tls)
        listen.maxConnections = maxConnections
        let transport = TCPServerTransport(configuration: listen, logger: logger)
        var core = ServerCore.Configuration()
        core.heartbeatInterval = .seconds(heartbeatSeconds)
        core.sweepInterval = .milliseconds(sweepIntervalMs)
        let cell = CoreCell()
        var services: [any Service] = [
            StoreService(
                store: store, clock: clock, logger: logger, configuration: core, cell: cell,
                credentialsFile: DataDirectory(dataDir).credentialsPath),
            SweeperService(cell: cell),
            RPCServerService(cell: cell, transport: transport, logger: logger),
        ]
        if let metricsPort {
            services.append(MetricsEndpoint(registry: registry, host: host, port: metricsPort, logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

}

/// The service's data folder: the SQLite database, the development credentials.
struct DataDirectory {
    let path: String

    init(_ path: String) { self.path = path }

    var databasePath: String { URL(fileURLWithPath: path).appendingPathComponent("protection.sqlite").path }
    var credentialsPath: String { URL(fileURLWithPath: path).appendingPathComponent("credentials.json").path }

    func openStore() throws -> SQLiteStore {
        do {
            return try SQLiteStore(configuration: .init(path: databasePath))
        } catch let error as StoreError {
            throw ValidationError(error.message)
        }
    }
}

extension Serve {
    /// The TLS context the flags ask for; nil for plain TCP.
    func tlsContext() throws -> NIOSSLContext? {
        switch (tlsCert, tlsKey) {
        case (nil, nil):
            guard tlsClientCa == nil else { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key.") }
            return nil
        case (let cert?, let key?):
            do {
                return try TLSContexts.server(certificateChain: cert, privateKey: key, clientCA: tlsClientCa)
            } catch {
                throw ValidationError("The TLS files cannot be used: \(error)")
            }
        default: throw ValidationError("--tls-cert and --tls-key go together.")
        }
    }

    /// Whether `host` is a loopback address or name.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) }
    }
}
