/// Limits applied while decoding untrusted bytes. The defaults are safe for a
/// network service; raise them only for trusted input.
public struct DecodeOptions: Sendable, Hashable {
    /// Largest accepted top-level message, in bytes. Default 4 MiB.
    public var maxMessageSize: Int
    /// Deepest accepted nesting of messages (the top level is depth 0). Default 100.
    public var maxDepth: Int
    /// Drop unknown fields instead of keeping them for re-encoding. Default false.
    public var discardUnknownFields: Bool

    public init(maxMessageSize: Int = 4 * 1024 * 1024, maxDepth: Int = 100, discardUnknownFields: Bool = false) {
        self.maxMessageSize = maxMessageSize
        self.maxDepth = maxDepth
        self.discardUnknownFields = discardUnknownFields
    }
}
