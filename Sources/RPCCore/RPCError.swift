/// The one error type of the RPC layer: a non-OK code, a message, metadata, opaque
/// details and an optional underlying cause.
///
/// A handler throws it to answer with a specific status; a client receives it when
/// a call ends with a non-OK status. Errors of any other type thrown by a handler
/// are answered with `UNKNOWN` and a generic message, so their text never leaks.
public struct RPCError: Error, Sendable, CustomStringConvertible {
    /// A non-OK status code. A struct rather than an enum so codes can be added
    /// without breaking exhaustive switches in callers.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The number used on the wire (1...16).
        public let rawValue: Int

        /// Fails for 0 (OK is not an error) and for numbers that are not gRPC codes.
        public init?(rawValue: Int) {
            guard (1...16).contains(rawValue) else { return nil }
            self.rawValue = rawValue
        }

        /// Fails for ``Status/Code/ok``.
        public init?(_ code: Status.Code) {
            self.init(rawValue: code.rawValue)
        }

        private init(known rawValue: Int) { self.rawValue = rawValue }

        /// The corresponding status code.
        public var statusCode: Status.Code { Status.Code(wireValue: rawValue) }

        /// The canonical upper-case name, e.g. `"NOT_FOUND"`.
        public var description: String { statusCode.name }

        /// The operation was cancelled, typically by the caller.
        public static let cancelled = Code(known: 1)
        /// Unknown error.
        public static let unknown = Code(known: 2)
        /// The client specified an invalid argument.
        public static let invalidArgument = Code(known: 3)
        /// The deadline expired before the operation could complete.
        public static let deadlineExceeded = Code(known: 4)
        /// Some requested entity was not found.
        public static let notFound = Code(known: 5)
        /// The entity that a client attempted to create already exists.
        public static let alreadyExists = Code(known: 6)
        /// The caller does not have permission to execute the operation.
        public static let permissionDenied = Code(known: 7)
        /// Some resource has been exhausted.
        public static let resourceExhausted = Code(known: 8)
        /// The system is not in a state required for the operation's execution.
        public static let failedPrecondition = Code(known: 9)
        /// The operation was aborted, typically due to a concurrency conflict.
        public static let aborted = Code(known: 10)
        /// The operation was attempted past the valid range.
        public static let outOfRange = Code(known: 11)
        /// The operation is not implemented or not supported.
        public static let unimplemented = Code(known: 12)
        /// An invariant expected by the underlying system was broken.
        public static let internalError = Code(known: 13)
        /// The service is currently unavailable.
        public static let unavailable = Code(known: 14)
        /// Unrecoverable data loss or corruption.
        public static let dataLoss = Code(known: 15)
        /// The request does not have valid authentication credentials.
        public static let unauthenticated = Code(known: 16)
    }

    /// The metadata key a server sets (to a number of milliseconds) on a
    /// `RESOURCE_EXHAUSTED` error to say the call may be retried after that delay.
    public static let retryAfterMillisecondsKey = "retry-after-ms"

    /// The code.
    public var code: Code
    /// A message for developers.
    public var message: String
    /// Metadata sent with the error (trailing metadata on the wire).
    public var metadata: Metadata
    /// An encoded detail message, opaque at this layer; empty when there is none.
    public var details: [UInt8]
    /// The underlying error, if any. Never sent over the wire.
    public var cause: (any Error)?

    public init(
        code: Code, message: String, metadata: Metadata = Metadata(), details: [UInt8] = [],
        cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.metadata = metadata
        self.details = details
        self.cause = cause
    }

    /// An error from a received status; `nil` when the status is OK.
    public init?(status: Status, metadata: Metadata = Metadata()) {
        guard let code = Code(status.code) else { return nil }
        self.init(code: code, message: status.message, metadata: metadata, details: status.details)
    }

    /// The status that represents this error on the wire.
    public var status: Status {
        Status(code: code.statusCode, message: message, details: details)
    }

    /// Whether retrying the same call may succeed.
    ///
    /// `UNAVAILABLE` is always retryable. `RESOURCE_EXHAUSTED` is retryable only when
    /// the server says so by including ``retryAfterMillisecondsKey`` in the error's
    /// metadata. Every other code is not: retrying would repeat the same answer or,
    /// for `DEADLINE_EXCEEDED` and `ABORTED`, needs knowledge of the method's
    /// idempotency that this layer does not have.
    public var isRetryable: Bool {
        switch code {
        case .unavailable: true
        case .resourceExhausted: !metadata[Self.retryAfterMillisecondsKey].isEmpty
        default: false
        }
    }

    /// Trailing-metadata key (value `1`) by which a server, or the client's transport,
    /// says the call was refused before any of it was processed (the server was
    /// draining, say): sending it again, even elsewhere, is safe.
    public static let notProcessedKey = "rpc-not-processed"

    /// UNAVAILABLE for a call refused before any of it was processed, marked so
    /// (``notProcessedKey``) that it may be sent again.
    public static func notProcessed(_ message: String) -> RPCError {
        var metadata = Metadata()
        try? metadata.addString("1", forKey: notProcessedKey)
        return RPCError(code: .unavailable, message: message, metadata: metadata)
    }

    /// Whether the call was refused before any of it was processed (see ``notProcessedKey``).
    public var wasNotProcessed: Bool { code == .unavailable && !metadata[Self.notProcessedKey].isEmpty }

    public var description: String {
        var text = "\(code): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}

extension RPCError {
    /// Converts any error to an `RPCError` for sending to a peer: an `RPCError` is kept,
    /// a `CancellationError` becomes `CANCELLED`, anything else becomes `UNKNOWN` with
    /// a generic message (the original is kept as `cause`, which is never sent).
    public init(converting error: any Error) {
        if let error = error as? RPCError {
            self = error
        } else if error is CancellationError {
            self.init(code: .cancelled, message: "The call was cancelled.", cause: error)
        } else {
            self.init(code: .unknown, message: "The service failed to handle the call.", cause: error)
        }
    }
}
