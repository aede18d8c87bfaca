/// Fields a decoder did not recognise, kept as their raw bytes (tags
/// included) so that re-encoding a message loses nothing.
public struct UnknownFields: Hashable, Sendable {
    /// The raw bytes, in the order they were read.
    public var data: [UInt8]

    @inlinable public init() { data = [] }
    @inlinable public init(data: [UInt8]) { self.data = data }

    @inlinable public var isEmpty: Bool { data.isEmpty }

    @inlinable
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        data.append(contentsOf: bytes)
    }
}
