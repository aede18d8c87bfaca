/// Why the store refused or failed an operation.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// A guarded key changed since it was read: read again, decide again.
        case conflict
        /// The idempotency key was used before with a different request.
        case idempotencyKeyReused
        /// The database was written by a newer build; this one refuses to open it.
        case databaseTooNew
        /// The database could not be opened, read or written.
        case unavailable
        /// A stored row could not be decoded.
        case corrupt
        /// The store is closed.
        case closed
    }

    public var code: Code
    public var message: String
    /// The key concerned (a guard's, or the idempotency key).
    public var key: String

    public init(_ code: Code, _ message: String, key: String = "") {
        self.code = code
        self.message = message
        self.key = key
    }

    public var description: String { message }
}
