import CoreMetrics
import Logging
import ProtectionServices
import RPCCore

/// Every handler the server has, registered in one router, with the health board
/// the handlers and the process share and the interceptors every call goes through:
/// the call observer (logs, metrics), then access (credential, declared roles,
/// rate limits) when there is a core.
public struct ServerWiring: Sendable {
    /// The method table the server dispatches on.
    public let router: RPCRouter
    /// Liveness and readiness, per service.
    public let board: HealthStatusBoard
    /// Interceptors, outermost first.
    public let interceptors: [any ServerInterceptor]

    /// The wiring of every handler on `core`; without a core, health and reflection
    /// only. `board` defaults to one knowing the services served; `extra` registers
    /// more methods (their roles declared, or no one may call them).
    public init(
        core: ServerCore? = nil, board: HealthStatusBoard? = nil, logger: Logger? = nil, metrics: (any MetricsFactory)? = nil,
        extra: (inout RPCRouter) -> Void = { _ in }
    ) {
        var router = RPCRouter()
        extra(&router)
        if let core {
            IntegrityHandler(core: core).register(into: &router)
            MerchantHandler(core: core).register(into: &router)
            DisputeHandler(core: core).register(into: &router)
            InsuranceHandler(core: core).register(into: &router)
            PriceErrorHandler(core: core).register(into: &router)
            RuleSetHandler(core: core).register(into: &router)
            FactsHandler(core: core).register(into: &router)
            AuditHandler(core: core).register(into: &router)
            ClockHandler(core: core).register(into: &router)
            AccessHandler(core: core).register(into: &router)
        }
        let served = Set(router.methods.map(\.service)).union([HealthService.name, ReflectionService.name])
        let board = board ?? HealthStatusBoard(services: served.sorted())
        HealthHandler(board: board).register(into: &router)
        ReflectionHandler(serving: router).register(into: &router)
        self.router = router
        self.board = board
        let logger = logger ?? core?.logger ?? Logger(label: "protection-server", factory: { _ in SwiftLogNoOpLogHandler() })
        var interceptors: [any ServerInterceptor] = [CallObserver(logger: logger, metrics: metrics)]
        if let core {
            interceptors.append(
                AccessInterceptor(
                    book: core.credentials, roles: router.declaredRoles,
                    limiter: RateLimiter(configuration: core.configuration.rateLimits), refusals: core.refusals))
        }
        self.interceptors = interceptors
    }
}
