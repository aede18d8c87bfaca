import ProtectionMessages
import ProtoWire
import RPCCore

/// The refusals handlers answer with: a status code and, in the details, the typed
/// `ErrorDetail`, as docs/MEASURES.md says. A refused call changes nothing.
enum ServiceError {
    /// The status code of each reason.
    static func code(for reason: ErrorReason) -> RPCError.Code {
        switch reason {
        case .invalidField, .ruleSetInvalid: .invalidArgument
        case .notFound: .notFound
        case .alreadyExists: .alreadyExists
        case .permissionDenied: .permissionDenied
        case .staleRevision: .aborted
        default: .failedPrecondition
        }
    }

    /// The error for a refusal with its detail; a message quoting a huge value is cut
    /// (in the detail too) as every status message is.
    static func refusal(_ detail: ErrorDetail) -> RPCError {
        var detail = detail
        detail.message = Status.cut(detail.message)
        return RPCError(code: code(for: detail.reason), message: detail.message, details: detail.serializedBytes())
    }

    static func refusal(_ reason: ErrorReason, _ message: String, _ fill: (inout ErrorDetail) -> Void = { _ in }) -> RPCError {
        var detail = ErrorDetail()
        detail.reason = reason
        detail.message = message
        fill(&detail)
        return refusal(detail)
    }

    /// INVALID_ARGUMENT naming the fields and what is wrong with each.
    static func invalid(_ violations: [(String, String)]) -> RPCError {
        let message = violations.map { "\($0.0) \($0.1)" }.joined(separator: "; ") + "."
        return refusal(.invalidField, message) { detail in
            detail.fieldViolations = violations.map { path, problem in
                var violation = FieldViolation()
                violation.fieldPath = path
                violation.problem = problem
                return violation
            }
        }
    }

    static func invalid(_ field: String, _ problem: String) -> RPCError { invalid([(field, problem)]) }

    static func notFound(_ message: String) -> RPCError { refusal(.notFound, message) }

    /// NOT_FOUND for another party's record: word for word the answer a missing one
    /// gets; the access interceptor audits `what` was hidden.
    static func hidden(_ message: String, what: String) -> RPCError {
        var error = notFound(message)
        error.cause = NotVisible(what: what)
        return error
    }

    static func wrongState(_ message: String) -> RPCError { refusal(.wrongState, message) }

    static func factMissing(_ message: String) -> RPCError { refusal(.factMissing, message) }

    /// ABORTED: the caller saw another revision than the stored one.
    static func staleRevision(expected: Int64, current: Int64, of what: String) -> RPCError {
        refusal(.staleRevision, "\(what) is at revision \(current), not \(expected); read it again.") {
            $0.currentRevision = current
        }
    }

    /// The typed detail of an error, for answers that carry it (an import's item,
    /// a fact's acknowledgement).
    static func detail(of error: any Error) -> ErrorDetail {
        let rpc = RPCError(converting: error)
        if let detail = try? ErrorDetail(serializedBytes: rpc.details), detail.reason != .unspecified { return detail }
        var detail = ErrorDetail()
        detail.message = rpc.message
        return detail
    }

    static func keyReused(_ key: String) -> RPCError {
        refusal(.idempotencyKeyReused, "The idempotency key '\(key)' was used before with a different request.") {
            $0.idempotencyKey = key
        }
    }
}

/// Collects field problems of a request, to refuse them all at once.
struct FieldCheck {
    private(set) var violations: [(String, String)] = []

    mutating func require(_ condition: Bool, _ field: String, _ problem: String) {
        if !condition { violations.append((field, problem)) }
    }

    /// A known, set value of an enum.
    mutating func known<E: ProtoEnum>(_ value: E, _ field: String) {
        require(value.rawValue != 0 && value.protoName != nil, field, "must be a known value, not \(value.protoName ?? "\(value.rawValue)")")
    }

    mutating func length(_ text: String, max: Int, _ field: String) {
        require(text.count <= max, field, "is longer than \(max) characters")
    }

    /// Throws INVALID_ARGUMENT when anything was wrong.
    func check() throws {
        if !violations.isEmpty { throw ServiceError.invalid(violations) }
    }
}
