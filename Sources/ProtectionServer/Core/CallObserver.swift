import CoreMetrics
import Dispatch
import Logging
import RPCCore
import Synchronization

/// Sees every call, outermost: gives it a request id (the caller's `x-request-id`,
/// or a new one, echoed in the response metadata), puts its method, principal and
/// request id in every log line written while it runs (through
/// ``CallObserver/metadataProvider``), logs how it ended, and counts it:
/// `protection_rpc_calls_total{method,code}` and
/// `protection_rpc_duration_seconds{method,code}`.
public struct CallObserver: ServerInterceptor {
    /// The call a task is serving, for log lines.
    @TaskLocal static var current: CallLog?

    /// Adds the current call's method, principal and request id to log lines.
    public static let metadataProvider = Logger.MetadataProvider {
        guard let call = CallObserver.current else { return [:] }
        return ["method": "\(call.method)", "principal": "\(call.principal)", "request_id": "\(call.requestID)"]
    }

    public static let requestIDKey = "x-request-id"
    let logger: Logger
    let metrics: (any MetricsFactory)?
    private let handles = MetricHandles()
    private let requestIDs = RequestIDs()

    public init(logger: Logger, metrics: (any MetricsFactory)? = nil) {
        self.logger = logger
        self.metrics = metrics
    }

    public func intercept(
        request: StreamingServerRequest<[UInt8]>, context: ServerContext,
        next: (StreamingServerRequest<[UInt8]>, ServerContext) async throws -> StreamingServerResponse<[UInt8]>
    ) async throws -> StreamingServerResponse<[UInt8]> {
        let started = DispatchTime.now().uptimeNanoseconds
        let method = context.descriptor.fullyQualifiedMethod
        let requestID = request.metadata.firstString(forKey: Self.requestIDKey).map { String($0.prefix(64)) }
            ?? requestIDs.next()
        let call = CallLog(method: method, requestID: requestID)
        let finish: @Sendable (String, String) -> Void = { code, message in
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let (counter, timer) = self.handles.get(method: method, code: code, metrics: self.metrics)
            counter.increment()
            timer.recordNanoseconds(Int64(seconds * 1e9))
            Self.$current.withValue(call) {
                if code == "OK" {
                    self.logger.debug("call ended", metadata: ["code": "\(code)", "seconds": "\(seconds)"])
                } else {
                    self.logger.info("call refused or failed", metadata: ["code": "\(code)", "message": "\(message)", "seconds": "\(seconds)"])
                }
            }
        }
        do {
            var response = try await Self.$current.withValue(call) { try await next(request, context) }
            try? response.metadata.addString(requestID, forKey: Self.requestIDKey)
            let producer = response.producer
            response.producer = { writer in
                do {
                    let trailing = try await Self.$current.withValue(call) { try await producer(writer) }
                    finish("OK", "")
                    return trailing
                } catch {
                    let failure = RPCError(converting: error)
                    finish(failure.code.description, failure.message)
                    throw error
                }
            }
            return response
        } catch {
            let failure = RPCError(converting: error)
            finish(failure.code.description, failure.message)
            throw error
        }
    }
}

/// The counter and timer of each method and code, made once.
private final class MetricHandles: Sendable {
    private let handles = Mutex<[String: (Counter, Timer)]>([:])

    func get(method: String, code: String, metrics: (any MetricsFactory)?) -> (Counter, Timer) {
        let key = method + " " + code
        if let found = handles.withLock({ $0[key] }) { return found }
        let dimensions = [("method", method), ("code", code)]
        let made = (
            metrics.map { Counter(label: "protection_rpc_calls_total", dimensions: dimensions, factory: $0) }
                ?? Counter(label: "protection_rpc_calls_total", dimensions: dimensions),
            metrics.map { Timer(label: "protection_rpc_duration_seconds", dimensions: dimensions, factory: $0) }
                ?? Timer(label: "protection_rpc_duration_seconds", dimensions: dimensions)
        )
        return handles.withLock { handles in
            if let found = handles[key] { return found }
            handles[key] = made
            return made
        }
    }
}

/// Request ids: a random prefix per process and a counter ("r-1f2e3d4c-17").
private final class RequestIDs: Sendable {
    private let prefix = String(UInt32.random(in: .min ... .max), radix: 16)
    private let counter = Atomic<UInt64>(0)

    func next() -> String {
        "r-\(prefix)-\(counter.wrappingAdd(1, ordering: .relaxed).newValue)"
    }
}
