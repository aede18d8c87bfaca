import CoreMetrics
import Dispatch
import Logging
import Synchronization

/// Where the TCP transport reports what a user of the service must be able to see:
/// its logger and its metrics. Passed to the transports by their caller; by default
/// nothing is logged and the process-wide metrics factory is used.
///
/// Metrics (labels as exported):
/// - `rpc_tcp_schema_hash_mismatches_total{role}`: connections whose peer announced
///   another schema hash (never refused, so rolling deploys work).
public struct ConnectionObserver: Sendable {
    public var logger: Logger
    let schemaHashMismatches: Counter
    let refusedConnections: Counter
    private let refusalLogged = OncePerSecond()

    /// An observer logging to `logger` and counting with `metricsFactory` (by default
    /// the one bootstrapped for the process), for connections in `role`.
    public init(
        logger: Logger = Logger(label: "rpc.tcp", factory: { _ in SwiftLogNoOpLogHandler() }),
        metricsFactory: (any MetricsFactory)? = nil, role: ConnectionStateMachine.Role = .server
    ) {
        self.logger = logger
        let dimensions = [("role", role == .server ? "server" : "client")]
        let label = "rpc_tcp_schema_hash_mismatches_total"
        if let metricsFactory {
            self.schemaHashMismatches = Counter(label: label, dimensions: dimensions, factory: metricsFactory)
            self.refusedConnections = Counter(label: "rpc_tcp_connections_refused_total", factory: metricsFactory)
        } else {
            self.schemaHashMismatches = Counter(label: label, dimensions: dimensions)
            self.refusedConnections = Counter(label: "rpc_tcp_connections_refused_total")
        }
    }

    func schemaHashMismatch(local: [UInt8], remote: [UInt8], peer: String) {
        schemaHashMismatches.increment()
        logger.warning(
            "The peer was built from another schema; calls go on, but fields one side does not know are skipped.",
            metadata: [
                "peer": "\(peer)", "local_schema_sha256": "\(Self.hex(local))",
                "remote_schema_sha256": "\(Self.hex(remote))",
            ])
    }

    /// A connection refused at accept: `open` connections are open, the cap. Counted
    /// in `rpc_tcp_connections_refused_total`; logged at most once a second.
    func connectionRefused(open: Int, peer: String) {
        refusedConnections.increment()
        guard refusalLogged.take() else { return }
        logger.warning("connections over the cap are refused", metadata: ["open": "\(open)", "peer": "\(peer)"])
    }

    /// A connection closed after an error below the frames: a TLS handshake that
    /// failed (a plain client, a missing or untrusted client certificate), a reset.
    func connectionFailed(_ error: any Error, peer: String) {
        logger.info("connection closed after an error", metadata: ["peer": "\(peer)", "error": "\(error)"])
    }

    /// The drain's grace period ended with `count` calls still open on a connection:
    /// they were ended with UNAVAILABLE.
    func callsCutOff(_ count: Int, peer: String) {
        logger.warning("the drain's grace period ended: calls cut off with UNAVAILABLE", metadata: ["peer": "\(peer)", "calls": "\(count)"])
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}

/// True at most once a second: for log lines that a flood would repeat.
final class OncePerSecond: Sendable {
    private let last = Atomic<UInt64>(0)

    func take() -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        let previous = last.load(ordering: .relaxed)
        guard previous == 0 || now - previous >= 1_000_000_000 else { return false }
        return last.compareExchange(expected: previous, desired: now, ordering: .relaxed).exchanged
    }
}
