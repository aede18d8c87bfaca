import ProtectionServices
import RPCCore

/// Every handler the server has, registered in one router, with the health board
/// the handlers and the process share.
public struct ServerWiring: Sendable {
    /// The method table the server dispatches on.
    public let router: RPCRouter
    /// Liveness and readiness, per service.
    public let board: HealthStatusBoard

    /// The wiring of every handler; `board` defaults to one knowing the services served.
    public init(board: HealthStatusBoard? = nil) {
        var router = RPCRouter()
        let board = board ?? HealthStatusBoard(services: [HealthService.name, ReflectionService.name])
        HealthHandler(board: board).register(into: &router)
        ReflectionHandler(serving: router).register(into: &router)
        self.router = router
        self.board = board
    }
}
