import ProtectionMessages
import ProtectionServices
import RPCCore

/// Serves `protection.v1.HealthService` from a ``HealthStatusBoard``.
public struct HealthHandler: HealthService.Handler {
    public let board: HealthStatusBoard

    public init(board: HealthStatusBoard) {
        self.board = board
    }

    public func checkHealth(_ request: CheckHealthRequest, context: ServerContext) async throws -> CheckHealthResponse {
        guard let status = board.answer(service: request.service, probe: request.probe) else {
            throw RPCError(code: .notFound, message: "The server has no service named '\(request.service)'.")
        }
        return Self.response(status)
    }

    public func watchHealth(
        _ request: WatchHealthRequest, writer: RPCWriter<WatchHealthResponse>, context: ServerContext
    ) async throws {
        for await answer in board.watch(service: request.service, probe: request.probe) {
            var message = WatchHealthResponse()
            if let answer {
                let response = Self.response(answer)
                message.status = response.status
                message.reason = response.reason
            } else {
                message.status = .serviceUnknown
                message.reason = "The server has no service named '\(request.service)'."
            }
            try await writer.write(message)
        }
        if board.isDraining {
            throw RPCError(code: .unavailable, message: "The server is shutting down; watch another instance.")
        }
    }

    static func response(_ status: HealthStatusBoard.Status) -> CheckHealthResponse {
        var response = CheckHealthResponse()
        switch status {
        case .serving:
            response.status = .serving
        case .notServing(let reason):
            response.status = .notServing
            response.reason = reason
        }
        return response
    }
}
