import ArgumentParser
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Logging
import NIOCore
import ProtectionMessages
import ProtectionServer
import RPCCore
import RPCTransportTCP
import ServiceLifecycle

/// The merchant-protection service: listens on TCP, serves every handler it has,
/// drains on SIGTERM or SIGINT.
@main
struct ProtectionServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protection-server",
        abstract: "Serve the merchant-protection RPC service over TCP (docs/PROTOCOL.md).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on; 0 picks a free one (printed at start).") var port = 7878
    @Option(help: "Seconds calls in flight may take to finish when shutting down.") var drainSeconds = 30
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    func run() async throws {
        var logger = Logger(label: "protection-server")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info

        var connection = ConnectionStateMachine.Configuration()
        connection.settings.schemaHash = Self.bytes(hex: ProtectionMessagesSchema.hash)
        let transport = TCPServerTransport(
            configuration: .init(
                host: host, port: port, connection: connection, drainGracePeriod: .seconds(Int64(drainSeconds))),
            logger: logger)
        let wiring = ServerWiring()
        let server = RPCServer(transport: transport, router: wiring.router)
        let service = RPCServerService(server: server, transport: transport, board: wiring.board, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) }
    }
}

/// The server as a `Service`: ready once listening, draining on graceful shutdown.
struct RPCServerService: Service {
    let server: RPCServer
    let transport: TCPServerTransport
    let board: HealthStatusBoard
    let logger: Logger

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.serve() }
                let port = try await transport.listeningPort
                board.markReady()
                // The port on standard output, for scripts that asked for port 0.
                print("listening on \(transport.configuration.host):\(port)")
                fflush(nil)
                logger.info("listening", metadata: ["host": "\(transport.configuration.host)", "port": "\(port)"])
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            logger.info("draining")
            board.beginDraining()
            server.beginGracefulShutdown()
        }
    }
}
