#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import CoreMetrics
import Logging
import ProtectionServer
import ProtectionStore
import RPCCore
import RPCTransportTCP
import ServiceLifecycle
import Synchronization

/// The server's core once the store is open: the services that need it wait for it.
final class CoreCell: Sendable {
    private enum State {
        case waiting([CheckedContinuation<ServerCore, any Error>])
        case ready(ServerCore)
        case failed(any Error)
    }

    private let state = Mutex(State.waiting([]))

    var value: ServerCore {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<ServerCore, any Error>? = state.withLock { state in
                    switch state {
                    case .waiting(let waiting):
                        state = .waiting(waiting + [continuation])
                        return nil
                    case .ready(let core): return .success(core)
                    case .failed(let error): return .failure(error)
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }

    func resolve(_ result: Result<ServerCore, any Error>) {
        let waiting = state.withLock { state -> [CheckedContinuation<ServerCore, any Error>] in
            guard case .waiting(let waiting) = state else { return [] }
            switch result {
            case .success(let core): state = .ready(core)
            case .failure(let error): state = .failed(error)
            }
            return waiting
        }
        for continuation in waiting { continuation.resume(with: result) }
    }
}

/// The store's writer; once it runs, the server's core is opened (the rule sets and
/// the index loaded). Shut down last: it commits what is queued, then stops.
struct StoreService: Service {
    let store: any ProtectionStore
    let clock: any ServiceClock
    let logger: Logger
    let configuration: ServerCore.Configuration
    let cell: CoreCell
    /// Where the development credentials are written on a first start.
    let credentialsFile: String

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                do {
                    let core = try await ServerCore.open(store: store, clock: clock, logger: logger, configuration: configuration)
                    if let issued = try await DevelopmentCredentials.issueIfNone(core: core) {
                        try CredentialsFile.write(issued, to: credentialsFile)
                        logger.notice(
                            "first start: development credentials written (mode 0600)",
                            metadata: ["path": "\(credentialsFile)", "credentials": "\(issued.count)"])
                    }
                    cell.resolve(.success(core))
                } catch {
                    logger.critical("the store could not be opened", metadata: ["error": "\(error)"])
                    cell.resolve(.failure(error))
                    store.close()
                    throw error
                }
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            store.close()
        }
    }
}

/// The sweeper: applies due transitions as time passes; also ticks the sanction
/// watchers' heartbeats and follows credential changes made by other processes.
struct SweeperService: Service {
    let cell: CoreCell

    func run() async throws {
        let core = try await cell.value
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await core.runSweeper() }
                group.addTask { await core.hub.runTicks(every: .seconds(1)) }
                group.addTask { await core.followCredentials() }
            }
        }
    }
}

/// The RPC server: listens once the core is ready, marks the server ready, drains
/// on graceful shutdown (ending sanction watches so that they resume elsewhere).
struct RPCServerService: Service {
    let cell: CoreCell
    let transport: TCPServerTransport
    let logger: Logger

    func run() async throws {
        let core = try await cell.value
        let wiring = ServerWiring(core: core, logger: logger)
        let server = RPCServer(transport: transport, router: wiring.router, interceptors: wiring.interceptors)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.serve() }
                let port = try await transport.listeningPort
                wiring.board.markReady()
                // The port on standard output, for scripts that asked for port 0.
                print("listening on \(transport.configuration.host):\(port)")
                fflush(nil)
                logger.info("listening", metadata: ["host": "\(transport.configuration.host)", "port": "\(port)"])
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            logger.info("draining")
            wiring.board.beginDraining()
            core.hub.finishAll()
            server.beginGracefulShutdown()
        }
    }
}
