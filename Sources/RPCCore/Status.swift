/// The outcome of a call, as carried in the final part of every response stream.
///
/// A status pairs one of gRPC's seventeen codes with a human-readable message and
/// optional opaque `details` (an encoded detail message, e.g. a description of the
/// evidence a request is missing). A non-OK status becomes an ``RPCError`` on the
/// calling side.
public struct Status: Sendable, Hashable, CustomStringConvertible {
    /// gRPC's status codes, with the numbers used on the wire.
    public enum Code: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Not an error; returned on success.
        case ok = 0
        /// The operation was cancelled, typically by the caller.
        case cancelled = 1
        /// Unknown error, e.g. an error raised by a handler that carries no status of its own.
        case unknown = 2
        /// The client specified an invalid argument, whatever the state of the system.
        case invalidArgument = 3
        /// The deadline expired before the operation could complete.
        case deadlineExceeded = 4
        /// Some requested entity was not found.
        case notFound = 5
        /// The entity that a client attempted to create already exists.
        case alreadyExists = 6
        /// The caller does not have permission to execute the operation.
        case permissionDenied = 7
        /// Some resource has been exhausted: a quota, a rate limit, a size limit.
        case resourceExhausted = 8
        /// The system is not in a state required for the operation's execution.
        case failedPrecondition = 9
        /// The operation was aborted, typically because of a concurrency conflict.
        case aborted = 10
        /// The operation was attempted past the valid range.
        case outOfRange = 11
        /// The operation is not implemented or not supported by this service.
        case unimplemented = 12
        /// An invariant expected by the underlying system was broken.
        case internalError = 13
        /// The service is currently unavailable; a retry with backoff may succeed.
        case unavailable = 14
        /// Unrecoverable data loss or corruption.
        case dataLoss = 15
        /// The request does not have valid authentication credentials.
        case unauthenticated = 16

        /// Maps a number received on the wire to a code; numbers outside 0...16
        /// become ``unknown``, as gRPC specifies.
        public init(wireValue: Int) {
            self = Code(rawValue: wireValue) ?? .unknown
        }

        /// Parses the canonical upper-case name, e.g. `"DEADLINE_EXCEEDED"`.
        public init?(name: String) {
            guard let code = Code.allCases.first(where: { $0.name == name }) else { return nil }
            self = code
        }

        /// The canonical upper-case name, e.g. `"INVALID_ARGUMENT"`.
        public var name: String {
            switch self {
            case .ok: "OK"
            case .cancelled: "CANCELLED"
            case .unknown: "UNKNOWN"
            case .invalidArgument: "INVALID_ARGUMENT"
            case .deadlineExceeded: "DEADLINE_EXCEEDED"
            case .notFound: "NOT_FOUND"
            case .alreadyExists: "ALREADY_EXISTS"
            case .permissionDenied: "PERMISSION_DENIED"
            case .resourceExhausted: "RESOURCE_EXHAUSTED"
            case .failedPrecondition: "FAILED_PRECONDITION"
            case .aborted: "ABORTED"
            case .outOfRange: "OUT_OF_RANGE"
            case .unimplemented: "UNIMPLEMENTED"
            case .internalError: "INTERNAL"
            case .unavailable: "UNAVAILABLE"
            case .dataLoss: "DATA_LOSS"
            case .unauthenticated: "UNAUTHENTICATED"
            }
        }

        /// The documented meaning of the code, one sentence.
        public var meaning: String {
            switch self {
            case .ok: "Not an error; returned on success."
            case .cancelled: "The operation was cancelled, typically by the caller."
            case .unknown: "Unknown error."
            case .invalidArgument: "The client specified an invalid argument."
            case .deadlineExceeded: "The deadline expired before the operation could complete."
            case .notFound: "Some requested entity was not found."
            case .alreadyExists: "The entity that a client attempted to create already exists."
            case .permissionDenied: "The caller does not have permission to execute the specified operation."
            case .resourceExhausted: "Some resource has been exhausted."
            case .failedPrecondition:
                "The operation was rejected because the system is not in a state required for its execution."
            case .aborted: "The operation was aborted, typically due to a concurrency issue."
            case .outOfRange: "The operation was attempted past the valid range."
            case .unimplemented: "The operation is not implemented or is not supported by this service."
            case .internalError: "Internal error: an invariant expected by the underlying system was broken."
            case .unavailable: "The service is currently unavailable; retrying with a backoff may succeed."
            case .dataLoss: "Unrecoverable data loss or corruption."
            case .unauthenticated: "The request does not have valid authentication credentials for the operation."
            }
        }

        public var description: String { name }
    }

    /// The code.
    public var code: Code
    /// A message for developers; never shown to end users as is.
    public var message: String
    /// An encoded detail message, opaque at this layer; empty when there is none.
    public var details: [UInt8]

    public init(code: Code, message: String = "", details: [UInt8] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// The successful status.
    public static let ok = Status(code: .ok)

    /// Whether this is the successful status.
    public var isOK: Bool { code == .ok }

    public var description: String {
        message.isEmpty ? code.name : "\(code.name): \(message)"
    }
}

extension Status {
    /// The longest status message a server sends, in UTF-8 bytes: an error quoting
    /// a huge value (a 16 KB method name, a field's content) is cut to this, with "…".
    public static let maxMessageBytes = 1_024

    /// `text` cut to at most `maxBytes` UTF-8 bytes on a character boundary, ending
    /// in "…" when cut.
    public static func cut(_ text: String, toBytes maxBytes: Int = maxMessageBytes) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var kept = ""
        var used = 3  // "…"
        for character in text {
            let size = character.utf8.count
            guard used + size <= maxBytes else { break }
            kept.append(character)
            used += size
        }
        return kept + "…"
    }

    /// The status with its message cut to ``maxMessageBytes``.
    public var withMessageCut: Status {
        var status = self
        status.message = Status.cut(message)
        return status
    }
}
